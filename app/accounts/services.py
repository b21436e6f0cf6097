"""Users, passwords and bearer credentials. Services flush; the request commits."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.accounts.models import ApiToken, Role, TokenKind, User
from app.audit.services import record as audit
from app.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from app.extensions import db
from app.orgs.models import Agency, Office
from app.text import nfc

SESSION_PREFIX = "hcc_"
API_KEY_PREFIX = "hcck_"
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
USERNAME_RULE = "2-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit."
# Compared against when the username is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_user(*, username: str, password: str, role: Role, full_name: str,
                office_code: str | None = None, agency_code: str | None = None,
                actor: User | None = None) -> User:
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise ValidationFailed("username", USERNAME_RULE)
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
                password_hash=generate_password_hash(password, method="scrypt"),
                office=office, agency=agency)
    db.session.add(user)
    db.session.flush()
    audit(actor, "user.create", "user", user.id, {"username": username, "role": role.value})
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("password", f"At least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = generate_password_hash(password, method="scrypt")


def login(username: str, password: str, ttl_seconds: int) -> IssuedToken:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise Unauthorized("Unknown username or wrong password.", code="invalid_credentials")
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise Unauthorized("Unknown username or wrong password.", code="invalid_credentials")
    issued = _issue(user, TokenKind.session, clock.now() + timedelta(seconds=ttl_seconds))
    audit(user, "token.issue", "user", user.id, {"token_prefix": issued.record.prefix})
    return issued


def create_api_key(user: User, name: str, actor: User) -> IssuedToken:
    """Long-lived key for an agency's own system; the secret is shown once."""
    if user.role is not Role.agency:
        raise ValidationFailed("username", "API keys are for agency accounts.")
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


def list_api_keys(actor: User) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.kind == TokenKind.api_key).order_by(ApiToken.id)
    if actor.role is not Role.admin:
        stmt = stmt.where(ApiToken.user_id == actor.id)
    return list(db.session.scalars(stmt))


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


def user_for_token(secret: str) -> User | None:
    record = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if record is None or record.revoked_at is not None or not record.user.active:
        return None
    if record.expires_at is not None and record.expires_at <= clock.now():
        return None
    return record.user
