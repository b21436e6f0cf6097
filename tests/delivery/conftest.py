"""Delivery tests move the fixed clock on by days."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _delivery_setting(tokens_outlive_the_clock: None) -> None:
    pass
