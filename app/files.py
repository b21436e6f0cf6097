"""Views that answer a file (a PDF, a CSV, ZPL): how the OpenAPI document describes the
answer, and the answer itself, written once."""
from __future__ import annotations

from typing import Any

from flask import Response

PROBLEM = {"$ref": "#/components/responses/Problem"}


def file_doc(description: str, mimetype: str = "application/pdf", *,
             problems: tuple[int, ...] = ()) -> dict[str, Any]:
    """`@blp.doc(**file_doc(...))`: the file a view answers with, and the problems it names."""
    schema = {"type": "string"} if mimetype.startswith("text/") else {"type": "string", "format": "binary"}
    responses: dict[str, Any] = {
        "200": {"description": description, "content": {mimetype: {"schema": schema}}},
        **{str(status): PROBLEM for status in problems},
    }
    return {"responses": responses}


def file_response(body: bytes | str, filename: str, mimetype: str = "application/pdf", *,
                  download: bool = False) -> Response:
    """The file, shown by the browser (a PDF) or saved (`download`: CSV, ZPL)."""
    disposition = "attachment" if download else "inline"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})
