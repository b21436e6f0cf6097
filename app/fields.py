"""Marshmallow fields shared by every feature's schemas."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate

from app.text import LANDLINE, MOBILE, nfc

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Text(fields.String):
    """A string normalised to NFC and trimmed; control characters refused."""

    def __init__(self, *, max_length: int = 300, min_length: int = 1, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Length(min=min_length, max=max_length))
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        if _CONTROL.search(raw):
            raise ValidationError("Control characters are not allowed.")
        return nfc(raw)


_PHONE_CLEAN = re.compile(r"[\s.\-()]")


def normalise_phone(value: str) -> str:
    digits = _PHONE_CLEAN.sub("", unicodedata.normalize("NFKC", value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not (MOBILE.fullmatch(digits) or LANDLINE.fullmatch(digits)):
        raise ValidationError(
            "Not a Vietnamese phone number: a 10-digit mobile (09x, 03x, 05x, 07x, 08x) "
            "or an 11-digit fixed line (02x).")
    return digits


class Phone(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return normalise_phone(super()._deserialize(value, attr, data, **kwargs))


ID_PATTERNS = {
    "cccd": (re.compile(r"[0-9]{12}"), "A CCCD number is 12 digits."),
    "cmnd": (re.compile(r"[0-9]{9}"), "A CMND number is 9 digits."),
    "passport": (re.compile(r"[A-Z0-9]{6,12}"), "A passport number is 6-12 letters or digits."),
}


def normalise_id_number(value: str, id_type: str | None) -> tuple[str, str]:
    """Return (id_type, number); the type is inferred from 12 or 9 digits when absent."""
    number = re.sub(r"[\s.\-]", "", value).upper()
    if id_type is None:
        if ID_PATTERNS["cccd"][0].fullmatch(number):
            return "cccd", number
        if ID_PATTERNS["cmnd"][0].fullmatch(number):
            return "cmnd", number
        raise ValidationError("An ID number is a 12-digit CCCD or a 9-digit CMND "
                              "(give id_type 'passport' for a passport).")
    pattern, message = ID_PATTERNS[id_type]
    if not pattern.fullmatch(number):
        raise ValidationError(message)
    return id_type, number


def normalise_id_fields(data: dict[str, Any]) -> None:
    """Normalise data's id_type and id_number in place, errors under id_number."""
    try:
        data["id_type"], data["id_number"] = normalise_id_number(data["id_number"], data["id_type"])
    except ValidationError as exc:
        raise ValidationError(exc.messages, "id_number") from None


class StrictInteger(fields.Integer):
    """An integer given as a JSON number: "120", 120.5 and true are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Must be an integer number.")
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError("Must be a whole number.")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """A JSON true or false: 1, "yes" and "true" are refused (1 == True in Python)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


# Dates outside this window are typing mistakes, and would overflow date arithmetic.
DATE_RANGE = validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31),
                            error="Expected a date between {min} and {max}.")


class Moment(fields.AwareDateTime):
    """An ISO 8601 time with its offset, within this century (anything else is a typing mistake,
    and would overflow the arithmetic of time zones)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= moment.year <= 2099:
            raise ValidationError("Expected a time between 2000 and 2099.")
        return moment


class Coordinate(fields.Float):
    """A JSON number; range and plausibility are checked with the scan (code invalid_coordinates)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Must be a number.")
        try:
            return float(value)
        except OverflowError:
            raise ValidationError("Must be a number within range.") from None


class _Prefixed:
    """obj's attributes named `prefix` + name, read as name."""

    def __init__(self, obj: Any, prefix: str) -> None:
        self._obj, self._prefix = obj, prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, self._prefix + name)


class Inline(fields.Nested):
    """A nested object made of the parent's own attributes: Inline(PartyOut, prefix="sender_")
    dumps sender_name as name. `present_if` names the attribute without which it is null."""

    def __init__(self, nested: Any, *, prefix: str = "", present_if: str | None = None,
                 **kwargs: Any) -> None:
        self.prefix, self.present_if = prefix, present_if
        super().__init__(nested, **kwargs)

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> Any:
        if self.present_if and getattr(obj, self.present_if) is None:
            return None
        return self._serialize(_Prefixed(obj, self.prefix) if self.prefix else obj, attr, obj, **kwargs)


class Reached(fields.String):
    """A string at the end of a dotted attribute path; null when a link on the way is null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_none=True, **kwargs)

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        for name in (self.attribute or attr).split("."):
            obj = getattr(obj, name, None) if obj is not None else None
        return obj


# A week either way: a phone further off than that has a wrong clock, not a drifting one.
MAX_CLOCK_OFFSET_MS = 7 * 24 * 3600 * 1000


class DeviceClock(Schema):
    """What an offline client's clock said, sent beside the corrected occurred_at; kept as sent."""

    device_time = Moment(load_default=None, metadata={
        "description": "The device's own clock when it happened, uncorrected."})
    clock_offset_ms = StrictInteger(load_default=None, validate=validate.Range(
        min=-MAX_CLOCK_OFFSET_MS, max=MAX_CLOCK_OFFSET_MS), metadata={
        "description": "The server's clock minus the device's, in ms, measured at the device's last sync."})


class FlatLoad:
    """`schema.load` for a flat schema (no nesting, hooks or schema validators), by its own
    fields: the same values and error messages, without the per-field bookkeeping of Schema —
    for the items of a large batch."""

    def __init__(self, schema: Schema) -> None:
        loads = schema.load_fields
        if (any(schema._hooks.values()) or schema.unknown != RAISE
                or any(isinstance(f, fields.Nested) for f in loads.values())):
            raise TypeError(f"{type(schema).__name__} is not flat (hooks, nesting or unknown fields "
                            "allowed): load it with Schema.load")
        self._fields = [(f.data_key or name, f.attribute or name, f) for name, f in loads.items()]
        self._known = frozenset(key for key, _, _ in self._fields)
        self._messages = schema.error_messages

    def load(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValidationError({"_schema": [self._messages["type"]]})
        out: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for key, attribute, field in self._fields:
            try:
                loaded = field.deserialize(value.get(key, missing), key, value)
            except ValidationError as exc:
                errors[key] = exc.messages
            else:
                if loaded is not missing:
                    out[attribute] = loaded
        for key in value.keys() - self._known:
            errors[key] = [self._messages["unknown"]]
        if errors:
            raise ValidationError(errors)
        return out
