"""Request bodies and query strings of the printing calls."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate, validates

from app.errors import ValidationFailed
from app.shipments import s10

MAX_LABELS = 1000


class LabelQuery(Schema):
    template = fields.String(load_default="a6", validate=validate.Length(min=1, max=40), metadata={
        "description": "A label template of label_templates/: `a6` (100 × 150 mm) or `a4x4` "
                       "(four A6 labels on A4)."})


ZPL_TEMPLATE = ("A single-label template of label_templates/ (`a6`: 100 × 150 mm at 203 dpi); "
                "the ZPL has the same boxes as its PDF.")


class ZplQuery(Schema):
    template = fields.String(load_default="a6", validate=validate.Length(min=1, max=40),
                             metadata={"description": ZPL_TEMPLATE})


class LabelsIn(Schema):
    tracking_numbers = fields.List(
        fields.String(), required=True,
        validate=validate.Length(min=1, max=MAX_LABELS,
                                 error=f"Give between 1 and {MAX_LABELS} tracking numbers."),
        metadata={"description": "S10 numbers; the PDF has their labels in this order."})
    template = fields.String(load_default="a6", validate=validate.Length(min=1, max=40))

    @validates("tracking_numbers")
    def _well_formed(self, value: list[str], **_kw: Any) -> None:
        malformed = [n for n in value if not s10.is_valid(n.strip().upper())]
        if malformed:
            shown = ", ".join(repr(n) for n in malformed[:20]) + (" …" if len(malformed) > 20 else "")
            # Its own code: a check digit is beyond what the OpenAPI document can say.
            raise ValidationFailed("tracking_numbers",
                                   f"Not valid S10 tracking numbers ({len(malformed)}): {shown}.",
                                   code="invalid_tracking_number")

    @post_load
    def _normalise(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        data["tracking_numbers"] = [n.strip().upper() for n in data["tracking_numbers"]]
        return data


class ZplLabelsIn(LabelsIn):
    template = fields.String(load_default="a6", validate=validate.Length(min=1, max=40),
                             metadata={"description": ZPL_TEMPLATE})
