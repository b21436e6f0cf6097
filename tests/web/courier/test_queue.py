"""Nothing is lost (issue 11, acceptance 5): 50 scans typed with the connection toggled every few
scans and the page closed and reopened mid-queue; every scan is recorded once. And a pickup is
completed from the app, queued like the rest."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

SCANS = 50


def _type(page, number):
    page.get_by_label("Nhập số hiệu bằng tay").fill(number)
    page.get_by_role("button", name="Thêm vào hàng đợi").click()
    expect(page.locator("[data-last-scan]")).to_contain_text(number)


def _to_scan_screen(page):
    page.goto("/courier/")
    page.get_by_role("button", name="Quét", exact=True).click()


def test_fifty_scans_with_the_network_toggled_and_the_page_closed_are_recorded_once(
        courier_app, dispatched, api, api_token):
    page = courier_app
    context = page.context
    numbers = dispatched(SCANS, out=False)
    page.get_by_role("button", name="Quét", exact=True).click()
    offline = False
    for i, number in enumerate(numbers):
        if i % 4 == 3:
            offline = not offline
            context.set_offline(offline)
        if i in (17, 36):  # closed with scans waiting (and perhaps one batch on its way)
            page.close()
            page = context.new_page()
            _to_scan_screen(page)
        _type(page, number)
    context.set_offline(False)
    page.evaluate("() => dispatchEvent(new Event('online'))")
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 0", timeout=20_000)

    clerk = api_token("clerk")
    counts = [[e["event"] for e in api("get", f"/api/v1/shipments/{n}", token=clerk).json()["events"]]
              .count("out_for_delivery") for n in numbers]
    assert counts == [1] * SCANS
    page.get_by_role("button", name="Hàng đợi", exact=True).click()
    expect(page.locator("[data-attention] li")).to_have_count(0)


def test_an_assigned_pickup_is_completed_from_the_app(courier_app, api, api_token, shipment_body,
                                                      label_picture, show_camera):
    page = courier_app
    agency = api_token("agency")
    numbers = []
    for _ in range(2):
        made = api("post", "/api/v1/shipments", token=agency, json=shipment_body())
        assert made.status_code == 201, made.text
        numbers.append(made.json()["tracking_number"])
    start = datetime.now(UTC) + timedelta(hours=1)
    pickup = api("post", "/api/v1/pickups", token=agency, json={
        "window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat(),
        "contact": {"name": "Hoàng Thị Tiếp Nhận", "phone": "0987654321"}, "tracking_numbers": numbers})
    assert pickup.status_code == 201, pickup.text
    pickup_id = pickup.json()["id"]
    assigned = api("post", f"/api/v1/pickups/{pickup_id}/assign", token=api_token("supervisor"),
                   json={"courier": "courier"})
    assert assigned.status_code == 200, assigned.text

    page.get_by_role("button", name="Tải lại").click()
    card = page.locator("[data-pickups] li", has_text=f"Yêu cầu số {pickup_id}")
    card.get_by_role("button", name="Hoàn tất").click()
    show_camera(label_picture(numbers[0], agency))
    page.get_by_role("button", name="Quét bưu gửi bằng camera").click()
    expect(page.get_by_label(numbers[0])).to_be_checked(timeout=5000)  # scanned
    page.get_by_label(numbers[1]).check()  # or ticked by hand
    page.get_by_label("Người bàn giao của cơ quan").fill("Hoàng Thị Tiếp Nhận")
    page.get_by_role("button", name="Hoàn tất thu gom").click()
    expect(page.locator("[data-message]")).to_contain_text(f"thu gom số {pickup_id}")
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 0")
    page.get_by_role("button", name="Hàng đợi", exact=True).click()
    expect(page.locator("[data-attention] li")).to_have_count(0)
    done = api("get", f"/api/v1/pickups/{pickup_id}", token=api_token("courier")).json()
    assert done["status"] == "completed" and done["scanned_count"] == 2


def test_a_scan_carries_the_gps_fix_and_the_phone_clock(courier_app, dispatched, queued, api, api_token):
    page = courier_app
    [number] = dispatched(1, out=False)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 20.0781, "longitude": 105.8605})
    page.context.set_offline(True)
    _to_scan_screen(page)
    page.wait_for_function("() => document.body.dataset.ready === 'true'")
    page.wait_for_timeout(500)  # the first fix arrives
    _type(page, number)
    [record] = queued(page)
    assert (record["body"]["lat"], record["body"]["lon"]) == (20.0781, 105.8605)
    assert record["body"]["occurred_at"] and record["device_time"] and "offset_ms" in record
    assert record["body"]["device_time"] == record["device_time"]
    assert record["body"]["clock_offset_ms"] == record["offset_ms"]
    page.context.set_offline(False)
    page.evaluate("() => dispatchEvent(new Event('online'))")
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 0")
    # The server keeps the phone's own clock and the offset it used, beside the corrected moment.
    [event] = [e for e in api("get", f"/api/v1/shipments/{number}", token=api_token("clerk")).json()["events"]
               if e["event"] == "out_for_delivery"]
    assert event["clock_offset_ms"] == record["offset_ms"]
    assert datetime.fromisoformat(event["device_time"]) == datetime.fromisoformat(record["device_time"])
