"""The OpenAPI document and an interactive docs page whose assets the app serves itself."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, send_from_directory

from app.extensions import api

bp = Blueprint("docs", __name__)

_PAGE = """<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>HCC Post API</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/api/v1/openapi.json",
      dom_id: "#swagger-ui",
      validatorUrl: null,
      deepLinking: true,
      persistAuthorization: true
    });
  </script>
</body>
</html>
"""


def _assets_dir() -> Path:
    import swagger_ui

    return Path(swagger_ui.__file__).parent / "static"


@bp.get("/api/v1/openapi.json")
def openapi_json():
    return jsonify(api.spec.to_dict())


@bp.get("/api/docs")
def docs_page():
    return Response(_PAGE, mimetype="text/html",
                    headers={"Content-Security-Policy":
                             "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                             "style-src 'self' 'unsafe-inline'; img-src 'self' data:"})


@bp.get("/api/docs/assets/<path:filename>")
def docs_assets(filename: str):
    return send_from_directory(_assets_dir(), filename, max_age=86400)
