"""The subsidy claim for the COVID-19 policy: totals, scope, and a CSV Excel opens in Vietnamese."""
from __future__ import annotations

import csv
import io
import unicodedata

CLAIM = "/api/v1/reports/subsidy-claim"
PERIOD = "policy=THA-COVID19-2020&from=2020-03-09&to=2020-06-30"


def test_claim_totals_the_budget_shares(as_user, make_shipment):
    inside = [make_shipment("agency", beneficiary=None, accepted_on=day, weight_g=w)
              for day, w in (("2020-03-09", 120), ("2020-04-15", 700), ("2020-06-30", 120))]
    make_shipment("agency", beneficiary=None, accepted_on="2020-07-01")  # after the window
    cancelled = make_shipment("agency", beneficiary=None, accepted_on="2020-05-05")["tracking_number"]
    as_user("agency").post(f"/api/v1/shipments/{cancelled}/cancel", json={})
    assert all(s["fee"]["policy"] == "THA-COVID19-2020" for s in inside)

    resp = as_user("supervisor").get(f"{CLAIM}?{PERIOD}")
    assert resp.status_code == 200, resp.get_json()
    claim = resp.get_json()
    assert [i["tracking_number"] for i in claim["items"]] == [s["tracking_number"] for s in inside]
    expected = sum(s["fee"]["subsidy_budget_vnd"] for s in inside)
    assert expected > 0 and claim["totals"]["subsidy_budget_vnd"] == expected
    assert claim["totals"]["subsidy_budget_vnd"] == sum(i["subsidy_budget_vnd"] for i in claim["items"])
    assert claim["totals"]["items"] == 3

    resp = as_user("supervisor").get(f"{CLAIM}.csv?{PERIOD}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    raw = resp.data
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM and CRLF, as Excel expects
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["STT", "Số hiệu bưu gửi", "Mã hồ sơ", "Thủ tục"]
    assert rows[0][9] == "Ngân sách hỗ trợ (đồng)"
    assert all(unicodedata.is_normalized("NFC", cell) for row in rows for cell in row)
    assert rows[1][4] == "UBND phường Bỉm Sơn" and rows[1][5] == "Nguyễn Văn Ất"
    assert rows[-1][1] == "Tổng cộng" and int(rows[-1][9]) == expected
    assert sum(int(r[9]) for r in rows[1:-1]) == expected


def test_claim_refusals(as_user, problem):
    problem(as_user("supervisor").get(f"{CLAIM}?policy=NOPE&from=2020-03-09&to=2020-06-30"), 422,
            "unknown_policy", "policy")
    problem(as_user("supervisor").get(f"{CLAIM}?policy=THA-COVID19-2020&from=2020-06-30&to=2020-03-09"),
            422, "period_invalid")
    problem(as_user("supervisor").get(f"{CLAIM}?policy=THA-COVID19-2020"), 422, "validation_error", "from")
    problem(as_user("clerk").get(f"{CLAIM}?{PERIOD}"), 403, "role_forbidden")
