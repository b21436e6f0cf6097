"""The status each tracking event leaves behind (SPEC §6); the events, their UPU codes and
failure reasons are in app.vocabulary."""
from __future__ import annotations

from app.vocabulary import Event, Status

STATUS_AFTER: dict[str, Status] = {  # keyed by Event, looked up with stored strings too
    Event.created: Status.created,
    Event.accepted: Status.accepted,
    Event.arrived: Status.in_transit,
    Event.departed: Status.in_transit,
    Event.out_for_delivery: Status.out_for_delivery,
    Event.delivery_failed: Status.awaiting_collection,
    Event.delivered: Status.delivered,
    Event.returned: Status.returned,
    Event.cancelled: Status.cancelled,
}
