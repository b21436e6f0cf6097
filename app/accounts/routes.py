from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView

from app.accounts import schemas, services
from app.accounts.auth import current_token, current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.pagination import Page, PageQuery

blp = ApiBlueprint("accounts", __name__, url_prefix="/api/v1", description="Sign-in, users, API keys")

PROBLEM = {"$ref": "#/components/responses/Problem"}


def _client() -> str:
    return request.remote_addr or "unknown"


@blp.route("/auth/tokens")
class Tokens(MethodView):
    @blp.arguments(schemas.TokenIn)
    @blp.response(201, schemas.TokenOut)
    @blp.doc(responses={"401": PROBLEM, "429": PROBLEM})
    def post(self, body: dict) -> services.IssuedToken:
        """Exchange a username and password for a bearer token.

        Throttled (429 with Retry-After, even for the right password): after
        LOGIN_FAILURES_PER_ACCOUNT_ADDRESS (5) failures in a row for one account from one client
        address, that account is refused from that address until the oldest failure is
        LOGIN_WINDOW_SECONDS (15 min) old; a success starts the count again. An address with
        LOGIN_FAILURES_PER_ADDRESS (30) failures over all accounts in the window is refused
        for every account, and an account with LOGIN_FAILURES_PER_ACCOUNT (100) failures from
        addresses it never signed in from is refused from such addresses. No lock outlasts the
        window (docs/accounts.md)."""
        return services.login(body["username"], body["password"],
                              current_app.config["TOKEN_TTL_SECONDS"], _client())


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.operation(status=204)
    def post(self) -> None:
        """Revoke the token this request is signed with (a session token, or an API key)."""
        services.logout(current_user(), current_token())


@blp.route("/auth/password")
class Password(MethodView):
    @blp.operation(body=schemas.PasswordIn, status=204)
    @blp.doc(responses={"422": PROBLEM, "429": PROBLEM})
    def post(self, body: dict) -> None:
        """Change one's own password; the caller's other session tokens are revoked.

        A wrong old_password (422) counts as a failed sign-in (see POST /auth/tokens). The new
        one needs at least 10 characters and must not contain the username. API keys stay."""
        services.change_password(current_user(), current_token(), body["old_password"],
                                 body["new_password"], _client())


@blp.route("/auth/me")
class Me(MethodView):
    @blp.operation(answer=schemas.UserOut)
    def get(self):
        """The caller's own account."""
        return current_user()


@blp.route("/users")
class Users(MethodView):
    @blp.operation(Role.admin, query=PageQuery, answer=schemas.UserPage)
    def get(self, args: dict) -> Page[Any]:
        """Users by id (admin)."""
        return services.list_users(args)

    @blp.operation(Role.admin, body=schemas.UserIn, answer=schemas.UserOut, status=201)
    def post(self, body: dict):
        """Create a user (admin)."""
        return services.create_user(actor=current_user(), **body)


@blp.route("/users/<id:user_id>")
class UserDetail(MethodView):
    @blp.operation(Role.admin, body=schemas.UserPatch, answer=schemas.UserOut)
    @blp.doc(responses={"404": PROBLEM, "422": PROBLEM})
    def patch(self, body: dict, user_id: int):
        """Deactivate or reactivate a user, or correct their name (admin).

        Deactivating revokes all the user's session tokens and API keys at once; reactivating
        restores none (the user signs in again, keys are made anew). An admin cannot deactivate
        their own account."""
        return services.update_user(user_id, body, current_user())


@blp.route("/api-keys")
class ApiKeys(MethodView):
    @blp.operation(Role.agency, Role.admin, query=PageQuery, answer=schemas.ApiKeyPage)
    def get(self, args: dict) -> Page[Any]:
        """API keys: the caller's own, or all for an admin. Secrets are never shown again."""
        return services.list_api_keys(current_user(), args)

    @blp.operation(Role.agency, Role.admin, body=schemas.ApiKeyIn, answer=schemas.ApiKeyOut, status=201)
    @blp.doc(responses={"409": PROBLEM})
    def post(self, body: dict):
        """Create a long-lived API key for an agency's system; the key is shown once.

        An agency holds at most API_KEYS_PER_AGENCY (10) live keys over all its accounts
        (409 api_key_limit beyond; revoke one first)."""
        actor = current_user()
        return services.create_api_key(services.key_owner(actor, body["username"]), body["name"], actor)


@blp.route("/api-keys/<id:key_id>")
class ApiKey(MethodView):
    @blp.operation(Role.agency, Role.admin, status=204)
    def delete(self, key_id: int) -> None:
        """Revoke an API key."""
        services.revoke_api_key(key_id, current_user())
