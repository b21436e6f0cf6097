"""Acceptance 8 is measured by bench/quotes.py (never a timed test); this checks it runs."""
from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.fees.catalog import current_catalog
from app.fees.pricing import quote_body
from app.geo.models import Commune
from app.shipments.schemas import ShipmentIn

BENCH = Path(__file__).resolve().parents[2] / "bench" / "quotes.py"


def test_the_quote_benchmark_prices_varied_valid_bodies(app):
    spec = importlib.util.spec_from_file_location("bench_quotes", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    with app.app_context():
        codes: dict[str, list[str]] = {}
        for code, province in db.session.execute(select(Commune.code, Commune.province_code)):
            codes.setdefault(province, []).append(code)
        bodies = [ShipmentIn().load(b) for b in bench.make_bodies(codes, 300)]
        catalog = current_catalog()
        zones = {quote_body(b, catalog, date(2026, 11, 23)).fee["zone"] for b in bodies}
        n, _ = bench.run(lambda b: quote_body(b, catalog, date(2026, 11, 23)), bodies, 0)
    assert n == len(bodies) == 300
    assert zones == {"local", "intra_province", "inter_same_region", "inter_adjacent_region",
                     "inter_far_region"}
