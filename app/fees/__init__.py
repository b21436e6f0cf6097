"""Fees (SPEC §5): tariffs and discount policies as data, zones, pricing, the service standard."""
