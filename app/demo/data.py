"""Demo reference data for Thanh Hóa (SPEC §10). Idempotent: loads what is missing."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import create_user
from app.extensions import db
from app.fees.services import load_defaults as load_fee_defaults
from app.orgs.services import agency_by_code, create_agency, create_office, office_by_code

OPENING_HOURS = "Thứ Hai–Thứ Sáu 7:00–17:00; Thứ Bảy 7:30–11:30"

# Demo offices and agencies at real commune codes; addresses and phones are illustrative.
OFFICES: list[dict[str, Any]] = [
    {"code": "BC-THANHHOA", "name": "Bưu điện tỉnh Thanh Hóa", "unit_code": "14797",
     "address_line": "Số 25 Trần Phú", "phone": "02373852222"},
    {"code": "BC-BIMSON", "name": "Bưu cục Bỉm Sơn", "unit_code": "14812",
     "address_line": "Số 10 Trần Phú", "phone": "02373824300"},
    {"code": "BC-HATRUNG", "name": "Bưu cục Hà Trung", "unit_code": "15271",
     "address_line": "Tiểu khu 4", "phone": "02373836200"},
    {"code": "BC-SAMSON", "name": "Bưu cục Sầm Sơn", "unit_code": "16531",
     "address_line": "Số 2 Lê Lợi", "phone": "02373821300"},
    {"code": "BC-MUONGLAT", "name": "Bưu cục Mường Lát", "unit_code": "14845",
     "address_line": "Khu phố Chiềng Cồng", "phone": "02373549100"},
]

AGENCIES: list[dict[str, Any]] = [
    {"code": "UBND-14812", "name": "UBND phường Bỉm Sơn", "unit_code": "14812",
     "address_line": "Số 1 Trần Phú", "phone": "02373824123", "office_code": "BC-BIMSON"},
    {"code": "UBND-14818", "name": "UBND phường Quang Trung", "unit_code": "14818",
     "address_line": "Số 3 Nguyễn Văn Cừ", "phone": "02373824555", "office_code": "BC-BIMSON"},
    {"code": "UBND-15271", "name": "UBND xã Hà Trung", "unit_code": "15271",
     "address_line": "Tiểu khu 3", "phone": "02373836111", "office_code": "BC-HATRUNG"},
    {"code": "TTPVHCC-38", "name": "Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
     "unit_code": "14797", "address_line": "Số 28 Đại lộ Lê Lợi", "phone": "02373900000",
     "office_code": "BC-THANHHOA"},
]

USERS: list[dict[str, Any]] = [
    {"username": "admin", "role": Role.admin, "full_name": "Quản trị hệ thống"},
    {"username": "supervisor", "role": Role.supervisor, "full_name": "Lê Thị Giám Sát",
     "office_code": "BC-THANHHOA"},
    {"username": "clerk", "role": Role.clerk, "full_name": "Trần Thị Giao Dịch",
     "office_code": "BC-BIMSON"},
    {"username": "courier", "role": Role.courier, "full_name": "Phạm Văn Bưu Tá",
     "office_code": "BC-BIMSON"},
    {"username": "agency", "role": Role.agency, "full_name": "Nguyễn Văn Cán Bộ",
     "agency_code": "UBND-14812"},
]


def demo_password(username: str) -> str:
    return f"demo-{username}"


def load_demo() -> list[tuple[str, str, bool]]:
    """Load offices, agencies, the default tariff and policies, and one user per role;
    returns (username, password, created)."""
    for office in OFFICES:
        if office_by_code(office["code"]) is None:
            create_office(None, opening_hours=OPENING_HOURS, **office)
    for agency in AGENCIES:
        if agency_by_code(agency["code"]) is None:
            create_agency(None, **agency)
    load_fee_defaults()
    users = []
    for spec in USERS:
        exists = db.session.scalar(select(User.id).where(User.username == spec["username"]))
        password = demo_password(spec["username"])
        if exists is None:
            create_user(password=password, **spec)
        users.append((spec["username"], password, exists is None))
    db.session.flush()
    return users


def demo_loaded() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None
