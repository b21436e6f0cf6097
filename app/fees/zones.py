"""Zones between two communes (SPEC §5), from centroids and post-2025 province codes."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from geopy.distance import geodesic

from app.fees.models import Zone

# SPEC §5: regions by post-July-2025 province code.
NORTH = frozenset(["01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37"])
CENTRAL = frozenset(["38", "40", "42", "44", "46", "48", "51", "52", "56", "66", "68"])
SOUTH = frozenset(["75", "79", "80", "82", "86", "91", "92", "96"])
REGION = {**dict.fromkeys(NORTH, "north"), **dict.fromkeys(CENTRAL, "central"),
          **dict.fromkeys(SOUTH, "south")}
# The north-central coast (Bắc Trung Bộ): Thanh Hóa, Nghệ An, Hà Tĩnh, Quảng Trị, Huế. The issue's
# acceptance prices Thanh Hóa → Hồ Chí Minh City as far (north–south), not adjacent: these
# provinces count as far from the south; every other pair follows the SPEC §5 table.
NORTH_CENTRAL = frozenset({"38", "40", "42", "44", "46"})


@dataclass(frozen=True, slots=True)
class Place:
    """What pricing needs of a commune: its code, province and centroid."""

    code: str
    province_code: str
    lat: float
    lon: float


@lru_cache(maxsize=1 << 17)
def _geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return round(geodesic((lat1, lon1), (lat2, lon2)).km, 1)


def distance_km(a: Place, b: Place) -> float:
    """Geodesic (WGS-84) distance between centroids, to 0.1 km; memoised per pair."""
    if a.code == b.code:
        return 0.0
    # Order the pair so A→B and B→A share one cache entry.
    if (a.lat, a.lon) > (b.lat, b.lon):
        a, b = b, a
    return _geodesic_km(a.lat, a.lon, b.lat, b.lon)


def zone_between(a: Place, b: Place, km: float, local_radius_km: int) -> Zone:
    """SPEC §5, in table order: local (same commune, or centroids within the radius),
    same province, then by region. `km` is the reported (rounded) distance."""
    if a.code == b.code or km <= local_radius_km:
        return Zone.local
    if a.province_code == b.province_code:
        return Zone.intra_province
    ra, rb = REGION.get(a.province_code), REGION.get(b.province_code)
    if ra == rb:
        return Zone.inter_same_region
    if {ra, rb} == {"north", "south"}:
        return Zone.inter_far_region
    if "south" in (ra, rb) and (a.province_code in NORTH_CENTRAL or b.province_code in NORTH_CENTRAL):
        return Zone.inter_far_region
    return Zone.inter_adjacent_region


def is_inter_province(zone: Zone) -> bool:
    return zone in (Zone.inter_same_region, Zone.inter_adjacent_region, Zone.inter_far_region)
