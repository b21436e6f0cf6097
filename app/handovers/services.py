"""Handover records: signed when written, never edited, corrected by a new record.

To the agency (intake): each dossier's `delivered` event is the record's signing time, the
legal submission time (QĐ45; SPEC §3). From the agency (return): each result is `accepted`.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import BigInteger, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.access import POST_STAFF, known_agency, scope
from app.accounts.models import Role, User
from app.audit.services import record as audit
from app.delivery.services import deliver_by_handover
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.handovers.models import Direction, HandoverLine, HandoverRecord, RecordStatus
from app.labels import records
from app.labels.render_flow import render_handover
from app.labels.services import handover_line, office_info, templates_dir
from app.orgs.models import Agency
from app.pagination import Page, keyset
from app.scans.checks import future_problem
from app.shipments.models import Service, Shipment
from app.shipments.services import normalise_tracking_number, record_event
from app.sql import one_of
from app.vocabulary import Event

SERVICES_FOR = {
    Direction.to_agency: (Service.intake, Service.both),
    Direction.from_agency: (Service.return_,),
}


def create_record(actor: User, data: dict) -> HandoverRecord:
    """A record from the API body: direction, agency_code, tracking_numbers, signatories."""
    agency = known_agency(data["agency_code"])
    numbers = [normalise_tracking_number(n) for n in data["tracking_numbers"]]
    return sign_record(actor, direction=data["direction"], agency=agency, tracking_numbers=numbers,
                       agency_signatory=data["agency_signatory"], signed_at=data.get("signed_at"),
                       corrects_id=data.get("corrects"), note=data.get("note"))


def sign_record(actor: User, *, direction: Direction, agency: Agency, tracking_numbers: Sequence[str],
                agency_signatory: str, signed_at: datetime | None = None, corrects_id: int | None = None,
                note: str | None = None) -> HandoverRecord:
    _may_hand_over(actor, agency)
    signed_at = signed_at or clock.now()
    problem = future_problem(signed_at, clock.now(), current_app.config["SCAN_CLOCK_SKEW_SECONDS"])
    if problem:
        raise ValidationFailed("signed_at", problem, code="occurred_in_future")
    if len(set(tracking_numbers)) != len(tracking_numbers):
        raise ValidationFailed("tracking_numbers", "A number is listed twice.", code="duplicate_item")
    shipments = _lock_shipments(tracking_numbers)
    for s in shipments:
        if s.agency_id != agency.id:
            raise Forbidden(f"{s.tracking_number} belongs to another agency.", code="other_agency",
                            errors={"tracking_numbers": [s.tracking_number]})
        if s.service not in SERVICES_FOR[direction]:
            raise Conflict(f"{s.tracking_number} is a {s.service.value} shipment; it cannot be handed "
                           f"over {direction.value.replace('_', ' ')}.", code="wrong_direction",
                           errors={"tracking_numbers": [s.tracking_number]})
    carried = _supersede(corrects_id, direction, agency) if corrects_id else set()
    _refuse_items_on_records([s for s in shipments if s.id not in carried])

    office = actor.office or agency.office
    by_number = {s.tracking_number: s for s in shipments}
    for s in shipments:
        if s.id in carried:
            continue  # its event came with the corrected record; events are facts, never redone
        if direction is Direction.to_agency:
            deliver_by_handover(s, actor=actor, occurred_at=signed_at, office=office)
        else:
            record_event(s, Event.accepted, actor=actor, occurred_at=signed_at, office=office)
    record = HandoverRecord(
        direction=direction, status=RecordStatus.signed, agency=agency, office=office,
        corrects_id=corrects_id, post_signatory_id=actor.id, post_signatory_name=actor.full_name,
        agency_signatory_name=agency_signatory, signed_at=signed_at, created_by_id=actor.id,
        created_at=clock.now(), note=note,
        lines=[_line(i, by_number[n]) for i, n in enumerate(tracking_numbers)])
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the partial unique index: another request won the race
        if "handover_lines" in str(exc.orig):
            raise Conflict("An item is already on a handover record in force.",
                           code="already_on_record") from None
        raise
    audit(actor, "handover.sign", "handover", record.number,
          {"direction": direction.value, "items": len(shipments), "corrects": corrects_id})
    return record


def get_record(actor: User, record_id: int) -> HandoverRecord:
    record = db.session.scalar(select(HandoverRecord).where(HandoverRecord.id == record_id,
                                                            scope(actor, HandoverRecord)))
    if record is None:
        raise NotFound(f"No handover record {record_id}.", code="handover_not_found")
    return record


def list_records(actor: User, args: dict[str, Any]) -> Page[HandoverRecord]:
    """The records the actor may see (an agency its own), newest first; `direction` filters."""
    stmt = select(HandoverRecord).where(scope(actor, HandoverRecord))
    if args.get("direction"):
        stmt = stmt.where(HandoverRecord.direction == args["direction"])
    return keyset(stmt, [HandoverRecord.id], args, descending=True)


def record_pdf(actor: User, record_id: int) -> bytes:
    r = get_record(actor, record_id)
    doc = records.HandoverRecord(
        number=r.number, direction="intake" if r.direction is Direction.to_agency else "return",
        signed_at=r.signed_at, office=office_info(r.office), agency_name=r.agency.name,
        agency_address=r.agency.address_line, post_signatory=r.post_signatory_name,
        agency_signatory=r.agency_signatory_name,
        lines=tuple(records.HandoverLine(x.tracking_number, x.slip_number, x.dossier_code, x.citizen_name,
                                         x.procedure, x.originals, x.copies, x.collect_fee_vnd)
                    for x in r.lines),
        note=(r.note if r.corrects_id is None
              else f"Thay thế biên bản BBGN-{r.corrects_id:06d}. {r.note or ''}".strip()))
    return render_handover(doc, directory=templates_dir())


def _may_hand_over(actor: User, agency: Agency) -> None:
    if actor.role not in POST_STAFF:
        raise Forbidden("Handover records are written by post-office staff.", code="role_forbidden")
    if actor.role is not Role.supervisor and actor.office_id != agency.office_id:
        raise Forbidden("This agency is served by another post office.", code="other_office")


def _lock_shipments(numbers: Sequence[str]) -> list[Shipment]:
    # Rows locked in id order, so two records over overlapping items queue instead of deadlocking.
    rows = list(db.session.scalars(
        select(Shipment).where(Shipment.tracking_number.in_(numbers))
        .order_by(Shipment.id).with_for_update(of=Shipment)).unique())
    missing = sorted(set(numbers) - {s.tracking_number for s in rows})
    if missing:
        raise NotFound(f"No shipment {', '.join(missing)}.", code="shipments_not_found",
                       errors={"tracking_numbers": missing})
    return rows


def _refuse_items_on_records(shipments: Sequence[Shipment]) -> None:
    if not shipments:
        return
    taken = list(db.session.execute(
        select(HandoverLine.tracking_number, HandoverLine.record_id)
        .where(one_of(HandoverLine.shipment_id, [s.id for s in shipments], BigInteger()),
               HandoverLine.in_force)))
    if taken:
        listed = [f"{n} (BBGN-{r:06d})" for n, r in taken]
        raise Conflict(f"Already on a handover record in force: {', '.join(listed)}.",
                       code="already_on_record", errors={"tracking_numbers": [n for n, _ in taken]})


def _supersede(corrects_id: int, direction: Direction, agency: Agency) -> set[int]:
    old = db.session.scalar(select(HandoverRecord).where(HandoverRecord.id == corrects_id)
                            .with_for_update(of=HandoverRecord))
    if old is None or old.agency_id != agency.id or old.direction is not direction:
        raise ValidationFailed("corrects", "No record in force of this agency and direction with that id.",
                               code="unknown_record")
    if old.status is RecordStatus.superseded:
        raise Conflict(f"{old.number} was corrected already; correct the latest record.",
                       code="already_corrected")
    old.status = RecordStatus.superseded
    for line in old.lines:
        line.in_force = False
    db.session.flush()  # release the lines before the new ones take the index
    return {line.shipment_id for line in old.lines}


def _line(position: int, s: Shipment) -> HandoverLine:
    x = handover_line(s)
    return HandoverLine(shipment_id=s.id, position=position, tracking_number=x.tracking_number,
                        slip_number=x.slip_number, dossier_code=x.dossier_code, citizen_name=x.citizen_name,
                        procedure=x.procedure, originals=x.originals, copies=x.copies,
                        collect_fee_vnd=x.collect_fee_vnd)
