"""`make screenshots`: small PNGs of the counter's pages at 1366 and 360 px in docs/screenshots/
(issue 10, acceptance 6). Not collected by a plain `pytest` run (no test_ prefix): the make
target names this file, so it runs on the browser tests' live server, fixtures and guards
(CSP on, nothing leaving 127.0.0.1)."""
from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"1366": {"width": 1366, "height": 768}, "360": {"width": 360, "height": 740}}
MAX_BYTES = 150_000
PALETTES = (64, 32, 16)  # fewer colours until the PNG is small enough


def save(page: Page, name: str) -> None:
    """<name>-1366.png and <name>-360.png, the whole page, as palette PNGs."""
    for width, size in SIZES.items():
        page.set_viewport_size(size)
        page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
        shot = Image.open(io.BytesIO(page.screenshot(full_page=True, animations="disabled"))).convert("RGB")
        for colours in PALETTES:
            out = io.BytesIO()
            shot.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
            if out.tell() <= MAX_BYTES:
                break
        (SHOTS / f"{name}-{width}.png").write_bytes(out.getvalue())
    page.set_viewport_size(SIZES["1366"])


def seed_desk(api, token: str, shipment_body) -> None:
    """A counter's morning: a dossier taken in, a result to hand to a courier, one waiting."""
    api("post", "/api/v1/shipments", token=token, json=shipment_body(service="intake", collect_fee_vnd=25000))
    for phone, events in (("0912000111", ("accepted",)), ("0987654321", ("accepted", "delivery_failed"))):
        body = shipment_body()
        body["recipient"] = {**body["recipient"], "phone": phone}
        number = api("post", "/api/v1/shipments", token=token, json=body).json()["tracking_number"]
        for event in events:  # one batch each, in the order they happen
            scan = {"id": str(uuid.uuid4()), "tracking_number": number, "event": event,
                    "occurred_at": datetime.now(UTC).isoformat()}
            if event == "delivery_failed":
                scan["reason"] = "addressee_absent"
            assert api("post", "/api/v1/scans", token=token, json={"scans": [scan]}).json()["recorded"] == 1


def fill_new_shipment(page: Page) -> None:
    """A return to Phường Bỉm Sơn, typed as a clerk does, until the quote shows."""
    page.goto("/counter/shipments/new")
    page.locator('[name="service"]').select_option("return")
    values = {"dossier.code": f"000.00.12.H56-200313-{uuid.uuid4().hex[:4].upper()}",
              "dossier.procedure": "Cấp bản sao trích lục hộ tịch", "agency_code": "UBND-14812",
              "sender.name": "UBND phường Bỉm Sơn", "sender.phone": "02373824123",
              "sender.address.line": "Số 1 Trần Phú", "recipient.name": "Nguyễn Văn Ất",
              "recipient.phone": "0912345678", "recipient.id_number": "038090001234",
              "recipient.address.line": "Thôn Đông", "weight_g": "650",
              "items-0-name": "Trích lục khai sinh"}
    for name, value in values.items():
        page.locator(f'[name="{name}"]').fill(value)
    for party in ("sender", "recipient"):
        page.locator(f"#{party}-commune").fill("")
        page.locator(f"#{party}-commune").press_sequentially("bim son")
        expect(page.locator(f"#{party}-communes [role=option]").first).to_contain_text("Bỉm Sơn")
        page.locator(f"#{party}-commune").press("Enter")
    page.locator('[name="weight_g"]').press("Tab")
    expect(page.locator("#quote [data-total]")).to_be_visible()


def test_screenshots(page: Page, api, api_token, shipment_body) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    seed_desk(api, api_token("clerk"), shipment_body)

    page.goto("/login")
    save(page, "login")
    page.get_by_label("Tên đăng nhập").fill("clerk")
    page.get_by_label("Mật khẩu").fill("demo-clerk")
    page.get_by_label("Mật khẩu").press("Enter")
    expect(page.locator(".who")).to_be_visible()

    fill_new_shipment(page)
    save(page, "new-shipment")
    page.get_by_role("button", name="Tạo bưu gửi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bưu gửi ")
    page.get_by_role("button", name="Nhận bưu gửi").click()
    expect(page.get_by_role("button", name="Ghi nhận đã thu")).to_be_visible()
    save(page, "shipment")

    page.goto("/counter/")
    save(page, "desk")


RESULT_COMMUNES = ("14812", "14818", "15271", "16531", "14845", "14797")  # Bỉm Sơn to Mường Lát


def province_today() -> str:
    return (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()


def results_at_the_counter(api, api_token, shipment_body, count: int) -> list[str]:
    """Results of the demo agency over six communes, accepted at the Bỉm Sơn counter."""
    numbers = []
    for i in range(count):
        recipient = {"name": f"Lê Thị Hồng {i + 1:02d}", "phone": "0912345678", "id_number": "038090001234",
                     "address": {"line": f"Số {i + 1} đường Lê Lợi", "unit_code": RESULT_COMMUNES[i % 6]}}
        made = api("post", "/api/v1/shipments", token=api_token("agency"),
                   json=shipment_body(beneficiary=None, recipient=recipient, accepted_on=province_today()))
        number = made.json()["tracking_number"]
        scan = {"id": str(uuid.uuid4()), "tracking_number": number, "event": "accepted",
                "occurred_at": datetime.now(UTC).isoformat()}
        answer = api("post", "/api/v1/scans", token=api_token("clerk"), json={"scans": [scan]})
        assert answer.json()["recorded"] == 1, answer.text
        numbers.append(number)
    return numbers


def test_agency_screenshots(page: Page, api, api_token, shipment_body, sign_in, tmp_path: Path) -> None:
    """The portal: the agency's shipments, a pickup request, a CSV with bad rows, the report."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for i in range(3):
        recipient = {"name": f"Trịnh Văn Bình {i + 1}", "phone": "0912345678",
                     "address": {"line": "Thôn Đông", "unit_code": "14812"}}
        api("post", "/api/v1/shipments", token=api_token("agency"),
            json=shipment_body(beneficiary=None, recipient=recipient, accepted_on=province_today()))
    sign_in(page, "agency")
    page.goto("/agency/")
    save(page, "agency-shipments")
    page.goto("/agency/pickups/new")
    save(page, "agency-pickup")

    header = "dossier_code,procedure,recipient_name,recipient_phone,address_line,unit_code,document"
    rows = [f"000.00.12.H56-261201-{n:04d},Cấp giấy khai sinh,Nguyễn Văn Ất {n},0912345678,Thôn Đông,14812,"
            "Giấy khai sinh" for n in range(1, 9)]
    rows[2] = rows[2].replace("0912345678", "12345")
    rows[5] = rows[5].replace(",14812,", ",99999,")
    bad = tmp_path / "returns.csv"
    bad.write_bytes(("\ufeff" + "\n".join([header, *rows]) + "\n").encode())
    page.goto("/agency/returns")
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Kiểm tra và tạo").click()
    expect(page.locator("#upload-result table")).to_be_visible()
    save(page, "agency-returns-errors")
    page.goto("/agency/report")
    save(page, "agency-report")


def test_supervisor_screenshots(page: Page, api, api_token, shipment_body, sign_in, fixed_data) -> None:
    """The desk: results to dispatch by commune, the run before confirming, the report's charts,
    the reconciliation across offices."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    results_at_the_counter(api, api_token, shipment_body, 8)
    sign_in(page, "supervisor")
    page.goto("/supervisor/?office=BC-BIMSON")
    page.get_by_label("Bưu tá", exact=True).select_option("courier")
    for box in page.locator("input[name='tracking_numbers']").all():
        box.check()
    save(page, "dispatch")
    page.get_by_role("button", name="Xem lộ trình").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lộ trình dự kiến")
    save(page, "dispatch-preview")
    page.goto("/supervisor/reports?from=2025-04-07&to=2025-05-04")
    expect(page.locator("svg#chart-week")).to_be_visible()
    save(page, "supervisor-reports")
    page.goto("/supervisor/reconciliation")
    save(page, "supervisor-reconciliation")


def test_admin_screenshots(page: Page, sign_in) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, "admin")
    for path, name in (("/admin/users", "admin-users"), ("/admin/offices", "admin-offices"),
                       ("/admin/tariffs/new", "admin-tariff"), ("/admin/audit", "admin-audit")):
        page.goto(path)
        save(page, name)


def test_printer_screenshots(page: Page, api, api_token, shipment_body, sign_in, printer_listener,
                             dead_printers) -> None:
    """An office's network printers (admin), and the counter's one-click print buttons with what
    became of a label sent to each: taken by one printer, the other not answering."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    made = []
    for name, port in (("Quầy 1", printer_listener.port), ("Quầy 2", dead_printers.silent_port())):
        resp = api("post", "/api/v1/offices/BC-BIMSON/printers", token=api_token("admin"),
                   json={"name": name, "host": "127.0.0.1", "port": port})
        assert resp.status_code == 201, resp.text
        made.append(resp.json()["id"])
    try:
        sign_in(page, "admin")
        page.goto("/admin/offices/BC-BIMSON/printers")
        save(page, "admin-printers")

        number = api("post", "/api/v1/shipments", token=api_token("clerk"),
                     json=shipment_body()).json()["tracking_number"]
        sign_in(page, "clerk")
        page.goto(f"/counter/shipments/{number}")
        page.get_by_role("button", name="In nhãn qua máy in Quầy 1").click()
        expect(page.locator("#print-result [role=status]")).to_be_visible()
        save(page, "shipment-printer-sent")
        page.get_by_role("button", name="In nhãn qua máy in Quầy 2").click()
        expect(page.locator("#print-result [role=alert]")).to_be_visible()
        save(page, "shipment-printer-silent")
    finally:
        for printer_id in made:
            api("delete", f"/api/v1/printers/{printer_id}", token=api_token("admin"))
