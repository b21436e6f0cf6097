"""The courier app in Chromium with a fake camera (UI.md §2): the browser reads its camera from
a Y4M file in the session's temp folder, which a test rewrites (from the project's own label or
a CCCD QR code) before it opens the camera; Chromium opens the file when capture starts."""
from __future__ import annotations

import io
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import segno
from PIL import Image
from playwright.sync_api import Browser, Page, expect

CHROMIUM = "/usr/bin/chromium"
FRAME = (1280, 960)


@pytest.fixture(scope="session")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "camera.y4m"
    _write_y4m(path, [Image.new("L", FRAME, 255)])
    return path


@pytest.fixture(scope="session")
def browser(browser: Browser, camera_file: Path) -> Iterator[Browser]:
    """A second Chromium of the suite's Playwright, with the fake camera: the courier tests' own."""
    with_camera = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera_file}"])
    yield with_camera
    with_camera.close()


def _write_y4m(path: Path, frames: list[Image.Image]) -> None:
    width, height = FRAME
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            y, u, v = frame.convert("RGB").convert("YCbCr").split()
            out.write(b"FRAME\n" + y.tobytes() + u.resize((width // 2, height // 2)).tobytes()
                      + v.resize((width // 2, height // 2)).tobytes())


def _framed(picture: Image.Image) -> Image.Image:
    """The picture scaled into the camera's frame, on white, as a phone held over it sees it."""
    frame = Image.new("RGB", FRAME, "white")
    scale = min(FRAME[0] / picture.width, FRAME[1] / picture.height)
    shown = picture.convert("RGB").resize((int(picture.width * scale), int(picture.height * scale)))
    frame.paste(shown, ((FRAME[0] - shown.width) // 2, (FRAME[1] - shown.height) // 2))
    return frame


@pytest.fixture
def show_camera(camera_file: Path) -> Callable[[Image.Image], None]:
    """show_camera(picture): what the camera sees from the next time it is opened."""
    return lambda picture: _write_y4m(camera_file, [_framed(picture)])


@pytest.fixture
def label_picture(api: Callable[..., Any], tmp_path: Path) -> Callable[[str, str], Image.Image]:
    """label_picture(number, token): the item's label PDF rendered by pdftoppm at 203 dpi."""

    def render(number: str, token: str) -> Image.Image:
        pdf = api("get", f"/api/v1/shipments/{number}/label.pdf", token=token)
        assert pdf.status_code == 200, pdf.text
        (tmp_path / "label.pdf").write_bytes(pdf.content)
        subprocess.run(["pdftoppm", "-r", "203", "-png", "-singlefile", str(tmp_path / "label.pdf"),
                        str(tmp_path / "label")], check=True)
        return Image.open(tmp_path / "label.png")

    return render


@pytest.fixture
def qr_picture() -> Callable[[str], Image.Image]:
    """qr_picture(text): a QR code as a card carries it (UTF-8, byte mode)."""

    def draw(text: str) -> Image.Image:
        out = io.BytesIO()
        segno.make_qr(text, encoding="utf-8").save(out, kind="png", scale=10, border=4)
        return Image.open(io.BytesIO(out.getvalue()))

    return draw


@pytest.fixture
def dispatched(api: Callable[..., Any], api_token: Callable[[str], str],
               shipment_body: Callable[..., dict[str, Any]]) -> Callable[..., list[str]]:
    """dispatched(n, out=True, **overrides): n new results (shipment_body(**overrides)) accepted at
    the counter and dispatched to the demo courier for today (taken out for delivery unless
    out=False), in creation order."""

    def make(n: int = 1, out: bool = True, **overrides: Any) -> list[str]:
        clerk, courier = api_token("clerk"), api_token("courier")
        numbers = []
        for _ in range(n):
            created = api("post", "/api/v1/shipments", token=clerk, json=shipment_body(**overrides))
            assert created.status_code == 201, created.text
            numbers.append(created.json()["tracking_number"])
        record(api, clerk, numbers, "accepted")
        answer = api("post", "/api/v1/dispatch", token=api_token("supervisor"),
                     json={"courier": "courier", "tracking_numbers": numbers})
        assert answer.status_code == 200, answer.text
        if out:
            record(api, courier, numbers, "out_for_delivery")
        return numbers

    return make


def record(api: Callable[..., Any], token: str, numbers: list[str], event: str) -> None:
    scans = [{"id": str(uuid.uuid4()), "tracking_number": n, "event": event,
              "occurred_at": datetime.now(UTC).isoformat()} for n in numbers]
    answer = api("post", "/api/v1/scans", token=token, json={"scans": scans})
    assert answer.status_code == 200 and answer.json()["recorded"] == len(numbers), answer.text


@pytest.fixture
def courier_app(page: Page) -> Page:
    """The app signed in as the demo courier, its service worker in control (the shell cached)."""
    page.goto("/courier/")
    page.get_by_label("Tên đăng nhập").fill("courier")
    page.get_by_label("Mật khẩu").fill("demo-courier")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("[data-view=run]")).to_be_visible()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null || "
                           "navigator.serviceWorker.ready.then(() => true)")
    page.evaluate("() => navigator.serviceWorker.ready")
    return page


QUEUE_RECORDS = """() => new Promise((resolve, reject) => {
        const open = indexedDB.open("hcc-courier");
        open.onsuccess = () => {
            const get = open.result.transaction("queue").objectStore("queue").getAll();
            get.onsuccess = () => { resolve(get.result); open.result.close(); };
            get.onerror = () => reject(get.error);
        };
    })"""


@pytest.fixture
def queued() -> Callable[[Page], list[dict[str, Any]]]:
    """queued(page): the app's queue as stored in IndexedDB, in order."""
    return lambda page: page.evaluate(QUEUE_RECORDS)
