"""Public tracking read afresh by every test that asks for it."""
from __future__ import annotations

import pytest
from flask import Flask


@pytest.fixture
def fresh_tracking(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """No tracking answer kept from an earlier test (tests/tracking/test_public.py tests the
    answers kept); the rate-limit allowance is reset for every test in tests/conftest.py."""
    app.extensions.pop("hcc.tracking_answers", None)
    monkeypatch.setitem(app.config, "TRACKING_CACHE_SECONDS", 0)
