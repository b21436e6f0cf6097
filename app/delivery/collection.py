"""Items waiting for collection after a failed delivery (TT17 Điều 5): which need their second
notice, which are due to go back to the agency, and the notice (giấy mời) itself."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app import clock
from app.accounts.models import User
from app.errors import NotFound
from app.extensions import db
from app.fees.calendar import add_working_days
from app.labels.records import FailedDeliveryNotice
from app.labels.render_labels import render_notice
from app.labels.services import office_info, shipment_docs, templates_dir
from app.labels.values import address
from app.labels.zpl import render_notice_zpl
from app.orgs.models import Office
from app.pagination import Page, decode_cursor, encode_cursor
from app.shipments import lifecycle
from app.shipments.models import Shipment, Status
from app.shipments.services import events_of, get_visible, visible_to
from app.vocabulary import Event

CHUNK = 200  # candidates examined per query while filling a page


@dataclass(frozen=True)
class Collection:
    shipment: Shipment
    notices: list[date]
    refused: bool
    second_notice_from: date | None
    collect_by: date | None
    return_allowed: bool

    @property
    def due_for_return(self) -> bool:
        # The lifecycle allows a return once the notice rule holds; the list waits until the
        # date printed on the last notice has passed too, unless the recipient refused.
        today = clock.today_in_province()
        overdue = self.collect_by is not None and today > self.collect_by
        return self.return_allowed and (self.refused or overdue)

    @property
    def second_notice_due(self) -> bool:
        today = clock.today_in_province()
        return (not self.return_allowed and self.second_notice_from is not None
                and today >= self.second_notice_from)


def collect_by(notice_day: date) -> date:
    """The last day to collect, printed on a notice: two working days after it (TT17 Điều 5)."""
    return add_working_days(notice_day, lifecycle.NOTICE_INTERVAL_WORKING_DAYS)


def returns_due(actor: User, args: dict) -> Page[Collection]:
    return _awaiting(actor, args, lambda c: c.due_for_return)


def notices_due(actor: User, args: dict) -> Page[Collection]:
    return _awaiting(actor, args, lambda c: c.second_notice_due)


def _awaiting(actor: User, args: dict, wanted: Callable[[Collection], bool]) -> Page[Collection]:
    """Items awaiting collection that `wanted` keeps, oldest first, with a keyset cursor."""
    limit = args["limit"]
    (after,) = decode_cursor(args["cursor"], int) if args.get("cursor") else (0,)
    stmt = select(Shipment).where(Shipment.status == Status.awaiting_collection, visible_to(actor))
    if args.get("office"):
        stmt = stmt.join(Office, Shipment.office_id == Office.id).where(Office.code == args["office"])
    found: list[Collection] = []
    while True:
        chunk = list(db.session.scalars(stmt.where(Shipment.id > after).order_by(Shipment.id).limit(CHUNK)))
        timelines = lifecycle.timelines_of(s.id for s in chunk)
        for shipment in chunk:
            after = shipment.id
            item = collection_of(shipment, timelines[shipment.id])
            if wanted(item):
                found.append(item)
                if len(found) == limit:
                    return Page(found, encode_cursor(after))
        if len(chunk) < CHUNK:
            return Page(found, None)


def collection_of(shipment: Shipment, timeline: list[lifecycle.Step]) -> Collection:
    days = lifecycle.notice_days(timeline)
    return Collection(shipment=shipment, notices=days, refused=lifecycle.refused(timeline),
                      second_notice_from=lifecycle.second_notice_from(timeline),
                      collect_by=collect_by(days[-1]) if days else None,
                      return_allowed=lifecycle.return_allowed(timeline))


def notice_pdf(actor: User, tracking_number: str) -> bytes:
    """The notice of the shipment's latest failed delivery, as the courier leaves it."""
    return render_notice([notice_of(actor, tracking_number)], directory=templates_dir())


def notice_zpl(actor: User, tracking_number: str) -> str:
    """The same notice for a Zebra-type thermal printer (A6, 203 dpi)."""
    return render_notice_zpl([notice_of(actor, tracking_number)], directory=templates_dir())


def notice_of(actor: User, tracking_number: str) -> FailedDeliveryNotice:
    """What the notice of the shipment's latest failed delivery says."""
    shipment = get_visible(actor, tracking_number)
    failed = [e for e in events_of(shipment) if e.event == Event.delivery_failed]
    if not failed:
        raise NotFound(f"No delivery of {shipment.tracking_number} has failed; there is no notice.",
                       code="no_notice")
    event = failed[-1]
    office = db.session.get(Office, event.office_id) if event.office_id else shipment.office
    courier = db.session.get(User, event.actor_id) if event.actor_id else None
    doc = shipment_docs([shipment])[0]
    return FailedDeliveryNotice(
        tracking_number=shipment.tracking_number, tracking_url=doc.tracking_url,
        recipient_name=shipment.recipient_name, recipient_address=address(doc.recipient),
        attempt=len(failed), attempted_at=event.occurred_at, reason=event.reason or "",
        office=office_info(office or shipment.office),
        collect_by=collect_by(event.occurred_at.astimezone(clock.PROVINCE_TZ).date()),
        return_to=shipment.agency.name, courier_name=courier.full_name if courier else "")

