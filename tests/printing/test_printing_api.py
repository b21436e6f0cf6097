"""Printers of an office and one-click printing over raw TCP (issue 14): a registered printer
at 127.0.0.1:<port> (a test listener) receives exactly the label's ZPL; a printer that does not
answer gives a clear Vietnamese error within 5 s and nothing changes; who may do what."""
from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete

from app.accounts.models import Role
from app.accounts.services import create_user
from app.audit.models import AuditEntry
from app.demo.shipment import spec_body
from app.extensions import db
from app.printing.models import Printer

PRINTERS = "/api/v1/offices/{}/printers"
CLERK_OFFICE = "BC-BIMSON"  # the demo clerk's
OTHER_OFFICE = "BC-HATRUNG"


@pytest.fixture
def register(as_user):
    """register(port, name=..., office=..., host=...) -> the 201 body, registered by the admin."""

    def make(port, name="Quầy 1", office=CLERK_OFFICE, host="127.0.0.1", by="admin"):
        resp = as_user(by).post(PRINTERS.format(office), json={"name": name, "host": host, "port": port})
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return make


@pytest.fixture
def bearer_of(app, client):
    """bearer_of(username, role, office_code) -> headers of a new user of that role and office."""

    def make(username, role, office_code):
        with app.app_context():
            create_user(username=username, password=f"secret-{username}", role=role, full_name=username,
                        office_code=office_code)
            db.session.commit()
        resp = client.post("/api/v1/auth/tokens",
                           json={"username": username, "password": f"secret-{username}"})
        assert resp.status_code == 201, resp.get_json()
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}

    return make


def label_zpl(as_user, number):
    resp = as_user("clerk").get(f"/api/v1/shipments/{number}/label.zpl")
    assert resp.status_code == 200
    return resp.get_data()


def test_the_printer_receives_exactly_the_labels_zpl(as_user, make_shipment, register, printer_listener):
    number = make_shipment.number()
    printer = register(printer_listener.port)
    resp = as_user("clerk").post(f"/api/v1/shipments/{number}/print", json={"printer_id": printer["id"]})
    assert resp.status_code == 200, resp.get_json()
    expected = label_zpl(as_user, number)
    assert printer_listener.wait_for_jobs(1) == [expected]
    body = resp.get_json()
    assert body["bytes_sent"] == len(expected) and body["document"] == "label"
    assert body["tracking_number"] == number and body["printer"]["name"] == "Quầy 1"
    assert b"^XA" in expected and b"^XZ" in expected
    entry = db.session.query(AuditEntry).filter_by(action="shipment.print", entity_id=number).one()
    assert entry.detail["printer_id"] == printer["id"] and entry.detail["bytes"] == len(expected)


def test_the_notice_is_sent_as_its_zpl(as_user, walk, register, printer_listener, problem, make_shipment):
    printer = register(printer_listener.port)
    number = make_shipment.number("agency")
    walk(number, "accepted", "out_for_delivery", "delivery_failed")
    resp = as_user("clerk").post(f"/api/v1/shipments/{number}/print",
                                 json={"printer_id": printer["id"], "document": "notice"})
    assert resp.status_code == 200, resp.get_json()
    expected = as_user("clerk").get(f"/api/v1/shipments/{number}/notice.zpl").get_data()
    assert printer_listener.wait_for_jobs(1) == [expected]
    never_failed = make_shipment.number()
    problem(as_user("clerk").post(f"/api/v1/shipments/{never_failed}/print",
                                  json={"printer_id": printer["id"], "document": "notice"}), 404, "no_notice")


def test_a_supervisor_prints_too(as_user, make_shipment, register, printer_listener):
    number = make_shipment.number()
    printer = register(printer_listener.port)
    resp = as_user("supervisor").post(f"/api/v1/shipments/{number}/print", json={"printer_id": printer["id"]})
    assert resp.status_code == 200, resp.get_json()
    assert printer_listener.wait_for_jobs(1) == [label_zpl(as_user, number)]


@pytest.mark.parametrize("kind", ["closed_port", "silent_port", "stuck_port"])
def test_a_printer_that_does_not_answer_is_a_clear_vietnamese_error_within_5_s(
        kind, as_user, make_shipment, register, dead_printers, shipment_of, problem):
    number = make_shipment.number()
    port = getattr(dead_printers, kind)()
    printer = register(port, name="Quầy 2")
    before = shipment_of(number)
    started = time.monotonic()
    resp = as_user("clerk").post(f"/api/v1/shipments/{number}/print", json={"printer_id": printer["id"]})
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    body = problem(resp, 503)
    expected_code = {"closed_port": "printer_refused", "silent_port": "printer_timeout",
                     "stuck_port": "printer_timeout"}[kind]
    assert body["code"] == expected_code
    assert body["detail"].startswith(f"Máy in Quầy 2 (127.0.0.1:{port}) ")
    assert body["detail"].endswith("Kiểm tra máy in đã bật và nối mạng, rồi thử lại; hoặc in bằng PDF.")
    if expected_code == "printer_timeout":
        assert "không trả lời sau 3 giây" in body["detail"] and elapsed > 2.5
    assert body["printer"] == {"id": printer["id"], "name": "Quầy 2", "host": "127.0.0.1", "port": port,
                               "address": f"127.0.0.1:{port}"}
    # Nothing lost: the shipment as it was, no print recorded, and the PDF label still there.
    assert shipment_of(number) == before
    assert db.session.query(AuditEntry).filter_by(action="shipment.print").count() == 0
    assert as_user("clerk").get(f"/api/v1/shipments/{number}/label.pdf").status_code == 200


def test_a_name_that_does_not_resolve(as_user, make_shipment, register, problem):
    number = make_shipment.number()
    printer = register(9100, host="printer.invalid")
    started = time.monotonic()
    resp = as_user("clerk").post(f"/api/v1/shipments/{number}/print", json={"printer_id": printer["id"]})
    assert time.monotonic() - started < 5
    body = problem(resp, 503)
    assert body["code"] in ("printer_unresolved", "printer_timeout"), body
    assert "printer.invalid" in body["detail"] or "không trả lời" in body["detail"]


def test_registering_listing_editing_and_deactivating(as_user, register, problem):
    printer = register(9100, name="Quầy 1", host="192.168.1.50")
    assert printer == {**printer, "office_code": CLERK_OFFICE, "name": "Quầy 1", "host": "192.168.1.50",
                       "port": 9100, "active": True}
    default_port = as_user("admin").post(PRINTERS.format(CLERK_OFFICE),
                                         json={"name": "Quầy 2", "host": "zebra-2"})
    assert default_port.status_code == 201 and default_port.get_json()["port"] == 9100
    assert default_port.headers["Location"].endswith(f"/api/v1/printers/{default_port.get_json()['id']}")
    listed = as_user("clerk").get(PRINTERS.format(CLERK_OFFICE)).get_json()["items"]
    assert [p["name"] for p in listed] == ["Quầy 1", "Quầy 2"]

    problem(as_user("admin").post(PRINTERS.format(CLERK_OFFICE), json={"name": "Quầy 1", "host": "10.0.0.9"}),
            409, "printer_exists")
    patched = as_user("admin").patch(f"/api/v1/printers/{printer['id']}",
                                     json={"host": "192.168.1.51", "port": 6101})
    assert patched.status_code == 200 and patched.get_json()["host"] == "192.168.1.51"
    assert patched.get_json()["port"] == 6101
    assert as_user("admin").delete(f"/api/v1/printers/{printer['id']}").status_code == 204
    assert as_user("clerk").get(f"/api/v1/printers/{printer['id']}").get_json()["active"] is False
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(entity_type="printer",
                                                                         entity_id=str(printer["id"]))]
    assert sorted(actions) == ["printer.create", "printer.deactivate", "printer.update"]


def test_a_deactivated_printer_is_refused(as_user, make_shipment, register, printer_listener, problem):
    number = make_shipment.number()
    printer = register(printer_listener.port)
    as_user("admin").delete(f"/api/v1/printers/{printer['id']}")
    problem(as_user("clerk").post(f"/api/v1/shipments/{number}/print", json={"printer_id": printer["id"]}),
            409, "printer_inactive")
    assert printer_listener.jobs == []


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "A", "host": "printer one"}, "host"),
    ({"name": "A", "host": "10.0.0.1", "port": 0}, "port"),
    ({"name": "A", "host": "10.0.0.1", "port": 65536}, "port"),
    ({"name": "A", "host": "10.0.0.1", "port": "9100"}, "port"),
    ({"name": "", "host": "10.0.0.1"}, "name"),
    ({"host": "10.0.0.1"}, "name"),
])
def test_bad_printers_are_refused_naming_the_field(as_user, problem, body, field):
    problem(as_user("admin").post(PRINTERS.format(CLERK_OFFICE), json=body), 422, None, field)


@pytest.mark.parametrize("host", ["999.1.1.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "-zebra", "::"])
def test_addresses_no_printer_can_have(as_user, problem, host):
    problem(as_user("admin").post(PRINTERS.format(CLERK_OFFICE), json={"name": "A", "host": host}),
            422, None, "host")


@pytest.mark.parametrize(("given", "stored"), [("ZEBRA-1.office.lan", "zebra-1.office.lan"),
                                               ("[fe80::1]", "fe80::1"), ("10.0.0.7", "10.0.0.7")])
def test_hosts_are_stored_plainly(register, given, stored):
    assert register(9100, host=given)["host"] == stored


def test_who_may_manage(as_user, register, bearer_of, client, problem):
    body = {"name": "Quầy 9", "host": "10.0.0.9"}
    problem(as_user("clerk").post(PRINTERS.format(CLERK_OFFICE), json=body), 403)
    problem(as_user("courier").get(PRINTERS.format(CLERK_OFFICE)), 403)
    problem(as_user("agency").get(PRINTERS.format(CLERK_OFFICE)), 403)
    # The demo supervisor works at BC-THANHHOA: they manage its printers, not another office's.
    assert as_user("supervisor").post(PRINTERS.format("BC-THANHHOA"), json=body).status_code == 201
    problem(as_user("supervisor").post(PRINTERS.format(CLERK_OFFICE), json=body), 403, "other_office")
    theirs = register(9100, name="Quầy 1")
    problem(as_user("supervisor").patch(f"/api/v1/printers/{theirs['id']}", json={"active": False}),
            403, "other_office")
    problem(as_user("admin").post(PRINTERS.format("BC-NOWHERE"), json=body), 404, "office_not_found")
    # A clerk of another office sees neither the office's printers nor one of them.
    other = bearer_of("clerk_hatrung", Role.clerk, OTHER_OFFICE)
    problem(client.get(PRINTERS.format(CLERK_OFFICE), headers=other), 403, "other_office")
    problem(client.get(f"/api/v1/printers/{theirs['id']}", headers=other), 404, "printer_not_found")


def test_a_clerk_prints_only_to_their_own_offices_printers(as_user, make_shipment, register, bearer_of,
                                                          client, printer_listener, problem):
    number = make_shipment.number()  # a shipment of BC-BIMSON
    elsewhere = register(printer_listener.port, name="Quầy 1", office=OTHER_OFFICE)
    # The demo clerk (BC-BIMSON) may not use BC-HATRUNG's printer.
    problem(as_user("clerk").post(f"/api/v1/shipments/{number}/print", json={"printer_id": elsewhere["id"]}),
            404, "printer_not_found")
    # BC-HATRUNG's clerk may use the printer, but does not see BC-BIMSON's shipment.
    other = bearer_of("clerk_hatrung2", Role.clerk, OTHER_OFFICE)
    problem(client.post(f"/api/v1/shipments/{number}/print", json={"printer_id": elsewhere["id"]},
                        headers=other), 404, "shipment_not_found")
    problem(as_user("agency").post(f"/api/v1/shipments/{number}/print", json={"printer_id": elsewhere["id"]}),
            403)
    problem(as_user("admin").post(f"/api/v1/shipments/{number}/print", json={"printer_id": elsewhere["id"]}),
            403)
    assert printer_listener.jobs == []


def test_unknown_printer_and_document(as_user, make_shipment, register, problem):
    number = make_shipment.number()
    problem(as_user("clerk").post(f"/api/v1/shipments/{number}/print", json={"printer_id": 987654}),
            404, "printer_not_found")
    printer = register(9100, host="10.0.0.1")
    problem(as_user("clerk").post(f"/api/v1/shipments/{number}/print",
                                  json={"printer_id": printer["id"], "document": "receipt"}),
            422, None, "document")
    problem(as_user("clerk").post("/api/v1/shipments/HA000000000VN/print",
                                  json={"printer_id": printer["id"]}),
            422, "invalid_tracking_number")


def test_waiting_on_a_printer_holds_up_no_other_writer(app, committed_run, dead_printers):
    """SQLite takes its write lock when a POST begins: the print lets it go before waiting on
    the printer, so a shipment made meanwhile by another clerk request is not held up."""
    admin, admin_auth = committed_run.client("admin")
    clerk, clerk_auth = committed_run.client("clerk")
    other, other_auth = committed_run.client("clerk")
    port = dead_printers.silent_port()
    made = admin.post(PRINTERS.format(CLERK_OFFICE), headers=admin_auth,
                      json={"name": f"Quầy {committed_run.prefix}", "host": "127.0.0.1", "port": port})
    assert made.status_code == 201, made.get_json()
    committed_run.also_delete(delete(Printer).where(Printer.id == made.get_json()["id"]))
    body = spec_body_in(committed_run)
    number = clerk.post("/api/v1/shipments", headers=clerk_auth, json=body).get_json()["tracking_number"]

    def print_it():
        return clerk.post(f"/api/v1/shipments/{number}/print", headers=clerk_auth,
                          json={"printer_id": made.get_json()["id"]})

    with ThreadPoolExecutor(1) as pool:
        printing = pool.submit(print_it)
        time.sleep(0.5)  # the print is waiting on the printer by now
        started = time.monotonic()
        second = other.post("/api/v1/shipments", headers=other_auth, json=spec_body_in(committed_run))
        waited = time.monotonic() - started
        assert printing.result().status_code == 503
    assert second.status_code == 201 and waited < 1.5, waited


def spec_body_in(run):
    return spec_body(run.dossier(uuid.uuid4().hex[:8])["code"])
