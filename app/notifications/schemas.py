"""Webhook subscription bodies (SPEC §7, §9); In and Out kept apart."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates

from app.fields import Text
from app.pagination import page_of
from app.vocabulary import Event

EVENTS = tuple(Event)
SECRET = validate.Regexp(r"^[\x21-\x7e]{32,128}\Z",
                         error="32 to 128 printable ASCII characters, no spaces.")


class WebhookIn(Schema):
    url = Text(required=True, max_length=500, metadata={
        "description": "http(s) endpoint; production takes https only."})
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), load_default=list,
                         validate=validate.Length(max=len(EVENTS)), metadata={
                             "description": "Event names to receive (SPEC §6); empty: all.",
                             "uniqueItems": True})
    secret = fields.String(load_default=None, validate=SECRET, metadata={
        "description": "Your HMAC key; when absent one is generated. Shown once."})
    agency_code = Text(load_default=None, max_length=40, metadata={
        "description": "Admins name the agency; agency officers subscribe their own."})

    @validates("events")
    def _unique(self, value: list[str], **_kw: object) -> None:
        if len(set(value)) != len(value):
            raise ValidationError("Each event once.")


class WebhookOut(Schema):
    id = fields.Integer()
    agency_code = fields.String(attribute="agency.code")
    url = fields.String()
    events = fields.List(fields.String())
    active = fields.Boolean()
    consecutive_failures = fields.Integer()
    paused_until = fields.DateTime(allow_none=True, metadata={
        "description": "After a failed delivery, nothing is sent before this time."})
    disabled_at = fields.DateTime(allow_none=True)
    disabled_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()


class WebhookCreatedOut(WebhookOut):
    secret = fields.String(metadata={
        "description": "Shown once. Verify X-HCC-Signature: t=<unix>,v1=<hex HMAC-SHA256 of '<t>.<body>'>."})


WebhookPage = page_of(WebhookOut)
