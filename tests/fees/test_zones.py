"""Zones from communes: same commune or ≤ 10 km, same province, and the three regional zones."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.fees.models import Zone
from app.fees.zones import REGION, Place, distance_km, zone_between
from app.geo.models import Province


def place(code: str, province: str, lat: float, lon: float) -> Place:
    return Place(code, province, lat, lon)


def test_every_province_has_a_region(app):
    with app.app_context():
        codes = set(db.session.scalars(select(Province.code)))
    assert len(codes) == 34
    assert codes == set(REGION)


def test_distance_is_geodesic_symmetric_and_rounded():
    a, b = place("14812", "38", 20.074, 105.912), place("15271", "38", 19.9916, 105.837)
    assert distance_km(a, b) == distance_km(b, a) == 12.0
    assert distance_km(a, a) == 0.0


@pytest.mark.parametrize(("a", "b", "zone"), [
    (("01", 21.0, 105.8), ("31", 20.8, 106.7), Zone.inter_same_region),       # Hà Nội – Hải Phòng
    (("01", 21.0, 105.8), ("48", 16.0, 108.2), Zone.inter_adjacent_region),   # north – central
    (("48", 16.0, 108.2), ("79", 10.8, 106.7), Zone.inter_adjacent_region),   # central – south
    (("01", 21.0, 105.8), ("79", 10.8, 106.7), Zone.inter_far_region),        # north – south
    (("38", 20.0, 105.9), ("92", 10.0, 105.8), Zone.inter_far_region),        # north-central coast – south
    (("38", 20.0, 105.9), ("01", 21.0, 105.8), Zone.inter_adjacent_region),
])
def test_regional_zones(a, b, zone):
    pa, pb = place("A", *a), place("B", *b)
    assert zone_between(pa, pb, distance_km(pa, pb), 10) is zone
    assert zone_between(pb, pa, distance_km(pb, pa), 10) is zone


def test_centroids_within_the_radius_are_local_even_across_a_border():
    a, b = place("A", "38", 20.0, 105.90), place("B", "37", 20.0, 105.95)
    km = distance_km(a, b)
    assert km <= 10
    assert zone_between(a, b, km, 10) is Zone.local
