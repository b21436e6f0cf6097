"""Plausibility checks shared by scans and proofs of delivery: times and coordinates."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

# Where a Vietnamese post office's staff can be: the mainland and the islands
# (Phú Quốc, Côn Đảo, Hoàng Sa, Trường Sa), as a generous box.
VIETNAM_BOUNDS = (8.0, 23.5, 102.0, 118.0)  # south, north, west, east


def future_problem(occurred_at: datetime, now: datetime, skew_seconds: int) -> str | None:
    if occurred_at > now + timedelta(seconds=skew_seconds):
        return (f"occurred_at {occurred_at.isoformat()} is in the future "
                f"(more than {skew_seconds} s ahead of the server clock).")
    return None


def coordinates_problem(lat: float | None, lon: float | None) -> str | None:
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        return "Give both lat and lon, or neither."
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return "Coordinates must be finite numbers."
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"({lat}, {lon}) is not a place on Earth: lat is within ±90, lon within ±180."
    south, north, west, east = VIETNAM_BOUNDS
    if not (south <= lat <= north and west <= lon <= east):
        return f"({lat}, {lon}) is outside Viet Nam, where every scan is made."
    return None
