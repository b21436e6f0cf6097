"""The run a supervisor sees before confirming a dispatch (dispatch.services.preview): the
courier's run as it will be, their earlier items of the day included, in the order
GET /courier/run gives after the dispatch; and nothing written until then."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.dispatch import services
from app.dispatch.models import DispatchAssignment
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.geo.models import Commune

DISPATCH = "/api/v1/dispatch"


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def _ready(accepted_results, n: int, start: int = 0) -> list[str]:
    """n results accepted at Bỉm Sơn for communes spread over Thanh Hóa."""
    communes = list(db.session.scalars(
        select(Commune).where(Commune.province_code == "38").order_by(Commune.code)))
    return accepted_results([communes[(i * 37) % len(communes)].code for i in range(start, start + n)],
                            first=start)


def test_the_preview_is_the_run_the_courier_gets(app, as_user, accepted_results):
    earlier = _ready(accepted_results, 4)
    resp = as_user("supervisor").post(DISPATCH, json={"courier": "courier", "tracking_numbers": earlier})
    assert resp.status_code == 200, resp.get_json()
    added = _ready(accepted_results, 8, start=4)

    with app.app_context():
        seen = services.preview(_user("supervisor"), {"courier": "courier", "tracking_numbers": added})
    resp = as_user("supervisor").post(DISPATCH, json={"courier": "courier", "tracking_numbers": added})
    assert resp.status_code == 200, resp.get_json()
    run = as_user("courier").get("/api/v1/courier/run").get_json()

    order = [s.tracking_number for s in seen.stops]
    assert sorted(order) == sorted(earlier + added)
    assert order == [stop["tracking_number"] for stop in run["stops"]]
    assert round(seen.total_km, 3) == run["total_km"]
    assert round(seen.nearest_neighbour_km, 3) == run["nearest_neighbour_km"]
    assert [round(km, 3) for km in seen.leg_km] == [stop["leg_km"] for stop in run["stops"]]
    assert seen.total_km > sum(seen.leg_km) > 0  # the way back to the office counts too


def test_a_preview_writes_nothing(app, as_user, accepted_results):
    numbers = _ready(accepted_results, 3)
    counts = [select(func.count()).select_from(model) for model in (DispatchAssignment, AuditEntry)]

    with app.app_context():  # the service's own session, as a request has
        before = [db.session.scalar(q) for q in counts]
        run = services.preview(_user("supervisor"), {"courier": "courier", "tracking_numbers": numbers})
        assert len(run.stops) == 3
        assert not db.session.new and not db.session.dirty and not db.session.deleted
        db.session.flush()
        assert [db.session.scalar(q) for q in counts] == before
        assert all(s.courier_id is None for s in run.stops)
    assert as_user("courier").get("/api/v1/courier/run").get_json()["stops"] == []


def test_a_preview_refuses_what_dispatch_refuses(app, as_user, make_shipment):
    created = make_shipment("agency")["tracking_number"]
    supervisor = _user("supervisor")
    with app.app_context(), pytest.raises(ValidationFailed) as unknown:
        services.preview(supervisor, {"courier": "ghost", "tracking_numbers": [created]})
    assert unknown.value.code == "unknown_courier"
    with app.app_context(), pytest.raises(Conflict) as unready:
        services.preview(supervisor, {"courier": "courier", "tracking_numbers": [created]})
    assert unready.value.code == "not_dispatchable"
    assert unready.value.errors == {"tracking_numbers": [created]}
