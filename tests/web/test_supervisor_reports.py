"""The supervisor's reports in Chromium (issue 12, acceptance 5 and the reports' part of 8): the
service-standard page draws the on-time rate of a fixed data set by week, office and zone, and
the chart's numbers are the API's; the reconciliation across offices marks an office whose money
differs; the subsidy claim totals the API's; the pages' files are the API's files; bad
parameters are said beside their field; other roles are refused."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.support.report_data import DATA, PERIOD, VN

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Working days late: b Thu–Fri; e only Monday 5/5 after the break; h Tue 29/4, Mon 5/5, Tue 6/5.
LATE_DAYS = {"b": 2, "e": 1, "h": 3}
EXPECTED_RATES = {  # on time / completed, by hand
    "week": {"2025-W15": "66,7%", "2025-W16": "100,0%", "2025-W17": "–", "2025-W18": "33,3%"},
    "office": {"BC-BIMSON": "50,0%", "BC-HATRUNG": "66,7%"},
    "zone": {"local": "66,7%", "intra_province": "50,0%"},
}


def chart_values(page: Page, chart_id: str) -> dict[str | None, tuple[str | None, str | None]]:
    """{key: (data-value, the value written on the chart)} of a chart on the page."""
    marks = page.locator(f"svg#{chart_id} .chart-mark")
    return {mark.get_attribute("data-key"): (mark.get_attribute("data-value"),
                                             mark.locator(".chart-value").text_content())
            for mark in marks.all()}


def test_the_report_page_draws_the_api_numbers_for_the_fixed_data_set(
        page, inspect_page, api, api_token, fixed_data, sign_in):
    token = api_token("supervisor")
    sign_in(page, "supervisor")
    response = page.goto(f"/supervisor/reports?{PERIOD}")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Chỉ tiêu thời gian toàn trình")
    expect(page.locator("svg#chart-week")).to_be_visible()
    inspect_page(page)

    for group_by, chart_id in (("week", "chart-week"), ("office", "chart-office"), ("zone", "chart-zone")):
        answer = api("get", f"/api/v1/reports/service-standard?{PERIOD}&group_by={group_by}", token=token)
        assert answer.status_code == 200, answer.text
        drawn = chart_values(page, chart_id)
        api_rates = {g["key"]: g["on_time_rate"] for g in answer.json()["groups"]}
        # Every group of the API is drawn with its rate; the chart has nothing else but empty weeks.
        assert {k: float(v) for k, (v, _text) in drawn.items() if v} == api_rates, group_by
        assert {k: text for k, (_v, text) in drawn.items()} == EXPECTED_RATES[group_by], group_by
        if group_by == "week":
            narrow = chart_values(page, "chart-week-narrow")
            assert narrow == drawn
        table = page.locator(f"table.figures-{group_by}")
        for group in answer.json()["groups"]:
            row = table.locator(f'tr[data-key="{group["key"]}"]')
            cells = row.locator("td").all_text_contents()
            assert [int(c) for c in cells[1:4]] == [group["completed"], group["on_time"], group["late"]]
            assert cells[4] == drawn[group["key"]][1] and int(cells[7]) == group["open_overdue"]
    report = api("get", f"/api/v1/reports/service-standard?{PERIOD}&group_by=week", token=token).json()
    totals = report["totals"]
    assert (totals["completed"], totals["on_time"], totals["late"], totals["open_overdue"]) == (7, 4, 3, 1)
    expect(page.locator("#total-rate")).to_have_text("57,1%")

    late = page.locator("table.late-items tbody tr")
    expect(late).to_have_count(3)
    for name, days in LATE_DAYS.items():
        row = late.filter(has_text=fixed_data[name])
        expect(row.locator("td.late-days")).to_have_text(str(days))
        _office, _zone, due, delivered = DATA[name]
        assert isinstance(delivered, datetime)
        expect(row).to_contain_text(due.strftime("%d/%m/%Y"))
        expect(row).to_contain_text(delivered.strftime("%d/%m/%Y"))

    # The files are the API's files.
    for ext, mimetype in (("csv", "text/csv"), ("xlsx", XLSX)):
        link = page.locator(f"ul.downloads a[href*='reports.{ext}'][href*='group_by=zone']")
        mine = page.request.get(link.get_attribute("href"))
        theirs = api("get", f"/api/v1/reports/service-standard.{ext}?{PERIOD}&group_by=zone", token=token)
        assert mine.status == 200 and mine.headers["content-type"].startswith(mimetype)
        assert mine.headers["content-disposition"] == theirs.headers["content-disposition"]
        if ext == "csv":
            assert mine.body() == theirs.content
            rows = list(csv.reader(io.StringIO(mine.body().decode("utf-8-sig"))))
            assert rows[-1][:5] == ["", "Tổng cộng", "7", "4", "3"]
        else:
            sheet = load_workbook(io.BytesIO(mine.body())).active
            assert [c.value for c in sheet[sheet.max_row]][2:5] == [7, 4, 3]

    page.get_by_label("Bưu cục", exact=True).select_option("BC-HATRUNG")
    page.get_by_role("button", name="Xem báo cáo").click()
    expect(page).to_have_url(f"/supervisor/reports?{PERIOD}&office=BC-HATRUNG")
    assert set(chart_values(page, "chart-office")) == {"BC-HATRUNG"}
    expect(page.locator("table.late-items tbody tr")).to_have_count(1)


REFUSED = (  # (the page, the field whose message it is (None: the form's alert), the message)
    ("/supervisor/reports?from=2025-02-30&to=2025-04-07", "from",
     "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm."),
    ("/supervisor/reports?from=2024-01-01&to=2025-04-07", "to", "Một báo cáo tính tối đa 366 ngày."),
    ("/supervisor/reports?from=2025-01-01&to=2025-04-07&office=BC-NOWHERE", "office",
     "Không có bưu cục với mã này."),
    ("/supervisor/reports.csv?from=2025-05-04&to=2025-04-07&group_by=week", "to",
     "Ngày kết thúc không được trước ngày bắt đầu."),
    ("/supervisor/reports.xlsx?from=2025-04-07&to=2025-05-04&group_by=month", None, "Không có cách nhóm này"),
    ("/supervisor/reconciliation?day=2025-13-01", "day", "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm."),
    ("/supervisor/subsidy?policy=THA-COVID19-2020&from=2020-06-30&to=2020-03-09", "to",
     "Ngày kết thúc không được trước ngày bắt đầu."),
)


def test_bad_report_parameters_are_said_beside_their_field(page, inspect_page, sign_in):
    sign_in(page, "supervisor")
    response = page.goto("/supervisor/reports?from=2025-05-04&to=2025-04-07")
    assert response is not None and response.status == 422
    expect(page.locator("#to-error")).to_have_text("Ngày kết thúc không được trước ngày bắt đầu.")
    expect(page.locator("#to")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("svg.chart")).to_have_count(0)
    inspect_page(page)
    for path, field, message in REFUSED:
        response = page.goto(path)
        assert response is not None and response.status == 422, path
        if field:
            expect(page.locator(f"#{field}-error")).to_have_text(message)
        else:
            expect(page.get_by_role("alert")).to_contain_text(message)
        inspect_page(page)


def test_the_reconciliation_marks_the_offices_whose_money_differs(page, inspect_page, api, api_token,
                                                                  shipment_body, sign_in, created, scanned):
    clerk = api_token("clerk")
    # An intake dossier accepted and never paid for: its postal fee is missing at Bỉm Sơn.
    unpaid = created(clerk, shipment_body(service="intake"))["tracking_number"]
    scanned(clerk, unpaid, "accepted")
    # Another whose procedure fee was taken and paid over to the agency the same day.
    paid = created(clerk, shipment_body(service="intake", collect_fee_vnd=25000))["tracking_number"]
    scanned(clerk, paid, "accepted")
    fee = api("get", f"/api/v1/shipments/{paid}", token=clerk).json()["fee"]["total_vnd"]
    for kind, amount in (("postal_fee", fee), ("procedure_fee", 25000)):
        answer = api("post", "/api/v1/payments", token=clerk,
                     json={"tracking_number": paid, "kind": kind, "amount_vnd": amount})
        assert answer.status_code == 201, answer.text
    today = datetime.now(VN).date()
    answer = api("post", "/api/v1/remittances", token=clerk,
                 json={"agency_code": "UBND-14812", "until": today.isoformat()})
    assert answer.status_code == 201, answer.text

    sign_in(page, "supervisor")
    page.goto("/supervisor/reconciliation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đối soát cuối ngày các bưu cục")
    inspect_page(page)
    supervisor = api_token("supervisor")
    rows = page.locator("table.offices tbody tr")
    assert rows.count() >= 2
    for row in rows.all():
        office = row.get_attribute("data-office")
        daily = api("get", f"/api/v1/reports/daily?office={office}&day={today}", token=supervisor).json()
        cells = row.locator("td")
        assert cells.nth(1).text_content() == money(daily["expected_vnd"]), office
        assert cells.nth(2).text_content() == money(daily["recorded_vnd"]), office
        assert cells.nth(4).text_content() == money(daily["recorded_vnd"] - daily["expected_vnd"]), office
        state = cells.nth(5)
        if daily["discrepancies"]:
            expect(state).to_contain_text(f"Lệch: {len(daily['discrepancies'])} khoản")
            expect(state.locator("strong")).to_have_text("Lệch")
            expect(row).to_have_class("gap")
        else:
            expect(state).not_to_contain_text("Lệch")
    bimson = page.locator('tr[data-office="BC-BIMSON"]')
    expect(bimson.locator("td.state")).to_contain_text("Lệch")
    assert amount_of(bimson.locator("td").nth(3).text_content()) >= 25000  # paid over to the agency
    lines = page.locator("#lines-BC-BIMSON")
    expect(lines.get_by_role("row").filter(has_text=unpaid)).to_contain_text("Chưa ghi nhận thu")
    expect(lines.get_by_role("row").filter(has_text=paid)).to_have_count(0)

    xlsx = page.request.get(bimson.get_by_role("link", name="XLSX").get_attribute("href"))
    theirs = api("get", f"/api/v1/reports/daily.xlsx?office=BC-BIMSON&day={today}", token=supervisor)
    assert xlsx.status == 200 and xlsx.headers["content-type"] == XLSX
    assert xlsx.headers["content-disposition"] == theirs.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.body())).active
    assert unpaid in [row[0] for row in sheet.iter_rows(values_only=True)]

    bimson.get_by_role("link", name="Xem").click()
    expect(page).to_have_url(f"/counter/reconciliation?office=BC-BIMSON&day={today.isoformat()}")
    expect(page.get_by_role("row").filter(has_text=unpaid)).to_contain_text("Chưa ghi nhận thu")


def test_the_subsidy_claim_totals_the_api_and_downloads_its_files(page, inspect_page, api, api_token,
                                                                   shipment_body, sign_in, created):
    agency = api_token("agency")
    numbers = [created(agency, shipment_body(beneficiary=None, accepted_on=day))["tracking_number"]
               for day in ("2020-04-15", "2020-04-20")]
    query = "policy=THA-COVID19-2020&from=2020-04-01&to=2020-04-30"
    claim = api("get", f"/api/v1/reports/subsidy-claim?{query}", token=api_token("supervisor")).json()
    assert claim["totals"]["subsidy_budget_vnd"] > 0

    sign_in(page, "supervisor")
    page.goto("/supervisor/subsidy")
    expect(page.get_by_label("Chính sách giảm cước")).to_be_visible()
    inspect_page(page)
    page.get_by_label("Chính sách giảm cước").select_option("THA-COVID19-2020")
    page.get_by_label("Chấp nhận từ ngày").fill("2020-04-01")
    page.get_by_label("Đến ngày").fill("2020-04-30")
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(f"/supervisor/subsidy?{query}")
    expect(page.locator("#claim-items")).to_have_text(str(claim["totals"]["items"]))
    expect(page.locator("#claim-budget")).to_have_text(money(claim["totals"]["subsidy_budget_vnd"]))
    for number in numbers:
        expect(page.locator("table.claim-items").get_by_role("row").filter(has_text=number)).to_have_count(1)
    inspect_page(page)

    supervisor = api_token("supervisor")
    for name, mimetype in (("Tải CSV", "text/csv"), ("Tải XLSX", XLSX)):
        href = page.get_by_role("link", name=name).get_attribute("href")
        mine = page.request.get(href)
        ext = "csv" if mimetype == "text/csv" else "xlsx"
        theirs = api("get", f"/api/v1/reports/subsidy-claim.{ext}?{query}", token=supervisor)
        assert mine.status == 200 and mine.headers["content-type"].startswith(mimetype)
        assert mine.headers["content-disposition"] == theirs.headers["content-disposition"]
        if ext == "csv":
            assert mine.body() == theirs.content


@pytest.mark.parametrize("user", ["clerk", "agency", "courier", "admin"])
def test_other_roles_are_refused(page, user, sign_in):
    sign_in(page, user)
    for path in ("/supervisor/reports", "/supervisor/reports.csv", "/supervisor/reconciliation",
                 "/supervisor/reconciliation/BC-BIMSON.xlsx", "/supervisor/subsidy",
                 "/supervisor/subsidy.xlsx"):
        response = page.goto(path)
        assert response is not None and response.status == 403, (user, path)


def money(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,} ₫".replace(",", ".")


def amount_of(text: str | None) -> int:
    return int((text or "").replace("₫", "").replace(".", "").strip())
