"""Administrative units: loading from vietnamadminunits, search, legacy conversion."""
from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, tuple_

from app.errors import ValidationFailed
from app.extensions import db
from app.geo.models import Commune, Province
from app.text import fold, nfc, unstorable


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
    return db.session.scalar(select(func.count()).select_from(Commune)) > 0


@dataclass(frozen=True)
class CommunePage:
    items: list[Commune]
    next_cursor: str | None


def search_communes(q: str | None, province: str | None, limit: int,
                    cursor: str | None = None) -> CommunePage:
    """Communes by province, then folded name, then code: a total order the cursor resumes."""
    position = tuple_(Commune.province_code, Commune.search_key, Commune.code)
    stmt = select(Commune).order_by(*position.clauses).limit(limit + 1)
    if province:
        stmt = stmt.where(Commune.province_code == province)
    if q:
        key = fold(q)
        stmt = stmt.where(or_(Commune.code == q.strip(), Commune.search_key.contains(key, autoescape=True)))
    if cursor:
        stmt = stmt.where(position > tuple_(*_decode_cursor(cursor)))
    rows = list(db.session.scalars(stmt))
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = _encode_cursor(last.province_code, last.search_key, last.code) if last else None
    return CommunePage(rows[:limit], next_cursor)


def _encode_cursor(*position: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str, str]:
    try:
        province, key, code = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not (re.fullmatch(r"\d{2}", province) and re.fullmatch(r"\d{5}", code)
                and isinstance(key, str) and len(key) <= 200 and not unstorable(key)):
            raise ValueError
    except (ValueError, TypeError, binascii.Error):  # JSON and UTF-8 errors are ValueErrors
        raise ValidationFailed("cursor", "Not a cursor this API issued.", code="invalid_cursor") from None
    return province, key, code


def get_commune(code: str) -> Commune | None:
    return db.session.get(Commune, code)


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


def delete_all_units() -> None:
    db.session.execute(delete(Commune))
    db.session.execute(delete(Province))
