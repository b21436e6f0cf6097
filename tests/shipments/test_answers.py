"""The staff reads' answers are made directly from rows (app.shipments.reads, for speed): byte for
byte what the declared schemas (ShipmentOut, ShipmentSummaryOut) dump from the ORM objects, for
every reader and every kind of shipment."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.shipments import schemas, services
from app.shipments.models import Shipment

SHIPMENTS = "/api/v1/shipments"
READERS = ("supervisor", "admin", "clerk")


@pytest.fixture
def kinds(make_shipment, accepted_intake, walk, step, clock):
    """Numbers of a fresh return with a beneficiary, one without, and an intake dossier that
    travelled: events at other offices, a courier's, a failed delivery, a phone's own clock."""
    fresh = make_shipment("clerk")["tracking_number"]
    plain = make_shipment("agency", beneficiary=None)["tracking_number"]
    travelled = make_shipment.number("agency", beneficiary=None)
    walk(travelled, "accepted")
    step(travelled, "arrived", office_code="BC-THANHHOA")
    phone_time = clock.now() + timedelta(minutes=7)
    step(travelled, "out_for_delivery", device_time=phone_time.isoformat(), clock_offset_ms=-1234)
    walk(travelled, "delivery_failed")
    intake = accepted_intake()
    return [fresh, plain, travelled, intake]


def _reference(app, username: str, tn: str) -> str:
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.username == username))
        return _as_sent(app, schemas.ShipmentOut().dump(services.read(actor, tn)))


def _summaries(app, username: str, numbers: list[str]) -> list[str]:
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.username == username))
        rows = db.session.scalars(select(Shipment).where(
            Shipment.tracking_number.in_(numbers), services.visible_to(actor)).order_by(Shipment.id.desc()))
        schema = schemas.ShipmentSummaryOut()
        return [_as_sent(app, schema.dump(services.as_seen_by(actor, s))) for s in rows]


def _as_sent(app, data) -> str:
    """`data` as flask-smorest sends a schema's dump (jsonify)."""
    with app.test_request_context():
        return app.json.response(data).get_data(as_text=True).strip()


@pytest.mark.parametrize("username", READERS)
def test_the_detail_is_the_schemas_dump(app, as_user, kinds, username):
    caller = as_user(username)
    for tn in kinds:
        resp = caller.get(f"{SHIPMENTS}/{tn}")
        if username == "clerk" and resp.status_code == 404:
            continue  # not at the clerk's office: scoping's tests say more
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_data(as_text=True).strip() == _reference(app, username, tn)
    travelled = caller.get(f"{SHIPMENTS}/{kinds[2]}").get_json()
    if travelled:
        events = travelled["events"]
        assert {e["office_code"] for e in events} >= {"BC-THANHHOA"}
        assert any(e["device_time"] and e["clock_offset_ms"] == -1234 for e in events)


@pytest.mark.parametrize("username", [*READERS, "agency"])
def test_the_list_items_are_the_schemas_dump(app, as_user, kinds, username):
    items = []
    query: dict[str, object] = {"limit": 2}
    while True:
        resp = as_user(username).get(SHIPMENTS, query_string=query)
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert list(body) == ["items", "next_cursor"]
        items += [_as_sent(app, i) for i in body["items"]]
        if not body["next_cursor"] or len(items) > 50:
            break
        query["cursor"] = body["next_cursor"]
    mine = [i for i in items if any(f'"{tn}"' in i for tn in kinds)]
    assert mine and mine == _summaries(app, username, kinds)


@pytest.mark.postgres
def test_on_the_primary_the_detail_is_read_outside_any_transaction(app, committed_run, shipment_body):
    """On PostgreSQL's engine the token check and the detail are each one statement the driver
    runs in autocommit (app.driver): no transaction begins (but the minutely note of a token's
    use, made before), and the answer is still the schema's
    dump, for a reader who sees everything and one who reads it masked."""
    from sqlalchemy import event

    agency, agency_auth = committed_run.client("agency")
    body = shipment_body(dossier=committed_run.dossier("driver-read"))
    tn = agency.post(SHIPMENTS, json=body, headers=agency_auth).get_json()["tracking_number"]
    readers = {username: committed_run.client(username) for username in ("supervisor", "admin")}
    for reader, auth in readers.values():  # a token's first use is noted (once a minute at most)
        assert reader.get("/api/v1/auth/me", headers=auth).status_code == 200
    begun: list[object] = []

    def began(conn: object) -> None:
        begun.append(conn)

    event.listen(db.engine, "begin", began)
    try:
        answers = {username: reader.get(f"{SHIPMENTS}/{tn}", headers=auth)
                   for username, (reader, auth) in readers.items()}
    finally:
        event.remove(db.engine, "begin", began)
    assert begun == []
    for username, resp in answers.items():
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_data(as_text=True).strip() == _reference(app, username, tn)
