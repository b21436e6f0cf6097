"""Printing from the counter without a print dialog (issue 14, acceptance 4), in Chromium: the
clerk clicks "In nhãn qua máy in …" on the shipment page and a registered printer at
127.0.0.1:<port> (a test listener) receives exactly the label's ZPL; a printer that does not
answer gives a clear Vietnamese error beside the buttons within 5 s, and nothing is lost. Without
JavaScript the same buttons post and the page comes back with the outcome."""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

OFFICE = "BC-BIMSON"  # the demo clerk's


@pytest.fixture
def printer_at(api, api_token) -> Iterator:
    """printer_at(port) -> (id, name) of a new printer of the clerk's office at 127.0.0.1:port,
    registered by the admin; deactivated at the test's end so no other page offers it."""
    made: list[int] = []

    def register(port: int) -> tuple[int, str]:
        name = f"Quầy {uuid.uuid4().hex[:4].upper()}"
        resp = api("post", f"/api/v1/offices/{OFFICE}/printers", token=api_token("admin"),
                   json={"name": name, "host": "127.0.0.1", "port": port})
        assert resp.status_code == 201, resp.text
        made.append(resp.json()["id"])
        return resp.json()["id"], name

    yield register
    for printer_id in made:
        api("delete", f"/api/v1/printers/{printer_id}", token=api_token("admin"))


def state_of(api, token: str, number: str) -> dict:
    resp = api("get", f"/api/v1/shipments/{number}", token=token)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_the_clerk_prints_the_label_in_one_click_and_the_printer_gets_exactly_its_zpl(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in, created, printer_at,
        printer_listener):
    token = api_token("clerk")
    number = created(token, shipment_body())["tracking_number"]
    _printer_id, name = printer_at(printer_listener.port)
    sign_in(page, "clerk")
    page.goto(f"/counter/shipments/{number}")
    button = page.get_by_role("button", name=f"In nhãn qua máy in {name}")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#print-result [role=status]")).to_have_text(f"Đã gửi nhãn tới máy in {name}.")
    zpl = api("get", f"/api/v1/shipments/{number}/label.zpl", token=token)
    assert zpl.status_code == 200
    assert printer_listener.wait_for_jobs(1) == [zpl.content]
    # The PDF path stays beside it, for offices without a network printer.
    expect(page.get_by_role("link", name="In nhãn A6")).to_be_visible()
    inspect_page(page)


def test_a_printer_that_does_not_answer_is_said_in_vietnamese_within_5_s_and_nothing_changes(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in, created, printer_at,
        dead_printers):
    token = api_token("clerk")
    number = created(token, shipment_body())["tracking_number"]
    port = dead_printers.silent_port()
    _printer_id, name = printer_at(port)
    before = state_of(api, token, number)
    sign_in(page, "clerk")
    page.goto(f"/counter/shipments/{number}")
    button = page.get_by_role("button", name=f"In nhãn qua máy in {name}")
    started = time.monotonic()
    button.click()
    alert = page.locator("#print-result [role=alert]")
    expect(alert).to_be_visible(timeout=5_000)
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    expect(alert).to_have_text(
        f"Máy in {name} (127.0.0.1:{port}) không trả lời sau 3 giây. "
        "Kiểm tra máy in đã bật và nối mạng, rồi thử lại; hoặc in bằng PDF.")
    expect(button).to_be_enabled()  # the clerk may try again
    assert state_of(api, token, number) == before
    assert api("get", f"/api/v1/shipments/{number}/label.pdf", token=token).status_code == 200
    inspect_page(page)


def test_without_javascript_the_button_posts_and_the_page_says_what_happened(
        browser: Browser, live_server: str, api, api_token, shipment_body, created, printer_at,
        printer_listener, dead_printers):
    token = api_token("clerk")
    number = created(token, shipment_body())["tracking_number"]
    _ok_id, ok_name = printer_at(printer_listener.port)
    port = dead_printers.closed_port()
    _dead_id, dead_name = printer_at(port)
    before = state_of(api, token, number)
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto("/login")
        page.locator("#username").fill("clerk")
        page.locator("#password").fill("demo-clerk")
        page.locator("#password").press("Enter")
        page.goto(f"/counter/shipments/{number}")

        page.get_by_role("button", name=f"In nhãn qua máy in {ok_name}").click()
        expect(page.locator(".flash-success")).to_have_text(f"Đã gửi nhãn tới máy in {ok_name}.")
        zpl = api("get", f"/api/v1/shipments/{number}/label.zpl", token=token).content
        assert printer_listener.wait_for_jobs(1) == [zpl]

        started = time.monotonic()
        page.get_by_role("button", name=f"In nhãn qua máy in {dead_name}").click()
        expect(page.locator(".flash-error")).to_have_text(
            f"Máy in {dead_name} (127.0.0.1:{port}) từ chối kết nối: máy in đang tắt, bận hoặc sai cổng. "
            "Kiểm tra máy in đã bật và nối mạng, rồi thử lại; hoặc in bằng PDF.")
        assert time.monotonic() - started < 5
        expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    finally:
        context.close()
    assert state_of(api, token, number) == before


def test_in_english_the_buttons_and_the_error_are_english(
        page: Page, api, api_token, shipment_body, sign_in, created, dead_printers, untranslated_text):
    number = created(api_token("clerk"), shipment_body())["tracking_number"]
    port = dead_printers.closed_port()
    name = f"Counter {uuid.uuid4().hex[:4].upper()}"  # a name without Vietnamese letters
    resp = api("post", f"/api/v1/offices/{OFFICE}/printers", token=api_token("admin"),
               json={"name": name, "host": "127.0.0.1", "port": port})
    assert resp.status_code == 201, resp.text
    try:
        sign_in(page, "clerk")
        page.get_by_role("button", name="English").click()
        page.goto(f"/counter/shipments/{number}")
        page.get_by_role("button", name=f"Print label on printer {name}").click()
        expect(page.locator("#print-result [role=alert]")).to_have_text(
            f"Printer {name} (127.0.0.1:{port}) refused the connection: the printer is off, busy, or the "
            "port is wrong. Check that the printer is on and connected to the network, then try again; "
            "or print the PDF.")
        assert untranslated_text(page) is None
        page.get_by_role("button", name="Tiếng Việt").click()
    finally:
        api("delete", f"/api/v1/printers/{resp.json()['id']}", token=api_token("admin"))
