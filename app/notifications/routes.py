from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.idempotency.http import idempotent
from app.notifications import schemas, subscriptions

MAX_ID = 2**63 - 1  # ids beyond BIGINT match no route

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
                description="Agencies' webhook subscriptions (HMAC-signed shipment events)")

MANAGERS = (Role.agency, Role.admin)


def _created(created: subscriptions.Created) -> dict:
    sub = created.subscription
    shown = {name: getattr(sub, name) for name in schemas.WebhookOut._declared_fields
             if hasattr(sub, name)}
    return {**shown, "agency": sub.agency, "secret": created.secret}


@blp.route("")
class Webhooks(MethodView):
    @requires(*MANAGERS)
    @idempotent
    @blp.arguments(schemas.WebhookIn())
    @blp.response(201, schemas.WebhookCreatedOut)
    def post(self, body: dict):
        """Subscribe an endpoint to the agency's shipment events; the secret is shown once.
        Accepts an Idempotency-Key header."""
        created = subscriptions.create(current_user(), body)
        location = url_for("webhooks.Webhook", subscription_id=created.subscription.id)
        return _created(created), 201, {"Location": location}

    @requires(*MANAGERS)
    @blp.arguments(schemas.WebhookQuery(), location="query")
    @blp.response(200, schemas.WebhookPage)
    def get(self, args: dict):
        """The caller agency's subscriptions (an admin's: all), oldest first."""
        page = subscriptions.listing(current_user(), args["limit"], args["cursor"])
        return {"items": page.items, "next_cursor": page.next_cursor}


@blp.route(f"/<int(max={MAX_ID}):subscription_id>")
class Webhook(MethodView):
    @requires(*MANAGERS)
    @blp.response(200, schemas.WebhookOut)
    def get(self, subscription_id: int):
        """One subscription, with its delivery health."""
        return subscriptions.get(current_user(), subscription_id)

    @requires(*MANAGERS)
    @blp.response(204)
    def delete(self, subscription_id: int) -> None:
        """Delete a subscription; messages still waiting for it are dropped."""
        subscriptions.delete(current_user(), subscription_id)


@blp.route(f"/<int(max={MAX_ID}):subscription_id>/enable")
class Enable(MethodView):
    @requires(*MANAGERS)
    @blp.response(200, schemas.WebhookOut)
    def post(self, subscription_id: int):
        """Re-enable a subscription the worker disabled after repeated failures; the events
        held meanwhile are delivered."""
        return subscriptions.enable(current_user(), subscription_id)
