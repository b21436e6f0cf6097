"""Users, passwords and bearer credentials. Services flush; the request commits."""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import Connection, bindparam, func, or_, select, update
from sqlalchemy.orm import contains_eager, joinedload, lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock, driver
from app.accounts import throttle
from app.accounts.models import ApiToken, Role, TokenKind, User
from app.audit.services import record as audit
from app.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from app.extensions import db
from app.orgs.models import Agency, Office
from app.pagination import Page, keyset
from app.text import nfc

SESSION_PREFIX = "hcc_"
API_KEY_PREFIX = "hcck_"
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
USERNAME_RULE = "2-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit."
# How fresh a token's "last used" is kept: one write a minute at most per token.
USE_NOTED_EVERY = timedelta(minutes=1)
# One-time passwords are read aloud or copied by hand: no 0/O, 1/l/I.
ONE_TIME_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


@cache
def _dummy_hash() -> str:
    """Compared against when the username is unknown, so both paths cost one hash check."""
    return generate_password_hash("not-a-real-password", method="scrypt")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_user(*, username: str, password: str, role: Role, full_name: str,
                office_code: str | None = None, agency_code: str | None = None,
                actor: User | None = None, must_change_password: bool = False) -> User:
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise ValidationFailed("username", USERNAME_RULE)
    # An initial password is the admin's; the user's own choice is held to more (change_password).
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("password", f"At least {MIN_PASSWORD_LENGTH} characters.")
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"User {username!r} exists already.", code="username_taken")
    office = agency = None
    if office_code:
        office = db.session.scalar(select(Office).where(Office.code == office_code))
        if office is None:
            raise ValidationFailed("office_code", f"No office {office_code!r}.")
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise ValidationFailed("agency_code", f"No agency {agency_code!r}.")
    if role in (Role.clerk, Role.courier) and office is None:
        raise ValidationFailed("office_code", f"A {role.value} belongs to an office.")
    if role is Role.agency and agency is None:
        raise ValidationFailed("agency_code", "An agency officer belongs to an agency.")
    user = User(username=username, full_name=nfc(full_name), role=role,
                office=office, agency=agency, must_change_password=must_change_password)
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    audit(actor, "user.create", "user", user.id, {"username": username, "role": role.value})
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password, method="scrypt")


def one_time_password() -> str:
    """Three groups of four, e.g. `k7mp-3xqa-9tdw`: for an admin to hand over, changed at first use."""
    return "-".join("".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(4)) for _ in range(3))


def reset_password(user_id: int, actor: User) -> tuple[User, str]:
    """A new one-time password (returned once); the user's sessions end, API keys stay."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    password = one_time_password()
    set_password(user, password)
    user.must_change_password = True
    ended = _revoke_tokens(user, TokenKind.session)
    audit(actor, "user.password_reset", "user", user.id, {"sessions_ended": ended})
    return user, password


def _check_new_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("new_password", f"At least {MIN_PASSWORD_LENGTH} characters.")
    if username.lower() in password.lower():
        raise ValidationFailed("new_password", "Must not contain the username.")


def login(username: str, password: str, ttl_seconds: int, client: str) -> IssuedToken:
    """A session token for the right password; throttled per account and address (throttle.py)."""
    username = username.strip().lower()
    throttle.check(username, client)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_dummy_hash(), password)
    if user is None or not check_password_hash(user.password_hash, password) or not user.active:
        throttle.failed(username, client)
        raise Unauthorized("Unknown username or wrong password.", code="invalid_credentials")
    throttle.succeeded(username, client)
    issued = _issue(user, TokenKind.session, clock.now() + timedelta(seconds=ttl_seconds))
    audit(user, "token.issue", "user", user.id, {"token_prefix": issued.record.prefix})
    return issued


def logout(user: User, token: ApiToken) -> None:
    """Revoke the credential the caller signed this request with."""
    token.revoked_at = clock.now()
    audit(user, "token.revoke", "user", user.id, {"token_prefix": token.prefix})


def change_password(user: User, token: ApiToken, old_password: str, new_password: str,
                    client: str) -> None:
    """Own password; a wrong old one counts as a failed sign-in. Other sessions end, API keys stay."""
    throttle.check(user.username, client)
    if not check_password_hash(user.password_hash, old_password):
        throttle.failed(user.username, client)
        raise ValidationFailed("old_password", "Wrong password.", code="wrong_password")
    _check_new_password(new_password, user.username)
    set_password(user, new_password)
    user.must_change_password = False
    ended = _revoke_tokens(user, TokenKind.session, ApiToken.id != token.id)
    audit(user, "user.password_change", "user", user.id, {"sessions_ended": ended})


def list_users(args: Mapping[str, Any]) -> Page[User]:
    return keyset(select(User), [User.id], args)


def update_user(user_id: int, changes: Mapping[str, Any], actor: User) -> User:
    """Admin edits: full name, and deactivation, which ends every token and API key at once."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    detail: dict[str, Any] = {}
    if "full_name" in changes and nfc(changes["full_name"]) != user.full_name:
        user.full_name = detail["full_name"] = nfc(changes["full_name"])
    if "active" in changes and changes["active"] != user.active:
        if user.id == actor.id:
            raise ValidationFailed("active", "An admin cannot deactivate their own account.")
        user.active = detail["active"] = changes["active"]
        if not user.active:
            detail["tokens_revoked"] = _revoke_tokens(user)
    if detail:
        action = "user.update" if "active" not in detail else \
            "user.activate" if user.active else "user.deactivate"
        audit(actor, action, "user", user.id, detail)
    return user


def create_api_key(user: User, name: str, actor: User) -> IssuedToken:
    """Long-lived key for an agency's own system; the secret is shown once."""
    if user.role is not Role.agency:
        raise ValidationFailed("username", "API keys are for agency accounts.")
    _check_key_allowance(user)
    issued = _issue(user, TokenKind.api_key, None, name=name)
    audit(actor, "api_key.create", "user", user.id, {"key_prefix": issued.record.prefix})
    return issued


def key_owner(actor: User, username: str | None) -> User:
    """Whose key the caller is making: an admin names any agency account, others key themselves."""
    if username is None or username.strip().lower() == actor.username:
        return actor
    if actor.role is not Role.admin:
        raise Forbidden("Only an admin may create keys for another account.", code="role_forbidden")
    owner = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if owner is None:
        raise ValidationFailed("username", f"No user {username!r}.", code="unknown_user")
    return owner


def revoke_api_key(key_id: int, actor: User) -> None:
    key = db.session.get(ApiToken, key_id)
    if key is None or key.kind is not TokenKind.api_key or not _may_manage(actor, key.user):
        raise NotFound("No such API key.")
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        audit(actor, "api_key.revoke", "user", key.user_id, {"key_prefix": key.prefix})


def list_api_keys(actor: User, args: Mapping[str, Any]) -> Page[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.kind == TokenKind.api_key)
    if actor.role is not Role.admin:
        stmt = stmt.where(ApiToken.user_id == actor.id)
    return keyset(stmt, [ApiToken.id], args)


def _check_key_allowance(owner: User) -> None:
    """At most API_KEYS_PER_AGENCY live keys per agency, over all its accounts."""
    allowed = current_app.config["API_KEYS_PER_AGENCY"]
    # Lock the agency row so two concurrent creations cannot both pass the count.
    db.session.execute(select(Agency.id).where(Agency.id == owner.agency_id).with_for_update())
    live = db.session.scalar(
        select(func.count()).select_from(ApiToken).join(User)
        .where(User.agency_id == owner.agency_id, ApiToken.kind == TokenKind.api_key,
               ApiToken.revoked_at.is_(None)))
    if live >= allowed:
        raise Conflict(f"The agency holds {live} live API keys, the most allowed ({allowed}); "
                       "revoke one first.", code="api_key_limit")


def user_by_username(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"No user {username!r}.", code="unknown_user")
    return user


def _may_manage(actor: User, owner: User) -> bool:
    return actor.role is Role.admin or actor.id == owner.id


def _issue(user: User, kind: TokenKind, expires_at: datetime | None,
           name: str | None = None) -> IssuedToken:
    prefix = SESSION_PREFIX if kind is TokenKind.session else API_KEY_PREFIX
    secret = prefix + secrets.token_urlsafe(32)
    record = ApiToken(user=user, kind=kind, token_hash=hash_secret(secret),
                      prefix=secret[: len(prefix) + 6], name=name,
                      created_at=clock.now(), expires_at=expires_at)
    db.session.add(record)
    db.session.flush()
    return IssuedToken(secret, record)


def _revoke_tokens(user: User, kind: TokenKind | None = None, *where: Any) -> int:
    """Revoke the user's live tokens (of `kind`, matching `where`); how many were live."""
    stmt = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), *where)
    if kind is not None:
        stmt = stmt.where(ApiToken.kind == kind)
    result = db.session.execute(stmt.values(revoked_at=clock.now()).execution_options(
        synchronize_session="fetch"))
    return result.rowcount  # type: ignore[attr-defined]


# The credential behind an ORM session token (app.web.session's cookie sessions): one statement,
# built once, the checks in SQL, and of the user's links only the agency, which role scoping reads.
_LIVE_TOKEN = (
    select(ApiToken).join(ApiToken.user)
    .options(contains_eager(ApiToken.user).options(
        joinedload(User.agency).lazyload(Agency.office), lazyload(User.office)))
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
           User.active, or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now"))))


class AgencyStanding(NamedTuple):
    active: bool


class Caller(NamedTuple):
    """Who signed a request, as its bearer token's check reads them: what app.access asks of an
    actor (id, role, office, agency and whether it is active), and the token's own facts."""

    id: int
    role: Role
    office_id: int | None
    agency_id: int | None
    agency: AgencyStanding | None
    token_id: int
    token_kind: TokenKind
    must_change_password: bool


# Every signed API request checks its bearer token with this statement: plain columns, the checks
# in SQL, run by the driver on PostgreSQL (app.driver), so no ORM object is made for a read.
_CALLER = (
    select(User.id, User.role, User.office_id, User.agency_id, Agency.active, ApiToken.id,
           ApiToken.kind, User.must_change_password, ApiToken.last_used_at)
    .select_from(ApiToken).join(User, User.id == ApiToken.user_id)
    .outerjoin(Agency, Agency.id == User.agency_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
           User.active, or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now"))))
_CALLER_SQL = driver.sql_of(_CALLER)


def caller_for(secret: str) -> Caller | None:
    """Who holds a live bearer secret (not revoked, not expired, its user active). Read from the
    database on every request, so a revocation or deactivation counts at once."""
    now = clock.now()
    row = _caller_row({"token_hash": hash_secret(secret), "now": now})
    if row is None:
        return None
    user_id, role, office_id, agency_id, agency_active, token_id, kind, must_change, last_used = row
    if last_used is None or now - last_used >= USE_NOTED_EVERY:
        _note_use(token_id, now)
    return Caller(user_id, Role(role), office_id, agency_id,
                  None if agency_active is None else AgencyStanding(agency_active),
                  token_id, TokenKind(kind), must_change)


def _caller_row(params: dict[str, Any]) -> Any:
    found = driver.rows(_CALLER_SQL, params)
    if found is not None:
        return found[0] if found else None
    # SQLite: read apart from the request's transaction, which has not begun yet; begun here it
    # would hold SQLite's one write lock (a write request begins IMMEDIATE) against _note_use.
    with _apart() as connection:
        return connection.execute(_CALLER, params).first()


def _note_use(token_id: int, now: datetime) -> None:
    """Note when a token was last used (the agency's integrations page shows it), at most once a
    USE_NOTED_EVERY: a read stays a read on all other requests. The note is its own short
    transaction on the primary, whatever the request then does or however it ends: it records
    that the token was used, not that the request succeeded."""
    with _apart(write=True) as connection:
        connection.execute(update(ApiToken)
                           .where(ApiToken.id == token_id,
                                  or_(ApiToken.last_used_at.is_(None),
                                      ApiToken.last_used_at <= now - USE_NOTED_EVERY))
                           .values(last_used_at=now))


@contextmanager
def _apart(*, write: bool = False) -> Iterator[Connection]:
    """A connection of its own, outside the request's transaction (a transaction of its own when
    `write`); in the tests' outer transaction, that one: what it holds is all there is."""
    bind = db.bind()
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.begin() if write else bind.connect() as own:
        yield own


def token_for(secret: str) -> ApiToken | None:
    """The live credential behind a bearer secret, for an active user: not revoked, not expired.
    Read from the database on every request, so a revocation or deactivation counts at once."""
    return db.session.scalar(_LIVE_TOKEN, {"token_hash": hash_secret(secret), "now": clock.now()})
