"""Dispatch and the courier's run: 20 results over Thanh Hóa, ordered no longer than the
nearest-neighbour round, printed in that order."""
from __future__ import annotations

from itertools import pairwise

from geopy.distance import geodesic
from sqlalchemy import select

from app.extensions import db
from app.geo.models import Commune


def _communes(n: int) -> list[Commune]:
    rows = list(db.session.scalars(
        select(Commune).where(Commune.province_code == "38").order_by(Commune.code)))
    return rows[:: max(len(rows) // n, 1)][:n]


def _nearest_neighbour_km(office, points):
    here, left, km = office, list(points), 0.0
    while left:
        nxt = min(left, key=lambda p: geodesic(here, p).km)
        km += geodesic(here, nxt).km
        left.remove(nxt)
        here = nxt
    return km + geodesic(here, office).km


def test_run_of_twenty_no_longer_than_nearest_neighbour(as_user, accepted_results, pdf):
    communes = _communes(20)
    numbers = accepted_results([c.code for c in communes], by="courier")
    resp = as_user("supervisor").post("/api/v1/dispatch", json={"courier": "courier",
                                                                "tracking_numbers": numbers})
    assert resp.status_code == 200, resp.get_json()

    run = as_user("courier").get("/api/v1/courier/run").get_json()
    order = [s["tracking_number"] for s in run["stops"]]
    assert sorted(order) == sorted(numbers) and len(order) == 20
    office = db.session.get(Commune, "14812")  # Bưu cục Bỉm Sơn's commune
    where = {tn: (c.lat, c.lon) for tn, c in zip(numbers, communes, strict=True)}
    path = [(office.lat, office.lon), *(where[tn] for tn in order), (office.lat, office.lon)]
    km = sum(geodesic(a, b).km for a, b in pairwise(path))
    nn_km = _nearest_neighbour_km((office.lat, office.lon), list(where.values()))
    assert abs(km - run["total_km"]) < 0.01
    assert km <= nn_km + 1e-6 and run["total_km"] <= run["nearest_neighbour_km"] + 1e-6

    document = as_user("courier").get("/api/v1/courier/run.pdf")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    text = pdf.text(document.data, layout=True)
    positions = [text.find(tn) for tn in order]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert "Phạm Văn Bưu Tá" in text


def test_dispatch_refusals(as_user, make_shipment, clock, problem):
    created = make_shipment("agency")["tracking_number"]
    problem(as_user("supervisor").post("/api/v1/dispatch", json={"courier": "ghost",
                                                                 "tracking_numbers": [created]}),
            422, "unknown_courier", "courier")
    problem(as_user("supervisor").post("/api/v1/dispatch", json={"courier": "courier",
                                                                 "tracking_numbers": [created]}),
            409, "not_dispatchable", "tracking_numbers")
    problem(as_user("clerk").post("/api/v1/dispatch", json={"courier": "courier",
                                                            "tracking_numbers": [created]}),
            403, "role_forbidden")
    problem(as_user("courier").get("/api/v1/courier/run?courier=supervisor"), 403, "other_courier")
    assert as_user("courier").get("/api/v1/courier/run?day=2026-11-24").get_json()["stops"] == []
