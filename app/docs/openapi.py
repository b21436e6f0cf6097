"""flask-smorest's Api, documenting error responses as the problem+json they really are."""
from __future__ import annotations

import http
from typing import Any

from apispec import BasePlugin
from flask_smorest import Api
from marshmallow import fields, validate

from app import fields as shared
from app.shipments.s10 import S10_RE
from app.text import LANDLINE, MOBILE

PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                                "schema": {"type": "integer", "minimum": 0}}}
HEADERS_BY_STATUS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "`Bearer realm=\"hcc-post\"`.", "schema": {"type": "string"}}},
    429: _RETRY_AFTER,
    503: _RETRY_AFTER,
}

# Path parameters the server checks beyond what their URL converter says.
PATH_PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "tracking_number": {"type": "string", "pattern": f"^{S10_RE.pattern}$",
                        "description": "UPU S10: two letters, eight digits, a check digit, two letters."},
}


# What the shared fields refuse, said as JSON Schema patterns (Python's `re` and ECMA-262 agree
# on these): Text trims, needs a visible character and refuses control characters. (Lone
# surrogates, refused in any string, are not Unicode text; no pattern needs to name them.)
_TEXT_CHAR = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_VISIBLE_CHAR = r"[^\s\x00-\x1f\x7f]"
TEXT_PATTERN = f"^{_TEXT_CHAR}*{_VISIBLE_CHAR}{_TEXT_CHAR}*$"
PHONE_PATTERN = f"^({MOBILE.pattern}|{LANDLINE.pattern})$"  # the digits normalise_phone keeps
# DATE_RANGE and Moment: this century only (invalid days such as 02-30 are left to the format).
_DAY = r"20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = f"^{_DAY}$"
MOMENT_PATTERN = (f"^{_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                  r"(\.[0-9]{1,6})?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$")
# Body fields holding S10 numbers (a list's items carry the list's name).
TRACKING_NUMBER_FIELDS = frozenset({"tracking_number", "tracking_numbers", "scanned"})


def declared_patterns(converter: Any, field: fields.Field, **_kwargs: Any) -> dict[str, Any]:
    """marshmallow-to-OpenAPI attribute function: the pattern each shared field enforces."""
    if isinstance(field, fields.String) and field.name in TRACKING_NUMBER_FIELDS and _is_input(field):
        return {"pattern": PATH_PARAMETER_SCHEMAS["tracking_number"]["pattern"]}
    if isinstance(field, shared.Phone):
        return {"pattern": PHONE_PATTERN}
    if isinstance(field, shared.Text):
        blank_allowed = any(isinstance(v, validate.Length) and not v.min for v in _validators(field))
        return {"pattern": f"^{_TEXT_CHAR}*$" if blank_allowed else TEXT_PATTERN}
    if isinstance(field, shared.Moment):
        return {"pattern": MOMENT_PATTERN}
    if isinstance(field, fields.Date) and shared.DATE_RANGE in _validators(field):
        return {"pattern": DATE_PATTERN}
    return {}


def _is_input(field: fields.Field) -> bool:
    """In and Out schemas are kept apart (STYLE.md): answers may echo what a client sent."""
    return not type(field.root).__name__.endswith("Out")


def _validators(field: fields.Field) -> list[Any]:
    return list(getattr(field, "validators", []))


class ProblemApi(Api):
    """Every error response (422 from @blp.arguments, the default error) is RFC 9457 problem+json;
    flask-smorest would document its own {code, status, message} as application/json."""

    def _init_spec(self, *, extra_plugins: Any = None, **kwargs: Any) -> None:
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), CommonProblems()], **kwargs)
        self.ma_plugin.converter.add_attribute_function(declared_patterns)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if status >= 400:
                response["content"] = PROBLEM_CONTENT
            if status in HEADERS_BY_STATUS:
                response["headers"] = HEADERS_BY_STATUS[status]
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            self.DEFAULT_ERROR_RESPONSE_NAME,
            {"description": "An RFC 9457 problem", "content": PROBLEM_CONTENT}, lazy=True)


def problem_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The refusals any operation may answer, whatever its view raises itself: unreadable or
    invalid input, unknown ids, URLs over the limit, rate limits, a database that is down
    (503), and for writes conflicts and bodies that are too large or not JSON."""
    statuses = [400, 404, 414, 422, 429, 503]
    if "security" in operation:
        statuses += [401, 403]
    elif method != "get":
        statuses.append(401)  # the token endpoint: wrong credentials
    if method != "get":
        statuses.append(409)
    if "requestBody" in operation:
        statuses += [413, 415]
    return sorted(statuses)


def id_number_rules() -> dict[str, Any]:
    """normalise_id_number: the number's shape depends on id_type, inferred when absent."""
    def number(pattern: str) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{pattern}$"}

    typed = [{"properties": {"id_type": {"const": kind}, "id_number": number(regex.pattern)},
              "required": ["id_type", "id_number"]}
             for kind, (regex, _message) in shared.ID_PATTERNS.items()]
    inferred = {"properties": {"id_type": {"type": "null"}, "id_number": number(
        f"({shared.ID_PATTERNS['cccd'][0].pattern}|{shared.ID_PATTERNS['cmnd'][0].pattern})")},
        "required": ["id_number"]}
    neither = {"properties": {"id_type": {"type": "null"}, "id_number": {"type": "null"}}}
    return {"anyOf": [*typed, inferred, neither]}


class CommonProblems(BasePlugin):
    """Declares every operation's common problem responses, its checked path parameters and
    the rules between fields of a body, in one place rather than on each view."""

    def schema_helper(self, name: str, definition: dict, **kwargs: Any) -> dict | None:
        properties = definition.get("properties", {})
        rules = []
        if {"id_type", "id_number"} <= properties.keys():
            rules.append(id_number_rules())
        # A schema states rules between its own fields as `openapi_rules` (JSON Schema).
        rules += getattr(kwargs.get("schema"), "openapi_rules", [])
        return {"allOf": rules} if rules else None

    def path_helper(self, path: str | None = None, operations: dict | None = None,
                    parameters: list[dict] | None = None, **kwargs: Any) -> None:
        for parameter in parameters or []:
            schema = PATH_PARAMETER_SCHEMAS.get(parameter.get("name", ""))
            if parameter.get("in") == "path" and schema:
                parameter["schema"] = dict(schema)

    def operation_helper(self, path: str | None = None, operations: dict | None = None,
                         **kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            for status in problem_statuses(method, operation):
                name = http.HTTPStatus(status).name
                if status in HEADERS_BY_STATUS:
                    responses[str(status)] = name  # over a bare Problem: these carry headers
                else:
                    responses.setdefault(str(status), name)
