"""The administrator's offices, agencies and tariff CSV in Chromium (issue 12, the admin part of
acceptance 7 and 8): an office and an agency made from the page (a bad field first, its message
beside it), edited, an agency switched off and on, each change in the audit page; a tariff version
from a CSV of zone prices for a future day, and a bad CSV refused row by row with nothing saved."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import FilePayload, Locator, Page, expect

ORG_PAGES = ("/admin/offices", "/admin/offices/new", "/admin/offices/BC-BIMSON/edit", "/admin/agencies",
             "/admin/agencies/new", "/admin/agencies/UBND-14812/edit", "/admin/tariffs/zone-prices.csv")
ZONES = ("local", "intra_province", "inter_same_region", "inter_adjacent_region", "inter_far_region")


def audit_rows(row: Locator, link_name: str) -> Locator:
    """The audit page the row's link opens: its entries, newest first."""
    row.get_by_role("link", name=link_name).click()
    expect(row.page.get_by_role("heading", level=1)).to_have_text("Nhật ký thay đổi")
    return row.page.locator("table.audit tbody tr")


def test_the_admin_adds_an_office_edits_it_and_reads_both_changes_in_the_audit_log(
        page: Page, inspect_page, sign_in):
    code = f"BC-T{uuid.uuid4().hex[:6].upper()}"
    sign_in(page, "admin", "demo-admin")
    page.get_by_role("link", name="Bưu cục", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bưu cục")
    bim_son = page.locator('tr[id="office-BC-BIMSON"]')
    expect(bim_son).to_contain_text("Phường Bỉm Sơn")
    expect(bim_son.locator("td[data-label='Nhân viên']")).to_have_text("2")  # the demo clerk and courier
    inspect_page(page)

    page.get_by_role("link", name="Thêm bưu cục").click()
    inspect_page(page)
    page.fill("#code", "bưu cục mới")
    page.fill("#name", "Bưu cục Nga Sơn")
    page.select_option("#unit_code", "16093")
    page.fill("#address_line", "Tiểu khu 2")
    page.fill("#phone", "0237 3868 123")
    page.get_by_role("button", name="Thêm bưu cục").click()
    expect(page.locator("#code-error")).to_contain_text("chữ cái không dấu")
    expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#unit_code")).to_have_value("16093")  # the rest is kept
    inspect_page(page)
    page.fill("#code", "BC-BIMSON")
    page.get_by_role("button", name="Thêm bưu cục").click()
    expect(page.locator("#code-error")).to_have_text("Mã này đã có; đặt mã khác.")
    page.fill("#code", code)
    page.get_by_role("button", name="Thêm bưu cục").click()

    expect(page.get_by_text(f"Đã thêm bưu cục {code}.")).to_be_visible()
    row = page.locator(f'tr[id="office-{code}"]')
    expect(row).to_contain_text("Bưu cục Nga Sơn")
    expect(row).to_contain_text("Tiểu khu 2")
    expect(row).to_contain_text("02373868123")
    expect(row.locator("td[data-label='Nhân viên']")).to_have_text("0")

    row.get_by_role("link", name=f"Sửa bưu cục {code}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sửa bưu cục {code}")
    expect(page.locator("#name")).to_have_value("Bưu cục Nga Sơn")
    inspect_page(page)
    page.fill("#phone", "12345")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#phone-error")).to_contain_text("Số điện thoại không hợp lệ")
    page.fill("#phone", "")
    page.fill("#address_line", "Số 5 Tiểu khu 2")
    page.get_by_role("button", name="Lưu").click()
    row = page.locator(f'tr[id="office-{code}"]')
    expect(row).to_contain_text("Số 5 Tiểu khu 2")
    expect(row).not_to_contain_text("02373868123")

    rows = audit_rows(page.locator(f'tr[id="office-{code}"]'), f"Nhật ký của bưu cục {code}")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("office.update")
    expect(rows.nth(0)).to_contain_text("Số 5 Tiểu khu 2")
    expect(rows.nth(1)).to_contain_text("office.create")
    expect(rows.nth(1)).to_contain_text(code)
    for n in range(2):
        expect(rows.nth(n)).to_contain_text("admin")
    inspect_page(page)


def test_the_admin_adds_an_agency_and_switches_it_off_and_on(page: Page, inspect_page, api, api_token,
                                                             shipment_body, sign_in):
    code = f"UBND-T{uuid.uuid4().hex[:6].upper()}"
    clerk = api_token("clerk")

    def quote_status() -> int:
        return api("post", "/api/v1/quotes", token=clerk, json=shipment_body(agency_code=code)).status_code

    sign_in(page, "admin", "demo-admin")
    page.goto("/admin/agencies")
    expect(page.locator('tr[id="agency-UBND-14812"]')).to_contain_text("Bưu cục Bỉm Sơn")
    inspect_page(page)
    page.get_by_role("link", name="Thêm cơ quan").click()
    inspect_page(page)
    page.fill("#code", code)
    page.fill("#name", "UBND xã Nga Sơn")
    page.select_option("#unit_code", "16093")
    page.fill("#address_line", "Thôn 1")
    page.get_by_role("button", name="Thêm cơ quan").click()  # no serving office chosen
    expect(page.locator("#office_code-error")).to_have_text("Chọn bưu cục phục vụ cơ quan này.")
    expect(page.locator("#code")).to_have_value(code)
    inspect_page(page)
    page.select_option("#office_code", "BC-HATRUNG")
    page.get_by_role("button", name="Thêm cơ quan").click()

    row = page.locator(f'tr[id="agency-{code}"]')
    expect(row).to_contain_text("UBND xã Nga Sơn")
    expect(row).to_contain_text("Bưu cục Hà Trung")
    expect(row).to_contain_text("Hoạt động")
    assert quote_status() == 200

    row.get_by_role("button", name=f"Ngừng cơ quan {code}").click()
    expect(page.locator(f'tr[id="agency-{code}"]')).to_contain_text("Đã ngừng")
    assert quote_status() == 422  # nobody may name it on a shipment now
    page.locator(f'tr[id="agency-{code}"]').get_by_role("button", name=f"Mở lại cơ quan {code}").click()
    expect(page.locator(f'tr[id="agency-{code}"]')).to_contain_text("Hoạt động")
    assert quote_status() == 200

    page.locator(f'tr[id="agency-{code}"]').get_by_role("link", name=f"Sửa cơ quan {code}").click()
    inspect_page(page)
    page.fill("#name", "UBND xã Nga Sơn (mới)")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(f'tr[id="agency-{code}"]')).to_contain_text("UBND xã Nga Sơn (mới)")

    rows = audit_rows(page.locator(f'tr[id="agency-{code}"]'), f"Nhật ký của cơ quan {code}")
    expect(rows).to_have_count(4)
    for n, action in enumerate(("agency.update", "agency.activate", "agency.deactivate", "agency.create")):
        expect(rows.nth(n)).to_contain_text(action)
        expect(rows.nth(n)).to_contain_text("admin")
    inspect_page(page)


def zone_prices_csv(rows: list[tuple[str, str, str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(("zone", "zone_name", "base_vnd", "step_vnd"))
    writer.writerows((zone, "", base, step) for zone, base, step in rows)
    return ("\ufeff" + out.getvalue()).encode()


def csv_file(raw: bytes) -> FilePayload:
    return {"name": "bang-gia.csv", "mimeType": "text/csv", "buffer": raw}


def test_a_tariff_version_comes_from_a_csv_of_zone_prices_and_a_bad_csv_saves_nothing(
        page: Page, inspect_page, api, api_token, sign_in):
    version, starts = f"CSV-{uuid.uuid4().hex[:6].upper()}", date.today() + timedelta(days=20)
    sign_in(page, "admin", "demo-admin")
    page.goto("/admin/tariffs/new")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu (giá đang áp dụng)").click()
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    template = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["zone"] for row in template] == list(ZONES)
    assert template[1]["zone_name"] == "Nội tỉnh" and template[1]["base_vnd"] == "30000"

    page.fill("#version", version)
    page.fill("#effective_from", starts.isoformat())
    bad = zone_prices_csv([("local", "26.000", "5000"), ("intra_province", "ba mươi nghìn", "5000"),
                           ("moon", "1", "1"), ("local", "1", "1"), ("inter_same_region", "30500", ""),
                           ("inter_adjacent_region", "31000", "-5")], delimiter=";")
    page.set_input_files("#zones_csv", files=csv_file(bad))
    page.get_by_role("button", name="Thêm phiên bản").click()
    table = page.locator("table.csv-errors tbody tr")
    expect(page.get_by_role("alert")).to_contain_text("Tệp CSV có 6 lỗi; chưa lưu gì.")
    expected = [("3", "base_vnd", "Phải là số nguyên."), ("4", "zone", "Không có vùng này"),
                ("5", "zone", "Vùng này đã có ở dòng trước."), ("6", "step_vnd", "Vui lòng nhập trường này."),
                ("7", "step_vnd", "Phải từ 0 đến 100000000."), ("Cả tệp", "zone", "Thiếu giá của vùng này.")]
    expect(table).to_have_count(len(expected))
    for n, (line, column, message) in enumerate(sorted(expected, key=lambda e: e[0] != "Cả tệp")):
        cells = table.nth(n).locator("td")
        expect(cells.nth(0)).to_have_text(line)
        expect(cells.nth(1)).to_have_text(column)
        expect(cells.nth(3)).to_contain_text(message)
    expect(page.locator("#version")).to_have_value(version)  # the form is kept
    inspect_page(page)
    admin = api_token("admin")
    versions = [t["version"] for t in api("get", "/api/v1/tariffs?limit=100", token=admin).json()["items"]]
    assert version not in versions

    good = zone_prices_csv([(zone, str(77_000 + i * 1000), "6000") for i, zone in enumerate(ZONES)])
    page.set_input_files("#zones_csv", files=csv_file(good))
    page.get_by_role("button", name="Thêm phiên bản").click()
    expect(page.get_by_text(f"Đã thêm bảng giá {version}")).to_be_visible()
    card = page.locator("section.card").filter(has=page.get_by_role("heading", name=version))
    expect(card).to_contain_text(starts.strftime("%d/%m/%Y"))
    expect(card.locator("table.tariff tbody tr").nth(1)).to_contain_text("78.000")
    inspect_page(page)
    made = next(t for t in api("get", "/api/v1/tariffs?limit=100", token=admin).json()["items"]
                if t["version"] == version)
    assert {p["zone"]: (p["base_vnd"], p["step_vnd"]) for p in made["zone_prices"]} == {
        zone: (77_000 + i * 1000, 6000) for i, zone in enumerate(ZONES)}
    assert made["effective_from"] == starts.isoformat()


def test_only_the_admin_opens_the_office_agency_and_tariff_csv_pages(page: Page, sign_in):
    sign_in(page, "clerk", "demo-clerk")
    for path in ORG_PAGES:
        response = page.request.get(path)
        assert response.status == 403, path
