"""Schemathesis hooks for .ci/fuzz.py (loaded through SCHEMATHESIS_HOOKS).

schemathesis.toml lets a schema-valid request be refused with 422, because some refusals
need data no schema holds (a unit code that does not exist, an S10 check digit, a cursor
this server never issued); those carry their own problem code. This check keeps the rest
honest: a schema-valid request refused with a schema-level code means the OpenAPI
document does not say what the server enforces.
"""
from __future__ import annotations

import schemathesis

SCHEMA_LEVEL_CODES = frozenset({"validation_error", "malformed_json", "unsupported_media_type"})
# Refusals coded `validation_error` by a service that no JSON Schema can state: they need
# stored data, or compare two fields. Each is a candidate for a problem code of its own.
# Keyed by operation, then the fields the problem names.
BEYOND_THE_DOCUMENT = {
    "GET /api/v1/units/convert": {"address"},  # does it name a current commune?
    "POST /api/v1/agencies": {"office_code"},  # does the office exist?
    "POST /api/v1/api-keys": {"username"},  # is that account an agency's?
    "POST /api/v1/users": {"office_code", "agency_code"},  # does the office or agency exist?
    "POST /api/v1/policies": {"province_code", "agency_codes", "valid_to"},  # exist? valid_to >= valid_from
    "PATCH /api/v1/policies/{code}": {"valid_to"},  # at the earliest the day before the stored valid_from
    "POST /api/v1/tariffs": {"max_weight_g"},  # >= base_weight_g
    "PATCH /api/v1/users/{user_id}": {"active"},  # not the caller's own account
    # Rows are shipment bodies checked one by one; the document shows them as free objects.
    "POST /api/v1/pickups/returns": {"rows"},
}


@schemathesis.check
def schema_valid_input_accepted(ctx, response, case) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 415, 422):
        return None
    if not response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        return None
    problem = response.json()
    named = {name.split(".")[0] for name in problem.get("errors") or {}}
    if named and named <= BEYOND_THE_DOCUMENT.get(case.operation.label, set()):
        return None
    code = problem.get("code")
    if code in SCHEMA_LEVEL_CODES:
        raise AssertionError(
            f"A request valid by the OpenAPI document was refused with {response.status_code} "
            f"`{code}`: {problem.get('errors') or problem.get('detail')}")
    return None
