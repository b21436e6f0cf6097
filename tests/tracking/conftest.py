"""Tracking tests move the fixed clock on by days."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _tracking_setting(tokens_outlive_the_clock: None) -> None:
    pass
