"""`flask outbox run` (the sender of SMS and webhooks) and `flask outbox status`."""
from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask.cli import AppGroup
from sqlalchemy import case, func, select

from app.extensions import db


@click.group("outbox", cls=AppGroup, help="The notification outbox (SMS and agency webhooks).")
def outbox_group() -> None:
    pass


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="One cycle, then exit.")
@click.option("--batch", default=50, show_default=True, type=click.IntRange(1, 1000),
              help="Messages claimed per cycle.")
@click.option("--poll-seconds", default=2.0, show_default=True, type=click.FloatRange(0.05, 3600),
              help="Wait between cycles when nothing is due.")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests in flight at once (threads, kept-alive connections).")
def outbox_run(once: bool, batch: int, poll_seconds: float, concurrency: int) -> None:
    """Send due messages, with retries and backoff. Safe to run several at once.
    SIGTERM or SIGINT stops it after the messages in flight."""
    from app.notifications.worker import OutboxWorker

    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"Signal {signum}: stopping after the message in flight.", err=True)
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    worker = OutboxWorker(batch=batch, concurrency=concurrency, stop=stop)
    try:
        if once:
            click.echo(f"Handled {worker.run_once()} due message(s).")
        else:
            click.echo(f"Outbox worker running (batch {batch}, concurrency {concurrency}, "
                       f"poll {poll_seconds}s).")
            worker.run(poll_seconds)
    finally:
        worker.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@outbox_group.command("status")
def outbox_status() -> None:
    """Messages by channel and status, and disabled webhook subscriptions."""
    from app.notifications.models import OutboxMessage, WebhookSubscription
    from app.notifications.services import HELD_UNTIL

    held = func.sum(case((OutboxMessage.next_attempt_at >= HELD_UNTIL, 1), else_=0))
    rows = db.session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count(), held)
        .group_by(OutboxMessage.channel, OutboxMessage.status)
        .order_by(OutboxMessage.channel, OutboxMessage.status)).all()
    for channel, status, count, held_count in rows:
        waiting = f" ({held_count} held for disabled subscriptions)" if held_count else ""
        click.echo(f"{channel.value:<8} {status.value:<8} {count}{waiting}")
    disabled = db.session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.active.is_(False), WebhookSubscription.deleted_at.is_(None)))
    for sub in disabled:
        click.echo(f"disabled webhook {sub.id} ({sub.agency.code}) {sub.url}: {sub.disabled_reason}")
