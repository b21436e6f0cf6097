"""Connecting the agency's own software: webhook subscriptions (the signing secret shown once,
delivery health, re-enable after the worker disabled one, delete) and API keys (shown once,
revoked). The same services and In schemas as /api/v1/webhooks and /api/v1/api-keys."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app.accounts import services as accounts
from app.accounts.schemas import ApiKeyIn
from app.errors import DomainError
from app.notifications import subscriptions
from app.notifications.schemas import WebhookIn
from app.vocabulary import Event
from app.web.agency.routes import NO_STORE, bp
from app.web.forms import FORM_ERROR, field_errors
from app.web.session import current_staff

WEBHOOK_IN = WebhookIn()
API_KEY_IN = ApiKeyIn()
LISTED = 200

REFUSALS = {
    "invalid_url": ("url", _l("Nhập một địa chỉ http:// hoặc https:// đầy đủ, không kèm tên đăng nhập.")),
    "https_required": ("url", _l("Địa chỉ nhận phải dùng https://.")),
    "too_many_subscriptions": (FORM_ERROR, _l("Cơ quan đã có số đăng ký tối đa; hãy xóa bớt một đăng ký.")),
    "api_key_limit": ("name", _l("Cơ quan đã có số khóa API tối đa; hãy thu hồi bớt một khóa.")),
}


@bp.context_processor
def _event_words() -> dict[str, Any]:
    return {"event_of": Event}


@bp.get("/integrations")
def integrations() -> str:
    return _page()


@bp.post("/integrations/webhooks")
def create_webhook() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    values = {"url": request.form.get("url", "").strip()}
    events = request.form.getlist("events")
    try:
        created = subscriptions.create(current_staff(), WEBHOOK_IN.load({**values, "events": events}))
    except ValidationError as exc:
        errors = field_errors(exc.messages, values)
        return _page(webhook_values=values, events=events, webhook_errors=errors), 422
    except DomainError as exc:
        return _page(webhook_values=values, events=events, webhook_errors=_refusal(exc)), exc.status
    return render_template("agency/webhook_created.html", created=created), 201, NO_STORE


@bp.post("/integrations/webhooks/<int:subscription_id>/enable")
def enable_webhook(subscription_id: int) -> Response:
    subscription = subscriptions.enable(current_staff(), subscription_id)
    flash(_("Đã bật lại đăng ký gửi tới %(url)s; các sự kiện đang chờ sẽ được gửi.", url=subscription.url),
          "success")
    return redirect(url_for("agency.integrations"), code=303)


@bp.post("/integrations/webhooks/<int:subscription_id>/delete")
def delete_webhook(subscription_id: int) -> Response:
    subscriptions.delete(current_staff(), subscription_id)
    flash(_("Đã xóa đăng ký webhook."), "success")
    return redirect(url_for("agency.integrations"), code=303)


@bp.post("/integrations/keys")
def create_api_key() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    values = {"name": request.form.get("name", "").strip()}
    actor = current_staff()
    try:
        body = API_KEY_IN.load(values)
        issued = accounts.create_api_key(actor, body["name"], actor)
    except ValidationError as exc:
        return _page(key_values=values, key_errors=field_errors(exc.messages, values)), 422
    except DomainError as exc:
        return _page(key_values=values, key_errors=_refusal(exc)), exc.status
    return render_template("agency/api_key_created.html", issued=issued), 201, NO_STORE


@bp.post("/integrations/keys/<int:key_id>/revoke")
def revoke_api_key(key_id: int) -> Response:
    accounts.revoke_api_key(key_id, current_staff())
    flash(_("Đã thu hồi khóa API; phần mềm dùng khóa này không còn truy cập được."), "success")
    return redirect(url_for("agency.integrations"), code=303)


def _refusal(exc: DomainError) -> dict[str, str]:
    field, words = REFUSALS.get(exc.code, (FORM_ERROR, None))
    return {field: str(words) if words else _("Không thể thực hiện thao tác này (%(code)s).", code=exc.code)}


def _page(*, webhook_values: dict[str, str] | None = None, events: list[str] | None = None,
          webhook_errors: dict[str, str] | None = None, key_values: dict[str, str] | None = None,
          key_errors: dict[str, str] | None = None) -> str:
    actor = current_staff()
    hooks = subscriptions.listing(actor, {"limit": LISTED})
    keys = accounts.list_api_keys(actor, {"limit": LISTED})
    live = [k for k in keys.items if k.revoked_at is None]
    revoked = [k for k in keys.items if k.revoked_at is not None]
    context: dict[str, Any] = {
        "hooks": hooks.items, "keys": live + revoked, "all_events": tuple(Event),
        "webhook_values": webhook_values or {}, "chosen_events": set(events or ()),
        "webhook_errors": webhook_errors or {}, "key_values": key_values or {},
        "key_errors": key_errors or {}}
    return render_template("agency/integrations.html", **context)
