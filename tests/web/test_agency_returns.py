"""The agency's return shipments in Chromium (issue 12, acceptance 3 and the agency part of 8):
one made on the counter's slip with the agency's parts fixed, errors beside the fields; a CSV of
1,000 rows with 3 bad rows shows exactly those rows and saves nothing, and fixed it creates the
1,000 while the page shows the progress; the template CSV; other roles refused."""
from __future__ import annotations

import csv
import io
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from app.extensions import make_engine

AGENCY_NAME = "UBND phường Bỉm Sơn"
HEADER = ("dossier_code,procedure,recipient_name,recipient_phone,recipient_id_number,address_line,unit_code,"
          "document,original,count")
UPLOAD_TIMEOUT = 180_000  # ms; a 1,000-row upload takes seconds (measured and printed below)


@pytest.fixture
def shipment_count(live_database_url: str) -> Iterator:
    """shipment_count(): how many shipments the live server's database holds."""
    engine = make_engine(live_database_url)

    def count() -> int:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM shipments"))

    yield count
    engine.dispose()


def csv_file(tmp_path: Path, run: str, rows: int, bad: dict[int, dict[str, str]] | None = None) -> Path:
    """A file as an agency exports it: UTF-8 with BOM, `rows` returns, the rows in `bad` spoilt."""
    lines = [HEADER]
    for n in range(1, rows + 1):
        row = {"dossier_code": f"000.00.12.H56-{run}-{n:04d}", "procedure": "Cấp giấy khai sinh",
               "recipient_name": f"Nguyễn Văn Ất {n}", "recipient_phone": "0912345678",
               "recipient_id_number": "",
               "address_line": "Thôn Đông", "unit_code": "14818" if n % 2 else "14812",
               "document": "Giấy khai sinh", "original": "có", "count": "1"}
        row.update((bad or {}).get(n, {}))
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(row.values())
        lines.append(out.getvalue())
    path = tmp_path / f"{run}-{rows}{'-bad' if bad else ''}.csv"
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode())
    return path


def watch_progress(page: Page) -> None:
    """Record every value the progress bar is given (the page's own script sets them)."""
    page.evaluate("""() => {
        window.seenProgress = [];
        const bar = document.getElementById("upload-bar");
        new MutationObserver(() => window.seenProgress.push(
            [bar.getAttribute("value"), bar.getAttribute("max"),
             document.getElementById("upload-status").textContent]))
            .observe(bar, {attributes: true, attributeFilter: ["value", "max"]});
    }""")


def upload(page: Page, path: Path) -> float:
    page.set_input_files("#file", str(path))
    started = time.monotonic()
    page.get_by_role("button", name="Kiểm tra và tạo").click()
    expect(page.locator("#upload-result [role]").first).to_be_visible(timeout=UPLOAD_TIMEOUT)
    return time.monotonic() - started


def test_a_return_on_the_slip_has_the_agency_fixed_and_bad_fields_marked(page: Page, inspect_page, api,
                                                                           api_token, sign_in):
    dossier = f"000.00.12.H56-{uuid.uuid4().hex[:6]}-0001"
    sign_in(page, "agency")
    page.goto("/agency/returns")
    page.get_by_role("link", name="Tạo từng bưu gửi").click()
    expect(page).to_have_url("/agency/returns/new")
    expect(page.locator("#dossier\\.code")).to_be_focused()
    inspect_page(page)
    slip = page.locator("#slip")
    expect(slip.locator("[name=service], [name=agency_code], [name^='sender.']")).to_have_count(0)
    expect(slip.locator(".fixed-sender")).to_contain_text(AGENCY_NAME)
    expect(slip.locator(".fixed-sender")).to_contain_text("UBND-14812")

    page.fill("#dossier\\.code", dossier)
    page.fill("#dossier\\.procedure", "Cấp giấy khai sinh")
    page.fill("#recipient\\.name", "Lê Thị Bưởi")
    page.fill("#recipient\\.phone", "12345")
    page.fill("#recipient\\.address\\.line", "Xóm Bắc")
    page.fill("#recipient-commune", "99999")
    page.fill("#weight_g", "120")
    page.fill("#items-0-name", "Trích lục khai sinh")
    expect(page.locator("#quote")).to_contain_text("Chưa tính được cước")  # an unknown commune
    # A sender or agency slipped into the post is not taken: the officer's agency is the sender.
    page.evaluate("""() => {
        const form = document.getElementById("slip");
        for (const [name, value] of [["agency_code", "UBND-14818"], ["sender.name", "Người khác"]]) {
            const input = document.createElement("input");
            Object.assign(input, {type: "hidden", name, value});
            form.append(input);
        }
    }""")
    page.get_by_role("button", name="Tạo bưu gửi trả").click()
    expect(page.locator(".alert")).to_contain_text("Vui lòng sửa các trường được đánh dấu bên dưới.")
    expect(page.locator("#recipient\\.phone-error")).to_have_text(
        "Số điện thoại không hợp lệ: di động 10 số hoặc cố định 11 số (02x).")
    expect(page.locator("#recipient\\.address\\.unit_code-error")).to_have_text(
        "Không có xã/phường với mã này.")
    expect(page.locator("#recipient\\.phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#dossier\\.code")).to_have_value(dossier)  # what was typed stays
    inspect_page(page)
    token = api_token("agency")
    assert api("get", f"/api/v1/shipments?dossier_code={dossier}", token=token).json()["items"] == []

    page.fill("#recipient\\.phone", "0912345679")
    page.fill("#recipient-commune", "bim son")
    expect(page.locator("#recipient-communes [role=option]").first).to_contain_text("Bỉm Sơn")
    page.keyboard.press("Enter")
    expect(page.locator("#recipient\\.address\\.unit_code")).to_have_value("14812")
    expect(page.locator("#quote [data-total]")).to_be_visible()
    page.evaluate("""() => {
        const form = document.getElementById("slip");
        const input = document.createElement("input");
        Object.assign(input, {type: "hidden", name: "sender.phone", value: "0999999999"});
        form.append(input);
    }""")
    page.get_by_role("button", name="Tạo bưu gửi trả").click()
    expect(page.get_by_text("Đã tạo bưu gửi trả")).to_be_visible()
    found = api("get", f"/api/v1/shipments?dossier_code={dossier}", token=token).json()["items"]
    assert len(found) == 1
    shipment = api("get", f"/api/v1/shipments/{found[0]['tracking_number']}", token=token).json()
    assert shipment["service"] == "return"
    assert shipment["agency_code"] == "UBND-14812"
    assert shipment["sender"]["name"] == AGENCY_NAME
    assert shipment["sender"]["phone"] != "0999999999"
    assert shipment["recipient"]["name"] == "Lê Thị Bưởi"
    inspect_page(page)


def test_a_csv_with_three_bad_rows_saves_nothing_and_fixed_creates_all_with_progress(
        page: Page, inspect_page, tmp_path: Path, shipment_count, api, api_token, sign_in):
    run = uuid.uuid4().hex[:6]
    bad = {17: {"recipient_phone": "12345"}, 503: {"unit_code": "99999"}, 988: {"count": "abc"}}
    sign_in(page, "agency")
    page.goto("/agency/returns")
    inspect_page(page)
    before = shipment_count()

    took = upload(page, csv_file(tmp_path, run, 1000, bad))
    print(f"\n1,000 rows with 3 bad: answered in {took:.1f} s")
    expect(page.locator("#upload-result .alert")).to_contain_text("3 trên 1.000 dòng có lỗi")
    rows = page.locator("table.bad-rows tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("18")  # data row 17 is the spreadsheet's line 18
    expect(rows.nth(0)).to_contain_text(f"000.00.12.H56-{run}-0017")
    expect(rows.nth(0)).to_contain_text("recipient_phone: Số điện thoại không hợp lệ")
    expect(rows.nth(1)).to_contain_text(f"000.00.12.H56-{run}-0503")
    expect(rows.nth(1)).to_contain_text("unit_code: Không có xã/phường với mã này.")
    expect(rows.nth(2)).to_contain_text(f"000.00.12.H56-{run}-0988")
    expect(rows.nth(2)).to_contain_text("count: Phải là số nguyên.")
    assert [rows.nth(i).get_attribute("data-line") for i in range(3)] == ["18", "504", "989"]
    inspect_page(page)
    assert shipment_count() == before  # not one of the 997 good rows was kept
    token = api_token("agency")
    first = api("get", f"/api/v1/shipments?dossier_code=000.00.12.H56-{run}-0001", token=token).json()
    assert first["items"] == []

    watch_progress(page)
    took = upload(page, csv_file(tmp_path, run, 1000))
    print(f"1,000 good rows: created in {took:.1f} s")
    expect(page.locator("#upload-result [data-created]")).to_have_attribute("data-created", "1000")
    expect(page.locator("#upload-result")).to_contain_text("Đã tạo 1.000 bưu gửi trả.")
    assert shipment_count() == before + 1000
    seen = page.evaluate("() => window.seenProgress")
    values = [float(value) for value, _, _ in seen if value is not None]
    assert any(0 < v < 1000 for v in values), seen  # the bar moved while the rows were checked
    assert values[-1] == 1000
    assert any("Đã kiểm tra 500/1.000 dòng" in status for _, _, status in seen), seen
    expect(page.locator("#upload-status")).to_have_text("Đã kiểm tra 1.000/1.000 dòng")
    page.get_by_role("link", name="Xem bưu gửi của cơ quan").click()
    expect(page).to_have_url("/agency/")


def test_the_template_downloads_with_a_bom_and_a_vietnamese_example(page: Page, tmp_path: Path, sign_in):
    sign_in(page, "agency")
    page.goto("/agency/returns")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải tệp mẫu (CSV)").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    header, example = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:3] == ["dossier_code", "procedure", "recipient_name"] and "unit_code" in header
    filled = dict(zip(header, example, strict=True))
    assert filled["recipient_name"] == "Nguyễn Thị Hoa" and filled["unit_code"] == "14812"


def test_without_the_script_the_form_posts_and_answers_with_a_page(browser: Browser, live_server: str,
                                                                   tmp_path: Path, shipment_count, sign_in):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    try:
        sign_in(page, "agency")
        page.goto("/agency/returns")
        missing = tmp_path / "missing.csv"
        missing.write_text("dossier_code,recipient_name\nX,Y\n", encoding="utf-8")
        page.set_input_files("#file", str(missing))
        with page.expect_navigation() as answer:
            page.get_by_role("button", name="Kiểm tra và tạo").click()
        assert answer.value is not None and answer.value.status == 422
        expect(page.locator("#upload-result .alert")).to_contain_text(
            "Tệp thiếu cột recipient_phone, address_line, unit_code, document")

        run = uuid.uuid4().hex[:6]
        bad = csv_file(tmp_path, run, 3, {2: {"recipient_phone": ""}})
        page.set_input_files("#file", str(bad))
        page.get_by_role("button", name="Kiểm tra và tạo").click()
        expect(page.locator("table.bad-rows tbody tr")).to_have_count(1)
        expect(page.locator("table.bad-rows tbody tr")).to_contain_text(
            "recipient_phone: Vui lòng nhập trường này.")

        before = shipment_count()
        page.set_input_files("#file", str(csv_file(tmp_path, run, 3)))
        page.get_by_role("button", name="Kiểm tra và tạo").click()
        expect(page).to_have_url("/agency/returns")
        expect(page.get_by_text("Đã tạo 3 bưu gửi trả.")).to_be_visible()
        assert shipment_count() == before + 3
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/agency/returns", "/agency/returns/new", "/agency/returns/template.csv"])
def test_other_roles_are_refused(page: Page, path: str, sign_in):
    sign_in(page, "clerk")
    answer = page.goto(path)
    assert answer is not None and answer.status == 403


def test_an_officer_gone_mid_upload_leaves_nothing_half_written(page: Page, live_server: str, tmp_path: Path,
                                                               shipment_count, sign_in):
    import httpx

    sign_in(page, "agency")
    page.goto("/agency/returns")
    token = page.locator("#upload-form [name=csrf_token]").input_value()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    path = csv_file(tmp_path, uuid.uuid4().hex[:6], 200)
    before = shipment_count()
    with httpx.Client(base_url=live_server, cookies=cookies, timeout=60) as client:
        files = {"file": (path.name, path.read_bytes(), "text/csv")}
        with client.stream("POST", "/agency/returns/upload", data={"csrf_token": token}, files=files,
                           headers={"Accept": "application/x-ndjson"}) as answer:
            assert answer.headers["content-type"].startswith("application/x-ndjson")
            for line in answer.iter_lines():
                if '"checked": 50,' in line:
                    break  # and the connection is closed with the upload a quarter done
    # The same file again: its dossiers would be refused as already shipped had any row of the
    # abandoned upload been kept (the unique index makes it wait for that transaction's end).
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Kiểm tra và tạo").click()
    expect(page.locator("#upload-result [data-created]")).to_have_attribute("data-created", "200",
                                                                            timeout=UPLOAD_TIMEOUT)
    assert shipment_count() == before + 200
