"""URL converters shared by every blueprint, registered by the application factory."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

F = TypeVar("F", bound=Callable[..., Any])
MAX_ID = 2**63 - 1  # BIGINT: a larger id would overflow the query parameter


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id, 1..2^63-1; anything else matches no route (404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def register_converters(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter


def accepts(*mimetypes: str) -> Callable[[F], F]:
    """Declare on a view the non-JSON bodies it reads (an upload); JSON is always accepted."""

    def mark(view: F) -> F:
        view.body_mimetypes = mimetypes  # type: ignore[attr-defined]
        return view

    return mark


def body_mimetypes(app: Flask, endpoint: str | None, method: str) -> tuple[str, ...]:
    """The non-JSON bodies the matched view declared with `accepts`."""
    return view_mark(app, endpoint, method, "body_mimetypes") or ()


def view_mark(app: Flask, endpoint: str | None, method: str, name: str) -> Any:
    """What a decorator marked on the matched view function, or on its MethodView method."""
    view = app.view_functions.get(endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, "get" if method == "HEAD" else method.lower(), None)
    return getattr(view, name, None)
