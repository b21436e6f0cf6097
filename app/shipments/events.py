"""Tracking events, their UPU codes and the status each leaves behind (SPEC §6)."""
from __future__ import annotations

from app.shipments.models import Status

UPU_CODES = {
    "created": None,
    "accepted": "EMA",
    "arrived": "EMG",
    "departed": "EMC",
    "out_for_delivery": "EDG",
    "delivery_failed": "EMH",
    "delivered": "EMI",
    "returned": "EMI",
    "cancelled": None,
}

STATUS_AFTER = {
    "created": Status.created,
    "accepted": Status.accepted,
    "arrived": Status.in_transit,
    "departed": Status.in_transit,
    "out_for_delivery": Status.out_for_delivery,
    "delivery_failed": Status.awaiting_collection,
    "delivered": Status.delivered,
    "returned": Status.returned,
    "cancelled": Status.cancelled,
}

FAILURE_REASONS = (
    "address_incorrect", "addressee_moved", "addressee_unknown", "addressee_absent",
    "refused", "id_mismatch", "not_collected",
)
