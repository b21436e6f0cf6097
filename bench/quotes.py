"""Quote throughput in process (SPEC §11: ≥ 20,000 quotes/s on 2 cores).

Run from the repository root:  .venv/bin/python bench/quotes.py [--seconds 5] [--bodies 5000]

Times `app.fees.pricing.quote_body`, the pricing function POST /api/v1/quotes and shipment
creation both call, over varied realistic bodies (commune pairs across Thanh Hóa and the
other provinces, weights, dates, services, TT22 categories, collection on behalf), already
validated by ShipmentIn as the route does, after a warm-up pass. A temporary SQLite database
holds the units and the demo data (the default tariff and policies); the database is not
touched while timing.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import make_app


def make_bodies(codes_by_province: dict[str, list[str]], count: int,
                seed: int = 2020) -> list[dict[str, Any]]:
    """Raw JSON bodies as a clerk would send them; most senders in Thanh Hóa (38)."""
    from app.vocabulary import Beneficiary

    rng = random.Random(seed)
    provinces = sorted(codes_by_province)
    thanh_hoa = codes_by_province["38"]
    bodies = []
    for i in range(count):
        anywhere = codes_by_province[rng.choice(provinces)]
        sender = rng.choice(thanh_hoa) if rng.random() < 0.8 else rng.choice(anywhere)
        roll = rng.random()
        if roll < 0.6:
            recipient = rng.choice(thanh_hoa)
        elif roll < 0.65:
            recipient = sender
        else:
            recipient = rng.choice(codes_by_province[rng.choice(provinces)])
        category = rng.choice(tuple(Beneficiary)) if rng.random() < 0.2 else None
        day = date(2020, 1, 1) + timedelta(days=rng.randrange(8 * 365))
        bodies.append({
            "service": rng.choice(["return", "return", "intake", "both"]),
            "dossier": {"code": f"000.00.12.H56-200313-{i:04d}",
                        "procedure": "Cấp bản sao trích lục hộ tịch"},
            "agency_code": "UBND-14812",
            "sender": {"name": "UBND phường Bỉm Sơn", "phone": "02373824123",
                       "address": {"line": "Số 1 Trần Phú", "unit_code": sender}},
            "recipient": {"name": "Nguyễn Văn Ất", "phone": "0912345678",
                          "address": {"line": "Thôn Đông", "unit_code": recipient}},
            "weight_g": rng.choice([50, 100, 120, 250, 650, 1200, 2500, rng.randrange(1, 30_001)]),
            "items": [{"name": "Trích lục khai sinh", "original": True, "count": 1}],
            "beneficiary": {"category": category, "certificate": "GCN-0001"} if category else None,
            "collect_fee_vnd": rng.choice([0, 0, 0, 50_000]),
            "accepted_on": day.isoformat(),
        })
    return bodies


def run(fn: Any, bodies: list[dict[str, Any]], seconds: float) -> tuple[int, float]:
    n, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for body in bodies:
            fn(body)
        n += len(bodies)
        now = time.perf_counter()
        if now >= deadline:
            return n, now - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--bodies", type=int, default=5000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        app = make_app(f"sqlite:///{Path(workdir) / 'bench.db'}")
        with app.app_context():
            from sqlalchemy import select

            from app.extensions import db
            from app.fees.catalog import current_catalog
            from app.fees.pricing import quote_body
            from app.geo.models import Commune
            from app.shipments.schemas import ShipmentIn

            codes: dict[str, list[str]] = {}
            for code, province in db.session.execute(select(Commune.code, Commune.province_code)):
                codes.setdefault(province, []).append(code)
            schema = ShipmentIn()
            bodies = [schema.load(b) for b in make_bodies(codes, args.bodies)]  # as the route validates
            catalog = current_catalog()
            today = date(2026, 11, 23)

            def price(body: dict[str, Any]) -> Any:
                return quote_body(body, catalog, today)

            start = time.perf_counter()
            for body in bodies:  # warm-up: fills the distance and calendar caches
                price(body)
            cold = len(bodies) / (time.perf_counter() - start)
            n, elapsed = run(price, bodies, args.seconds)
            pairs = len({(b["sender"]["address"]["unit_code"], b["recipient"]["address"]["unit_code"])
                         for b in bodies})
            print(f"bodies: {len(bodies)} ({pairs} commune pairs, {len(codes)} provinces); "
                  f"cpus: {os.cpu_count()}; python {sys.version.split()[0]}")
            print(f"first pass (cold caches): {cold:,.0f} quotes/s")
            print(f"quotes/s: {n / elapsed:,.0f}  ({n:,} quotes in {elapsed:.2f} s)")


if __name__ == "__main__":
    main()
