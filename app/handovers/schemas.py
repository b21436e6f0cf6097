"""Handover record bodies; In and Out kept apart."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Moment, Text
from app.handovers.models import Direction, RecordStatus

MAX_ITEMS = 500


class HandoverIn(Schema):
    direction = fields.Enum(Direction, by_value=True, required=True, metadata={
        "description": "to_agency: dossiers handed to the agency (intake); from_agency: results collected."})
    agency_code = Text(required=True, max_length=40)
    tracking_numbers = fields.List(fields.String(validate=validate.Length(max=20)), required=True,
                                   validate=validate.Length(min=1, max=MAX_ITEMS))
    agency_signatory = Text(required=True, max_length=200,
                            metadata={"description": "The agency officer who signed."})
    signed_at = Moment(load_default=None, metadata={"description": "When both signed; default now."})
    corrects = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**62), metadata={
        "description": "Id of the record this one corrects and supersedes."})
    note = Text(load_default=None, max_length=1000)


class HandoverLineOut(Schema):
    tracking_number = fields.String()
    slip_number = fields.String()
    dossier_code = fields.String()
    citizen_name = fields.String()
    procedure = fields.String(allow_none=True)
    originals = fields.Integer()
    copies = fields.Integer()
    collect_fee_vnd = fields.Integer()


class HandoverOut(Schema):
    id = fields.Integer()
    number = fields.String()
    direction = fields.Enum(Direction, by_value=True)
    status = fields.Enum(RecordStatus, by_value=True)
    agency_code = fields.String(attribute="agency.code")
    office_code = fields.String(attribute="office.code")
    corrects = fields.Integer(attribute="corrects_id", allow_none=True)
    post_signatory = fields.String(attribute="post_signatory_name")
    agency_signatory = fields.String(attribute="agency_signatory_name")
    signed_at = fields.DateTime()
    item_count = fields.Function(lambda r: len(r.lines))
    document_count = fields.Function(lambda r: sum(x.originals + x.copies for x in r.lines))
    note = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(HandoverLineOut))
