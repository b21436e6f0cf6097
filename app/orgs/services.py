from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.services import record as audit
from app.db import assign
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.geo.services import require_commune
from app.orgs.models import Agency, Office

# What an edit may change: a place's code and commune stay (shipments and users name it by code).
OFFICE_EDITABLE = ("name", "address_line", "phone", "opening_hours")
AGENCY_EDITABLE = ("name", "address_line", "phone")
Place = TypeVar("Place", Office, Agency)


def list_offices() -> list[Office]:
    return list(db.session.scalars(select(Office).order_by(Office.code)))


def list_agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.code)))


def office_by_code(code: str) -> Office | None:
    return db.session.scalar(select(Office).where(Office.code == code))


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.code == code))


def create_office(actor: User | None, *, code: str, name: str, unit_code: str,
                  address_line: str, phone: str | None = None,
                  opening_hours: str | None = None) -> Office:
    require_commune(unit_code, "unit_code")
    if office_by_code(code):
        raise Conflict(f"Office {code!r} exists already.", code="office_exists")
    office = Office(code=code, name=name, unit_code=unit_code, address_line=address_line,
                    phone=phone, opening_hours=opening_hours)
    db.session.add(office)
    db.session.flush()
    audit(actor, "office.create", "office", office.id, {"code": code})
    return office


def create_agency(actor: User | None, *, code: str, name: str, unit_code: str,
                  address_line: str, office_code: str, phone: str | None = None) -> Agency:
    require_commune(unit_code, "unit_code")
    office = office_by_code(office_code)
    if office is None:
        raise ValidationFailed("office_code", f"No office {office_code!r}.")
    if agency_by_code(code):
        raise Conflict(f"Agency {code!r} exists already.", code="agency_exists")
    agency = Agency(code=code, name=name, unit_code=unit_code, address_line=address_line,
                    phone=phone, office_id=office.id)
    db.session.add(agency)
    db.session.flush()
    audit(actor, "agency.create", "agency", agency.id, {"code": code})
    return agency


def update_office(actor: User, code: str, changes: Mapping[str, Any]) -> Office:
    """Edit an office's name, address, phone and opening hours."""
    return _edited(actor, "office", office_named(code), changes, OFFICE_EDITABLE)


def update_agency(actor: User, code: str, changes: Mapping[str, Any]) -> Agency:
    """Edit an agency's name, address and phone."""
    return _edited(actor, "agency", _agency(code), changes, AGENCY_EDITABLE)


def set_agency_active(actor: User, code: str, active: bool) -> Agency:
    """An inactive agency's officers see nothing and nobody may name it on a new shipment
    (app.access); its shipments stay as they are."""
    agency = _agency(code)
    if agency.active != active:
        agency.active = active
        db.session.flush()
        audit(actor, "agency.activate" if active else "agency.deactivate", "agency", agency.id,
              {"code": agency.code})
    return agency


def staff_counts() -> tuple[dict[int, int], dict[int, int]]:
    """Active users per office id and per agency id."""
    def count(column: Any) -> dict[int, int]:
        rows = db.session.execute(select(column, func.count()).where(User.active, column.is_not(None))
                                  .group_by(column))
        return dict(rows.tuples().all())

    return count(User.office_id), count(User.agency_id)


def _edited(actor: User, kind: str, place: Place, changes: Mapping[str, Any],
            editable: tuple[str, ...]) -> Place:
    """Set the editable fields given; those that changed are audited as `kind`.update."""
    detail = assign(place, changes, editable)
    if detail:
        db.session.flush()
        audit(actor, f"{kind}.update", kind, place.id, {"code": place.code, **detail})
    return place


def office_named(code: str) -> Office:
    """The office with this code; 404 office_not_found when there is none."""
    office = office_by_code(code)
    if office is None:
        raise NotFound(f"No office {code!r}.", code="office_not_found")
    return office


def _agency(code: str) -> Agency:
    agency = agency_by_code(code)
    if agency is None:
        raise NotFound(f"No agency {code!r}.", code="agency_not_found")
    return agency
