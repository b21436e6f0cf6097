"""Searching the registry: keyset pages and filters (SPEC §7)."""
from __future__ import annotations

from datetime import UTC, datetime

SHIPMENTS = "/api/v1/shipments"
# A day no other test creates shipments on, so the date filter isolates this module's rows.
DAY = datetime(2027, 1, 5, 3, 0, tzinfo=UTC)


def _page(caller, **query):
    resp = caller.get(SHIPMENTS, query_string=query)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def _numbers(page) -> list[str]:
    return [i["tracking_number"] for i in page["items"]]


def test_keyset_pages_newest_first(as_user, clock, make_shipment):
    clock.set(DAY)
    made = []
    for _ in range(7):
        made.append(make_shipment.number())
        clock.advance(minutes=1)
    clerk = as_user("clerk")
    query = {"limit": 3, "created_from": "2027-01-05", "created_to": "2027-01-05"}

    first = _page(clerk, **query)
    second = _page(clerk, **query, cursor=first["next_cursor"])
    third = _page(clerk, **query, cursor=second["next_cursor"])

    assert [len(p["items"]) for p in (first, second, third)] == [3, 3, 1]
    assert first["next_cursor"] and second["next_cursor"]
    assert third["next_cursor"] is None
    seen = _numbers(first) + _numbers(second) + _numbers(third)
    assert seen == list(reversed(made))


def test_a_full_last_page_has_no_next_cursor(as_user, clock, make_shipment):
    clock.set(DAY)
    for _ in range(3):
        make_shipment()
    page = _page(as_user("clerk"), limit=3, created_from="2027-01-05", created_to="2027-01-05")
    assert len(page["items"]) == 3
    assert page["next_cursor"] is None


def test_pages_do_not_shift_when_new_shipments_arrive(as_user, clock, make_shipment):
    clock.set(DAY)
    older = [make_shipment.number() for _ in range(4)]
    clerk = as_user("clerk")
    query = {"limit": 2, "created_from": "2027-01-05"}
    first = _page(clerk, **query)
    make_shipment()  # arrives between the two page requests
    second = _page(clerk, **query, cursor=first["next_cursor"])
    assert _numbers(first) + _numbers(second) == list(reversed(older))


def test_summary_fields(as_user, clock, make_shipment):
    clock.set(DAY)
    made = make_shipment()
    [item] = _page(as_user("clerk"), dossier_code=made["dossier"]["code"])["items"]
    assert item == {
        "tracking_number": made["tracking_number"], "service": "return", "status": "created",
        "dossier_code": made["dossier"]["code"], "agency_code": "UBND-14812",
        "office_code": "BC-BIMSON", "recipient_name": "Nguyễn Văn Ất", "due_date": made["due_date"],
        "created_at": made["created_at"],
    }


def test_created_from_and_to_are_province_days(as_user, clock, token_for, make_shipment):
    clock.set(datetime(2027, 1, 5, 17, 0, tzinfo=UTC))
    token_for("clerk")  # issued last, so it outlives the whole test
    # 16:59 UTC on the 4th is 23:59 on the 4th in Thanh Hóa; 17:00 UTC is midnight of the 5th.
    clock.set(datetime(2027, 1, 4, 16, 59, tzinfo=UTC))
    late_on_4th = make_shipment.number()
    clock.set(datetime(2027, 1, 4, 17, 0, tzinfo=UTC))
    early_on_5th = make_shipment.number()
    clock.set(datetime(2027, 1, 5, 16, 59, 59, tzinfo=UTC))
    late_on_5th = make_shipment.number()
    clock.set(datetime(2027, 1, 5, 17, 0, tzinfo=UTC))
    on_6th = make_shipment.number()
    clerk = as_user("clerk")

    fifth = _numbers(_page(clerk, created_from="2027-01-05", created_to="2027-01-05"))
    assert fifth == [late_on_5th, early_on_5th]
    assert _numbers(_page(clerk, created_from="2027-01-04", created_to="2027-01-04")) == [late_on_4th]
    assert _numbers(_page(clerk, created_from="2027-01-06")) == [on_6th]
    assert late_on_4th in _numbers(_page(clerk, created_to="2027-01-04", limit=200))
    assert early_on_5th not in _numbers(_page(clerk, created_to="2027-01-04", limit=200))
    assert _numbers(_page(clerk, created_from="2027-01-06", created_to="2027-01-04")) == []


def test_status_filter(as_user, clock, make_shipment):
    clock.set(DAY)
    kept = make_shipment.number()
    cancelled = make_shipment.number()
    clerk = as_user("clerk")
    assert clerk.post(f"{SHIPMENTS}/{cancelled}/cancel", json={}).status_code == 200
    day = {"created_from": "2027-01-05"}
    assert _numbers(_page(clerk, status="cancelled", **day)) == [cancelled]
    assert _numbers(_page(clerk, status="created", **day)) == [kept]
    assert _numbers(_page(clerk, status="delivered", **day)) == []


def test_service_filter(as_user, clock, make_shipment):
    clock.set(DAY)
    intake = make_shipment.number(service="intake")
    ret = make_shipment.number(service="return")
    both = make_shipment.number(service="both")
    clerk = as_user("clerk")
    day = {"created_from": "2027-01-05"}
    assert _numbers(_page(clerk, service="intake", **day)) == [intake]
    assert _numbers(_page(clerk, service="return", **day)) == [ret]
    assert _numbers(_page(clerk, service="both", **day)) == [both]
    assert both.startswith("HA")  # a `both` order starts with its intake leg


def test_filters_combine_with_the_cursor(as_user, clock, make_shipment):
    clock.set(DAY)
    intakes = [make_shipment.number(service="intake") for _ in range(3)]
    for _ in range(3):
        make_shipment(service="return")
    clerk = as_user("clerk")
    query = {"service": "intake", "created_from": "2027-01-05", "limit": 2}
    first = _page(clerk, **query)
    second = _page(clerk, **query, cursor=first["next_cursor"])
    assert _numbers(first) + _numbers(second) == list(reversed(intakes))
    assert second["next_cursor"] is None


def test_empty_filters_mean_no_filter(as_user, clock, make_shipment):
    clock.set(DAY)
    made = make_shipment.number()
    page = _page(as_user("clerk"), agency="", office="", dossier_code="", created_from="2027-01-05")
    assert _numbers(page) == [made]


def test_default_and_maximum_limit(as_user, clock, make_shipment):
    clock.set(DAY)
    make_shipment()
    clerk = as_user("clerk")
    assert clerk.get(SHIPMENTS, query_string={"limit": 200}).status_code == 200
    assert clerk.get(SHIPMENTS, query_string={"limit": 1}).status_code == 200
