"""Delivery at the door in Chromium (issue 11, acceptance 4): a CCCD QR in the camera fills the
form, a wrong last four warns at once offline, the delivery queued offline with a signature and
a photo, and the money collected, are recorded once when back online; a wrong ID, synced, is a
failed attempt."""
from __future__ import annotations

import random
import uuid

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect

CARD_QR = ("038090001234|123456789|Nguyễn Văn Ất|01011990|Nam|"
           "Thôn Đông, Xã Hà Long, Huyện Hà Trung, Tỉnh Thanh Hóa|15062021")


def _big_photo(path):
    """A 3000×2000 photo of noise: far above the server's limit until the phone downscales it."""
    noise = random.Random(11).randbytes(3000 * 2000 * 3)
    Image.frombytes("RGB", (3000, 2000), noise).save(path, "JPEG", quality=95)
    return path


def _sign(page):
    pad = page.locator("canvas[data-signature]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, box["y"] + 40 + (step % 3) * 25)
    page.mouse.up()


def _open_delivery(page, number):
    page.get_by_role("button", name="Tải lại").click()
    stop = page.locator("[data-stops] li", has_text=number)
    stop.get_by_role("button", name="Phát").click()
    expect(page.locator("[data-deliver-number]")).to_have_text(number)



def test_a_card_qr_fills_the_form_and_the_offline_delivery_is_recorded_once(
        courier_app, dispatched, api, api_token, qr_picture, show_camera, tmp_path, inspect_page,
        live_server, queued):
    page = courier_app
    [number] = dispatched(1, collect_fee_vnd=30_000)
    show_camera(qr_picture(CARD_QR))
    _open_delivery(page, number)
    page.context.set_offline(True)

    page.get_by_role("button", name="Quét QR trên CCCD").click()
    expect(page.get_by_label("Số CCCD")).to_have_value("038090001234", timeout=5000)
    expect(page.get_by_label("Họ tên người nhận")).to_have_value("Nguyễn Văn Ất")
    expect(page.locator("[data-id-check]")).to_contain_text("Khớp")
    page.get_by_label("Số CCCD").fill("038090009999")
    expect(page.locator("[data-id-check]")).to_contain_text("không khớp")
    page.get_by_label("Số CCCD").fill("038090001234")
    _sign(page)
    page.get_by_label("Ảnh giao hàng").set_input_files(_big_photo(tmp_path / "door.jpg"))
    expect(page.get_by_label("Số tiền đã thu (₫)")).to_have_value("30000")
    inspect_page(page)
    page.get_by_role("button", name="Xác nhận đã phát").click()
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 2")
    record, payment = queued(page)
    assert record["kind"] == "delivery" and record["body"]["signature_png"].startswith("data:image/png")
    assert payment["kind"] == "payment" and payment["after"] == record["id"]
    assert payment["body"] == {"tracking_number": number, "kind": "procedure_fee", "amount_vnd": 30_000,
                               "method": "cash", "occurred_at": record["body"]["occurred_at"]}

    page.context.set_offline(False)
    page.evaluate("() => dispatchEvent(new Event('online'))")
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 0")
    clerk = api_token("clerk")
    shipment = api("get", f"/api/v1/shipments/{number}", token=clerk).json()
    assert shipment["status"] == "delivered"
    assert [e["event"] for e in shipment["events"]].count("delivered") == 1
    replay = httpx.post(live_server + record["path"], json=record["body"], timeout=10, headers={
        "Authorization": f"Bearer {api_token('courier')}", "Idempotency-Key": record["id"]})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    proof = replay.json()["proof"]
    assert 0 < proof["signature_bytes"] <= 100 * 1024 and 0 < proof["photo_bytes"] <= 1024 * 1024
    assert proof["id_last4"] == "1234"

    def pay(key):
        return httpx.post(live_server + payment["path"], json=payment["body"], timeout=10, headers={
            "Authorization": f"Bearer {api_token('courier')}", "Idempotency-Key": key})
    replayed = pay(payment["id"])
    assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json()["amount_vnd"] == 30_000 and replayed.json()["collected_by"] == "courier"
    # Each kind of money is taken once per shipment: a second payment would be refused.
    again = pay(str(uuid.uuid4()))
    assert again.status_code == 409 and again.json()["code"] == "payment_recorded"


@pytest.fixture
def at_the_door(courier_app, dispatched):
    """(page, number): the delivery form of a new item out for delivery."""
    [number] = dispatched(1)
    _open_delivery(courier_app, number)
    return courier_app, number


def test_a_wrong_id_synced_is_refused_as_id_mismatch_and_kept_as_a_failed_attempt(
        at_the_door, api, api_token):
    page, number = at_the_door
    page.get_by_label("Họ tên người nhận").fill("Nguyễn Văn Ất")
    page.get_by_label("Số CCCD").fill("038090009999")
    expect(page.locator("[data-id-check]")).to_contain_text("không khớp")
    page.get_by_role("button", name="Xác nhận đã phát").click()  # warned again: press once more
    expect(page.locator("[data-id-check]")).to_contain_text("lần nữa")
    page.get_by_role("button", name="Xác nhận đã phát").click()
    page.get_by_role("button", name="Hàng đợi", exact=True).click()
    expect(page.locator("[data-attention] li")).to_contain_text("Giấy tờ không khớp")
    events = [e["event"] for e in api("get", f"/api/v1/shipments/{number}", token=api_token("clerk"))
              .json()["events"]]
    assert "delivery_failed" in events and "delivered" not in events


def test_a_failed_delivery_is_queued_with_its_reason_and_the_notice_is_asked_for(at_the_door, api, api_token):
    page, number = at_the_door
    page.get_by_label("Lý do").select_option("addressee_absent")
    page.get_by_label("Ghi chú").fill("Gọi không nghe máy")
    page.get_by_role("button", name="Ghi nhận phát không thành công").click()
    expect(page.locator("[data-message]")).to_contain_text("để lại giấy mời")
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 0")
    shipment = api("get", f"/api/v1/shipments/{number}", token=api_token("clerk")).json()
    assert shipment["events"][-1]["event"] == "delivery_failed"
    assert shipment["status"] == "awaiting_collection"
