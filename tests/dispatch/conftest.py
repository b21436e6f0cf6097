from __future__ import annotations


from handovers.support import make_shipment  # noqa: F401 (fixtures)

