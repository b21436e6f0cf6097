"""Fixtures shared with the scans, delivery and tracking tests (tests/scans/support.py)."""
from __future__ import annotations


from scans.support import (  # noqa: F401 (fixtures)
    _tokens_outlive_the_clock, make_return, step, walk,
)

