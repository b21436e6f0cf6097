"""Agencies' webhook subscriptions: create, list, delete, re-enable. Services flush only."""
from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select, update

from app import clock
from app.access import agency_for, scope
from app.accounts.models import User
from app.audit.services import record as audit
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.notifications.models import OutboxMessage, OutboxStatus, WebhookSubscription
from app.notifications.services import HELD_UNTIL, forget_subscriptions
from app.pagination import Page, keyset

MAX_PER_AGENCY = 10  # each event fans out to every subscription of its agency


@dataclass(frozen=True)
class Created:
    subscription: WebhookSubscription
    secret: str  # shown once

    def __getattr__(self, name: str) -> Any:
        return getattr(self.subscription, name)


def create(actor: User, data: dict[str, Any]) -> Created:
    agency = agency_for(actor, data.get("agency_code"))
    url = check_url(data["url"])
    live = db.session.execute(select(func.count()).select_from(WebhookSubscription).where(
        WebhookSubscription.agency_id == agency.id, WebhookSubscription.deleted_at.is_(None))).scalar_one()
    if live >= MAX_PER_AGENCY:
        raise Conflict(f"An agency may have at most {MAX_PER_AGENCY} webhook subscriptions; "
                       "delete one first.", code="too_many_subscriptions")
    secret = data.get("secret") or secrets.token_hex(32)
    subscription = WebhookSubscription(
        agency_id=agency.id, agency=agency, url=url, secret=secret,
        events=sorted(set(data.get("events") or ())), created_at=clock.now())
    db.session.add(subscription)
    db.session.flush()
    forget_subscriptions()
    audit(actor, "webhook.create", "webhook_subscription", subscription.id,
          {"agency_code": agency.code, "url": url, "events": subscription.events})
    return Created(subscription, secret)


def check_url(url: str) -> str:
    """http(s) with a host; production takes https only (unless WEBHOOK_ALLOW_HTTP) and
    refuses literal loopback and private addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise ValidationFailed("url", "An absolute http or https URL is required.", code="invalid_url")
    if parts.username or parts.password:
        raise ValidationFailed("url", "Credentials in the URL are not allowed; the payload is signed.",
                               code="invalid_url")
    production = current_app.config["HCC_ENV"] == "production"
    if production and parts.scheme == "http" and not current_app.config["WEBHOOK_ALLOW_HTTP"]:
        raise ValidationFailed("url", "Webhook URLs must use https.", code="https_required")
    if production and _internal_address(parts.hostname):
        raise ValidationFailed("url", "Loopback, private and link-local addresses are refused.",
                               code="invalid_url")
    return url


def _internal_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.lower() == "localhost"
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


def listing(actor: User, args: dict[str, Any]) -> Page[WebhookSubscription]:
    return keyset(_visible(actor), [WebhookSubscription.id], args)


def get(actor: User, subscription_id: int, *, for_update: bool = False) -> WebhookSubscription:
    stmt = _visible(actor).where(WebhookSubscription.id == subscription_id)
    if for_update:
        stmt = stmt.with_for_update(of=WebhookSubscription).execution_options(populate_existing=True)
    subscription = db.session.scalar(stmt)
    if subscription is None:
        raise NotFound(f"No webhook subscription {subscription_id}.", code="webhook_not_found")
    return subscription


def delete(actor: User, subscription_id: int) -> None:
    """Soft delete; what was still waiting for this endpoint will never be sent."""
    subscription = get(actor, subscription_id, for_update=True)
    now = clock.now()
    subscription.deleted_at = now
    subscription.active = False
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.subscription_id == subscription.id,
               OutboxMessage.status == OutboxStatus.pending)
        .values(status=OutboxStatus.dead, last_error="subscription deleted"),
        execution_options={"synchronize_session": False})
    db.session.flush()
    forget_subscriptions()
    audit(actor, "webhook.delete", "webhook_subscription", subscription.id)


def enable(actor: User, subscription_id: int) -> WebhookSubscription:
    """Re-enable after the worker disabled it: what was held is due now, with a fresh retry budget."""
    subscription = get(actor, subscription_id, for_update=True)
    if subscription.active:
        return subscription
    subscription.active = True
    subscription.consecutive_failures = 0
    subscription.paused_until = None
    subscription.disabled_at = None
    subscription.disabled_reason = None
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.subscription_id == subscription.id,
               OutboxMessage.status == OutboxStatus.pending,
               OutboxMessage.next_attempt_at >= HELD_UNTIL)
        .values(next_attempt_at=clock.now(), attempts=0),
        execution_options={"synchronize_session": False})
    db.session.flush()
    audit(actor, "webhook.enable", "webhook_subscription", subscription.id)
    return subscription


def _visible(actor: User) -> Any:
    return select(WebhookSubscription).where(WebhookSubscription.deleted_at.is_(None),
                                             scope(actor, WebhookSubscription))
