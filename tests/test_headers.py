"""Security and caching headers (app/headers.py): on every answer, a strict policy on HTML
pages, nothing personal kept by caches, HSTS in production."""
import re

import pytest

from app.headers import content_security_policy


def directives(resp):
    policy = resp.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


def assert_common(resp):
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert directives(resp)["frame-ancestors"] == ["'none'"]


def assert_strict_html(resp):
    assert_common(resp)
    csp = directives(resp)
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert not any("unsafe" in s or s == "*" for s in csp["script-src"] + csp["default-src"])


@pytest.fixture
def tracking_number(make_shipment, walk):
    tn = make_shipment.number()
    walk(tn, "accepted")
    return tn


def test_the_tracking_page(client, tracking_number):
    resp = client.get(f"/t/{tracking_number}")
    assert resp.status_code == 200
    assert_strict_html(resp)
    assert directives(resp)["style-src"] == ["'self'"]  # the shared layout: no inline style


def test_the_tracking_page_for_an_unknown_number(client):
    resp = client.get("/t/HB999999995VN")
    assert resp.status_code == 404
    assert_strict_html(resp)


def test_the_tracking_page_has_no_inline_style_or_script(client, tracking_number):
    page = client.get(f"/t/{tracking_number}").get_data(as_text=True)
    assert "<style" not in page and " style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None


def test_the_docs_page_runs_no_inline_script(client):
    resp = client.get("/api/docs")
    assert_strict_html(resp)
    html = resp.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    for src in re.findall(r'<script src="([^"]+)"', html) + re.findall(r'href="([^"]+\.css)"', html):
        with client.get(src) as asset:
            assert asset.status_code == 200, src
            assert_common(asset)


def test_a_personal_answer_is_not_kept_by_caches(as_user, tracking_number):
    resp = as_user("clerk").get(f"/api/v1/shipments/{tracking_number}")
    assert resp.status_code == 200
    assert_common(resp)
    assert resp.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in resp.headers


def test_the_token_answer_is_not_kept_by_caches(client):
    resp = client.post("/api/v1/auth/tokens", json={"username": "clerk", "password": "demo-clerk"})
    assert resp.status_code == 201
    assert resp.headers["Cache-Control"] == "no-store"
    assert_common(resp)


@pytest.mark.parametrize("url", ["/api/v1/shipments", "/api/v1/nope", "/nope"])
def test_errors_carry_the_headers_too(client, url):
    resp = client.get(url)
    assert resp.status_code in (401, 404)
    assert_common(resp)


def test_public_tracking_may_be_cached(client, tracking_number):
    resp = client.get(f"/api/v1/track/{tracking_number}")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] != "no-store"
    assert_common(resp)


def test_hsts_only_in_production(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    monkeypatch.setitem(app.config, "HCC_ENV", "production")
    hsts = client.get("/healthz").headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=\d+; includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 31536000


def test_a_page_may_widen_the_policy_for_what_it_needs():
    policy = content_security_policy(script_src="'wasm-unsafe-eval'")
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
