"""Sample records for template previews (`flask labels preview`) and field discovery."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from app.labels.records import (
    DeliveryList,
    DeliveryStop,
    Document,
    FailedDeliveryNotice,
    HandoverLine,
    HandoverRecord,
    OfficeInfo,
    Party,
    ShipmentDoc,
)
from app.labels.values import tracking_url

BASE_URL = "http://127.0.0.1:5000"
OFFICE = OfficeInfo("Bưu cục Bỉm Sơn", "Số 10 Trần Phú, Phường Bỉm Sơn, Thanh Hóa", "02373824300",
                    "Thứ Hai–Thứ Sáu 7:00–17:00; Thứ Bảy 7:30–11:30")
FEE = {
    "zone": "local", "distance_km": 0.0,
    "lines": [{"code": "base", "label": "Cước chiều về", "amount_vnd": 26000},
              {"code": "collection", "label": "Thu hộ lệ phí", "amount_vnd": 8000}],
    "gross_vnd": 34000, "discount_vnd": 13000, "total_vnd": 21000, "vat_vnd": 1556,
    "policy": "THA-COVID19-2020", "subsidy_budget_vnd": 6500, "subsidy_post_vnd": 6500,
    "tariff_version": "VNPOST-2020",
}
NAMES = ("Nguyễn Văn Ất", "Trần Thị Ánh Nguyệt", "Lê Hoàng Đức", "Phạm Thị Ổn", "Hồ Sỹ Quyết",
         "Đặng Thùy Dương", "Vũ Ngọc Ẩn", "Bùi Thị Yến", "Ngô Quang Hưởng", "Lương Thế Vinh")


def shipment(i: int = 0, tracking_number: str = "HB473124829VN", base_url: str = BASE_URL) -> ShipmentDoc:
    return ShipmentDoc(
        tracking_number=tracking_number, tracking_url=tracking_url(base_url, tracking_number),
        service="return", dossier_code=f"000.00.12.H56-200313-{i % 10000:04d}",
        procedure="Cấp bản sao trích lục hộ tịch", agency_name="UBND phường Bỉm Sơn",
        office=OFFICE,
        sender=Party("UBND phường Bỉm Sơn", "02373824123", "Số 1 Trần Phú", "Phường Bỉm Sơn", "Thanh Hóa"),
        recipient=Party(NAMES[i % len(NAMES)], "0912345678", f"Thôn Đông, số nhà {i + 1}",
                        "Phường Bỉm Sơn", "Thanh Hóa"),
        weight_g=120,
        documents=(Document("Trích lục khai sinh", True, 1), Document("Tờ khai đăng ký hộ tịch", False, 2)),
        accepted_on=date(2020, 3, 16), due_date=date(2020, 3, 17), collect_fee_vnd=30000,
        fee=FEE, clerk_name="Trần Thị Giao Dịch",
        beneficiary_category="poor_household", beneficiary_certificate="HN-2020-0042")


def handover(count: int = 30) -> HandoverRecord:
    lines = tuple(HandoverLine(
        tracking_number=f"HA{10000000 + i:08d}0VN", slip_number=f"HA{10000000 + i:08d}0VN",
        dossier_code=f"000.00.12.H56-200313-{i:04d}", citizen_name=NAMES[i % len(NAMES)],
        procedure="Đăng ký khai sinh", originals=1 + i % 3, copies=i % 2, collect_fee_vnd=8000 * (i % 2))
        for i in range(1, count + 1))
    return HandoverRecord(
        number="BB-BIMSON-20200316-01", direction="intake",
        signed_at=datetime(2020, 3, 16, 3, 30, tzinfo=UTC), office=OFFICE,
        agency_name="UBND phường Bỉm Sơn", agency_address="Số 1 Trần Phú, Phường Bỉm Sơn, Thanh Hóa",
        post_signatory="Phạm Văn Bưu Tá", agency_signatory="Nguyễn Văn Cán Bộ", lines=lines)


def delivery_list(count: int = 25) -> DeliveryList:
    stops = tuple(DeliveryStop(
        tracking_number=f"HB{20000000 + i:08d}0VN", recipient_name=NAMES[i % len(NAMES)],
        phone="0912345678", address=f"Thôn {i}, Phường Bỉm Sơn", documents=1 + i % 2,
        collect_vnd=30000 if i % 3 == 0 else 0, note="Gọi trước khi giao" if i % 4 == 0 else None)
        for i in range(1, count + 1))
    return DeliveryList(number="DL-BIMSON-20200317-1", day=date(2020, 3, 17), office=OFFICE,
                        courier_name="Phạm Văn Bưu Tá", stops=stops, route="Tuyến 2 – Bắc Sơn")


def notice() -> FailedDeliveryNotice:
    return FailedDeliveryNotice(
        tracking_number="HB473124829VN", tracking_url=tracking_url(BASE_URL, "HB473124829VN"),
        recipient_name="Nguyễn Văn Ất", recipient_address="Thôn Đông, Phường Bỉm Sơn, Thanh Hóa",
        attempt=1, attempted_at=datetime(2020, 3, 17, 2, 15, tzinfo=UTC),
        reason="addressee_absent", office=OFFICE, collect_by=date(2020, 3, 17) + timedelta(days=5),
        return_to="UBND phường Bỉm Sơn", courier_name="Phạm Văn Bưu Tá")


SAMPLES: dict[str, Callable[[], object]] = {"label": shipment, "slip": shipment, "handover": handover,
           "delivery_list": delivery_list, "notice": notice}
