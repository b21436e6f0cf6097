from __future__ import annotations

import pytest

from handovers.support import make_shipment, skip_postgres_only  # noqa: F401 (fixtures)


def pytest_runtest_setup(item: pytest.Item) -> None:
    skip_postgres_only(item)
