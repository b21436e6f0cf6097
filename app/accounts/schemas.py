from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.accounts.models import Role
from app.accounts.services import USERNAME, USERNAME_RULE
from app.fields import Text


class TokenIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    role = fields.Enum(Role, by_value=True)
    office_code = fields.String(attribute="office.code", allow_none=True)
    agency_code = fields.String(attribute="agency.code", allow_none=True)
    active = fields.Boolean()


class TokenOut(Schema):
    token = fields.String(metadata={"description": "Shown once; send as 'Authorization: Bearer …'."})
    expires_at = fields.DateTime(attribute="record.expires_at", allow_none=True)
    user = fields.Nested(UserOut, attribute="record.user")


class UserIn(Schema):
    username = fields.String(required=True, validate=validate.Regexp(USERNAME, error=USERNAME_RULE))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=256))
    full_name = Text(required=True, max_length=200)
    role = fields.Enum(Role, by_value=True, required=True)
    office_code = fields.String(load_default=None)
    agency_code = fields.String(load_default=None)


class ApiKeyIn(Schema):
    username = fields.String(load_default=None, metadata={
        "description": "The agency account to key (admin only); defaults to the caller."})
    name = Text(required=True, max_length=100)


class ApiKeyOut(Schema):
    id = fields.Integer(attribute="record.id")
    key = fields.String(attribute="token", metadata={"description": "Shown once."})
    prefix = fields.String(attribute="record.prefix")
    name = fields.String(attribute="record.name")
    created_at = fields.DateTime(attribute="record.created_at")


class ApiKeyListItem(Schema):
    id = fields.Integer()
    prefix = fields.String()
    name = fields.String()
    username = fields.String(attribute="user.username")
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class ApiKeyList(Schema):
    items = fields.List(fields.Nested(ApiKeyListItem))
