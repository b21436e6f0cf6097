"""The audit log page: who did what to which record, filtered by user, record and day."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import list_entries
from app.extensions import db
from app.web.admin.routes import bp, page_args
from app.web.forms import in_reader_language

FILTERS = ("user", "entity_type", "entity_id", "since", "until")


class AuditFilters(Schema):
    user = fields.String(load_default=None, validate=validate.Length(max=64))
    entity_type = fields.String(load_default=None, validate=validate.Length(max=64))
    entity_id = fields.String(load_default=None, validate=validate.Length(max=64))
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)


@bp.get("/audit")
def audit() -> tuple[str, int]:
    values = {name: request.args.get(name, "").strip() for name in FILTERS}
    errors: dict[str, str] = {}
    try:
        filters = AuditFilters().load({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        errors = {field: _("Ngày không hợp lệ.") if field in ("since", "until")
                  else in_reader_language(texts[0]) for field, texts in exc.messages.items()}  # type: ignore[union-attr]
        return render_template("admin/audit.html", values=values, errors=errors, page=None, actors={}), 422
    if filters["since"] and filters["until"] and filters["since"] > filters["until"]:
        errors["until"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    actor_id = _user_id(filters["user"]) if filters["user"] else None
    if filters["user"] and actor_id is None:
        errors["user"] = _("Không có người dùng với tên đăng nhập này.")
    if errors:
        return render_template("admin/audit.html", values=values, errors=errors, page=None, actors={}), 422
    page = list_entries(page_args(actor_id=actor_id, entity_type=filters["entity_type"],
                                  entity_id=filters["entity_id"], since=filters["since"],
                                  until=filters["until"]))
    actor_ids = {entry.actor_user_id for entry in page.items if entry.actor_user_id is not None}
    actors = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
    query = {name: value for name, value in values.items() if value}  # kept by the next-page link
    return render_template("admin/audit.html", values=values, errors=errors, page=page, actors=actors,
                           query=query), 200


def _user_id(username: str) -> int | None:
    return db.session.scalar(select(User.id).where(User.username == username.lower()))
