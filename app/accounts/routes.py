from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts import schemas, services
from app.accounts.auth import current_user, requires
from app.accounts.models import Role

# Ids beyond a 64-bit integer match no route (SQLite would overflow binding them).
MAX_ID = 2**63 - 1

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Sign-in, users, API keys")


@blp.route("/auth/tokens")
class Tokens(MethodView):
    @blp.arguments(schemas.TokenIn)
    @blp.response(201, schemas.TokenOut)
    def post(self, body: dict) -> services.IssuedToken:
        """Exchange a username and password for a bearer token."""
        return services.login(body["username"], body["password"],
                              current_app.config["TOKEN_TTL_SECONDS"])


@blp.route("/auth/me")
class Me(MethodView):
    @requires()
    @blp.response(200, schemas.UserOut)
    def get(self):
        """The caller's own account."""
        return current_user()


@blp.route("/users")
class Users(MethodView):
    @requires(Role.admin)
    @blp.arguments(schemas.UserIn)
    @blp.response(201, schemas.UserOut)
    def post(self, body: dict):
        """Create a user (admin)."""
        return services.create_user(actor=current_user(), **body)


@blp.route("/api-keys")
class ApiKeys(MethodView):
    @requires(Role.agency, Role.admin)
    @blp.response(200, schemas.ApiKeyList)
    def get(self):
        """API keys: the caller's own, or all for an admin. Secrets are never shown again."""
        return {"items": services.list_api_keys(current_user())}

    @requires(Role.agency, Role.admin)
    @blp.arguments(schemas.ApiKeyIn)
    @blp.response(201, schemas.ApiKeyOut)
    def post(self, body: dict):
        """Create a long-lived API key for an agency's system; the key is shown once."""
        actor = current_user()
        return services.create_api_key(services.key_owner(actor, body["username"]), body["name"], actor)


@blp.route(f"/api-keys/<int(max={MAX_ID}):key_id>")
class ApiKey(MethodView):
    @requires(Role.agency, Role.admin)
    @blp.response(204)
    def delete(self, key_id: int) -> None:
        """Revoke an API key."""
        services.revoke_api_key(key_id, current_user())
