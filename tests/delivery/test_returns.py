"""After a failed delivery: the notice, the second notice due, the return to the agency
(TT17 Điều 5). Monday 23 November 2026; Tuesday 24 is a public holiday."""
from __future__ import annotations

import pytest

SHIPMENTS = "/api/v1/shipments"


RETURNS = "/api/v1/returns/due"
NOTICES = "/api/v1/notices/due"


def _numbers(resp):
    assert resp.status_code == 200, resp.get_json()
    return [item["tracking_number"] for item in resp.get_json()["items"]]


@pytest.fixture
def failed_monday(walk, make_shipment):
    def make():
        tn = make_shipment.number("agency")
        walk(tn, "accepted", "out_for_delivery", "delivery_failed")
        return tn
    return make


def test_the_second_notice_is_due_two_working_days_after_the_first(as_user, failed_monday, clock):
    tn = failed_monday()
    supervisor = as_user("supervisor")
    assert tn not in _numbers(supervisor.get(NOTICES))
    clock.advance(days=2)  # Wednesday: one working day after Monday (Tuesday is a holiday)
    assert tn not in _numbers(supervisor.get(NOTICES))
    clock.advance(days=1)  # Thursday
    [item] = [i for i in supervisor.get(NOTICES).get_json()["items"] if i["tracking_number"] == tn]
    assert item == {**item, "notices": ["2026-11-23"], "second_notice_from": "2026-11-26",
                    "collect_by": "2026-11-26", "refused": False, "return_allowed": False,
                    "office_code": "BC-BIMSON", "agency_code": "UBND-14812"}
    assert tn not in _numbers(supervisor.get(RETURNS))


def test_due_for_return_after_two_notices_and_the_last_ones_date(as_user, failed_monday, step, clock):
    tn = failed_monday()
    clock.advance(days=3)  # Thursday: the second notice, left without a new round
    assert step(tn, "delivery_failed", reason="not_collected", user="clerk")["result"] == "recorded"
    supervisor = as_user("supervisor")
    listed = supervisor.get(NOTICES).get_json()["items"] + supervisor.get(RETURNS).get_json()["items"]
    [item] = [i for i in listed if i["tracking_number"] == tn] or [None]
    assert item is None  # the rule allows the return, the notice promised until Monday 30
    clock.advance(days=4)  # Monday 30: still the last day to collect
    assert tn not in _numbers(supervisor.get(RETURNS))
    clock.advance(days=1)
    [item] = [i for i in supervisor.get(RETURNS).get_json()["items"] if i["tracking_number"] == tn]
    assert item["notices"] == ["2026-11-23", "2026-11-26"] and item["return_allowed"] is True
    assert item["collect_by"] == "2026-11-30"
    assert step(tn, "returned", user="clerk")["result"] == "recorded"
    assert tn not in _numbers(supervisor.get(RETURNS))


def test_a_refusal_is_due_for_return_at_once(as_user, walk, step, make_shipment):
    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    step(tn, "delivery_failed", reason="refused")
    [item] = [i for i in as_user("clerk").get(RETURNS).get_json()["items"] if i["tracking_number"] == tn]
    assert item["refused"] is True and item["return_allowed"] is True


def test_the_lists_page_with_a_cursor_and_filter_by_office(as_user, failed_monday, clock, problem):
    numbers = [failed_monday() for _ in range(3)]
    clock.advance(days=3)
    supervisor = as_user("supervisor")
    first = supervisor.get(NOTICES, query_string={"limit": 2, "office": "BC-BIMSON"}).get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = supervisor.get(NOTICES, query_string={"limit": 2, "office": "BC-BIMSON",
                                                 "cursor": first["next_cursor"]})
    seen = [i["tracking_number"] for i in first["items"]] + _numbers(rest)
    assert set(numbers) <= set(seen) and len(seen) == len(set(seen))
    assert _numbers(supervisor.get(NOTICES, query_string={"office": "BC-SAMSON"})) == []
    problem(supervisor.get(NOTICES, query_string={"cursor": "garbage"}), 422, "invalid_cursor")


@pytest.mark.parametrize("role", ["courier", "agency"])
def test_the_lists_are_for_clerks_and_supervisors(as_user, role, problem):
    problem(as_user(role).get(RETURNS), 403, "role_forbidden")


def test_the_notice_document(as_user, failed_monday, walk, clock, pdf):
    tn = failed_monday()
    resp = as_user("courier").get(f"{SHIPMENTS}/{tn}/notice.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF-") and resp.headers["Cache-Control"] == "no-store"
    text = pdf.text(resp.data)
    for expected in ("GIẤY MỜI NHẬN BƯU GỬI", "Nguyễn Văn Ất", "Người nhận vắng mặt", "lần 1",
                     "Bưu cục Bỉm Sơn", "26/11/2026", "UBND phường Bỉm Sơn", "Phạm Văn Bưu Tá"):
        assert expected in text, expected
    clock.advance(days=3)
    walk(tn, "out_for_delivery", "delivery_failed")
    second = pdf.text(as_user("clerk").get(f"{SHIPMENTS}/{tn}/notice.pdf").data)
    assert "lần 2" in second and "30/11/2026" in second


def test_no_notice_before_a_failed_delivery(as_user, problem, make_shipment):
    tn = make_shipment.number("agency")
    problem(as_user("clerk").get(f"{SHIPMENTS}/{tn}/notice.pdf"), 404, "no_notice")
    problem(as_user("clerk").get(f"{SHIPMENTS}/{tn}/notice.zpl"), 404, "no_notice")


def test_the_notice_for_a_thermal_printer(as_user, failed_monday, problem):
    tn = failed_monday()
    resp = as_user("courier").get(f"{SHIPMENTS}/{tn}/notice.zpl")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{tn}-notice.zpl"'
    body = resp.get_data(as_text=True)
    assert body.startswith("^XA") and body.count("^XA") == body.count("^XZ") == 1
    assert "^GFA" in body and tn in body  # the text as graphics; the number in the barcode's data
    problem(as_user("agency").get(f"{SHIPMENTS}/{tn}/notice.zpl"), 403, "role_forbidden")
