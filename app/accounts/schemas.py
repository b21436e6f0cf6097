from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.accounts.models import Role
from app.accounts.services import MIN_PASSWORD_LENGTH, USERNAME, USERNAME_RULE
from app.fields import StrictBoolean, Text
from app.pagination import page_of


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
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=256))
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


ApiKeyPage = page_of(ApiKeyListItem)
UserPage = page_of(UserOut)


class PasswordIn(Schema):
    old_password = fields.String(required=True, validate=validate.Length(min=1, max=256))
    new_password = fields.String(required=True, validate=validate.Length(max=256), metadata={
        "description": f"At least {MIN_PASSWORD_LENGTH} characters, not containing the username."})


class UserPatch(Schema):
    openapi_rules: ClassVar[list[dict[str, Any]]] = [{"minProperties": 1}]  # read by app/docs/openapi.py
    active = StrictBoolean(metadata={
        "description": "false ends the user's session tokens and API keys at once."})
    full_name = Text(max_length=200)

    @validates_schema
    def _something(self, data: dict[str, Any], **_kw: Any) -> None:
        # An empty or missing body would answer 200 having changed nothing.
        if not data:
            raise ValidationError("Give active or full_name.", "_body")
