"""Administrative units: loading from vietnamadminunits, search, legacy conversion."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, or_, select

from app.errors import ValidationFailed
from app.extensions import db
from app.geo.models import Commune, Province
from app.pagination import Page, keyset
from app.text import fold, nfc

PROVINCE_CODE = re.compile(r"[0-9]{2}")
COMMUNE_CODE = re.compile(r"[0-9]{5}")


def load_units() -> tuple[int, int]:
    """Upsert all provinces and communes of the 2025 two-level map. Returns counts."""
    from vietnamadminunits.database import get_data

    rows = get_data(fields=[
        "province", "provinceShort", "provinceCode", "provinceLat", "provinceLon",
        "ward", "wardShort", "wardType", "wardCode", "wardLat", "wardLon", "wardAreaKm2",
    ])
    provinces: dict[str, Province] = {}
    communes: list[Commune] = []
    for r in rows:
        provinces.setdefault(r["provinceCode"], Province(
            code=r["provinceCode"], name=nfc(r["province"]), short_name=nfc(r["provinceShort"]),
            lat=r["provinceLat"], lon=r["provinceLon"]))
        communes.append(Commune(
            code=r["wardCode"], name=nfc(r["ward"]), short_name=nfc(r["wardShort"]),
            kind=nfc(r["wardType"]), province_code=r["provinceCode"],
            lat=r["wardLat"], lon=r["wardLon"], area_km2=r["wardAreaKm2"],
            search_key=fold(r["ward"])))
    existing = set(db.session.scalars(select(Commune.code)))
    for p in provinces.values():
        db.session.merge(p)
    db.session.flush()
    for c in communes:
        if c.code in existing:
            db.session.merge(c)
        else:
            db.session.add(c)
    db.session.flush()
    return len(provinces), len(communes)


def units_loaded() -> bool:
    return db.session.execute(select(func.count()).select_from(Commune)).scalar_one() > 0


def search_communes(args: dict[str, Any]) -> Page[Commune]:
    """Communes by province, then folded name, then code: a total order the cursor resumes."""
    stmt = select(Commune)
    if args.get("province"):
        stmt = stmt.where(Commune.province_code == args["province"])
    if args.get("q"):
        q = args["q"]
        stmt = stmt.where(or_(Commune.code == q.strip(),
                              Commune.search_key.contains(fold(q), autoescape=True)))
    return keyset(stmt, [Commune.province_code, Commune.search_key, Commune.code], args,
                  shape=(PROVINCE_CODE, str, COMMUNE_CODE))


def get_commune(code: str) -> Commune | None:
    return db.session.get(Commune, code)


def province_names(codes: Iterable[str]) -> dict[str, str]:
    """{"38": "Tỉnh Thanh Hóa"} for the codes given: what a commune picker shows beside a name."""
    wanted = set(codes)
    if not wanted:
        return {}
    rows = db.session.execute(select(Province.code, Province.name).where(Province.code.in_(wanted)))
    return dict(rows.tuples().all())


def require_commune(code: str, field: str) -> Commune:
    commune = get_commune(code)
    if commune is None:
        raise ValidationFailed(field, f"Unknown commune code {code!r}.", code="unknown_unit")
    return commune


def convert_legacy_address(address: str) -> dict:
    """Convert a pre-2025 three-level address (as on many CCCD cards) to the new units."""
    from vietnamadminunits import convert_address

    try:
        converted = convert_address(nfc(address))
    except Exception as exc:  # the library raises bare ValueError/KeyError on unknown places
        raise ValidationFailed("address", f"Cannot convert this address: {exc}") from exc
    commune = get_commune(converted.ward_code) if converted.ward_code else None
    if commune is None:
        raise ValidationFailed("address", "The address could not be matched to a current commune.")
    old = converted.OldAdminUnit
    return {"input": nfc(address), "commune": commune, "street": converted.street or None,
            "legacy": {"ward": old.ward, "district": old.district, "province": old.province}}
