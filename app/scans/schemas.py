"""Scan batches (SPEC §7): each scan is parsed on its own, so one bad scan never sinks the batch."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_dump, validate

from app import clock
from app.errors import flatten_messages
from app.fields import Coordinate, DeviceClock, FlatLoad, Moment, Text
from app.vocabulary import Event, FailureReason

MAX_BATCH = 1000
RESULTS = ("recorded", "duplicate", "rejected")


class ScanIn(DeviceClock):
    id = fields.UUID(required=True,
                     metadata={"description": "Made by the client; the scan's idempotency key."})
    tracking_number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    event = fields.String(required=True, validate=validate.OneOf(tuple(Event)), metadata={
        "description": "accepted, arrived, departed, out_for_delivery, delivery_failed or returned; "
                       "delivered needs a proof of delivery, cancelled the cancel call."})
    occurred_at = Moment(required=True)
    office_code = Text(load_default=None, max_length=20,
                       metadata={"description": "Required for arrived and departed."})
    lat = Coordinate(load_default=None)
    lon = Coordinate(load_default=None)
    reason = fields.String(load_default=None, validate=validate.OneOf(tuple(FailureReason)),
                           metadata={"description": "Required for delivery_failed."})
    note = Text(load_default=None, max_length=500)


@dataclass(frozen=True, slots=True)
class InvalidScan:
    """A scan that did not parse: answered `rejected` with code invalid_scan."""

    id: str | None
    detail: str


class ScanItem(fields.Nested):
    """One scan of a batch: parsed, or an InvalidScan instead of failing the whole request.

    A batch holds up to 1,000 scans, so each is loaded by its schema's own fields without the
    Schema machinery around them (FlatLoad): the same rules and messages, a fraction of the
    cost (tests/scans/test_parsing.py holds the two to the same answers)."""

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        raw_id = value.get("id") if isinstance(value, dict) else None
        raw_id = raw_id if isinstance(raw_id, str) and len(raw_id) <= 64 else None
        try:
            scan = self._flat.load(value)
        except ValidationError as exc:
            errors = flatten_messages(exc.messages)
            detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
            return InvalidScan(raw_id, detail)
        scan["raw_id"] = raw_id
        return scan

    @cached_property
    def _flat(self) -> FlatLoad:
        return FlatLoad(self.schema)


class ScanBatchIn(Schema):
    scans = fields.List(ScanItem(ScanIn), required=True, validate=validate.Length(
        min=1, max=MAX_BATCH, error="A batch holds 1 to 1,000 scans."))


class ScanErrorOut(Schema):
    code = fields.String()
    detail = fields.String()


class ScanResultOut(Schema):
    id = fields.String(allow_none=True, metadata={"description": "The scan's id as sent."})
    result = fields.String(validate=validate.OneOf(RESULTS))
    error = fields.Nested(ScanErrorOut, metadata={"description": "Only when rejected."})


class ScanBatchOut(Schema):
    """Dumped from the list of results, with a count of each kind."""

    results = fields.List(fields.Nested(ScanResultOut), metadata={"description": "One per scan, in order."})
    recorded = fields.Integer()
    duplicate = fields.Integer()
    rejected = fields.Integer()
    server_time = fields.DateTime(metadata={
        "description": "The server's clock at the answer, so an offline client can measure its offset."})

    @pre_dump
    def _counted(self, results: list[dict[str, Any]], **_kw: object) -> dict[str, Any]:
        counts = Counter(r["result"] for r in results)
        return {"results": results, **{kind: counts.get(kind, 0) for kind in RESULTS},
                "server_time": clock.now()}
