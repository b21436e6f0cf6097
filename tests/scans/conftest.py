"""Scan tests move the fixed clock on by days (notices two working days apart)."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _long_tokens(tokens_outlive_the_clock: None) -> None:
    pass
