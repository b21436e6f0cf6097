"""flask-smorest's Api, documenting error responses as the problem+json they really are."""
from __future__ import annotations

import http

from flask_smorest import Api

PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


class ProblemApi(Api):
    """Every error response (422 from @blp.arguments, the default error) is RFC 9457 problem+json;
    flask-smorest would document its own {code, status, message} as application/json."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if status >= 400:
                response["content"] = PROBLEM_CONTENT
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            self.DEFAULT_ERROR_RESPONSE_NAME,
            {"description": "An RFC 9457 problem", "content": PROBLEM_CONTENT}, lazy=True)
