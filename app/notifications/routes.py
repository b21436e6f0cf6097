from __future__ import annotations

from flask import url_for
from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.notifications import schemas, subscriptions
from app.pagination import PageQuery

blp = ApiBlueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
                description="Agencies' webhook subscriptions (HMAC-signed shipment events)")

MANAGERS = (Role.agency, Role.admin)


@blp.route("")
class Webhooks(MethodView):
    @blp.operation(*MANAGERS, body=schemas.WebhookIn(), answer=schemas.WebhookCreatedOut, status=201,
                   idempotent=True)
    def post(self, body: dict):
        """Subscribe an endpoint to the agency's shipment events; the secret is shown once.
        Accepts an Idempotency-Key header."""
        created = subscriptions.create(current_user(), body)
        location = url_for("webhooks.Webhook", subscription_id=created.subscription.id)
        return created, 201, {"Location": location}

    @blp.operation(*MANAGERS, query=PageQuery(), answer=schemas.WebhookPage)
    def get(self, args: dict):
        """The caller agency's subscriptions (an admin's: all), oldest first."""
        return subscriptions.listing(current_user(), args)


@blp.route("/<id:subscription_id>")
class Webhook(MethodView):
    @blp.operation(*MANAGERS, answer=schemas.WebhookOut)
    def get(self, subscription_id: int):
        """One subscription, with its delivery health."""
        return subscriptions.get(current_user(), subscription_id)

    @blp.operation(*MANAGERS, status=204)
    def delete(self, subscription_id: int) -> None:
        """Delete a subscription; messages still waiting for it are dropped."""
        subscriptions.delete(current_user(), subscription_id)


@blp.route("/<id:subscription_id>/enable")
class Enable(MethodView):
    @blp.operation(*MANAGERS, answer=schemas.WebhookOut)
    def post(self, subscription_id: int):
        """Re-enable a subscription the worker disabled after repeated failures; the events
        held meanwhile are delivered."""
        return subscriptions.enable(current_user(), subscription_id)
