"""The agency's portal in Chromium (issue 12, acceptance 2 and the agency part of 8): the demo
agency officer lists, filters and searches the agency's shipments and reads one's timeline;
requests a pickup for three results awaiting pickup, which the supervisor assigns on the desk,
and both pages show it; reads the handover records and their PDFs and the on-time report with the API's
files; subscribes a webhook and makes an API key, each secret shown once. Another role gets
403, and another agency's shipment or record is a page not found."""
from __future__ import annotations

import io
import random
import re
import uuid
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from app.notifications.models import WebhookSubscription

PORTAL_PAGES = ("/agency/", "/agency/pickups", "/agency/pickups/new", "/agency/handovers", "/agency/report",
                "/agency/integrations")
COURIER_NAME = "Phạm Văn Bưu Tá"


def returns(api, token: str, count: int, name: str = "Nguyễn Văn Ất") -> list[str]:
    """Return shipments the agency makes through the API: created, so awaiting pickup."""
    rows = [{"dossier": {"code": f"000.00.12.H56-261123-{uuid.uuid4().hex[:8]}",
                         "procedure": "Cấp giấy khai sinh"},
             "recipient": {"name": name, "phone": "0912345678",
                           "address": {"line": "Thôn Đông", "unit_code": "14812"}},
             "weight_g": 120, "items": [{"name": "Giấy khai sinh", "original": True, "count": 1}]}
            for _ in range(count)]
    made = api("post", "/api/v1/pickups/returns", token=token, json={"shipments": rows})
    assert made.status_code == 201, made.text
    return [s["tracking_number"] for s in made.json()["shipments"]]


def listed(page: Page) -> list[str]:
    return page.locator("#shipment-list tbody tr a.code").all_inner_texts()


def test_the_agency_filters_and_searches_its_shipments_and_reads_a_timeline(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in, created, scanned):
    clerk = api_token("clerk")
    name = f"Đặng Thị Tìm {uuid.uuid4().hex[:5]}"
    intake = created(clerk, shipment_body(service="intake"))
    result = created(clerk, {**shipment_body(), "recipient": {
        **shipment_body()["recipient"], "name": name}})
    scanned(clerk, result["tracking_number"], "accepted")
    scanned(clerk, result["tracking_number"], "delivery_failed", reason="addressee_absent")
    other = created(clerk, shipment_body(agency_code="UBND-14818"))["tracking_number"]

    sign_in(page, "agency")
    expect(page).to_have_url("/agency/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bưu gửi của cơ quan")
    expect(page.locator(f"#shipment-{result['tracking_number']}")).to_be_visible()
    assert other not in listed(page)
    inspect_page(page)

    page.select_option("#service", "intake")  # htmx swaps the list in as the filter changes
    expect(page.locator(f"#shipment-{intake['tracking_number']}")).to_be_visible()
    expect(page.locator(f"#shipment-{result['tracking_number']}")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"service=intake"))
    page.select_option("#service", "")

    page.fill("#q", name.split()[-1])  # part of the recipient's name
    expect(page.locator("#shipment-list tbody tr")).to_have_count(1)
    expect(page.locator(f"#shipment-{result['tracking_number']}")).to_contain_text(name)
    page.fill("#q", intake["dossier"]["code"])
    expect(page.locator("#shipment-list tbody tr")).to_have_count(1)
    expect(page.locator(f"#shipment-{intake['tracking_number']}")).to_be_visible()
    page.fill("#q", other)  # another agency's number finds nothing
    expect(page.get_by_text("Không có bưu gửi nào khớp.")).to_be_visible()

    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    page.goto(f"/agency/?created_from={tomorrow}")
    expect(page.get_by_text("Không có bưu gửi nào khớp.")).to_be_visible()
    page.goto(f"/agency/?created_to={tomorrow}&status=awaiting_collection&q={result['tracking_number'].lower()}")
    assert listed(page) == [result["tracking_number"]]
    page.goto("/agency/?created_from=not-a-day")
    assert page.locator("#created_from").get_attribute("aria-invalid") == "true"
    expect(page.locator("#created_from-error")).to_have_text("Giá trị không hợp lệ.")

    page.goto("/agency/")
    page.get_by_role("link", name=result["tracking_number"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bưu gửi {result['tracking_number']}")
    timeline = page.locator("ol.timeline li")
    expect(timeline.first).to_contain_text("Phát không thành công")
    expect(timeline.first).to_contain_text("Người nhận vắng mặt")
    expect(timeline.first.locator("time")).to_have_text(re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$"))
    expect(timeline.last).to_contain_text("Ghi nhận thông tin bưu gửi")
    inspect_page(page)

    refused = page.goto(f"/agency/shipments/{other}")
    assert refused is not None and refused.status == 404
    missing = page.goto("/agency/shipments/not-a-number")
    assert missing is not None and missing.status == 404


def test_the_list_pages_with_its_filters_kept(page: Page, api, api_token, sign_in):
    returns(api, api_token("agency"), 51)  # more than a page of 50
    sign_in(page, "agency")
    page.goto("/agency/?service=return")
    first = listed(page)
    assert len(first) == 50
    page.get_by_role("link", name="Trang sau").click()
    expect(page).to_have_url(re.compile(r"service=return.*cursor=|cursor=.*service=return"))
    second = listed(page)
    assert second and not set(first) & set(second)
    assert page.locator("#service").input_value() == "return"
    page.get_by_role("link", name="Về trang đầu").click()
    assert listed(page) == first


def test_a_pickup_requested_in_the_portal_is_assigned_on_the_desk_and_both_pages_show_it(
        page: Page, inspect_page, api, api_token, sign_in):
    numbers = returns(api, api_token("agency"), 3)
    # A day of its own: pickups of one address may not overlap, and other tests ask for some too.
    day = date.today() + timedelta(days=random.randint(30, 600))

    sign_in(page, "agency")
    page.goto("/agency/pickups")
    inspect_page(page)
    page.get_by_role("link", name="Yêu cầu lấy kết quả").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yêu cầu lấy kết quả")
    inspect_page(page)
    for number in numbers:
        page.get_by_label(number).check()
    page.get_by_label("Ngày", exact=True).fill(day.isoformat())
    page.get_by_label("Từ giờ").fill("08:30")
    page.get_by_label("Đến giờ").fill("08:00")
    page.get_by_label("Điện thoại liên hệ").fill("12345")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    expect(page.locator("#contact\\.phone-error")).to_contain_text("Số điện thoại không hợp lệ")
    for number in numbers:  # what was chosen stays chosen
        expect(page.get_by_label(number)).to_be_checked()
    inspect_page(page)

    page.get_by_label("Điện thoại liên hệ").fill("0987654321")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    expect(page.locator("#window_end-error")).to_have_text("Giờ kết thúc phải sau giờ bắt đầu.")

    page.get_by_label("Đến giờ").fill("11:00")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    expect(page).to_have_url("/agency/pickups")
    expect(page.get_by_role("status")).to_contain_text("3 kết quả")
    row = page.locator("table.pickups tbody tr").first
    expect(row).to_contain_text("Đã yêu cầu, chờ phân công")
    expect(row).to_contain_text(f"{day:%d/%m/%Y}")
    expect(row).to_contain_text("08:30–11:00")
    expect(row.locator(".courier")).to_have_text("Chưa phân công")
    row.locator("summary").click()
    assert sorted(row.locator("a.code").all_inner_texts()) == sorted(numbers)
    pickup_id = int((row.get_attribute("id") or "").removeprefix("pickup-"))

    body = api("get", f"/api/v1/pickups/{pickup_id}", token=api_token("agency")).json()
    assert sorted(i["tracking_number"] for i in body["items"]) == sorted(numbers)
    assert body["window_start"].startswith(f"{day.isoformat()}T01:30")  # 08:30 in Hà Nội is 01:30 UTC

    page.goto("/agency/pickups/new")
    for number in numbers:  # on an open pickup: no longer offered
        expect(page.get_by_label(number)).to_have_count(0)

    # The supervisor assigns it on the desk (acceptance 2), then the officer sees the change.
    agency_session = page.context.cookies()
    page.context.clear_cookies()
    sign_in(page, "supervisor")
    page.goto("/supervisor/pickups?office=BC-BIMSON")
    waiting = page.get_by_role("table", name="Yêu cầu chờ phân công").locator(f"#pickup-{pickup_id}")
    for number in numbers:
        expect(waiting).to_contain_text(number)
    page.locator(f"#courier-{pickup_id}").select_option("courier")
    page.get_by_role("button", name=f"Giao yêu cầu số {pickup_id}").click()
    assigned = page.get_by_role("table", name="Yêu cầu đã phân công").locator(f"#pickup-{pickup_id}")
    expect(assigned).to_contain_text(COURIER_NAME)
    inspect_page(page)
    page.context.clear_cookies()
    page.context.add_cookies(agency_session)  # type: ignore[arg-type]

    page.goto("/agency/pickups")
    row = page.locator(f"#pickup-{pickup_id}")
    expect(row).to_contain_text("Đã phân công bưu tá")
    expect(row.locator(".courier")).to_have_text(COURIER_NAME)
    inspect_page(page)

    row.get_by_role("button", name=f"Hủy yêu cầu số {pickup_id}").click()
    expect(page.locator(f"#pickup-{pickup_id}")).to_contain_text("Đã hủy")
    cancelled = api("get", f"/api/v1/pickups/{pickup_id}", token=api_token("agency")).json()
    assert cancelled["status"] == "cancelled"


def test_handover_records_list_with_their_pdfs_and_another_agencys_is_not_found(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in, created):
    clerk = api_token("clerk")
    ours = returns(api, api_token("agency"), 2)
    theirs = created(clerk, shipment_body(agency_code="UBND-14818"))["tracking_number"]
    records = []
    for agency, numbers in (("UBND-14812", ours), ("UBND-14818", [theirs])):
        signed = api("post", "/api/v1/handovers", token=clerk, json={
            "direction": "from_agency", "agency_code": agency, "tracking_numbers": numbers,
            "agency_signatory": "Hoàng Thị Tiếp Nhận"})
        assert signed.status_code == 201, signed.text
        records.append(signed.json()["id"])

    sign_in(page, "agency")
    page.goto("/agency/handovers")
    row = page.locator(f"#handover-{records[0]}")
    expect(row).to_contain_text(f"BBGN-{records[0]:06d}")
    expect(row).to_contain_text("Cơ quan giao kết quả cho bưu điện")
    expect(row).to_contain_text("Hoàng Thị Tiếp Nhận")
    expect(page.locator(f"#handover-{records[1]}")).to_have_count(0)
    inspect_page(page)

    pdf = page.request.get(row.get_by_role("link", name=re.compile("PDF")).get_attribute("href") or "")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert page.request.get(f"/agency/handovers/{records[1]}.pdf").status == 404


def test_the_on_time_report_matches_the_api_and_downloads_its_files(
        page: Page, inspect_page, api, api_token, shipment_body, sign_in, created, scanned):
    token, clerk = api_token("agency"), api_token("clerk")
    returns(api, token, 2)
    made = created(clerk, shipment_body(accepted_on=None))  # due in a few days
    on_time, due = made["tracking_number"], date.fromisoformat(made["due_date"])
    scanned(clerk, on_time, "accepted")
    delivered = api("post", f"/api/v1/shipments/{on_time}/delivery", token=clerk, json={
        "recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
        "id_number": "038090001234", "occurred_at": datetime.now(UTC).isoformat()})
    assert delivered.status_code == 201, delivered.text
    start, end = date.today(), date.today() + timedelta(days=60)
    params = {"from": start.isoformat(), "to": end.isoformat(), "group_by": "service"}

    sign_in(page, "agency")
    page.goto("/agency/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo đúng hạn")
    inspect_page(page)
    page.fill("#from", params["from"])
    page.fill("#to", params["to"])
    page.select_option("#group_by", "service")
    page.get_by_role("button", name="Xem báo cáo").click()
    expected = api("get", "/api/v1/reports/service-standard", token=token, params=params).json()
    row = page.locator("#group-return")
    expect(row).to_contain_text("Trả kết quả thủ tục hành chính")
    group = next(g for g in expected["groups"] if g["key"] == "return")
    assert group["on_time"] >= 1
    cells = row.locator("td.num").all_inner_texts()
    assert [int(cells[i]) for i in (0, 1, 2, 6)] == [group["completed"], group["on_time"], group["late"],
                                                    group["open_overdue"]]
    inspect_page(page)

    csv = page.request.get(page.get_by_role("link", name="Tải CSV").get_attribute("href") or "")
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    api_csv = api("get", "/api/v1/reports/service-standard.csv", token=token, params=params)
    assert csv.body() == api_csv.content and csv.body().startswith("\ufeff".encode())
    xlsx = page.request.get(page.get_by_role("link", name="Tải Excel (XLSX)").get_attribute("href") or "")
    assert xlsx.status == 200 and "attachment" in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.body())).active
    assert sheet is not None and any("Trả kết quả" in str(c.value) for r in sheet.iter_rows() for c in r)

    page.select_option("#group_by", "week")
    page.get_by_role("button", name="Xem báo cáo").click()
    monday = due - timedelta(days=due.weekday())
    week = f"{due.isocalendar().year}-W{due.isocalendar().week:02d}"
    expect(page.locator(f'tr[id="group-{week}"] td').first).to_have_text(
        f"Tuần {week[-2:]}/{week[:4]} ({monday:%d/%m}–{monday + timedelta(days=6):%d/%m})")
    page.select_option("#group_by", "zone")
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page.locator("#group-local td").first).to_have_text("Nội xã, lân cận")

    page.goto(f"/agency/report?from={end.isoformat()}&to={start.isoformat()}&group_by=office")
    expect(page.locator("#group_by-error")).to_be_visible()
    page.goto(f"/agency/report?from={end.isoformat()}&to={start.isoformat()}&group_by=week")
    expect(page.locator("#to-error")).to_be_visible()
    assert page.request.get(f"/agency/report.csv?from={end}&to={start}").status == 422


def worker_gave_up(database_url: str, subscription_id: int) -> None:
    """What the outbox worker does to an endpoint that keeps failing: disable it."""
    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        session.execute(update(WebhookSubscription).where(WebhookSubscription.id == subscription_id).values(
            active=False, consecutive_failures=8, disabled_at=datetime.now(UTC),
            disabled_reason="HTTP 503 after 8 attempts"))
    engine.dispose()


def test_a_webhook_secret_and_an_api_key_are_shown_once_and_the_key_is_revoked(
        page: Page, inspect_page, api, live_database_url, sign_in):
    url = f"https://one-stop.example/hcc/{uuid.uuid4().hex[:6]}"
    sign_in(page, "agency")
    page.goto("/agency/integrations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết nối phần mềm")
    inspect_page(page)

    page.get_by_label("Địa chỉ nhận (URL)").fill("ftp://one-stop.example/")
    page.get_by_role("button", name="Đăng ký webhook").click()
    expect(page.locator("#url-error")).to_be_visible()
    page.get_by_label("Địa chỉ nhận (URL)").fill(url)
    page.get_by_label("Phát thành công").check()
    with page.expect_response(re.compile(r"/agency/integrations/webhooks$")) as answer:
        page.get_by_role("button", name="Đăng ký webhook").click()
    assert answer.value.status == 201 and answer.value.headers["cache-control"] == "no-store"
    secret = page.locator("#webhook-secret").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    inspect_page(page)
    page.get_by_role("link", name="Về trang kết nối phần mềm").click()
    hook = page.locator("table.webhooks tbody tr").filter(has_text=url)
    expect(hook).to_contain_text("Hoạt động bình thường")
    expect(hook).to_contain_text("Phát thành công")
    assert secret not in page.content()
    hook_id = int((hook.get_attribute("id") or "").removeprefix("webhook-"))
    worker_gave_up(live_database_url, hook_id)
    page.reload()
    expect(hook).to_contain_text("Đã tạm dừng")
    expect(hook).to_contain_text("HTTP 503")
    inspect_page(page)
    hook.get_by_role("button", name=f"Bật lại webhook {url}").click()
    expect(page.get_by_role("status")).to_contain_text("Đã bật lại")
    expect(hook).to_contain_text("Hoạt động bình thường")
    hook.get_by_role("button", name=f"Xóa webhook {url}").click()
    expect(page.locator("table.webhooks tbody tr").filter(has_text=url)).to_have_count(0)

    name = f"Phần mềm một cửa {uuid.uuid4().hex[:4]}"
    page.get_by_label("Tên khóa").fill(name)
    page.get_by_role("button", name="Tạo khóa API").click()
    key = page.locator("#api-key").inner_text()
    assert key.startswith("hcck_")
    assert api("get", "/api/v1/auth/me", token=key).json()["username"] == "agency"
    inspect_page(page)
    page.get_by_role("link", name="Về trang kết nối phần mềm").click()
    assert key not in page.content()
    row = page.locator("table.api-keys tbody tr").filter(has_text=name)
    expect(row).to_contain_text("Đang dùng")
    expect(row.locator('td[data-label="Dùng lần cuối"]')).to_have_text(re.compile(r"20\d\d"))
    row.get_by_role("button", name=f"Thu hồi khóa {name}").click()
    expect(page.locator("table.api-keys tbody tr").filter(has_text=name)).to_contain_text("Đã thu hồi")
    assert api("get", "/api/v1/auth/me", token=key).status_code == 401


def test_only_agency_officers_open_the_portal(page: Page, sign_in):
    sign_in(page, "clerk")
    for path in PORTAL_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 403, path
