from __future__ import annotations


from handovers.support import accepted_intake, make_shipment  # noqa: F401 (fixtures)

