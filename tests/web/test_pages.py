"""The foundation's paths end to end in Chromium: the front page and tracking, sign-in and
sign-out, a refused form without its CSRF token, and the English catalogue."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_the_front_page_tracks_a_number_to_its_page(page, inspect_page, api, api_token, shipment_body):
    token = api_token("clerk")
    created = api("post", "/api/v1/shipments", token=token, json=shipment_body())
    assert created.status_code == 201, created.text
    number = created.json()["tracking_number"]

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("qua bưu điện")
    expect(page.get_by_role("link", name="đăng nhập", exact=True)).to_have_attribute("href", "/login")
    expect(page.locator("a.phone").first).to_have_attribute("href", re.compile(r"^tel:\d+$"))
    inspect_page(page)

    field = page.get_by_label("Số hiệu bưu gửi")
    field.fill(f" {number.lower()} ")
    field.press("Enter")
    expect(page).to_have_url(re.compile(f"/t/{number}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    inspect_page(page)


def test_an_unknown_number_shows_the_same_not_found_page_as_a_malformed_one(page, inspect_page):
    page.goto("/")
    page.get_by_label("Số hiệu bưu gửi").fill("HB999999995VN")
    with page.expect_response(re.compile(r"/t/HB999999995VN$")) as unknown:
        page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy bưu gửi")
    inspect_page(page)
    unknown_page = unknown.value.body()
    malformed = page.goto("/t/khong-phai-so-hieu")
    assert unknown.value.status == malformed.status == 404
    assert unknown_page == malformed.body()


def test_the_demo_clerk_signs_in_and_out_and_the_session_ends_on_the_server(page, inspect_page, sign_in):
    page.goto("/login")
    inspect_page(page)
    sign_in(page, "clerk", "demo-clerk")
    expect(page.get_by_role("status")).to_contain_text("Xin chào, Trần Thị Giao Dịch.")
    expect(page.locator(".who")).to_have_text("Trần Thị Giao Dịch")
    inspect_page(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("status")).to_contain_text("Bạn đã đăng xuất.")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)

    page.context.add_cookies([cookie])  # the old cookie, replayed: its token was revoked
    page.goto("/")
    expect(page.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()
    expect(page.locator(".who")).to_have_count(0)


def test_a_wrong_password_says_so_in_vietnamese(page, inspect_page, sign_in):
    sign_in(page, "clerk", "wrong-password")
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("clerk")
    inspect_page(page)


def test_a_form_posted_without_its_csrf_token_is_refused(page, inspect_page):
    page.goto("/login")
    page.evaluate("() => document.querySelector('main form input[name=csrf_token]').remove()")
    page.get_by_label("Tên đăng nhập").fill("clerk")
    page.get_by_label("Mật khẩu").fill("demo-clerk")
    with page.expect_response(re.compile("/login$")) as answer:
        page.get_by_label("Mật khẩu").press("Enter")
    assert answer.value.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Biểu mẫu đã hết hạn")
    expect(page.locator(".who")).to_have_count(0)
    inspect_page(page)


def test_an_unknown_page_answers_a_vietnamese_404(page, inspect_page):
    answer = page.goto("/khong-co-trang-nay")
    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    inspect_page(page)


def test_the_english_switch_translates_every_string_on_the_pages(page, inspect_page, untranslated_text,
                                                                  sign_in):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("by post")
    for path in ("/", "/login", "/khong-co-trang-nay"):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "en"
        assert untranslated_text(page) is None, path
    inspect_page(page)
    sign_in(page, "clerk", "wrong-password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    sign_in(page, "clerk", "demo-clerk")
    page.goto("/counter/shipments/new")
    page.get_by_role("button", name="Create the shipment").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below.")
    assert untranslated_text(page) is None, "the counter's form with its errors"
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bưu gửi mới")
