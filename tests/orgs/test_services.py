"""Offices and agencies kept by the admin (issue 12): edits and an agency switched off and on,
each written to the audit log once; staff counts; the API's office code fits its column."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from app.access import known_agency
from app.accounts.models import User
from app.audit.models import AuditEntry
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.orgs import services as orgs


@pytest.fixture
def admin(app: Flask) -> Iterator[User]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "admin"))
        assert user is not None
        yield user


def entries(entity_type: str, entity_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id),
    ).order_by(AuditEntry.id)))


def test_an_office_edit_changes_only_what_differs_and_is_audited_once(admin):
    office = orgs.office_by_code("BC-HATRUNG")
    assert office is not None
    orgs.update_office(admin, "BC-HATRUNG", {"name": "Bưu cục Hà Trung", "address_line": "Tiểu khu 5",
                                             "phone": None, "opening_hours": "7:00–17:00"})
    assert (office.address_line, office.phone, office.opening_hours) == ("Tiểu khu 5", None, "7:00–17:00")
    orgs.update_office(admin, "BC-HATRUNG", {"address_line": "Tiểu khu 5"})  # nothing new: no entry
    [entry] = [e for e in entries("office", office.id) if e.action == "office.update"]
    assert entry.actor_user_id == admin.id
    assert entry.detail == {"code": "BC-HATRUNG", "address_line": "Tiểu khu 5", "phone": None,
                            "opening_hours": "7:00–17:00"}


def test_an_agency_edit_keeps_its_code_commune_and_office(admin):
    agency = orgs.update_agency(admin, "UBND-14818", {"name": "UBND phường Quang Trung (mới)",
                                                      "code": "OTHER", "unit_code": "15271"})
    assert (agency.code, agency.unit_code) == ("UBND-14818", "14818")
    assert agency.name == "UBND phường Quang Trung (mới)"
    assert [e.action for e in entries("agency", agency.id)][-1] == "agency.update"


def test_an_inactive_agency_cannot_be_named_until_reactivated(admin):
    agency = orgs.set_agency_active(admin, "UBND-15271", False)
    orgs.set_agency_active(admin, "UBND-15271", False)  # already off: nothing to record
    with pytest.raises(ValidationFailed):
        known_agency("UBND-15271")
    orgs.set_agency_active(admin, "UBND-15271", True)
    assert known_agency("UBND-15271") is agency
    assert [e.action for e in entries("agency", agency.id)][-2:] == ["agency.deactivate", "agency.activate"]


def test_unknown_places_are_not_found(admin):
    with pytest.raises(NotFound):
        orgs.update_office(admin, "BC-NOWHERE", {"name": "X"})
    with pytest.raises(NotFound):
        orgs.set_agency_active(admin, "NOWHERE", False)


def test_staff_are_counted_while_active(admin):
    by_office, by_agency = orgs.staff_counts()
    bim_son, agency = orgs.office_by_code("BC-BIMSON"), orgs.agency_by_code("UBND-14812")
    assert bim_son is not None and agency is not None
    assert (by_office[bim_son.id], by_agency[agency.id]) == (2, 1)  # clerk and courier; the officer
    courier = db.session.scalar(select(User).where(User.username == "courier"))
    assert courier is not None
    courier.active = False
    db.session.flush()
    assert orgs.staff_counts()[0][bim_son.id] == 1


def test_an_office_code_longer_than_its_column_is_refused(as_user, problem):
    resp = as_user("admin").post("/api/v1/offices", json={
        "code": "BC-" + "X" * 18, "name": "Bưu cục dài", "unit_code": "14812", "address_line": "Số 1"})
    problem(resp, 422, "validation_error")
    assert "code" in resp.get_json()["errors"]
