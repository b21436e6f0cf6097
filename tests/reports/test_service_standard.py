"""The service-standard report over the 2026 National Day break (29 Aug – 2 Sep off): counts,
on-time rate and lateness in working days per office, zone and week; the CSV and XLSX hold the
same numbers; each role sees its own rows; bad parameters are refused."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from app.shipments.models import Service, Status

REPORT = "/api/v1/reports/service-standard"
PERIOD = "from=2026-08-24&to=2026-09-13"
VN = timezone(timedelta(hours=7))
FAR = {"line": "Bản Chiềng Cồng", "unit_code": "14845"}  # Mường Lát: intra_province from Bỉm Sơn

# name: (office, zone, due date, delivered at (province time) or final status, service)
DATA = {
    "A": ("BC-BIMSON", "local", date(2026, 8, 28), datetime(2026, 8, 28, 16, 0, tzinfo=VN), "return"),
    # 00:30 on Saturday in Thanh Hóa is still Friday in UTC: late, one working day (counted at least 1).
    "B": ("BC-BIMSON", "local", date(2026, 8, 28), datetime(2026, 8, 29, 0, 30, tzinfo=VN), "return"),
    "C": ("BC-BIMSON", "intra_province", date(2026, 8, 28), datetime(2026, 9, 4, 10, 0, tzinfo=VN), "return"),
    "D": ("BC-HATRUNG", "intra_province", date(2026, 8, 27), datetime(2026, 9, 8, 9, 0, tzinfo=VN), "return"),
    "E": ("BC-HATRUNG", "local", date(2026, 9, 3), datetime(2026, 9, 3, 11, 0, tzinfo=VN), "return"),
    "F": ("BC-HATRUNG", "local", date(2026, 9, 4), Status.accepted, "return"),  # open, overdue
    "G": ("BC-BIMSON", "intra_province", date(2026, 9, 10), Status.returned, "return"),
    "H": ("BC-BIMSON", "local", date(2026, 9, 11), datetime(2026, 9, 9, 8, 0, tzinfo=VN), "intake"),
    "I": ("BC-BIMSON", "local", date(2026, 9, 9), Status.cancelled, "return"),
    "J": ("BC-BIMSON", "local", date(2026, 9, 14), datetime(2026, 9, 20, 8, 0, tzinfo=VN), "return"),
    "K": ("BC-HATRUNG", "intra_province", date(2026, 9, 11), datetime(2026, 9, 11, 17, 0, tzinfo=VN),
          "return"),
}
FIELDS = ("completed", "on_time", "late", "on_time_rate", "mean_late_days", "p95_late_days", "open_overdue")


@pytest.fixture
def fixed_data(make_shipment, given_outcome):
    numbers = {}
    for name, (_, zone, *_rest) in DATA.items():
        body = make_shipment("clerk", **({"recipient": {"name": "Lò Văn Ất", "phone": "0912345678",
                                                         "address": FAR}} if zone != "local" else {}))
        assert body["fee"]["zone"] == zone
        numbers[name] = body["tracking_number"]
    for name, (office, _, due, outcome, service) in DATA.items():
        given_outcome(numbers[name], office, due, outcome, service=Service(service))
    return numbers


def by_key(answer):
    return {g["key"]: tuple(g[f] for f in FIELDS) for g in answer["groups"]}


def test_counts_rate_and_lateness_per_office_zone_and_week(as_user, fixed_data):
    answer = as_user("supervisor").get(f"{REPORT}?{PERIOD}&group_by=office").get_json()
    assert answer["as_of"] == "2026-09-13" and answer["from"] == "2026-08-24"
    assert by_key(answer) == {
        "BC-BIMSON": (4, 2, 2, 0.5, 1.5, 2, 0),
        "BC-HATRUNG": (3, 2, 1, 0.6667, 5.0, 5, 1),
    }
    assert [g["label"] for g in answer["groups"]] == ["Bưu cục Bỉm Sơn", "Bưu cục Hà Trung"]
    assert tuple(answer["totals"][f] for f in FIELDS) == (7, 4, 3, 0.5714, 2.67, 5, 1)

    zones = as_user("supervisor").get(f"{REPORT}?{PERIOD}&group_by=zone").get_json()
    assert by_key(zones) == {"local": (4, 3, 1, 0.75, 1.0, 1, 1),
                             "intra_province": (3, 1, 2, 0.3333, 3.5, 5, 0)}
    assert {g["label"] for g in zones["groups"]} == {"nội xã, lân cận", "nội tỉnh"}

    weeks = as_user("supervisor").get(f"{REPORT}?{PERIOD}&group_by=week").get_json()
    assert by_key(weeks) == {"2026-W35": (4, 1, 3, 0.25, 2.67, 5, 0),
                             "2026-W36": (1, 1, 0, 1.0, None, None, 1),
                             "2026-W37": (2, 2, 0, 1.0, None, None, 0)}

    services = as_user("supervisor").get(f"{REPORT}?{PERIOD}&group_by=service").get_json()
    assert by_key(services)["intake"] == (1, 1, 0, 1.0, None, None, 0)
    assert {g["label"] for g in services["groups"]} == {"Gửi hồ sơ thủ tục hành chính",
                                                        "Trả kết quả thủ tục hành chính"}


def test_an_empty_period_has_no_rate(as_user, fixed_data):
    answer = as_user("supervisor").get(f"{REPORT}?from=2025-01-01&to=2025-01-31").get_json()
    assert answer["groups"] == [] and answer["totals"]["on_time_rate"] is None
    assert answer["totals"]["completed"] == 0


def test_csv_and_xlsx_hold_the_same_numbers(as_user, fixed_data):
    url = f"{PERIOD}&group_by=zone"
    answer = as_user("supervisor").get(f"{REPORT}?{url}").get_json()
    resp = as_user("supervisor").get(f"{REPORT}.csv?{url}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in resp.data
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Nhóm", "Tên", "Hoàn thành"] and rows[-1][1] == "Tổng cộng"
    for row, group in zip(rows[1:-1], answer["groups"], strict=True):
        assert row[0] == group["key"] and int(row[2]) == group["completed"]
        assert int(row[3]) == group["on_time"] and int(row[4]) == group["late"]
        assert float(row[5]) == pytest.approx(group["on_time_rate"] * 100)
        assert float(row[6]) == group["mean_late_days"] and int(row[7]) == group["p95_late_days"]
        assert int(row[8]) == group["open_overdue"]

    resp = as_user("supervisor").get(f"{REPORT}.xlsx?{url}")
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(resp.data)).active
    table = list(sheet.iter_rows(min_row=4, values_only=True))
    assert table[0][:3] == ("Nhóm", "Tên", "Hoàn thành")
    for row, group in zip(table[1:-1], answer["groups"], strict=True):
        assert row == (group["key"], group["label"], *(group[f] for f in FIELDS))
    assert table[-1][2:] == tuple(answer["totals"][f] for f in FIELDS)
    assert sheet.cell(5, 6).number_format == "0.0%" and isinstance(sheet.cell(5, 3).value, int)


def test_each_role_sees_its_own_rows(as_user, fixed_data, problem):
    for user in ("agency", "clerk"):
        answer = as_user(user).get(f"{REPORT}?{PERIOD}&group_by=office").get_json()
        assert by_key(answer) == {"BC-BIMSON": (4, 2, 2, 0.5, 1.5, 2, 0)}, user
    agencies = as_user("agency").get(f"{REPORT}?{PERIOD}&group_by=agency").get_json()
    assert [g["label"] for g in agencies["groups"]] == ["UBND phường Bỉm Sơn"]
    assert as_user("clerk").get(f"{REPORT}?{PERIOD}&office=BC-HATRUNG").get_json()["groups"] == []
    hatrung = as_user("supervisor").get(f"{REPORT}?{PERIOD}&agency=UBND-15271&group_by=agency").get_json()
    assert by_key(hatrung) == {"UBND-15271": (3, 2, 1, 0.6667, 5.0, 5, 1)}
    problem(as_user("courier").get(f"{REPORT}?{PERIOD}"), 403, "role_forbidden")


@pytest.mark.parametrize(("query", "code", "field"), [
    ("from=2026-09-13&to=2026-08-24", "period_invalid", "to"),
    ("from=2025-01-01&to=2026-01-02", "period_too_long", "to"),
    (f"{PERIOD}&group_by=month", "validation_error", "group_by"),
    (f"{PERIOD}&office=BC-NOWHERE", "unknown_office", "office"),
    (f"{PERIOD}&agency=UBND-00000", "unknown_agency", "agency"),
    ("to=2026-09-13", "validation_error", "from"),
])
def test_bad_parameters(as_user, problem, query, code, field):
    for suffix in ("", ".csv", ".xlsx"):
        problem(as_user("supervisor").get(f"{REPORT}{suffix}?{query}"), 422, code, field)


def test_subsidy_claim_and_daily_as_xlsx(as_user, make_shipment, accepted_intake):
    shipment = make_shipment("agency", beneficiary=None, accepted_on="2020-04-15")
    resp = as_user("supervisor").get(
        "/api/v1/reports/subsidy-claim.xlsx?policy=THA-COVID19-2020&from=2020-03-09&to=2020-06-30")
    assert resp.status_code == 200
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(min_row=4, values_only=True))
    assert rows[0][1] == "Số hiệu bưu gửi"
    assert rows[1][1] == shipment["tracking_number"] and rows[1][6] == datetime(2020, 4, 15)
    assert rows[1][9] == shipment["fee"]["subsidy_budget_vnd"] > 0 and rows[-1][1] == "Tổng cộng"

    unpaid = accepted_intake(beneficiary=None)  # accepted at the counter today, no payment recorded
    daily = as_user("clerk").get("/api/v1/reports/daily?day=2026-11-23").get_json()
    resp = as_user("clerk").get("/api/v1/reports/daily.xlsx?day=2026-11-23")
    assert resp.status_code == 200
    book = load_workbook(io.BytesIO(resp.data))
    assert book.sheetnames == ["Đối soát", "Theo người"]
    assert book["Đối soát"].cell(1, 1).value.startswith("Đối soát ngày 23/11/2026: Bưu cục Bỉm Sơn")
    lines = list(book["Đối soát"].iter_rows(min_row=4, values_only=True))
    [line] = daily["lines"]
    assert lines[0] == (line["tracking_number"], "postal_fee", "clerk", line["expected_vnd"], None, 0,
                        -line["expected_vnd"], "Chưa ghi thu") and line["tracking_number"] == unpaid
    assert lines[-1][3] == daily["expected_vnd"] > 0
