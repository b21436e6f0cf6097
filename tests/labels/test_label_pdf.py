"""Labels as printed and scanned (issue acceptance 1, 2 and 4): rasterised at 203 dpi,
decoded with zbarimg, text extracted with pdftotext."""
from __future__ import annotations

import unicodedata

import pytest

from app.shipments import s10

BASE = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL of the test app (config default)
UNUSED = s10.compose("HA", 99_999_999)  # well formed, never issued in tests
WELL_FORMED = s10.compose("HA", 1)


def label(as_user, tn: str, template: str | None = None, user: str = "clerk"):
    query = f"?template={template}" if template else ""
    return as_user(user).get(f"/api/v1/shipments/{tn}/label.pdf{query}")


def test_a6_label_scans_back_to_the_tracking_number_and_url(as_user, pdf, app, make_shipment):
    tn = make_shipment.number()
    resp = label(as_user, tn)
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Cache-Control"] == "no-store"
    assert f'filename="{tn}-a6.pdf"' in resp.headers["Content-Disposition"]
    assert pdf.pages(resp.data) == 1
    assert pdf.symbols(resp.data) == [("CODE-128", tn),
                                      ("QR-Code", f"{app.config['PUBLIC_BASE_URL']}/t/{tn}")]


def test_qr_link_follows_public_base_url(as_user, pdf, app, monkeypatch, make_shipment):
    tn = make_shipment.number()
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://buudien-thanhhoa.example.vn/")
    resp = label(as_user, tn)
    assert ("QR-Code", f"https://buudien-thanhhoa.example.vn/t/{tn}") in pdf.symbols(resp.data)


def test_a4x4_sheet_holds_four_labels_that_scan(as_user, pdf, make_shipment):
    numbers = [make_shipment.number() for _ in range(5)]
    resp = as_user("clerk").post("/api/v1/labels", json={"tracking_numbers": numbers, "template": "a4x4"})
    assert resp.status_code == 200, resp.get_data()[:300]
    assert pdf.pages(resp.data) == 2
    first = pdf.symbols(resp.data, page=1)
    assert sorted(d for kind, d in first if kind == "CODE-128") == sorted(numbers[:4])
    assert sorted(d for kind, d in first if kind == "QR-Code") == sorted(f"{BASE}/t/{n}" for n in numbers[:4])
    assert pdf.symbols(resp.data, page=2) == [("CODE-128", numbers[4]), ("QR-Code", f"{BASE}/t/{numbers[4]}")]


def test_single_a4x4_label(as_user, pdf, make_shipment):
    tn = make_shipment.number()
    resp = label(as_user, tn, "a4x4")
    assert resp.status_code == 200
    assert pdf.symbols(resp.data) == [("CODE-128", tn), ("QR-Code", f"{BASE}/t/{tn}")]


def test_batch_keeps_the_order_given_and_every_label_scans(as_user, pdf, make_shipment):
    numbers = [make_shipment.number() for _ in range(3)]
    order = [numbers[2], numbers[0], numbers[1], numbers[0]]  # a repeated number prints again
    resp = as_user("clerk").post("/api/v1/labels", json={"tracking_numbers": [n.lower() for n in order]})
    assert resp.status_code == 200
    assert pdf.pages(resp.data) == 4
    for page, tn in enumerate(order, 1):
        assert pdf.symbols(resp.data, page=page) == [("CODE-128", tn), ("QR-Code", f"{BASE}/t/{tn}")]


def test_batch_of_1000_is_one_pdf_in_order(as_user, pdf, make_shipment):
    numbers = [make_shipment.number() for _ in range(3)]
    wanted = [numbers[i % 3] for i in range(1000)]
    resp = as_user("clerk").post("/api/v1/labels", json={"tracking_numbers": wanted, "template": "a6"})
    assert resp.status_code == 200
    assert pdf.pages(resp.data) == 1000
    assert len(resp.data) <= 1000 * 4096
    assert pdf.symbols(resp.data, page=998)[0] == ("CODE-128", wanted[997])


def test_label_text_is_the_input_text_in_nfc(as_user, shipment_body, pdf):
    body = shipment_body()
    # Typed with combining marks (NFD), as some keyboards and PDFs produce it.
    body["recipient"]["name"] = unicodedata.normalize("NFD", "Nguyễn Văn Ất")
    body["items"] = [{"name": unicodedata.normalize("NFD", "Trích lục khai sinh"), "original": True,
                      "count": 1}]
    resp = as_user("clerk").post("/api/v1/shipments", json=body)
    assert resp.status_code == 201
    text = pdf.text(label(as_user, resp.get_json()["tracking_number"]).data)
    assert unicodedata.is_normalized("NFC", text)
    for expected in ("Nguyễn Văn Ất", "Phường Bỉm Sơn", "Trích lục khai sinh", "Số 1 Trần Phú",
                     "UBND phường Bỉm Sơn", "TRẢ KẾT QUẢ TTHC", "Thôn Đông"):
        assert expected in text, expected


def test_collected_fee_is_printed_in_vnd(as_user, pdf, make_shipment):
    tn = make_shipment.number(collect_fee_vnd=30000)
    assert "LỆ PHÍ THU HỘ: 30.000 ₫" in pdf.text(label(as_user, tn).data)


def test_agency_prints_its_own_labels_courier_may_not(as_user, pdf, problem, make_shipment):
    tn = make_shipment.number()
    assert label(as_user, tn, user="agency").status_code == 200
    problem(label(as_user, tn, user="courier"), 403, "role_forbidden")


@pytest.mark.parametrize("template", ["a5", "slip", "handover", "../a6", "A6", ""])
def test_unknown_template_is_refused(as_user, template, problem, make_shipment):
    tn = make_shipment.number()
    body = problem(as_user("clerk").get(f"/api/v1/shipments/{tn}/label.pdf?template={template}"), 422)
    assert "template" in body["errors"]
    body = problem(as_user("clerk").post("/api/v1/labels", json={"tracking_numbers": [tn],
                                                                 "template": template}), 422)
    assert "template" in body["errors"]


def test_label_of_unknown_or_invisible_shipment_is_404(as_user, problem, make_shipment):
    tn = make_shipment.number()  # at Bưu cục Bỉm Sơn
    other = make_shipment.number("supervisor", office_code="BC-HATRUNG", agency_code="UBND-15271")
    problem(label(as_user, UNUSED), 404, "shipment_not_found")
    problem(label(as_user, other), 404, "shipment_not_found")
    problem(label(as_user, other, user="agency"), 404)  # another agency's shipment
    problem(label(as_user, "HB12345"), 422, "invalid_tracking_number")
    assert label(as_user, tn).status_code == 200


def test_batch_names_every_number_the_caller_may_not_see(as_user, problem, make_shipment):
    mine = make_shipment.number()
    theirs = make_shipment.number("supervisor", office_code="BC-HATRUNG", agency_code="UBND-15271")
    nobody = UNUSED
    body = problem(as_user("clerk").post("/api/v1/labels", json={
        "tracking_numbers": [mine, nobody, theirs, nobody]}), 404, "shipments_not_found")
    assert body["errors"] == {"tracking_numbers": [nobody, theirs]}
    # The supervisor sees every office.
    assert as_user("supervisor").post("/api/v1/labels",
                                      json={"tracking_numbers": [mine, theirs]}).status_code == 200


@pytest.mark.parametrize(("payload", "field"), [
    ({"tracking_numbers": []}, "tracking_numbers"),
    ({}, "tracking_numbers"),
    ({"tracking_numbers": WELL_FORMED}, "tracking_numbers"),
    ({"tracking_numbers": ["HA000000016VN"]}, "tracking_numbers"),  # wrong check digit
    ({"tracking_numbers": ["HA00000001VN", "not-a-number"]}, "tracking_numbers"),
    ({"tracking_numbers": [42]}, "tracking_numbers.0"),
    ({"tracking_numbers": [WELL_FORMED], "template": 6}, "template"),
])
def test_malformed_batches_are_422(as_user, payload, field, problem):
    body = problem(as_user("clerk").post("/api/v1/labels", json=payload), 422)
    assert field in body["errors"], body


def test_more_than_1000_numbers_is_422_before_any_lookup(as_user, problem):
    body = problem(as_user("clerk").post("/api/v1/labels", json={"tracking_numbers": [WELL_FORMED] * 1001}),
                   422)
    assert "1000" in body["errors"]["tracking_numbers"][0]


def test_malformed_numbers_are_named(as_user, problem):
    body = problem(as_user("clerk").post("/api/v1/labels", json={
        "tracking_numbers": [WELL_FORMED, "XX1", "HA000000016VN"]}), 422)
    message = body["errors"]["tracking_numbers"][0]
    assert "'XX1'" in message and "'HA000000016VN'" in message and WELL_FORMED not in message


def test_batch_needs_json(as_user, problem):
    resp = as_user("clerk").post("/api/v1/labels", data="tracking_numbers=HA000000015VN",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    problem(resp, 415)
