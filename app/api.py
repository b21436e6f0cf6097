"""How a JSON API operation is declared: one `@blp.operation(...)` per view.

It stacks, in the one order that is right for every view, the role check (so an anonymous
caller gets 401 before anything reads the body), the Idempotency-Key replay, the declared
body or query schema and the answer's schema, which also make the OpenAPI document.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask_smorest import Blueprint
from marshmallow import Schema

from app.accounts.auth import requires
from app.accounts.models import Role
from app.idempotency.http import idempotent as replay_by_key

F = TypeVar("F", bound=Callable[..., Any])
SchemaLike = type[Schema] | Schema


class ApiBlueprint(Blueprint):
    def operation(self, *roles: Role, body: SchemaLike | None = None,
                  query: SchemaLike | None = None, location: str = "json",
                  answer: SchemaLike | None = None, status: int = 200,
                  idempotent: bool = False) -> Callable[[F], F]:
        """`roles` may call it (none named: any signed-in role); `body` (read from `location`) or
        `query` is validated before the view runs and passed to it; `answer` serialises what the
        view returns with `status`; `idempotent` replays the first answer to an Idempotency-Key.
        A view that answers a file declares no `answer` and documents its content itself."""

        def declare(func: F) -> F:
            view: Callable[..., Any] = func
            if answer is not None or status != 200:
                view = self.response(status, answer)(view)
            if body is not None:
                view = self.arguments(body, location=location)(view)
            if query is not None:
                view = self.arguments(query, location="query")(view)
            if idempotent:
                view = replay_by_key(view)
            return cast(F, requires(*roles)(view))

        return declare
