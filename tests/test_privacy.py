"""ID numbers are kept only as a keyed hash and the last four digits (SPEC §11); phone numbers,
message texts and SQL parameters stay out of the log (docs/privacy.md)."""
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


def test_the_log_sms_provider_masks_the_number_and_the_text(caplog):
    import logging

    from app.notifications.sms import LogSmsProvider

    provider = LogSmsProvider()
    with caplog.at_level(logging.INFO, logger="app.notifications.sms"):
        provider.send("0912345678", "Buu gui HB999999995VN cua Nguyen Van At da den", reference="m-1")
    assert "09******78" in caplog.text and "m-1" in caplog.text
    for secret in ("0912345678", "Nguyen", "HB999999995VN"):
        assert secret not in caplog.text
    assert provider.sent[0].phone == "0912345678"  # kept whole in memory, for inspection only


def test_sql_parameters_never_reach_an_error_message(app):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        try:
            db.session.execute(text("SELECT no_such_column FROM shipments WHERE recipient_phone = :phone"),
                               {"phone": "0912345678"})
        except DBAPIError as exc:
            message = str(exc)
        else:
            raise AssertionError("the statement should have failed")
        finally:
            db.session.rollback()
    assert "0912345678" not in message and "hidden" in message


def test_a_refused_write_is_described_without_its_values(app):
    """PostgreSQL's message quotes the row (DETAIL: Key (code)=(...)); the log line does not."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from app.errors import describe_database_error
    from app.orgs.models import Office

    with app.app_context():
        code = db.session.scalars(select(Office.code)).first()
        try:
            with db.session.begin_nested():
                db.session.execute(insert(Office).values(code=code, name="Trùng", unit_code="14812",
                                                         address_line="Số 9 Lý Lặng"))
        except IntegrityError as exc:
            described = describe_database_error(exc)
        else:
            raise AssertionError("the duplicate office code should have been refused")
    assert "IntegrityError" in described and "INSERT INTO offices" in described
    for value in (code, "Số 9 Lý Lặng", "Trùng"):
        assert value not in described
