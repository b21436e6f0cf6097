"""ID numbers are kept only as a keyed hash and the last four digits (SPEC §11)."""
import hashlib
import hmac

from sqlalchemy import select

from app.db import Base
from app.extensions import db
from app.privacy import id_number_hash, id_number_matches, mask_name
from app.shipments.models import Shipment

ID_NUMBER = "038090001234"


def create(as_user, shipment_body, id_number=ID_NUMBER, **headers):
    body = shipment_body()
    body["recipient"]["id_number"] = id_number
    resp = as_user("clerk").post("/api/v1/shipments", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp


def test_the_row_holds_a_keyed_hash_and_the_last_four(app, as_user, shipment_body):
    tn = create(as_user, shipment_body).get_json()["tracking_number"]
    with app.app_context():
        row = db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))
        assert row.recipient_id_last4 == "1234"
        assert row.recipient_id_type == "cccd"
        assert row.recipient_id_hash != ID_NUMBER
        keyed = hmac.new(b"test-id-hash-key", ID_NUMBER.encode(), hashlib.sha256).hexdigest()
        assert row.recipient_id_hash == keyed != hashlib.sha256(ID_NUMBER.encode()).hexdigest()
        for column in Shipment.__table__.columns:
            assert ID_NUMBER not in str(getattr(row, column.key)), column.key


def test_no_table_holds_the_number(app, as_user, shipment_body):
    create(as_user, shipment_body, **{"Idempotency-Key": "privacy-1"})
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                assert not any(ID_NUMBER in str(value) for value in row), table.name


def test_the_answer_shows_only_the_last_four(as_user, shipment_body):
    resp = create(as_user, shipment_body)
    assert ID_NUMBER not in resp.get_data(as_text=True)
    assert resp.get_json()["recipient"]["id_last4"] == "1234"


def test_spacing_does_not_change_the_hash(app, as_user, shipment_body):
    spaced = create(as_user, shipment_body, id_number="038 090 001 234").get_json()["tracking_number"]
    with app.app_context():
        row = db.session.scalar(select(Shipment).where(Shipment.tracking_number == spaced))
        assert row.recipient_id_hash == id_number_hash(ID_NUMBER)
        assert id_number_matches(ID_NUMBER, row.recipient_id_hash)
        assert not id_number_matches("038090001235", row.recipient_id_hash)


def test_the_hash_depends_on_the_deployment_key(app):
    with app.app_context():
        ours = id_number_hash(ID_NUMBER)
        app.config["ID_HASH_KEY"], saved = "another-deployment", app.config["ID_HASH_KEY"]
        try:
            assert id_number_hash(ID_NUMBER) != ours
        finally:
            app.config["ID_HASH_KEY"] = saved


def test_mask_name():
    assert mask_name("Nguyễn Văn Ất") == "Nguyễn V** Ấ*"
    assert mask_name("Lê") == "Lê"
    assert mask_name("  ") == ""
