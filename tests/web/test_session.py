"""Sign-in pages without a browser: CSRF on pages but not on the bearer API, the session
cookie's flags, revocation at sign-out, the shared throttle, and error pages by path."""
from __future__ import annotations

import re

import pytest
from flask import abort

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def csrf_token(client):
    def get(path: str = "/login") -> str:
        return CSRF.search(client.get(path).get_data(as_text=True)).group(1)

    return get


def test_a_page_form_without_its_csrf_token_gets_the_400_page_and_no_session(client):
    resp = client.post("/login", data={"username": "clerk", "password": "demo-clerk"})
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "Biểu mẫu đã hết hạn" in resp.get_data(as_text=True)
    assert "Đăng xuất" not in client.get("/").get_data(as_text=True)


def test_the_bearer_api_needs_no_csrf_token(client):
    resp = client.post("/api/v1/auth/tokens", json={"username": "clerk", "password": "demo-clerk"})
    assert resp.status_code == 201


def test_the_session_cookie_is_httponly_and_samesite_lax(client, csrf_token):
    resp = client.post("/login", data={"username": "clerk", "password": "demo-clerk",
                                       "csrf_token": csrf_token()})
    assert resp.status_code == 303
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only in production (HCC_ENV=production)


def test_signing_out_revokes_the_sessions_token_on_the_server(client, csrf_token):
    client.post("/login", data={"username": "clerk", "password": "demo-clerk", "csrf_token": csrf_token()})
    stolen = client.get_cookie("session").value
    assert '<span class="who" lang="vi">Trần Thị Giao Dịch</span>' in client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_token("/")}).status_code == 303
    client.set_cookie("session", stolen)
    assert 'class="who"' not in client.get("/").get_data(as_text=True)


def test_the_next_page_after_sign_in_stays_on_this_site(client, csrf_token):
    home = "/counter/shipments/new"  # the clerk's first page
    for target, expected in (("/khong-co", "/khong-co"), ("//evil.example/x", home),
                             ("https://evil.example/", home), ("/\\evil.example", home)):
        resp = client.post("/login", data={"username": "clerk", "password": "demo-clerk",
                                           "next": target, "csrf_token": csrf_token()})
        assert resp.headers["Location"] == expected, target
        client.post("/logout", data={"csrf_token": csrf_token("/")})


def test_sign_in_is_throttled_like_the_api_with_the_wait_in_vietnamese(app, client, csrf_token):
    wrong = {"username": "clerk", "password": "wrong-password", "csrf_token": csrf_token()}
    for _ in range(app.config["LOGIN_FAILURES_PER_ACCOUNT_ADDRESS"]):
        assert client.post("/login", data=wrong).status_code == 401
    resp = client.post("/login", data={**wrong, "password": "demo-clerk"})  # refused even when right
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    minutes = -(-app.config["LOGIN_WINDOW_SECONDS"] // 60)
    assert f"Vui lòng thử lại sau {minutes} phút" in resp.get_data(as_text=True)
    assert client.post("/api/v1/auth/tokens", json={"username": "clerk", "password": "demo-clerk"}
                       ).status_code == 429  # one allowance for the page and the API


def test_empty_fields_are_named_beside_the_fields(client, csrf_token):
    resp = client.post("/login", data={"username": "", "password": "", "csrf_token": csrf_token()})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'id="username-error"' in html and 'id="password-error"' in html


@pytest.mark.parametrize(("status", "title"), [
    (403, "Không có quyền truy cập"), (404, "Không tìm thấy trang"),
    (500, "Đã xảy ra lỗi"), (503, "Dịch vụ tạm ngừng")])
def test_pages_get_vietnamese_error_pages_and_the_api_keeps_problem_json(app, status, title):
    from app.errors import http_exception_to_problem
    from app.web.errors import error_page

    with app.test_request_context(f"/some/page/{status}"):
        try:
            abort(status)
        except Exception as exc:  # the HTTPException for `status`
            page = error_page(http_exception_to_problem(exc))
    assert page.status_code == status and page.mimetype == "text/html"
    assert title in page.get_data(as_text=True)


def test_unknown_api_paths_still_answer_problem_json(client, problem):
    problem(client.get("/api/v1/khong-co"), 404, "not_found")
