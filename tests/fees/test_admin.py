"""Tariffs and policies managed by the admin through the API."""
from __future__ import annotations

import pytest

QUOTES = "/api/v1/quotes"
SHIPMENTS = "/api/v1/shipments"


TARIFFS, POLICIES = "/api/v1/tariffs", "/api/v1/policies"


@pytest.mark.parametrize("role", ["clerk", "supervisor", "admin"])
def test_staff_read_tariffs_and_policies(as_user, role):
    tariffs = as_user(role).get(TARIFFS)
    assert tariffs.status_code == 200
    default = next(t for t in tariffs.get_json()["items"] if t["version"] == "VNPOST-HCC-2020")
    assert {z["zone"]: z["base_vnd"] for z in default["zone_prices"]} == {
        "local": 26000, "intra_province": 30000, "inter_same_region": 30500,
        "inter_adjacent_region": 31000, "inter_far_region": 31500}
    assert (default["remote_threshold_km"], default["remote_surcharge_vnd"], default["collection_fee_vnd"]) \
        == (40, 5000, 8000)
    policies = {p["code"]: p for p in as_user(role).get(POLICIES).get_json()["items"]}
    covid = policies["THA-COVID19-2020"]
    assert (covid["valid_from"], covid["valid_to"], covid["discount_bp"], covid["budget_share_bp"]) \
        == ("2020-03-09", "2020-06-30", 5000, 5000)
    assert policies["TT22-100"]["beneficiary_categories"] == ["revolutionary_pre1945", "heroic_mother"]
    assert policies["TT22-50"]["budget_share_bp"] == 0


@pytest.mark.parametrize("role", ["courier", "agency"])
def test_couriers_and_agencies_do_not_read_tariffs(as_user, role):
    assert as_user(role).get(TARIFFS).status_code == 403
    assert as_user(role).get(POLICIES).status_code == 403


@pytest.mark.parametrize("role", ["clerk", "supervisor", "agency", "admin"])
def test_quoting_roles(as_user, body, role):
    assert as_user(role).post(QUOTES, json=body()).status_code == 200


def test_couriers_do_not_quote(as_user, body):
    assert as_user("courier").post(QUOTES, json=body()).status_code == 403


def test_only_the_admin_writes(as_user, tariff_body):
    assert as_user("supervisor").post(TARIFFS, json=tariff_body("S-1")).status_code == 403
    assert as_user("clerk").patch(f"{POLICIES}/TT22-50", json={"valid_to": "2026-12-31"}).status_code == 403


def test_a_new_version_prices_from_its_effective_date_and_never_reprices_frozen_fees(
        as_user, body, tariff_body):
    on_day = body(accepted_on="2026-12-01")
    before = as_user("clerk").post(SHIPMENTS, json=on_day).get_json()
    assert before["fee"]["gross_vnd"] == 30_000

    new = tariff_body("VNPOST-HCC-2027", effective_from="2026-12-01")
    new["zones"]["intra_province"]["base_vnd"] = 33_000
    created = as_user("admin").post(TARIFFS, json=new)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["version"] == "VNPOST-HCC-2027"

    assert as_user("clerk").post(QUOTES, json=on_day).get_json()["gross_vnd"] == 33_000
    day_before = as_user("clerk").post(QUOTES, json=body(accepted_on="2026-11-30")).get_json()
    assert (day_before["gross_vnd"], day_before["tariff_version"]) == (30_000, "VNPOST-HCC-2020")
    again = as_user("clerk").get(f"{SHIPMENTS}/{before['tracking_number']}").get_json()
    assert again["fee"] == before["fee"]
    assert as_user("clerk").get(f"{TARIFFS}/VNPOST-HCC-2027").get_json()["effective_from"] == "2026-12-01"


def test_versions_are_never_rewritten_nor_backdated(as_user, tariff_body):
    admin = as_user("admin")
    resp = admin.post(TARIFFS, json=tariff_body("VNPOST-HCC-2020"))
    assert (resp.status_code, resp.get_json()["code"]) == (409, "tariff_exists")
    resp = admin.post(TARIFFS, json=tariff_body("BACKDATED", effective_from="2026-11-22"))
    assert resp.status_code == 422 and "effective_from" in resp.get_json()["errors"]


@pytest.mark.parametrize(("change", "field"), [
    (lambda b: b["zones"].pop("local"), "zones"),
    (lambda b: b.update(vat_rate_bp=-1), "vat_rate_bp"),
    (lambda b: b.update(max_weight_g=50), "max_weight_g"),
    (lambda b: b.update(base_weight_g="100"), "base_weight_g"),
    (lambda b: b.update(version="bad version!"), "version"),
    (lambda b: b["zones"].update(express={"base_vnd": 1, "step_vnd": 1}), "zones"),
])
def test_tariff_validation(as_user, tariff_body, change, field):
    b = tariff_body("V-X")
    change(b)
    resp = as_user("admin").post(TARIFFS, json=b)
    assert resp.status_code == 422, resp.get_json()
    assert any(k.startswith(field) for k in resp.get_json()["errors"]), resp.get_json()


def test_a_vat_exclusive_tariff_grosses_up_its_lines(as_user, body, tariff_body):
    b = tariff_body("NET-2027", effective_from="2027-01-01", prices_include_vat=False)
    assert as_user("admin").post(TARIFFS, json=b).status_code == 201
    fee = as_user("clerk").post(QUOTES, json=body(accepted_on="2027-01-04")).get_json()
    assert fee["gross_vnd"] == 33_000  # 30,000 + 10% VAT
    assert (fee["vat_vnd"], fee["net_vnd"]) == (3_000, 30_000)


def test_vat_is_extracted_from_the_vat_inclusive_gross(quote):
    fee = quote(accepted_on="2020-07-01")
    assert (fee["gross_vnd"], fee["vat_vnd"], fee["net_vnd"]) == (30_000, 2_727, 27_273)


def fixed_price_policy(**overrides):
    p = {"code": "UBND-BS-FIX", "name": "Đồng giá 10.000đ trả kết quả UBND phường Bỉm Sơn",
         "kind": "fixed_price", "fixed_price_vnd": 10_000, "valid_from": "2026-11-23",
         "legs": ["return"], "agency_codes": ["UBND-14812"], "budget_share_bp": 3333}
    p.update(overrides)
    return p


def test_a_fixed_price_policy_scoped_to_an_agency_applies_and_can_be_ended(as_user, body):
    admin = as_user("admin")
    created = admin.post(POLICIES, json=fixed_price_policy())
    assert created.status_code == 201, created.get_json()
    fee = as_user("clerk").post(QUOTES, json=body(accepted_on="2026-11-24")).get_json()
    assert (fee["total_vnd"], fee["discount_vnd"], fee["policy"]) == (10_000, 20_000, "UBND-BS-FIX")
    # 33.33% of 20,000 is 6,666.0: the budget's share rounded, the post office the rest.
    assert (fee["subsidy_budget_vnd"], fee["subsidy_post_vnd"]) == (6_666, 13_334)
    other = as_user("clerk").post(QUOTES, json=body(accepted_on="2026-11-24",
                                                    agency_code="UBND-15271")).get_json()
    assert other["policy"] is None

    ended = admin.patch(f"{POLICIES}/UBND-BS-FIX", json={"valid_to": "2026-11-23"})
    assert (ended.status_code, ended.get_json()["valid_to"]) == (200, "2026-11-23")
    assert as_user("clerk").post(QUOTES, json=body(accepted_on="2026-11-24")).get_json()["policy"] is None
    assert as_user("clerk").post(QUOTES,
                                 json=body(accepted_on="2026-11-23")).get_json()["policy"] == "UBND-BS-FIX"


def test_the_day_before_valid_from_disables_a_policy_and_earlier_is_refused(as_user):
    admin = as_user("admin")
    assert admin.post(POLICIES, json=fixed_price_policy()).status_code == 201
    assert admin.patch(f"{POLICIES}/UBND-BS-FIX", json={"valid_to": "2026-11-22"}).status_code == 200
    resp = admin.patch(f"{POLICIES}/UBND-BS-FIX", json={"valid_to": "2026-11-21"})
    assert resp.status_code == 422 and "valid_to" in resp.get_json()["errors"]
    assert admin.patch(f"{POLICIES}/NOPE", json={"valid_to": "2026-11-21"}).status_code == 404


@pytest.mark.parametrize(("overrides", "field"), [
    ({"kind": "percentage"}, "discount_bp"),
    ({"kind": "percentage", "fixed_price_vnd": None, "discount_bp": 10_001}, "discount_bp"),
    ({"fixed_price_vnd": None}, "fixed_price_vnd"),
    ({"valid_to": "2026-11-01"}, "valid_to"),
    ({"budget_share_bp": 12_000}, "budget_share_bp"),
    ({"beneficiary_categories": ["minister"]}, "beneficiary_categories"),
    ({"zones": ["galaxy"]}, "zones"),
    ({"legs": ["both"]}, "legs"),
    ({"province_code": "99"}, "province_code"),
    ({"agency_codes": ["NOBODY"]}, "agency_codes"),
    ({"code": "lower-case"}, "code"),
])
def test_policy_validation(as_user, overrides, field):
    resp = as_user("admin").post(POLICIES, json=fixed_price_policy(**overrides))
    assert resp.status_code == 422, resp.get_json()
    assert any(k.startswith(field) for k in resp.get_json()["errors"]), resp.get_json()


def test_a_policy_code_is_used_once(as_user):
    resp = as_user("admin").post(POLICIES, json=fixed_price_policy(code="TT22-50"))
    assert (resp.status_code, resp.get_json()["code"]) == (409, "policy_exists")


def test_writes_are_audited(as_user, app, tariff_body):
    from sqlalchemy import select

    from app.audit.models import AuditEntry
    from app.extensions import db

    as_user("admin").post(TARIFFS, json=tariff_body("AUDITED-1"))
    as_user("admin").post(POLICIES, json=fixed_price_policy())
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity_id.in_(["AUDITED-1", "UBND-BS-FIX"]))))
    assert actions == {"tariff.create", "policy.create"}
