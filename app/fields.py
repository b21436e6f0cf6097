"""Marshmallow fields shared by every feature's schemas."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from marshmallow import ValidationError, fields, validate

from app.text import nfc

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
# Mobile: 0 + 3/5/7/8/9 + 8 digits. Fixed line: 02 + area code + number, 11 digits.
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE = re.compile(r"02[0-9]{9}")


def normalise_phone(value: str) -> str:
    digits = _PHONE_CLEAN.sub("", unicodedata.normalize("NFKC", value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not (_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits)):
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


class StrictInteger(fields.Integer):
    """An integer given as a JSON number: "120", 120.5 and true are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Must be an integer number.")
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError("Must be a whole number.")
        return super()._deserialize(value, attr, data, **kwargs)
