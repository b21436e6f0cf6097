"""The supervisor's desk in Chromium (issue 12, acceptance 4, the supervisor's part of 2 and
the desk's part of 8): 12 results over six communes dispatched to the demo courier, the run's
order and length seen before confirming, the same order from GET /api/v1/courier/run and on the
delivery list PDF; a pickup the agency asked for assigned on the desk; notices and returns due;
other roles refused."""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from app.extensions import make_engine
from app.shipments.models import Shipment, TrackingEvent

# Communes of the demo offices and agencies, from Bỉm Sơn to the mountains of Mường Lát.
COMMUNES = ("14812", "14818", "15271", "16531", "14845", "14797")
DESK_PAGES = ("/supervisor/", "/supervisor/pickups", "/supervisor/due")
SHOTS = os.environ.get("SUPERVISOR_SHOTS")  # a folder for 1366/360 px screenshots, when reviewing


def shoot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    if size:
        page.set_viewport_size(size)


@pytest.fixture
def ready_result(api, api_token, shipment_body, scanned) -> Callable[[str, int], str]:
    """ready_result(unit_code, i): a result of the demo agency for `unit_code`, accepted at the
    Bỉm Sơn counter."""

    def make(unit_code: str, i: int) -> str:
        recipient = {"name": f"Người Nhận Số {i:02d}", "phone": "0912345678", "id_number": "038090001234",
                     "address": {"line": f"Số {i + 1} đường Lê Lợi", "unit_code": unit_code}}
        made = api("post", "/api/v1/shipments", token=api_token("agency"),
                   json=shipment_body(beneficiary=None, recipient=recipient))
        assert made.status_code == 201, made.text
        number = made.json()["tracking_number"]
        scanned(api_token("clerk"), number, "accepted")
        return number

    return make


def test_the_supervisor_dispatches_twelve_results_and_the_run_keeps_their_order(
        page: Page, inspect_page, api, api_token, shipment_body, pdf, sign_in, ready_result):
    numbers = [ready_result(COMMUNES[i % len(COMMUNES)], i) for i in range(12)]
    mountain = [n for i, n in enumerate(numbers) if COMMUNES[i % len(COMMUNES)] == "14845"]

    sign_in(page, "supervisor")
    page.goto("/supervisor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Điều phối bưu tá")
    page.get_by_label("Bưu cục").select_option("BC-BIMSON")
    page.get_by_role("button", name="Xem bưu cục").click()
    expect(page.get_by_role("heading", name=re.compile("Phường Bỉm Sơn|Bỉm Sơn"))).to_be_visible()
    inspect_page(page)

    whole = page.locator("#commune-14845")
    expect(whole.get_by_role("heading")).to_contain_text("kết quả")
    whole.get_by_label("Chọn cả xã").check()  # ticks the commune's results (the script)
    for number in mountain:
        expect(page.locator(f"#pick-{number}")).to_be_checked()
    for number in numbers:
        if number not in mountain:
            page.locator(f"#pick-{number}").check()
    page.get_by_label("Bưu tá", exact=True).select_option("courier")
    shoot(page, "dispatch")
    page.get_by_role("button", name="Xem lộ trình").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lộ trình dự kiến")
    rows = page.locator("table.stops tbody tr:not(.back)")
    order = [re.search(r"[A-Z]{2}\d{9}VN", text)[0] for text in rows.all_inner_texts()]  # type: ignore[index]
    assert set(numbers) <= set(order)
    expect(page.locator(".total-km")).to_have_text(re.compile(r"^\d+,\d km$"))
    expect(page.locator(".nn-km")).to_contain_text(" km")
    for row in rows.all():
        expect(row.locator("td.km")).to_have_text(re.compile(r"^\d+,\d km$"))
    inspect_page(page)
    shoot(page, "dispatch_preview")
    before = api("get", "/api/v1/courier/run", token=api_token("courier")).json()
    assert not set(numbers) & {stop["tracking_number"] for stop in before["stops"]}  # nothing saved yet

    page.get_by_role("button", name=re.compile(r"^Xác nhận giao \d+ kết quả$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lộ trình của bưu tá")
    expect(page.locator(".flash")).to_have_text(
        re.compile(r"Đã giao \d+ kết quả cho bưu tá Phạm Văn Bưu Tá\."))
    confirmed = [re.search(r"[A-Z]{2}\d{9}VN", text)[0]  # type: ignore[index]
                 for text in page.locator("table.stops tbody tr:not(.back)").all_inner_texts()]
    assert confirmed == order
    inspect_page(page)
    shoot(page, "dispatch_run")

    run = api("get", "/api/v1/courier/run", token=api_token("courier")).json()
    assert [stop["tracking_number"] for stop in run["stops"]] == order

    link = page.get_by_role("link", name="In danh sách phát (PDF)")
    document = page.request.get(link.get_attribute("href") or "")
    assert document.status == 200 and document.headers["content-type"] == "application/pdf"
    text = pdf.text(document.body(), layout=True)
    positions = [text.find(number) for number in order]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


def test_a_whole_commune_is_taken_without_the_script_and_refusals_read_as_sentences(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in, ready_result):
    unit = "14845"
    numbers = [ready_result(unit, 40 + i) for i in range(2)]
    sign_in(page, "supervisor")
    page.goto("/supervisor/?office=BC-BIMSON")
    token = page.locator("form.dispatch input[name=csrf_token]").get_attribute("value") or ""
    answer = page.request.post("/supervisor/preview", form={
        "csrf_token": token, "office": "BC-BIMSON", "communes": unit, "courier": "courier",
        "day": (datetime.now(UTC) + timedelta(days=3)).date().isoformat()})
    assert answer.status == 200
    assert all(number in answer.text() for number in numbers)

    response = page.goto("/supervisor/?day=31/02/2026")
    assert response is not None and response.status == 422
    expect(page.locator("#day-error")).to_have_text("Giá trị không hợp lệ.")
    page.get_by_role("button", name="Xem lộ trình").click()  # nothing chosen, no courier
    expect(page.get_by_role("alert")).to_have_text("Chọn ít nhất một kết quả (hoặc cả một xã).")
    expect(page.locator("#courier-error")).to_have_text("Chọn bưu tá.")
    expect(page.get_by_label("Bưu tá", exact=True)).to_have_attribute("aria-invalid", "true")
    inspect_page(page)

    delivered = api("post", f"/api/v1/shipments/{numbers[0]}/delivery", token=api_token("clerk"), json={
        "recipient_name": "Người Nhận", "relationship": "self", "id_type": "cccd",
        "id_number": "038090001234", "occurred_at": datetime.now(UTC).isoformat()})
    assert delivered.status_code == 201, delivered.text
    page.locator(f"#pick-{numbers[0]}").check()
    page.get_by_label("Bưu tá", exact=True).select_option("courier")
    page.get_by_role("button", name="Xem lộ trình").click()
    expect(page.get_by_role("alert")).to_contain_text(f"chưa phát: có kết quả vừa được phát, trả hoặc hủy. "
                                                      f"(not_dispatchable): {numbers[0]}")


def test_a_pickup_the_agency_asked_for_is_assigned_on_the_desk(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in):
    results = []
    for _ in range(2):
        made = api("post", "/api/v1/shipments", token=api_token("agency"), json=shipment_body())
        assert made.status_code == 201, made.text
        results.append(made.json()["tracking_number"])
    start = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    asked = api("post", "/api/v1/pickups", token=api_token("agency"), json={"tracking_numbers": results,
        "address": {"line": f"Kho lưu trữ {uuid.uuid4().hex[:6]}", "unit_code": "14812"},
        "window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat(),
        "expected_count": 3, "contact": {"name": "Hoàng Thị Tiếp Nhận", "phone": "0987654321"}})
    assert asked.status_code == 201, asked.text
    pickup = asked.json()["id"]

    sign_in(page, "supervisor")
    page.goto("/supervisor/pickups?office=BC-BIMSON")
    row = page.locator(f"#pickup-{pickup}")
    expect(row).to_contain_text("UBND phường Bỉm Sơn")
    for number in results:
        expect(row).to_contain_text(number)
    inspect_page(page)
    shoot(page, "pickups")
    row.get_by_role("button", name=f"Giao yêu cầu số {pickup}").click()  # no courier chosen
    expect(page.get_by_role("alert")).to_have_text(f"Yêu cầu số {pickup} chưa được giao: Chọn bưu tá.")
    expect(page.locator(f"#courier-{pickup}-error")).to_have_text("Chọn bưu tá.")
    inspect_page(page)

    page.locator(f"#courier-{pickup}").select_option("courier")
    page.get_by_role("button", name=f"Giao yêu cầu số {pickup}").click()
    expect(page.locator(".flash")).to_have_text(
        f"Đã giao yêu cầu lấy hồ sơ số {pickup} cho bưu tá Phạm Văn Bưu Tá.")
    assigned = page.get_by_role("table", name="Yêu cầu đã phân công").locator(f"#pickup-{pickup}")
    expect(assigned).to_contain_text("Phạm Văn Bưu Tá")
    waiting = page.get_by_role("table", name="Yêu cầu chờ phân công")
    expect(waiting.locator(f"#pickup-{pickup}")).to_have_count(0)
    seen = api("get", f"/api/v1/pickups/{pickup}", token=api_token("agency")).json()
    assert seen["status"] == "assigned" and seen["courier"] == "courier"


def test_the_due_page_lists_second_notices_and_returns_due(
        page: Page, inspect_page, api, api_token, shipment_body, live_database_url, sign_in, scanned,
        ready_result):
    clerk, courier = api_token("clerk"), api_token("courier")
    absent = ready_result("14818", 60)
    refused = ready_result("14818", 61)
    for number, reason in ((absent, "addressee_absent"), (refused, "refused")):
        scanned(courier, number, "out_for_delivery")
        scanned(courier, number, "delivery_failed", reason=reason)
    # The first notice a week ago: the server's clock cannot be moved, its history can.
    engine = make_engine(live_database_url)
    with engine.begin() as conn:
        events = conn.execute(
            select(TrackingEvent.id, TrackingEvent.occurred_at)
            .join(Shipment, Shipment.id == TrackingEvent.shipment_id)
            .where(Shipment.tracking_number == absent)).all()
        for event_id, occurred_at in events:
            conn.execute(update(TrackingEvent).where(TrackingEvent.id == event_id)
                         .values(occurred_at=occurred_at - timedelta(days=7)))
    engine.dispose()
    assert api("get", f"/api/v1/shipments/{absent}", token=clerk).json()["status"] == "awaiting_collection"

    sign_in(page, "supervisor")
    page.goto("/supervisor/due?office=BC-BIMSON")
    notices = page.get_by_role("table", name="Cần để giấy mời lần hai")
    expect(notices.get_by_role("link", name=absent)).to_be_visible()
    returns = page.get_by_role("table", name="Được chuyển hoàn cho cơ quan")
    expect(returns.locator("tr", has_text=refused)).to_contain_text("Người nhận từ chối nhận")
    expect(notices.get_by_role("link", name=refused)).to_have_count(0)
    inspect_page(page)
    shoot(page, "due")


@pytest.mark.parametrize("username", ["clerk", "agency", "courier"])
def test_only_supervisors_open_the_desk(page: Page, username: str, sign_in):
    sign_in(page, username)
    for path in (*DESK_PAGES, "/supervisor/run?courier=courier", "/supervisor/run.pdf?courier=courier"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
