"""GET /api/v1/track/{tn}: public, Vietnamese, nothing personal, rate-limited
(acceptance points 1 and 5)."""
from __future__ import annotations

import json
import os
import re

import pytest

SHIPMENTS = "/api/v1/shipments"
TRACK = "/api/v1/track"


def test_a_return_from_creation_to_delivery(as_user, client, walk, step, clock, make_shipment):
    """Acceptance point 1: created → accepted → in_transit → out_for_delivery → delivery_failed
    (addressee_absent) → out_for_delivery → delivered with the right CCCD; public tracking
    shows each step in Vietnamese with office names."""
    tn = make_shipment.number("agency")
    seen = [client.get(f"{TRACK}/{tn}").get_json()["status"]]
    walk(tn, "accepted")
    seen.append(client.get(f"{TRACK}/{tn}").get_json()["status"])
    step(tn, "arrived", office_code="BC-THANHHOA")
    seen.append(client.get(f"{TRACK}/{tn}").get_json()["status"])
    walk(tn, "out_for_delivery", "delivery_failed")
    seen.append(client.get(f"{TRACK}/{tn}").get_json()["status"])
    walk(tn, "out_for_delivery")
    clock.advance(minutes=10)
    resp = as_user("courier").post(f"{SHIPMENTS}/{tn}/delivery", json={
        "recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
        "id_number": "038090001234", "occurred_at": clock.now().isoformat()})
    assert resp.status_code == 201, resp.get_json()

    tracked = client.get(f"{TRACK}/{tn}")
    assert tracked.status_code == 200 and tracked.content_type == "application/json"
    body = tracked.get_json()
    assert [*seen, body["status"]] == ["created", "accepted", "in_transit", "awaiting_collection",
                                       "delivered"]
    assert body["tracking_number"] == tn and body["service"] == "return"
    assert body["service_label"] == "Trả kết quả thủ tục hành chính"
    assert body["status_label"] == "Đã phát thành công"
    assert body["due_date"] and body["recipient"] == "Nguyễn V** Ấ*"
    assert [(e["event"], e["label"], e["office"]) for e in body["events"]] == [
        ("created", "Ghi nhận thông tin bưu gửi", "Bưu cục Bỉm Sơn"),
        ("accepted", "Bưu điện đã nhận bưu gửi", "Bưu cục Bỉm Sơn"),
        ("arrived", "Đến bưu cục", "Bưu điện tỉnh Thanh Hóa"),
        ("out_for_delivery", "Bưu tá đang đi phát", "Bưu cục Bỉm Sơn"),
        ("delivery_failed", "Phát không thành công, đã để lại giấy mời", "Bưu cục Bỉm Sơn"),
        ("out_for_delivery", "Bưu tá đang đi phát", "Bưu cục Bỉm Sơn"),
        ("delivered", "Phát thành công", "Bưu cục Bỉm Sơn"),
    ]
    assert body["events"][4]["reason"] == "Người nhận vắng mặt"
    assert all(e["occurred_at"].endswith("+07:00") for e in body["events"])
    times = [e["occurred_at"] for e in body["events"]]
    assert times == sorted(times)


def test_nothing_personal_is_shown(as_user, client, walk, step, clock, shipment_body, make_shipment):
    """Acceptance point 5: no phone number, ID digits, address line or document name."""
    sender = {"name": "UBND phường Bỉm Sơn", "phone": "02373824123",
              "address": {"line": "Số 1 Trần Phú, khu phố 3", "unit_code": "14812"}}
    recipient = {"name": "Hoàng Thị Diệu Linh", "phone": "0912345678", "id_number": "038195555777",
                 "address": {"line": "Số 14 ngõ 7 đường Lê Lai", "unit_code": "14812"}}
    items = [{"name": "Giấy chứng nhận quyền sử dụng đất", "original": True, "count": 1},
             {"name": "Trích lục bản đồ địa chính", "original": False, "count": 2}]
    tn = make_shipment.number("agency", sender=sender, recipient=recipient, items=items,
                              dossier={"code": "000.00.12.H56-261123-0042",
                                       "procedure": "Cấp GCN QSDĐ lần đầu"})
    walk(tn, "accepted", "out_for_delivery")
    step(tn, "delivery_failed", reason="addressee_absent", note="Gọi 0912345678 không nghe máy")

    resp = client.get(f"{TRACK}/{tn}")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    decoded = json.dumps(resp.get_json(), ensure_ascii=False)
    without_number = decoded.replace(tn, "")
    for secret in ("02373824123", "0912345678", "912345678", "038195555777", "5777",
                   "Số 1 Trần Phú", "Số 14 ngõ 7", "Lê Lai", "Giấy chứng nhận quyền sử dụng đất",
                   "Trích lục bản đồ địa chính", "000.00.12.H56-261123-0042", "Cấp GCN QSDĐ",
                   "Hoàng Thị Diệu Linh", "Diệu", "Linh", "không nghe máy"):
        assert secret not in text and secret not in without_number, secret
    assert resp.get_json()["recipient"] == "Hoàng T** D*** L***"
    keys = set(resp.get_json()) | {k for e in resp.get_json()["events"] for k in e}
    assert not keys & {"phone", "id_number", "id_last4", "address", "items", "dossier", "note", "sender"}


def test_unknown_and_malformed_numbers_answer_the_same_404(client, problem):
    unknown = client.get(f"{TRACK}/EE471108151FR")
    body = problem(unknown, 404, "not_found")
    for malformed in ("EE471108152FR", "x", "HB" + "9" * 300 + "VN", "%20", "ＨＢ"):
        resp = client.get(f"{TRACK}/{malformed}")
        problem(resp, 404, "not_found")
        assert resp.get_json() == body
    assert "EE471108151FR" not in json.dumps(body)


def test_lower_case_and_spaces_are_forgiven(client, make_shipment):
    tn = make_shipment.number("agency")
    assert client.get(f"{TRACK}/%20{tn.lower()}%20").get_json()["tracking_number"] == tn


def test_no_token_is_needed_and_a_bad_one_is_ignored(client, make_shipment):
    tn = make_shipment.number("agency")
    resp = client.get(f"{TRACK}/{tn}", headers={"Authorization": "Bearer nonsense"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-cache"


def test_each_client_address_is_rate_limited(app, client, monkeypatch, problem, make_shipment):
    monkeypatch.setitem(app.config, "TRACKING_RATE_LIMIT_PER_MINUTE", 3)
    tn = make_shipment.number("agency")
    here = {"REMOTE_ADDR": "203.0.113.7"}
    assert [client.get(f"{TRACK}/{tn}", environ_base=here).status_code for _ in range(3)] == [200] * 3
    limited = client.get(f"{TRACK}/EE471108151FR", environ_base=here)  # unknown numbers count too
    body = problem(limited, 429, "too_many_requests")
    assert re.fullmatch(r"\d+", limited.headers["Retry-After"])
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "retry" in body["detail"].lower()
    assert client.get(f"{TRACK}/{tn}", environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code == 200


def test_behind_a_trusted_proxy_each_citizen_has_their_own_allowance(app, client, monkeypatch,
                                                                    make_shipment):
    from app import _trust_proxies

    monkeypatch.setitem(app.config, "TRACKING_RATE_LIMIT_PER_MINUTE", 2)
    tn = make_shipment.number("agency")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def statuses(citizen: str) -> list[int]:
        return [client.get(f"{TRACK}/{tn}", environ_base=proxy,
                           headers={"X-Forwarded-For": citizen}).status_code for _ in range(3)]

    # Serving directly (the default): the header is anybody's to write, and is not believed.
    assert statuses("198.51.100.1") + statuses("198.51.100.2") == [200, 200] + [429] * 4
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # put back after the test
    monkeypatch.setitem(app.config, "TRUSTED_PROXY_HOPS", 1)
    _trust_proxies(app)
    assert statuses("198.51.100.3") == [200, 200, 429]
    assert statuses("198.51.100.4") == [200, 200, 429]


def test_the_limit_can_be_switched_off(app, client, monkeypatch, make_shipment):
    monkeypatch.setitem(app.config, "TRACKING_RATE_LIMIT_PER_MINUTE", 0)
    tn = make_shipment.number("agency")
    assert {client.get(f"{TRACK}/{tn}").status_code for _ in range(80)} == {200}


def test_the_page_and_the_api_share_one_allowance(app, client, monkeypatch, make_shipment):
    monkeypatch.setitem(app.config, "TRACKING_RATE_LIMIT_PER_MINUTE", 2)
    tn = make_shipment.number("agency")
    here = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get(f"{TRACK}/{tn}", environ_base=here).status_code == 200
    assert client.get(f"/t/{tn}", environ_base=here).status_code == 200
    assert client.get(f"{TRACK}/{tn}", environ_base=here).status_code == 429
    assert client.get(f"/t/{tn}", environ_base=here).status_code == 429


def test_it_is_documented_as_public(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/track/{tracking_number}"]["get"]
    assert "security" not in op and {"200", "404", "429"} <= set(op["responses"])


def test_every_committed_event_shows_on_the_very_next_read(client, walk, make_shipment):
    tn = make_shipment.number("agency")
    first = client.get(f"{TRACK}/{tn}")
    assert first.get_json()["status"] == "created" and first.headers["Cache-Control"] == "no-cache"
    for event in ("accepted", "out_for_delivery"):
        walk(tn, event)
        assert client.get(f"{TRACK}/{tn.lower()}").get_json()["events"][-1]["event"] == event


def test_the_answer_is_served_as_stored_in_the_writing_transaction(app, client, make_shipment, walk):
    from sqlalchemy import select

    from app.extensions import db
    from app.tracking.models import PublicAnswer

    tn = make_shipment.number("agency")
    walk(tn, "accepted")
    stored = db.session.scalar(select(PublicAnswer.body).where(PublicAnswer.tracking_number == tn))
    assert stored == client.get(f"{TRACK}/{tn}").data
    assert b'"status":"accepted"' in stored


def test_an_answer_not_stored_is_read_from_the_tables(client, make_shipment, walk):
    from sqlalchemy import delete

    from app.extensions import db
    from app.tracking.models import PublicAnswer

    tn = make_shipment.number("agency")
    walk(tn, "accepted")
    db.session.execute(delete(PublicAnswer))  # as after an upgrade, before `flask tracking rebuild`
    assert client.get(f"{TRACK}/{tn}").get_json()["status"] == "accepted"
    assert client.get(f"{TRACK}/EE471108151FR").status_code == 404


def test_a_renamed_office_shows_its_new_name(client, make_shipment, walk):
    from sqlalchemy import select

    from app.extensions import db
    from app.orgs.models import Office

    tn = make_shipment.number("agency")
    walk(tn, "accepted")
    office = db.session.scalars(select(Office).where(Office.code == "BC-BIMSON")).one()
    office.name = "Bưu cục Thị xã Bỉm Sơn"
    db.session.commit()
    events = client.get(f"{TRACK}/{tn}").get_json()["events"]
    assert {e["office"] for e in events} == {"Bưu cục Thị xã Bỉm Sơn"}


def test_the_answer_matches_its_declared_schema(client, walk, make_shipment):
    from app.tracking.schemas import TrackingOut

    tn = make_shipment.number("agency")
    walk(tn, "accepted", "out_for_delivery")
    body = client.get(f"{TRACK}/{tn}").get_json()
    assert TrackingOut().validate(body) == {}
    assert set(body) == set(TrackingOut().fields)


def test_tracking_outside_any_transaction(committed_run, client, shipment_body):
    """On PostgreSQL a lookup reads on a connection of its own, in autocommit (no BEGIN/COMMIT)."""
    agency, auth = committed_run.client("agency")
    body = shipment_body(dossier=committed_run.dossier("track"))
    tn = agency.post(SHIPMENTS, json=body, headers=auth).get_json()["tracking_number"]
    for _ in range(3):
        resp = client.get(f"{TRACK}/{tn}")
        assert resp.status_code == 200 and resp.get_json()["status"] == "created"
    assert client.get(f"{TRACK}/EE471108151FR").status_code == 404
    assert client.get("/readyz").status_code == 200  # the pool's connections are as they were


def test_a_scan_batch_stores_the_answers_render_makes_from_the_tables(as_user, clock, send, scan,
                                                                      make_shipment):
    """A batch renders its items' answers from the timelines it holds: byte for byte what
    render() reads back from the tables (offices, reasons, scans given out of order and in
    other offsets, an item scanned twice in one batch)."""
    from datetime import timedelta, timezone

    from sqlalchemy import select

    from app.extensions import db
    from app.shipments.models import Shipment
    from app.tracking import services
    from app.tracking.models import PublicAnswer

    numbers = [make_shipment.number("agency") for _ in range(3)]
    clock.advance(minutes=30)
    now = clock.now()
    other_offset = timezone(timedelta(hours=-5))
    scans = [scan(numbers[0], "departed", now - timedelta(minutes=5), office_code="BC-THANHHOA"),
             scan(numbers[0], "accepted", (now - timedelta(minutes=20)).astimezone(other_offset)),
             scan(numbers[1], "accepted", now - timedelta(minutes=20)),
             scan(numbers[1], "out_for_delivery", now - timedelta(minutes=10)),
             scan(numbers[1], "delivery_failed", now - timedelta(minutes=1), reason="addressee_absent"),
             scan(numbers[2], "accepted", now - timedelta(minutes=3), office_code="BC-BIMSON")]
    assert {r["result"] for r in send(as_user("courier"), scans)} == {"recorded"}
    db.session.rollback()  # nothing of the request's session is reused: read what was committed
    ids = list(db.session.scalars(select(Shipment.id).where(Shipment.tracking_number.in_(numbers))))
    stored = dict(db.session.execute(select(PublicAnswer.shipment_id, PublicAnswer.body)
                                     .where(PublicAnswer.shipment_id.in_(ids))).tuples().all())
    assert stored == {row["shipment_id"]: row["body"] for row in services.render(ids)}


@pytest.mark.postgres
def test_a_connection_dropped_under_a_lookup_costs_that_lookup_only(committed_run, client, shipment_body,
                                                                      problem, monkeypatch):
    """The stored answer is read with the driver directly (app.tracking.services._stored): a
    connection the server dropped answers 503 database_unavailable once and leaves the pool."""
    from sqlalchemy import text

    from app import extensions

    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 3600.0)  # no ping would catch it
    agency, auth = committed_run.client("agency")
    body = shipment_body(dossier=committed_run.dossier("dropped"))
    tn = agency.post(SHIPMENTS, json=body, headers=auth).get_json()["tracking_number"]
    assert client.get(f"{TRACK}/{tn}").status_code == 200
    other = extensions.make_engine(os.environ["DATABASE_URL"])
    with other.connect() as conn:
        dropped = conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query LIKE 'SELECT body FROM public_answers%'")).all()
    other.dispose()
    assert dropped
    problem(client.get(f"{TRACK}/{tn}"), 503, "database_unavailable")
    assert client.get(f"{TRACK}/{tn}").get_json()["tracking_number"] == tn
