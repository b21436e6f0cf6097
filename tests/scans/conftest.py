"""Fixtures shared with the scans, delivery and tracking tests (tests/scans/support.py)."""
from __future__ import annotations

import pytest

from scans.support import (  # noqa: F401 (fixtures)
    _tokens_outlive_the_clock, make_return, skip_postgres_only, step, walk,
)


def pytest_runtest_setup(item: pytest.Item) -> None:
    skip_postgres_only(item)
