"""Tracking tests move the fixed clock on by days and read public tracking afresh."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _tracking_setting(tokens_outlive_the_clock: None, fresh_tracking: None) -> None:
    pass
