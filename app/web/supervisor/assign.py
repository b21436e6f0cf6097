"""Pickups on the supervisor's desk: what agencies asked the office to collect, to give to a
courier (pickups.services.assign, as POST /api/v1/pickups/{id}/assign does), and those given."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.errors import DomainError
from app.extensions import db
from app.orgs.models import Office
from app.orgs.services import list_offices
from app.pickups import services as pickup_services
from app.pickups.models import Pickup, PickupStatus
from app.pickups.schemas import AssignIn
from app.web.session import current_staff
from app.web.supervisor.routes import bp, chosen_office, couriers_at, refusal

ASSIGN_IN = AssignIn()
LISTED = 200


@bp.get("/pickups")
def pickups() -> tuple[str, int]:
    return _page(chosen_office()), 200


@bp.post("/pickups/<int:pickup_id>/assign")
def assign_pickup(pickup_id: int) -> Response | tuple[str, int]:
    office = chosen_office()
    try:
        body = ASSIGN_IN.load({"courier": request.form.get("courier", "").strip() or None})
        pickup = pickup_services.assign(current_staff(), pickup_id, body["courier"])
    except ValidationError:
        return _page(office, pickup_id, _("Chọn bưu tá.")), 422
    except DomainError as exc:
        return _page(office, pickup_id, refusal(exc.code)), exc.status
    assert pickup.courier is not None
    flash(_("Đã giao yêu cầu lấy hồ sơ số %(id)d cho bưu tá %(name)s.", id=pickup.id,
            name=pickup.courier.full_name), "success")
    where = url_for("supervisor.pickups", office=pickup.office.code, _anchor=f"pickup-{pickup.id}")
    return redirect(where, code=303)


def open_pickups(office: Office) -> list[Pickup]:
    """The office's pickups not yet done, by the start of their window."""
    return list(db.session.scalars(
        select(Pickup).where(Pickup.office_id == office.id,
                             Pickup.status.in_((PickupStatus.requested, PickupStatus.assigned)))
        .order_by(Pickup.window_start, Pickup.id).limit(LISTED)).unique())


def _page(office: Office, refused: int | None = None, message: str | None = None) -> str:
    """The page; `message` says why the pickup `refused` was not assigned, beside its row when
    it is listed, and at the top in any case."""
    found = open_pickups(office)
    return render_template(
        "supervisor/pickups.html", office=office, offices=list_offices(), couriers=couriers_at(office),
        requested=[p for p in found if p.status is PickupStatus.requested],
        assigned=[p for p in found if p.status is PickupStatus.assigned], refused=refused, message=message)
