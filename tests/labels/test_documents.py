"""Handover record, delivery list and failed-delivery notice, rendered from real shipments
through the functions later features call (issue acceptance 3)."""
from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.labels import services
from app.labels.records import DeliveryList, FailedDeliveryNotice, HandoverRecord
from app.labels.render_flow import render_delivery_list, render_handover
from app.labels.render_labels import render_notice
from app.labels.values import tracking_url
from app.shipments.models import Shipment


def shipments(numbers: list[str]) -> list[Shipment]:
    rows = {s.tracking_number: s for s in db.session.scalars(
        select(Shipment).where(Shipment.tracking_number.in_(numbers)))}
    return [rows[n] for n in numbers]


@pytest.fixture(scope="module")
def day_code() -> str:
    return f"{random.randrange(10**6):06d}"


def make_dossiers(make_shipment, day_code: str, count: int) -> list[str]:
    numbers = []
    for i in range(count):
        items = [{"name": "Tờ khai đăng ký khai sinh", "original": True, "count": 1 + i % 3}]
        if i % 4:
            items.append({"name": "Giấy chứng sinh", "original": False, "count": i % 4})
        dossier = {"code": f"000.00.12.H56-{day_code}-{i:04d}", "procedure": "Đăng ký khai sinh"}
        numbers.append(make_shipment.number(service="intake", dossier=dossier, items=items,
                                            collect_fee_vnd=8000 if i % 5 == 0 else 0))
    return numbers


def test_handover_of_75_dossiers_runs_over_pages(pdf, day_code, make_shipment):
    numbers = make_dossiers(make_shipment, day_code, 75)
    rows = shipments(numbers)
    office = rows[0].office
    record = HandoverRecord(
        number="BB-BIMSON-2026-0001", direction="intake",
        signed_at=datetime(2026, 11, 23, 3, 0, tzinfo=UTC), office=services.office_info(office),
        agency_name=rows[0].agency.name, agency_address=rows[0].agency.address_line,
        post_signatory="Phạm Văn Bưu Tá", agency_signatory="Nguyễn Văn Cán Bộ",
        lines=tuple(services.handover_line(s) for s in rows))
    body = render_handover(record)

    pages = pdf.pages(body)
    assert pages >= 3
    text = pdf.text(body)
    for tn in numbers:
        assert text.count(tn) == 1, tn  # every dossier listed once
    for i in range(75):
        assert text.count(f"000.00.12.H56-{day_code}-{i:04d}") == 1
    seen = []
    for page in range(1, pages + 1):
        page_text = " ".join(pdf.text(body, page=page).split())
        assert f"Trang {page}/{pages}" in page_text
        for header in ("STT", "Số phiếu gửi", "Mã hồ sơ", "Người nộp / nhận", "Thủ tục", "Lệ phí thu hộ"):
            assert header in page_text, (page, header)  # the table header repeats
        seen += [tn for tn in numbers if tn in page_text]
    assert seen == numbers  # in order, none lost between pages

    originals = sum(1 + i % 3 for i in range(75))
    copies = sum(i % 4 for i in range(75) if i % 4)
    collected = f"{8000 * len([i for i in range(75) if i % 5 == 0]):,} ₫".replace(",", ".")
    last = pdf.text(body, page=pages, layout=True)
    totals_row = next(line for line in last.splitlines() if "Tổng cộng" in line)
    assert re.search(rf"75 hồ sơ\s+{originals}\s+{copies}\s+{collected}", totals_row), totals_row
    assert (f"Tổng số: 75 hồ sơ, {originals + copies} giấy tờ ({originals} bản chính, {copies} bản sao); "
            f"lệ phí thu hộ: {collected}.") in " ".join(last.split())
    for signature in ("ĐẠI DIỆN BÊN GIAO", "ĐẠI DIỆN BÊN NHẬN", "Phạm Văn Bưu Tá", "Nguyễn Văn Cán Bộ"):
        assert signature in last
    # The signatures share their page with the last dossiers.
    assert numbers[-1] in pdf.text(body, page=pages)
    assert "BIÊN BẢN GIAO NHẬN HỒ SƠ" in pdf.text(body, page=1)
    assert "Bưu cục Bỉm Sơn" in pdf.text(body, page=1) and "UBND phường Bỉm Sơn" in pdf.text(body, page=1)


def test_return_handover_swaps_the_parties(pdf, day_code, make_shipment):
    numbers = [make_shipment.number() for _ in range(2)]
    rows = shipments(numbers)
    record = HandoverRecord(
        number="BB-2", direction="return", signed_at=datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
        office=services.office_info(rows[0].office), agency_name=rows[0].agency.name,
        agency_address=rows[0].agency.address_line, post_signatory="Phạm Văn Bưu Tá",
        agency_signatory=None, lines=tuple(services.handover_line(s) for s in rows))
    text = " ".join(pdf.text(render_handover(record)).split())
    assert "BÊN GIAO: UBND phường Bỉm Sơn" in text and "BÊN NHẬN: Bưu cục Bỉm Sơn" in text
    assert "Trang 1/1" in text and "Nguyễn Văn Ất" in text


def test_delivery_list_in_route_order_with_signature_column(pdf, make_shipment):
    numbers = [make_shipment.number(collect_fee_vnd=30000 if i == 1 else 0) for i in range(12)]
    route = list(reversed(numbers))
    rows = shipments(route)
    listing = DeliveryList(number="DL-1", day=date(2026, 11, 24), office=services.office_info(rows[0].office),
                           courier_name="Phạm Văn Bưu Tá", route="Tuyến 1",
                           stops=tuple(services.delivery_stop(s, "Thanh Hóa") for s in rows))
    body = render_delivery_list(listing)
    pages = pdf.pages(body)
    text = pdf.text(body)
    positions = [text.index(tn) for tn in route]
    assert positions == sorted(positions)
    assert "Người nhận ký, ghi rõ họ" in text and "DANH SÁCH PHÁT BƯU GỬI" in text
    assert text.count("Thôn Đông, Phường Bỉm Sơn,") == 12  # the cell wraps before the province
    assert f"Trang {pages}/{pages}" in pdf.text(body, page=pages)
    last = pdf.text(body, page=pages, layout=True)
    assert re.search(r"12 bưu gửi\s+12\s+30\.000 ₫", last), last


def test_failed_delivery_notice(pdf, app, make_shipment):
    tn = make_shipment.number()
    shipment = shipments([tn])[0]
    notice = FailedDeliveryNotice(
        tracking_number=tn, tracking_url=tracking_url(app.config["PUBLIC_BASE_URL"], tn),
        recipient_name=shipment.recipient_name, recipient_address="Thôn Đông, Phường Bỉm Sơn",
        attempt=2, attempted_at=datetime(2026, 11, 23, 7, 30, tzinfo=UTC),
        reason="addressee_absent", office=services.office_info(shipment.office),
        collect_by=date(2026, 11, 30), return_to=shipment.agency.name, courier_name="Phạm Văn Bưu Tá")
    body = render_notice([notice])
    assert pdf.symbols(body) == [("CODE-128", tn), ("QR-Code", f"{app.config['PUBLIC_BASE_URL']}/t/{tn}")]
    text = " ".join(pdf.text(body).split())
    for expected in ("GIẤY MỜI NHẬN BƯU GỬI", "Kính gửi: Nguyễn Văn Ất", "lần 2 lúc 14:30 23/11/2026",
                     "Lý do: Người nhận vắng mặt", "Bưu cục Bỉm Sơn",
                     "Giờ mở cửa: Thứ Hai–Thứ Sáu 7:00–17:00",
                     "Sau ngày 30/11/2026, bưu gửi sẽ được chuyển trả UBND phường Bỉm Sơn."):
        assert expected in text, expected
