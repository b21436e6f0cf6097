from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from app.audit.services import record as audit
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.geo.services import require_commune
from app.orgs.models import Agency, Office

if TYPE_CHECKING:
    from app.accounts.models import User


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
