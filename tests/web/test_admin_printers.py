"""An office's network label printers on the admin's pages (issue 14): opened from the office's
row, one added (a bad address first, its message beside the field; a taken name), edited and
switched off, each change in the audit log; the counter then offers exactly the active ones."""
from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect


def test_the_admin_adds_edits_and_stops_a_printer_and_the_counter_offers_only_active_ones(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in, created):
    name = f"Quầy {uuid.uuid4().hex[:4].upper()}"
    sign_in(page, "admin", "demo-admin")
    page.goto("/admin/offices")
    page.get_by_role("link", name="Máy in của bưu cục BC-BIMSON").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Máy in của bưu cục BC-BIMSON")
    expect(page.locator("#port")).to_have_value("9100")
    inspect_page(page)

    page.fill("#name", name)
    page.fill("#host", "192.168.1.300 ")
    page.get_by_role("button", name="Thêm máy in").click()
    expect(page.locator("#host-error")).to_have_text(
        "Nhập tên máy (ví dụ zebra-quay1) hoặc địa chỉ IP (ví dụ 192.168.1.50).")
    expect(page.locator("#host")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name")).to_have_value(name)  # the rest is kept
    page.fill("#host", "192.168.1.50")
    page.fill("#port", "70000")
    page.get_by_role("button", name="Thêm máy in").click()
    expect(page.locator("#port-error")).to_have_text("Cổng TCP từ 1 đến 65535; máy in nhãn thường dùng 9100.")
    inspect_page(page)
    page.fill("#port", "9100")
    page.get_by_role("button", name="Thêm máy in").click()
    expect(page.get_by_text(f"Đã thêm máy in {name} (192.168.1.50:9100).")).to_be_visible()
    row = page.locator("table.printers tbody tr", has_text=name)
    expect(row).to_contain_text("192.168.1.50:9100")
    expect(row).to_contain_text("Đang dùng")

    page.fill("#name", name)
    page.fill("#host", "10.0.0.2")
    page.get_by_role("button", name="Thêm máy in").click()
    expect(page.locator("#name-error")).to_have_text("Bưu cục đã có máy in tên này; đặt tên khác.")

    page.goto("/admin/offices/BC-BIMSON/printers")
    row.get_by_role("link", name=f"Sửa máy in {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sửa máy in {name}")
    inspect_page(page)
    page.fill("#host", "zebra-quay1.office.lan")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text(f"Đã lưu máy in {name}.")).to_be_visible()
    expect(row).to_contain_text("zebra-quay1.office.lan:9100")

    # The counter offers it while it is active.
    number = created(api_token("clerk"), shipment_body())["tracking_number"]
    clerk = page.context.browser.new_context(base_url=page.url.split("/admin")[0], locale="vi-VN")
    try:
        counter = clerk.new_page()
        sign_in(counter, "clerk")
        counter.goto(f"/counter/shipments/{number}")
        expect(counter.get_by_role("button", name=f"In nhãn qua máy in {name}")).to_be_visible()

        row.get_by_role("button", name=f"Ngừng máy in {name}").click()
        expect(page.get_by_text(f"Đã ngừng máy in {name}")).to_be_visible()
        expect(row).to_contain_text("Đã ngừng")
        counter.reload()
        expect(counter.get_by_role("button", name=f"In nhãn qua máy in {name}")).to_have_count(0)
    finally:
        clerk.close()

    row.get_by_role("link", name=f"Nhật ký của máy in {name}").click()
    entries = page.locator("table.audit tbody tr")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text("printer.deactivate")
    expect(entries.nth(2)).to_contain_text("printer.create")
