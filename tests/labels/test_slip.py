"""The A5 dossier sending slip (issue acceptance 2; fees shown when present, null handled)."""
from __future__ import annotations

import unicodedata

from sqlalchemy import select

from app.extensions import db
from app.labels.samples import FEE
from app.shipments.models import Shipment

ITEMS = [{"name": "Trích lục khai sinh", "original": True, "count": 1},
         {"name": "Tờ khai đăng ký kết hôn", "original": False, "count": 2},
         {"name": "Căn cước công dân của người yêu cầu", "original": False, "count": 1}]


def slip(as_user, tn: str, user: str = "clerk"):
    return as_user(user).get(f"/api/v1/shipments/{tn}/slip.pdf")


def set_fee(tn: str, fee: dict | None) -> None:
    shipment = db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))
    shipment.fee = fee
    db.session.commit()


def test_slip_lists_dossier_documents_fees_and_signatures(as_user, pdf, make_shipment):
    tn = make_shipment.number(service="intake", items=ITEMS, collect_fee_vnd=50000)
    set_fee(tn, FEE)
    resp = slip(as_user, tn)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert pdf.pages(resp.data) == 1
    text = pdf.text(resp.data)
    assert unicodedata.is_normalized("NFC", text)
    for expected in ("PHIẾU GỬI HỒ SƠ", f"Số phiếu: {tn}", "Cấp bản sao trích lục hộ tịch",
                     "Nguyễn Văn Ất", "Phường Bỉm Sơn", "Trích lục khai sinh", "Tờ khai đăng ký kết hôn",
                     "Căn cước công dân của người yêu cầu", "Bản chính", "Bản sao",
                     "Cước chiều về", "26.000 ₫", "Thu hộ lệ phí", "8.000 ₫",
                     "Giảm giá (THA-COVID19-2020)", "−13.000 ₫", "21.000 ₫", "1.556 ₫",
                     "50.000 ₫", "71.000 ₫",  # collected procedure fee; total taken
                     "NGƯỜI GỬI", "GIAO DỊCH VIÊN", "Trần Thị Giao Dịch", "(Ký, ghi rõ họ tên)",
                     "Trang 1/1"):
        assert expected in text, expected
    layout = pdf.text(resp.data, layout=True)
    assert any("Tổng số giấy tờ" in line and line.rstrip().endswith("4") for line in layout.splitlines())
    # The slip's barcode scans too (2-dot modules, 0.25 mm).
    assert ("CODE-128", tn) in pdf.symbols(resp.data)


def test_slip_without_a_fee_says_so(as_user, pdf, make_shipment):
    tn = make_shipment.number(collect_fee_vnd=0)
    set_fee(tn, None)
    text = pdf.text(slip(as_user, tn).data)
    assert "Cước: chưa tính" in text
    assert "Cước và phí" not in text and "Lệ phí thủ tục hành chính thu hộ" not in text
    assert "TỔNG SỐ TIỀN THU (chưa gồm cước)" in text


def test_a_long_dossier_continues_on_a_second_page(as_user, pdf, make_shipment):
    items = [{"name": f"Giấy tờ số {i} kèm theo hồ sơ", "original": i % 2 == 0,
              "count": 1} for i in range(1, 41)]
    tn = make_shipment.number(items=items)
    resp = slip(as_user, tn)
    pages = pdf.pages(resp.data)
    assert pages >= 2
    text = pdf.text(resp.data)
    for i in range(1, 41):
        assert text.count(f"Giấy tờ số {i} kèm theo hồ sơ") == 1
    for page in range(1, pages + 1):
        page_text = pdf.text(resp.data, page=page)
        assert f"Trang {page}/{pages}" in page_text
    assert "Tên giấy tờ trong hồ sơ" in pdf.text(resp.data, page=2)  # header repeated
    assert "GIAO DỊCH VIÊN" in pdf.text(resp.data, page=pages)


def test_slip_is_scoped_like_the_shipment(as_user, problem, make_shipment):
    other = make_shipment.number("supervisor", office_code="BC-HATRUNG", agency_code="UBND-15271")
    problem(slip(as_user, other), 404, "shipment_not_found")
    problem(slip(as_user, "nonsense"), 422, "invalid_tracking_number")
    problem(slip(as_user, other, user="courier"), 403)
