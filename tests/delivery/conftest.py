"""Fixtures shared with the scans, delivery and tracking tests (tests/scans/support.py)."""
from __future__ import annotations

import pytest

from scans.support import (  # noqa: F401 (fixtures)
    _tokens_outlive_the_clock, make_return, step, walk,
)



@pytest.fixture(autouse=True)
def _fresh_tracking(app, monkeypatch):
    """Every test starts with a full allowance (the test client is always 127.0.0.1) and reads
    tracking afresh (tests/tracking/test_public.py tests the answers kept)."""
    app.extensions.pop("hcc.tracking_limiter", None)
    app.extensions.pop("hcc.tracking_answers", None)
    monkeypatch.setitem(app.config, "TRACKING_CACHE_SECONDS", 0)
