"""Screenshots of the courier app at 360 px in docs/screenshots/ (issue 11, acceptance 7): run,
scan, queue and delivery. Not collected by a plain `pytest` run (no test_ prefix):
`.venv/bin/python -m pytest tests/web/courier/screenshots.py -p no:cacheprovider` writes them on
the browser tests' live server, fake camera and guards."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
MAX_BYTES = 150_000


def save(page: Page, name: str) -> None:
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True, animations="disabled"))).convert("RGB")
    for colours in (64, 32, 16):
        out = io.BytesIO()
        shot.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
        if out.tell() <= MAX_BYTES:
            break
    (SHOTS / f"courier-{name}-360.png").write_bytes(out.getvalue())


def test_screenshots(courier_app: Page, dispatched, api_token, label_picture, show_camera) -> None:
    page = courier_app
    page.set_viewport_size(PHONE)
    numbers = dispatched(3)
    [waiting] = dispatched(1, out=False)
    page.get_by_role("button", name="Tải lại").click()
    expect(page.locator("[data-stops] li")).not_to_have_count(0)
    save(page, "run")

    show_camera(label_picture(waiting, api_token("clerk")))
    page.context.set_offline(True)
    page.get_by_role("button", name="Quét", exact=True).click()
    page.get_by_role("button", name="Bật camera").click()
    expect(page.locator("[data-last-scan]")).to_contain_text(waiting)
    save(page, "scan")
    page.get_by_role("button", name="Tắt camera").click()

    page.get_by_role("button", name="Hàng đợi", exact=True).click()
    expect(page.locator("[data-queue-list] li")).to_have_count(1)
    save(page, "queue")

    page.get_by_role("button", name="Hôm nay").click()
    page.locator("[data-stops] li", has_text=numbers[0]).get_by_role("button", name="Phát").click()
    page.get_by_label("Họ tên người nhận").fill("Nguyễn Văn Ất")
    page.get_by_label("Số CCCD").fill("038090009999")
    expect(page.locator("[data-id-check]")).to_contain_text("không khớp")
    save(page, "delivery")
    page.context.set_offline(False)
