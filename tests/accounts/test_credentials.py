"""Sign-in, bearer tokens, roles, users and agency API keys (SPEC §2, §7, §10)."""
import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import ApiToken, TokenKind, User
from app.extensions import db

TOKENS = "/api/v1/auth/tokens"
DEMO_USERS = ["admin", "supervisor", "clerk", "courier", "agency"]


def login(client, username, password=None):
    return client.post(TOKENS, json={"username": username, "password": password or f"demo-{username}"})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def new_user(as_user, **overrides):
    body = {"username": "nguyen.van.a", "password": "a-long-password", "full_name": "Nguyễn Văn A",
            "role": "clerk", "office_code": "BC-HATRUNG", **overrides}
    return as_user("admin").post("/api/v1/users", json=body)


# --- sign-in ---------------------------------------------------------------------------

@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_user_signs_in(app, client, clock, username):
    resp = login(client, username)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["token"].startswith("hcc_") and len(body["token"]) > 40
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() is not None
    assert expires_at == clock.now() + timedelta(seconds=app.config["TOKEN_TTL_SECONDS"])
    assert body["user"]["username"] == username
    assert body["user"]["role"] == username  # one demo user per role, named after it
    me = client.get("/api/v1/auth/me", headers=bearer(body["token"]))
    assert me.status_code == 200 and me.get_json()["username"] == username


def test_demo_users_belong_where_the_spec_says(as_user):
    me = {u: as_user(u).get("/api/v1/auth/me").get_json() for u in ("clerk", "courier", "agency")}
    assert me["clerk"]["office_code"] == me["courier"]["office_code"] == "BC-BIMSON"
    assert me["agency"]["agency_code"] == "UBND-14812"


@pytest.mark.parametrize(("username", "password"), [
    ("clerk", "demo-courier"), ("nobody", "demo-nobody"), ("CLERK", "wrong-password"),
    ("clerk", "DEMO-CLERK"),
])
def test_wrong_credentials_are_refused(client, username, password, problem):
    resp = client.post(TOKENS, json={"username": username, "password": password})
    body = problem(resp, 401, "invalid_credentials")
    assert "token" not in body
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_empty_password_is_a_validation_error(client, problem):
    problem(client.post(TOKENS, json={"username": "clerk", "password": ""}), 422, None, "password")


def test_username_is_case_insensitive(client):
    assert login(client, " Clerk ", "demo-clerk").status_code == 201


# --- bearer tokens ---------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/shipments", "/api/v1/units", "/api/v1/offices"])
def test_no_token_is_401(client, url, problem):
    problem(client.get(url), 401, "missing_token")


@pytest.mark.parametrize("header", [
    "Bearer garbage", "Bearer hcc_" + "x" * 43, "Bearer ", "Basic YWRtaW46ZGVtby1hZG1pbg==", "garbage",
])
def test_bad_authorization_is_401(client, header, problem):
    resp = client.get("/api/v1/shipments", headers={"Authorization": header})
    problem(resp, 401)


def test_scheme_name_is_case_insensitive(client, token_for):
    resp = client.get("/api/v1/auth/me", headers={"Authorization": f"bearer {token_for('clerk')}"})
    assert resp.status_code == 200


def test_session_token_expires_after_its_ttl(app, client, clock, problem):
    token = login(client, "clerk").get_json()["token"]
    ttl = app.config["TOKEN_TTL_SECONDS"]
    clock.advance(seconds=ttl - 1)
    assert client.get("/api/v1/offices", headers=bearer(token)).status_code == 200
    clock.advance(seconds=1)
    problem(client.get("/api/v1/offices", headers=bearer(token)), 401, "invalid_token")


def test_deactivated_user_loses_access(app, client, token_for, problem):
    token = token_for("courier")
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "courier")).active = False
        db.session.commit()
    problem(client.get("/api/v1/offices", headers=bearer(token)), 401, "invalid_token")
    problem(login(client, "courier"), 401, "invalid_credentials")


# --- roles -----------------------------------------------------------------------------

def test_courier_may_not_create_shipments(as_user, shipment_body, problem):
    resp = as_user("courier").post("/api/v1/shipments", json=shipment_body())
    problem(resp, 403, "role_forbidden")


@pytest.mark.parametrize("username", ["clerk", "supervisor", "courier", "agency"])
def test_only_admin_creates_users(as_user, username, problem):
    resp = as_user(username).post("/api/v1/users", json={"username": "x" * 5, "password": "p" * 12,
                                                        "full_name": "X", "role": "clerk"})
    problem(resp, 403, "role_forbidden")


@pytest.mark.parametrize("username", ["clerk", "courier", "agency"])
def test_only_admin_creates_offices(as_user, username, problem):
    resp = as_user(username).post("/api/v1/offices", json={
        "code": "BC-NEW", "name": "Bưu cục mới", "unit_code": "14812", "address_line": "Số 1"})
    problem(resp, 403, "role_forbidden")


# --- users -----------------------------------------------------------------------------

def test_admin_creates_a_user_who_can_sign_in(as_user, client):
    resp = new_user(as_user)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["username"] == "nguyen.van.a" and body["role"] == "clerk"
    assert body["office_code"] == "BC-HATRUNG" and body["full_name"] == "Nguyễn Văn A"
    assert "password" not in body and "password_hash" not in body
    assert login(client, "nguyen.van.a", "a-long-password").status_code == 201


def test_password_under_ten_characters_is_refused(as_user, problem):
    problem(new_user(as_user, password="123456789"), 422, "validation_error", "password")


def test_duplicate_username_is_a_conflict(as_user, problem):
    problem(new_user(as_user, username="clerk"), 409, "username_taken")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"role": "courier", "office_code": None}, "office_code"),
    ({"role": "agency", "office_code": None}, "agency_code"),
    ({"office_code": "BC-NOWHERE"}, "office_code"),
    ({"role": "agency", "agency_code": "UBND-00000"}, "agency_code"),
    ({"role": "mayor"}, "role"),
    ({"username": "Has Spaces"}, "username"),
])
def test_user_affiliation_is_checked(as_user, overrides, field, problem):
    problem(new_user(as_user, **overrides), 422, None, field)


def test_only_hashes_are_stored(app, client, as_user):
    token = login(client, "clerk").get_json()["token"]
    new_user(as_user)
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        assert {u.username for u in users} >= set(DEMO_USERS) | {"nguyen.van.a"}
        for user in users:
            assert user.password_hash.startswith("scrypt:")
            assert "demo-" not in user.password_hash and "a-long-password" not in user.password_hash
        record = db.session.scalar(select(ApiToken).where(
            ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest()))
        assert record is not None and record.kind is TokenKind.session
        for row in db.session.scalars(select(ApiToken)):
            assert token not in [str(v) for v in _columns(row)]
            assert len(row.prefix) <= len("hcck_") + 6  # a hint for people, not a secret


def _columns(row):
    return [getattr(row, c.key) for c in row.__table__.columns]


# --- API keys --------------------------------------------------------------------------

def test_agency_api_key_lifecycle(as_user, client, problem):
    agency = as_user("agency")
    resp = agency.post("/api/v1/api-keys", json={"name": "Hệ thống một cửa"})
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    key = created["key"]
    assert key.startswith("hcck_") and len(key) > 40
    assert key.startswith(created["prefix"]) and created["prefix"] != key

    me = client.get("/api/v1/auth/me", headers=bearer(key))
    assert me.status_code == 200 and me.get_json()["username"] == "agency"

    listed = agency.get("/api/v1/api-keys")
    assert listed.status_code == 200
    assert key not in listed.get_data(as_text=True)
    item = next(i for i in listed.get_json()["items"] if i["id"] == created["id"])
    assert item["prefix"] == created["prefix"] and item["name"] == "Hệ thống một cửa"
    assert item["revoked_at"] is None and "key" not in item

    assert agency.delete(f"/api/v1/api-keys/{created['id']}").status_code == 204
    problem(client.get("/api/v1/auth/me", headers=bearer(key)), 401, "invalid_token")
    revoked = next(i for i in agency.get("/api/v1/api-keys").get_json()["items"] if i["id"] == created["id"])
    assert revoked["revoked_at"] is not None


def test_an_api_keys_last_use_is_noted_at_most_once_a_minute(client, as_user, clock):
    agency = as_user("agency")
    created = agency.post("/api/v1/api-keys", json={"name": "sync"}).get_json()

    def last_used():
        items = agency.get("/api/v1/api-keys").get_json()["items"]
        noted = next(i for i in items if i["id"] == created["id"])["last_used_at"]
        return None if noted is None else datetime.fromisoformat(noted)

    assert last_used() is None
    assert client.get("/api/v1/auth/me", headers=bearer(created["key"])).status_code == 200
    assert last_used() == clock.now()
    first = clock.now()
    clock.advance(seconds=59)
    assert client.get("/api/v1/auth/me", headers=bearer(created["key"])).status_code == 200
    assert last_used() == first
    clock.advance(seconds=1)
    # A refused request still used the key: the note is not the request's to roll back.
    refused = client.get("/api/v1/users", headers=bearer(created["key"]))
    assert refused.status_code == 403
    assert last_used() == clock.now()


def test_api_key_does_not_expire(client, as_user, clock):
    key = as_user("agency").post("/api/v1/api-keys", json={"name": "sync"}).get_json()["key"]
    clock.advance(days=400)
    assert client.get("/api/v1/auth/me", headers=bearer(key)).status_code == 200


def test_api_key_is_stored_as_a_hash(app, as_user):
    created = as_user("agency").post("/api/v1/api-keys", json={"name": "sync"}).get_json()
    with app.app_context():
        row = db.session.get(ApiToken, created["id"])
        assert row.kind is TokenKind.api_key
        assert row.token_hash == hashlib.sha256(created["key"].encode()).hexdigest()
        assert created["key"] not in [str(v) for v in _columns(row)]


@pytest.mark.parametrize("username", ["clerk", "courier", "supervisor"])
def test_staff_cannot_create_api_keys(as_user, username, problem):
    resp = as_user(username).post("/api/v1/api-keys", json={"name": "mine"})
    problem(resp, 403, "role_forbidden")


def test_admin_creates_a_key_for_an_agency_user(as_user, client):
    resp = as_user("admin").post("/api/v1/api-keys", json={"username": "agency", "name": "một cửa"})
    assert resp.status_code == 201, resp.get_json()
    me = client.get("/api/v1/auth/me", headers=bearer(resp.get_json()["key"]))
    assert me.get_json()["username"] == "agency"
    listed = as_user("admin").get("/api/v1/api-keys").get_json()["items"]
    assert [i["username"] for i in listed if i["id"] == resp.get_json()["id"]] == ["agency"]


@pytest.mark.parametrize("username", ["clerk", "admin", None])
def test_api_keys_are_for_agency_accounts_only(as_user, username, problem):
    resp = as_user("admin").post("/api/v1/api-keys", json={"username": username, "name": "x"})
    problem(resp, 422, "validation_error", "username")


def test_admin_key_for_unknown_user_names_the_field(as_user, problem):
    resp = as_user("admin").post("/api/v1/api-keys", json={"username": "nobody", "name": "x"})
    problem(resp, 422, "unknown_user", "username")


def test_agency_cannot_key_another_account(as_user, problem):
    resp = as_user("agency").post("/api/v1/api-keys", json={"username": "admin", "name": "x"})
    problem(resp, 403, "role_forbidden")


def test_agency_cannot_revoke_someone_elses_key(as_user, problem):
    assert new_user(as_user, username="ubnd.quangtrung", role="agency", office_code=None,
                    agency_code="UBND-14818").status_code == 201
    other = as_user("admin").post("/api/v1/api-keys", json={"username": "ubnd.quangtrung", "name": "x"})
    key_id = other.get_json()["id"]
    problem(as_user("agency").delete(f"/api/v1/api-keys/{key_id}"), 404)
    assert key_id not in [i["id"] for i in as_user("agency").get("/api/v1/api-keys").get_json()["items"]]
    assert as_user("admin").delete(f"/api/v1/api-keys/{key_id}").status_code == 204


@pytest.mark.parametrize("key_id", ["0", "999999", "99999999999999999999", "abc"])
def test_revoking_a_missing_key_is_404(as_user, key_id, problem):
    problem(as_user("admin").delete(f"/api/v1/api-keys/{key_id}"), 404)


def test_session_token_is_not_revocable_as_api_key(app, as_user, client, problem):
    token = login(client, "agency").get_json()["token"]
    with app.app_context():
        session_id = db.session.scalar(select(ApiToken.id).where(
            ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest()))
    problem(as_user("agency").delete(f"/api/v1/api-keys/{session_id}"), 404)


# --- CLI -------------------------------------------------------------------------------

def test_cli_creates_a_user(app, client):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "le.thi.b", "--role", "courier", "--full-name", "Lê Thị B",
        "--office", "BC-SAMSON", "--password", "cli-password-1"])
    assert result.exit_code == 0, result.output
    assert "Created courier le.thi.b" in result.output
    assert "cli-password-1" not in result.output
    resp = login(client, "le.thi.b", "cli-password-1")
    assert resp.status_code == 201
    assert resp.get_json()["user"]["office_code"] == "BC-SAMSON"


@pytest.mark.parametrize("username", ["Bad Name", "x", "trần", "a" * 65])
def test_cli_checks_the_username_like_the_api(app, as_user, username, problem):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", username, "--role", "admin", "--full-name", "S", "--password", "long-enough-1"])
    assert result.exit_code != 0 and "lower-case letters" in result.output
    problem(new_user(as_user, username=username), 422, "validation_error", "username")


def test_cli_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "short", "--role", "admin", "--full-name", "S", "--password", "short"])
    assert result.exit_code != 0
    assert "At least 10 characters" in result.output


def test_cli_issues_an_api_key(app, client):
    result = app.test_cli_runner().invoke(args=["users", "api-key", "agency", "--name", "một cửa"])
    assert result.exit_code == 0, result.output
    key = result.output.strip()
    assert key.startswith("hcck_")
    assert client.get("/api/v1/auth/me", headers=bearer(key)).get_json()["username"] == "agency"


def test_cli_refuses_api_key_for_staff(app):
    result = app.test_cli_runner().invoke(args=["users", "api-key", "clerk", "--name", "x"])
    assert result.exit_code != 0
    assert "agency accounts" in result.output
