"""Scan batches (SPEC §7): each scan is parsed on its own, so one bad scan never sinks the batch."""
from __future__ import annotations

import re
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_dump, validate

from app import clock
from app.errors import flatten_messages
from app.fields import MAX_CLOCK_OFFSET_MS, Coordinate, DeviceClock, FlatLoad, Moment, Text
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
            scan = quick_load(value) or self._flat.load(value)
        except ValidationError as exc:
            errors = flatten_messages(exc.messages)
            detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
            return InvalidScan(raw_id, detail)
        scan["raw_id"] = raw_id
        return scan

    @cached_property
    def _flat(self) -> FlatLoad:
        return FlatLoad(self.schema)


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MOMENT = re.compile(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_KNOWN = frozenset(("id", "tracking_number", "event", "occurred_at", "office_code", "lat", "lon", "reason",
                    "note", "device_time", "clock_offset_ms"))
_EVENTS = frozenset(Event)
_REASONS = frozenset(FailureReason)


def quick_load(value: Any) -> dict[str, Any] | None:
    """ScanIn().load of a scan whose every field is plainly well formed, read directly (a
    phone's scans are, nearly always); None for anything else, which ScanIn's fields then
    read, with their messages. tests/scans/test_parsing.py holds the two to the same values."""
    if type(value) is not dict or not _KNOWN.issuperset(value):
        return None
    scan_id, number, event = value.get("id"), value.get("tracking_number"), value.get("event")
    if not (type(scan_id) is str and _UUID.fullmatch(scan_id) and type(number) is str
            and 1 <= len(number) <= 20 and type(event) is str and event in _EVENTS):
        return None
    occurred_at = _moment(value.get("occurred_at"))
    device_time = value.get("device_time")
    offset = value.get("clock_offset_ms")
    reason = value.get("reason")
    office_code, note = value.get("office_code"), value.get("note")
    if (occurred_at is None or (device_time is not None and _moment(device_time) is None)
            or (offset is not None and not (type(offset) is int and abs(offset) <= MAX_CLOCK_OFFSET_MS))
            or (reason is not None and not (type(reason) is str and reason in _REASONS))
            or not _plain_text(office_code, 20) or not _plain_text(note, 500)):
        return None
    lat, lon = value.get("lat"), value.get("lon")
    if not (_number(lat) and _number(lon)):
        return None
    return {"id": uuid.UUID(scan_id), "tracking_number": number, "event": event, "occurred_at": occurred_at,
            "office_code": office_code, "lat": None if lat is None else float(lat),
            "lon": None if lon is None else float(lon), "reason": reason, "note": note,
            "device_time": None if device_time is None else _moment(device_time), "clock_offset_ms": offset}


def _moment(value: Any) -> datetime | None:
    if type(value) is not str or not _MOMENT.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:  # a month 13, a 25th hour: the field says so
        return None


def _plain_text(value: Any, max_length: int) -> bool:
    """None, or text that Text would keep as it is: NFC, trimmed, no control characters."""
    return value is None or (type(value) is str and 1 <= len(value) <= max_length and value == value.strip()
                             and not _CONTROL.search(value) and unicodedata.is_normalized("NFC", value))


def _number(value: Any) -> bool:
    return value is None or type(value) is float or (type(value) is int and abs(value) < 2**53)


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


class ScanResults(fields.List):
    """The results as app.scans.services.ingest makes them, each already in ScanResultOut's shape
    (plain strings; `error` only when rejected): passed through as they are, not dumped field by
    field for each of up to 1,000 scans. The inner schema still documents them."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class ScanBatchOut(Schema):
    """Dumped from the list of results, with a count of each kind."""

    results = ScanResults(fields.Nested(ScanResultOut), metadata={"description": "One per scan, in order."})
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
