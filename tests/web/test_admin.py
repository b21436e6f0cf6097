"""The administrator's pages in Chromium (issue 12, acceptance 6, 7 and the admin part of 8): a
clerk made with a one-time password must change it, deactivation ends their session at once, the
audit page shows both changes with who and when; a tariff version for a future day prices quotes
from that day while a fee already frozen stays; a discount policy is added and ended."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from playwright.sync_api import Page, expect

ADMIN_PAGES = ("/admin/users", "/admin/users/new", "/admin/audit", "/admin/tariffs", "/admin/tariffs/new",
               "/admin/policies", "/admin/policies/new")


def test_a_new_clerk_changes_the_one_time_password_and_loses_the_session_when_deactivated(
        page: Page, inspect_page, sign_in):
    username = f"clerk.{uuid.uuid4().hex[:6]}"
    sign_in(page, "admin", "demo-admin")
    expect(page).to_have_url("/admin/users")
    inspect_page(page)
    page.get_by_role("link", name="Thêm người dùng").click()
    inspect_page(page)
    page.fill("#username", username)
    page.fill("#full_name", "Nguyễn Thị Mới")
    page.select_option("#role", "clerk")
    page.select_option("#office_code", "BC-THANHHOA")
    page.get_by_role("button", name="Tạo người dùng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đã tạo người dùng {username}")
    one_time = page.locator("#one-time-password").inner_text()
    assert len(one_time) == 14
    inspect_page(page)
    admin = page.context.cookies()

    page.context.clear_cookies()
    sign_in(page, username, one_time)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    inspect_page(page)
    page.goto("/counter/")  # nothing else until the password is changed
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    page.fill("#old_password", one_time)
    page.fill("#new_password", "ruong lua chin vang 2026")
    page.fill("#confirm_password", "ruong lua chin vang 2026")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_text("Đã đổi mật khẩu.")).to_be_visible()
    expect(page).to_have_url("/counter/")
    clerk = page.context.cookies()

    page.context.clear_cookies()
    page.context.add_cookies(admin)  # type: ignore[arg-type]
    page.goto("/admin/users")
    page.get_by_role("button", name=f"Khóa tài khoản {username}").click()
    expect(page.locator(f'tr[id="user-{username}"]')).to_contain_text("Đã khóa")

    page.context.clear_cookies()
    page.context.add_cookies(clerk)  # type: ignore[arg-type]
    page.goto("/counter/")
    expect(page).to_have_url("/login?next=/counter/")

    page.context.clear_cookies()
    page.context.add_cookies(admin)  # type: ignore[arg-type]
    page.goto("/admin/audit?entity_type=user")
    page.fill("#user", "admin")
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("table.audit tbody tr")
    created = rows.filter(has_text="user.create").filter(has_text=username)
    deactivated = rows.filter(has_text="user.deactivate")
    expect(created).to_have_count(1)
    expect(created).to_contain_text("admin")
    expect(deactivated.first).to_contain_text("admin")
    expect(deactivated.first.locator("time")).to_have_text(re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$"))
    inspect_page(page)

    page.goto("/admin/users")
    page.get_by_role("button", name=f"Mở lại tài khoản {username}").click()
    expect(page.locator(f'tr[id="user-{username}"]')).to_contain_text("Hoạt động")
    page.get_by_role("button", name=f"Cấp lại mật khẩu cho {username}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đã cấp lại mật khẩu cho {username}")
    page.goto("/admin/users")
    expect(page.locator(f'tr[id="user-{username}"]')).to_contain_text("Chờ đổi mật khẩu")


def test_only_the_admin_sees_the_admin_pages(page: Page, sign_in):
    sign_in(page, "clerk", "demo-clerk")
    for path in ADMIN_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 403, path


def test_the_admin_pages_speak_english_too(page: Page, untranslated_text, sign_in):
    sign_in(page, "admin", "demo-admin")
    page.get_by_role("button", name="English").click()
    for path in ADMIN_PAGES:
        page.goto(path)
        assert untranslated_text(page) is None, path
    page.goto("/admin/users/new")
    page.get_by_role("button", name="Create user").click()
    assert untranslated_text(page) is None


def test_a_tariff_added_for_a_future_day_prices_quotes_from_then_and_frozen_fees_stay(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in):
    clerk = api_token("clerk")
    made = api("post", "/api/v1/shipments", token=clerk, json=shipment_body())
    assert made.status_code == 201, made.text
    frozen = made.json()["fee"]
    version, starts = f"TEST-{uuid.uuid4().hex[:6].upper()}", date.today() + timedelta(days=30)

    sign_in(page, "admin", "demo-admin")
    page.goto("/admin/tariffs")
    inspect_page(page)
    page.get_by_role("link", name="Thêm phiên bản").click()
    inspect_page(page)
    page.fill("#version", version)
    page.fill("#effective_from", starts.isoformat())
    for field in page.locator("input[name$='.base_vnd']").all():
        field.fill("99000")
    page.get_by_role("button", name="Thêm phiên bản").click()
    expect(page.get_by_role("heading", name=re.compile(version))).to_be_visible()

    def quote(on: date | None) -> dict:
        resp = api("post", "/api/v1/quotes", token=clerk,
                   json={**shipment_body(), "accepted_on": on.isoformat() if on else None})
        assert resp.status_code == 200, resp.text
        return resp.json()

    later = quote(starts + timedelta(days=1))
    assert later["tariff_version"] == version and later["gross_vnd"] > frozen["gross_vnd"]
    assert quote(None)["tariff_version"] == frozen["tariff_version"]
    kept = api("get", f"/api/v1/shipments/{made.json()['tracking_number']}", token=clerk)
    assert kept.json()["fee"] == frozen


def test_the_admin_adds_a_discount_policy_and_ends_it(page: Page, inspect_page, sign_in):
    code = f"TEST-{uuid.uuid4().hex[:6].upper()}"
    starts = date.today() + timedelta(days=10)
    sign_in(page, "admin", "demo-admin")
    page.goto("/admin/policies")
    inspect_page(page)
    page.get_by_role("link", name="Thêm chính sách").click()
    inspect_page(page)
    page.fill("#code", code)
    page.fill("#name", "Giảm cước thử nghiệm")
    page.select_option("#kind", "percentage")
    page.fill("#discount_bp", "5000")
    page.fill("#valid_from", starts.isoformat())
    page.get_by_role("button", name="Thêm chính sách").click()
    row = page.locator(f'tr[id="policy-{code}"]')
    expect(row).to_contain_text("50%")
    expect(row).to_contain_text("không thời hạn")
    last_day = starts + timedelta(days=5)
    row.locator("input[type=date]").fill(last_day.isoformat())
    row.get_by_role("button", name=f"Kết thúc {code}").click()
    expect(page.locator(f'tr[id="policy-{code}"]')).to_contain_text(last_day.strftime("%d/%m/%Y"))
    inspect_page(page)
