"""The page a citizen reaches by scanning a label's QR code: {PUBLIC_BASE_URL}/t/<number>.

Rendered in the pages' shared layout from the same public view as GET /api/v1/track/<number>,
so it shows exactly what the API shows and nothing personal. It sets no cookie and runs no
script: a QR scan leaves no session behind, and an unknown number reads the same as a
malformed one, byte for byte.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Blueprint, render_template

from app.errors import NotFound
from app.replica import reads_from_replica
from app.tracking import services
from app.tracking.allowance import rate_limited
from app.vocabulary import Event, FailureReason, Service, Status, text

bp = Blueprint("tracking_page", __name__)

TEMPLATE = "public/tracking.html"  # beside the other public pages, so its strings are translated
# The public view carries a failure's words, not its code: read the code back to say it again.
_REASONS = {text(reason): reason for reason in FailureReason}


@dataclass(frozen=True)
class Step:
    occurred_at: datetime
    event: Event
    reason: FailureReason | None
    office: str | None


@dataclass(frozen=True)
class Tracked:
    """The public view with its words as vocabulary values, said in the reader's language."""

    tracking_number: str
    service: Service
    status: Status
    due_date: date | None
    steps: list[Step]

    @classmethod
    def of(cls, view: dict[str, Any]) -> Tracked:
        steps = [Step(datetime.fromisoformat(e["occurred_at"]), Event(e["event"]),
                      _REASONS.get(e["reason"]) if e["reason"] else None, e["office"])
                 for e in view["events"]]
        return cls(view["tracking_number"], Service(view["service"]), Status(view["status"]),
                   date.fromisoformat(view["due_date"]) if view["due_date"] else None,
                   list(reversed(steps)))


@bp.get("/t/<tracking_number>")
@rate_limited
@reads_from_replica
def page(tracking_number: str) -> tuple[str, int]:
    try:
        view = services.public_view(tracking_number)
    except NotFound:
        return render_template(TEMPLATE, tracked=None), 404
    return render_template(TEMPLATE, tracked=Tracked.of(view)), 200
