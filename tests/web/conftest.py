"""Browser tests: Playwright driving Debian's Chromium (UI.md §2) against a live server on
127.0.0.1 with a database of its own, CSP on, and nothing allowed to leave 127.0.0.1."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Response, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
LOCAL_HOST = "127.0.0.1"

_reports = pytest.StashKey[dict]()  # the test's phase reports, for the screenshot on failure


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Not the suite's database: that one is reset by the `app` fixture and held in a
    rolled-back transaction per test, which a server in another process would never see."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
        return
    scratch = make_url(url).set(database=f"{make_url(url).database}_web")
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)')
    with admin.connect() as conn:
        conn.execute(drop)
        conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    yield scratch.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(drop)
    admin.dispose()


@pytest.fixture(scope="session")
def live_server(live_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as `make run` serves it (migrated, units and demo data loaded), in its own process."""
    instance = tmp_path_factory.mktemp("live-instance")
    env = {**os.environ, "DATABASE_URL": live_database_url, "HCC_INSTANCE_DIR": str(instance),
           "HCC_ENV": "development", "SECRET_KEY": "web-test-secret", "ID_HASH_KEY": "web-test-id",
           "RATELIMIT_STORAGE_URI": "memory://", "FLASK_APP": "wsgi"}
    log_path = instance / "server.log"
    with log_path.open("wb") as log:
        subprocess.run([sys.executable, "-m", "flask", "setup"], cwd=REPO, env=env, check=True,
                       stdout=log, stderr=subprocess.STDOUT)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "flask", "run", "--host", LOCAL_HOST, "--port", str(port),
             "--no-reload", "--no-debugger"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{LOCAL_HOST}:{port}"
    try:
        _wait_until_up(base, server, log_path)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_up(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the live server exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the live server did not answer in 30 s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make sysdeps` (never `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def failure_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots of failed tests: WEB_FAILURE_DIR, or a folder in pytest's temp."""
    folder = Path(os.environ.get("WEB_FAILURE_DIR") or tmp_path_factory.getbasetemp() / "web-failures")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser: Browser, live_server: str, failure_dir: Path,
         request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh context (no cookies) whose every request must stay on 127.0.0.1, every response
    carry a CSP, and no CSP violation happen; a screenshot is saved if the test fails."""
    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="vi-VN")
    context.set_default_timeout(10_000)
    escaped: list[str] = []
    without_csp: list[str] = []
    violations: list[str] = []

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            escaped.append(route.request.url)
            route.abort()

    def check_headers(response: Response) -> None:
        if "content-security-policy" not in response.headers:
            without_csp.append(response.url)

    context.route("**/*", guard)
    page = context.new_page()
    page.on("response", check_headers)
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    yield page
    call = request.node.stash.get(_reports, {}).get("call")
    if call is not None and call.failed:
        shot = failure_dir / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failure: {shot}")
    context.close()
    assert not escaped, f"requests left 127.0.0.1: {escaped}"
    assert not without_csp, f"responses without a Content-Security-Policy: {without_csp}"
    assert not violations, f"CSP violations: {violations}"


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def inspect_page(axe_source: str) -> Callable[[Page], None]:
    """inspect_page(page): no serious or critical axe violation, no horizontal scroll at 360 px."""

    def inspect(page: Page) -> None:
        page.evaluate(axe_source)  # through DevTools, so the page's CSP allows it as it is
        violations = page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter(v => ["serious", "critical"].includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map(n => n.target.join(" "))}));
        }""")
        assert violations == [], f"axe on {page.url}: {violations}"
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        try:
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"{page.url} scrolls sideways at 360 px: {widths}"
        finally:
            page.set_viewport_size(size or DESKTOP)

    return inspect


@pytest.fixture
def api(live_server: str) -> Callable[..., Any]:
    """api("post", "/api/v1/...", token=..., json=...): the live server's JSON API, as httpx."""
    import httpx

    def call(method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.request(method, live_server + path, headers=headers, timeout=10, **kw)

    return call


@pytest.fixture
def api_token(api: Callable[..., Any]) -> Callable[[str], str]:
    """api_token("clerk"): a bearer token of a demo user on the live server."""

    def get(username: str) -> str:
        resp = api("post", "/api/v1/auth/tokens", json={"username": username, "password": f"demo-{username}"})
        assert resp.status_code == 201, resp.text
        return resp.json()["token"]

    return get


VIETNAMESE_LETTERS = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


@pytest.fixture
def untranslated_text() -> Callable[[Page], str | None]:
    """untranslated_text(page): visible text with Vietnamese letters (and its surroundings), or
    None; what is marked lang="vi" (people's names, addresses, the switch back to Vietnamese)
    is not a string to translate and is left out."""

    def find(page: Page) -> str | None:
        text = page.evaluate("""() => {
            const copy = document.body.cloneNode(true);
            copy.querySelectorAll('[lang="vi"]').forEach(el => el.remove());
            const options = [...copy.querySelectorAll('select option')].map(o => o.textContent);
            const placeholders = [...copy.querySelectorAll('[placeholder]')].map(i => i.placeholder);
            return [copy.innerText, ...options, ...placeholders].join(' ');
        }""")
        found = VIETNAMESE_LETTERS.search(text)
        return text[max(0, found.start() - 60):found.end() + 60] if found else None

    return find


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """sign_in(page, "clerk"): through the login form, with the demo password unless one is given."""

    def go(page: Page, username: str, password: str | None = None) -> None:
        page.goto("/login")
        page.locator("#username").fill(username)
        page.locator("#password").fill(password or f"demo-{username}")
        page.locator("#password").press("Enter")
        page.wait_for_load_state()

    return go


@pytest.fixture
def created(api: Callable[..., Any]) -> Callable[[str, dict], dict]:
    """created(token, body): a shipment made through the live server's API; its JSON answer."""

    def make(token: str, body: dict) -> dict:
        answer = api("post", "/api/v1/shipments", token=token, json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    return make


@pytest.fixture
def scanned(api: Callable[..., Any]) -> Callable[..., None]:
    """scanned(token, number, event, **extra): one scan recorded through the live server's API,
    happening now."""

    def record(token: str, number: str, event: str, **extra: str) -> None:
        scan = {"id": str(uuid.uuid4()), "tracking_number": number, "event": event,
                "occurred_at": datetime.now(UTC).isoformat(), **extra}
        answer = api("post", "/api/v1/scans", token=token, json={"scans": [scan]})
        assert answer.json()["recorded"] == 1, answer.text

    return record
