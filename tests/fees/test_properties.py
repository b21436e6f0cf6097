"""Properties of the fee engine over random valid inputs (hypothesis)."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.fees.calendar import is_working_day
from app.fees.catalog import Catalog, current_catalog
from app.fees.policies import applies, discount_for, split
from app.fees.pricing import SERVICE_LEGS, QuoteInput, price
from app.vocabulary import Beneficiary

QUOTES = "/api/v1/quotes"
SHIPMENTS = "/api/v1/shipments"


def http_settings(examples: int) -> settings:
    """Examples share the test's fixtures (and transaction, rolled back at its end)."""
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# Communes across Thanh Hóa and the three regions, for the HTTP properties.
COMMUNES = ["14812", "14818", "15271", "14845", "14797", "16531",  # Thanh Hóa
            "00070", "10507", "03334",                               # north
            "16702", "18073", "19777", "20194", "22333",             # central
            "26740", "31120", "31825"]                               # south


@pytest.fixture(scope="module")
def catalog(app) -> Catalog:
    with app.app_context():
        return current_catalog()


def inputs(codes: list[str]) -> st.SearchStrategy[QuoteInput]:
    return st.builds(
        QuoteInput,
        service=st.sampled_from(sorted(SERVICE_LEGS)),
        sender_code=st.sampled_from(codes), recipient_code=st.sampled_from(codes),
        agency_code=st.sampled_from(["UBND-14812", "UBND-15271", "TTPVHCC-38"]),
        weight_g=st.integers(1, 30_000),
        category=st.none() | st.sampled_from(tuple(Beneficiary)),
        collect_fee_vnd=st.integers(0, 50_000_000) | st.just(0),
        accepted_on=st.dates(date(2020, 1, 1), date(2027, 12, 31)),
    )


@http_settings(600)
@given(data=st.data())
def test_money_always_adds_up(catalog, data):
    q = data.draw(inputs(sorted(catalog.places)))
    quote = price(q, catalog)
    fee = quote.fee
    assert fee["total_vnd"] >= 0
    assert fee["total_vnd"] == fee["gross_vnd"] - fee["discount_vnd"]
    assert fee["subsidy_budget_vnd"] + fee["subsidy_post_vnd"] == fee["discount_vnd"]
    assert fee["subsidy_budget_vnd"] >= 0 and fee["subsidy_post_vnd"] >= 0
    assert fee["gross_vnd"] == sum(line["amount_vnd"] for line in fee["lines"])
    assert fee["vat_vnd"] + fee["net_vnd"] == fee["gross_vnd"] and fee["vat_vnd"] >= 0
    assert all(isinstance(v, int) for k, v in fee.items() if k.endswith("_vnd"))
    collection = sum(line["amount_vnd"] for line in fee["lines"] if line["code"] == "collection")
    assert fee["discount_vnd"] <= fee["gross_vnd"] - collection  # never on the collection fee
    for leg in fee["legs"]:
        subsidy = leg["subsidy_budget_vnd"] + leg["subsidy_post_vnd"]
        assert subsidy == leg["discount_vnd"] <= leg["carriage_vnd"]
    assert (fee["policy"] is None) == (fee["discount_vnd"] == 0)
    assert [leg["leg"] for leg in fee["legs"]] == list(SERVICE_LEGS[q.service])
    assert quote.due_date > q.accepted_on and is_working_day(quote.due_date)
    assert quote.due_date - q.accepted_on <= timedelta(days=4 + 14)  # J+4 at most, Tết included


@http_settings(300)
@given(data=st.data())
def test_the_single_most_favourable_policy_wins(catalog, data):
    from app.fees.policies import LegContext
    from app.fees.zones import distance_km, zone_between

    q = data.draw(inputs(sorted(catalog.places)))
    fee = price(q, catalog).fee
    a, b = catalog.places[q.sender_code], catalog.places[q.recipient_code]
    zone = zone_between(a, b, distance_km(a, b), catalog.tariff_on(q.accepted_on).local_radius_km)
    for leg in fee["legs"]:
        ctx = LegContext(leg["leg"], zone, a.province_code, b.province_code, q.agency_code,
                         q.category, q.accepted_on)
        offers = [discount_for(p, leg["carriage_vnd"]) for p in catalog.policies if applies(p, ctx)]
        assert leg["discount_vnd"] == max([0, *offers])


@given(discount=st.integers(0, 10**9), share=st.integers(0, 10_000))
def test_the_funding_split_loses_no_dong(discount, share):
    budget, post = split(discount, share)
    assert budget + post == discount and budget >= 0 and post >= 0


@http_settings(30)
@given(service=st.sampled_from(["intake", "return", "both"]), sender=st.sampled_from(COMMUNES),
       recipient=st.sampled_from(COMMUNES), weight=st.integers(1, 30_000),
       day=st.dates(date(2020, 1, 1), date(2027, 12, 31)),
       category=st.none() | st.sampled_from(tuple(Beneficiary)), collect=st.sampled_from([0, 50_000]))
def test_a_quote_equals_the_fee_frozen_on_the_shipment_made_from_the_same_body(
        as_user, body, service, sender, recipient, weight, day, category, collect):
    b = body(sender=sender, recipient=recipient, service=service, weight_g=weight,
             accepted_on=day.isoformat(), collect_fee_vnd=collect,
             beneficiary={"category": category, "certificate": "GCN-1"} if category else None)
    clerk = as_user("clerk")
    quoted = clerk.post(QUOTES, json=b)
    assert quoted.status_code == 200, quoted.get_json()
    created = clerk.post(SHIPMENTS, json=b)
    assert created.status_code == 201, created.get_json()
    fee = dict(quoted.get_json())
    due, _days = fee.pop("due_date"), fee.pop("service_days")
    shipment = clerk.get(f"{SHIPMENTS}/{created.get_json()['tracking_number']}").get_json()
    assert shipment["fee"] == fee == created.get_json()["fee"]
    assert shipment["due_date"] == due


@http_settings(15)
@given(sender=st.sampled_from(COMMUNES), recipient=st.sampled_from(COMMUNES),
       weight=st.integers(1, 30_000), days_ahead=st.integers(0, 200),
       factor=st.integers(2, 3))
def test_fees_never_change_after_a_tariff_update(as_user, body, tariff_body, sender, recipient,
                                                 weight, days_ahead, factor):
    day = (date(2026, 11, 23) + timedelta(days=days_ahead)).isoformat()  # the clock's today onwards
    b = body(sender=sender, recipient=recipient, weight_g=weight, accepted_on=day)
    created = as_user("clerk").post(SHIPMENTS, json=b)
    assert created.status_code == 201, created.get_json()
    before = created.get_json()

    dearer = tariff_body(f"T-{uuid.uuid4().hex[:12]}", remote_surcharge_vnd=5000 * factor)
    for prices in dearer["zones"].values():
        prices["base_vnd"] *= factor
    assert as_user("admin").post("/api/v1/tariffs", json=dearer).status_code == 201
    assert as_user("admin").patch("/api/v1/policies/TT22-50",
                                  json={"valid_to": "2026-11-22"}).status_code == 200

    after = as_user("clerk").get(f"{SHIPMENTS}/{before['tracking_number']}").get_json()
    assert (after["fee"], after["due_date"]) == (before["fee"], before["due_date"])
    requoted = as_user("clerk").post(QUOTES, json=b).get_json()
    assert requoted["tariff_version"] == dearer["version"] != before["fee"]["tariff_version"]
    base = next(line["amount_vnd"] for line in requoted["lines"] if line["code"] == "base")
    assert base == dearer["zones"][requoted["zone"]]["base_vnd"]
