"""The OpenAPI document and an interactive docs page whose assets the app serves itself."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, send_from_directory

from app.extensions import api
from app.headers import content_security_policy

bp = Blueprint("docs", __name__, static_folder="static", static_url_path="/api/docs/static")

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
  <script src="/api/docs/static/swagger-init.js"></script>
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
    # Swagger UI sets style attributes as it renders; its scripts are all files of ours.
    return Response(_PAGE, mimetype="text/html",
                    headers={"Content-Security-Policy": content_security_policy(style_src="'unsafe-inline'")})


@bp.get("/api/docs/assets/<path:filename>")
def docs_assets(filename: str):
    return send_from_directory(_assets_dir(), filename, max_age=86400)
