"""The database out of reach (SPEC §11): every API call answers 503 problem+json
`database_unavailable` with Retry-After, the /t/ page a Vietnamese 503 page, /healthz 200 and
/readyz 503; a connection lost mid-request leaves nothing half-written."""
import json
import socket
import subprocess
import sys

import pytest

from app.config import REPO_ROOT

# The app's extensions are module singletons: an app on another database gets its own interpreter.
_DOWN = r"""
import json, sys
from app import create_app

app = create_app({"TESTING": True, "DATABASE_URL": sys.argv[1], "SECRET_KEY": "test-secret",
                  "ID_HASH_KEY": "test-id-hash-key"})
client = app.test_client()
bearer = {"Authorization": "Bearer x"}
calls = [("get", "/api/v1/shipments", bearer), ("get", "/api/v1/auth/me", bearer),
         ("post", "/api/v1/auth/tokens", {}), ("get", "/api/v1/track/HB999999995VN", {}),
         ("get", "/api/v1/units?q=bim", bearer),
         ("get", "/t/HB999999995VN", {}), ("get", "/healthz", {}), ("get", "/readyz", {})]
out = []
for method, url, headers in calls:
    body = {"username": "clerk", "password": "demo-clerk"} if method == "post" else None
    resp = getattr(client, method)(url, headers=headers, json=body)
    out.append({"url": url, "status": resp.status_code, "type": resp.mimetype,
                "headers": dict(resp.headers), "text": resp.get_data(as_text=True)})
print(json.dumps(out))
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on leaving: nothing listens there


def run(script: str, *args: str) -> tuple[object, str]:
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


@pytest.fixture(scope="module")
def down():
    answers, log = run(_DOWN, f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/hcc")
    return {a["url"]: a for a in answers}, log


@pytest.mark.parametrize("url", ["/api/v1/shipments", "/api/v1/auth/me", "/api/v1/auth/tokens",
                                 "/api/v1/track/HB999999995VN", "/api/v1/units?q=bim"])
def test_every_api_call_is_503_database_unavailable(down, url):
    answer = down[0][url]
    assert answer["status"] == 503 and answer["type"] == "application/problem+json", answer
    body = json.loads(answer["text"])
    assert body["code"] == "database_unavailable" and body["status"] == 503
    assert int(answer["headers"]["Retry-After"]) > 0
    assert answer["headers"]["X-Content-Type-Options"] == "nosniff"


def test_the_tracking_page_is_a_vietnamese_503_page(down):
    answer = down[0]["/t/HB999999995VN"]
    assert answer["status"] == 503 and answer["type"] == "text/html", answer
    assert 'lang="vi"' in answer["text"] and "thử lại" in answer["text"]
    assert int(answer["headers"]["Retry-After"]) > 0
    assert "frame-ancestors 'none'" in answer["headers"]["Content-Security-Policy"]


def test_liveness_stays_up_and_readiness_goes_down(down):
    answers = down[0]
    assert answers["/healthz"]["status"] == 200
    assert answers["/readyz"]["status"] == 503


def test_the_log_says_why_without_a_traceback(down):
    log = down[1]
    assert "database unreachable" in log and "Connection refused" in log
    assert "Traceback" not in log


_DROPPED = r"""
import json, sys
from sqlalchemy import create_engine, func, select, text
from app import create_app
from app.extensions import db
from app.orgs.models import Office
from app.orgs.services import create_office

url = sys.argv[1]
app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
                  "ID_HASH_KEY": "test-id-hash-key"})

@app.post("/api/v1/drop")
def drop():
    create_office(None, code="BC-DROPPED", name="Half-made", unit_code="14812", address_line="x")
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
    other = create_engine(url)
    with other.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()
    return {"written": True}, 201

resp = app.test_client().post("/api/v1/drop", json={})
with app.app_context():
    saved = db.session.scalar(select(func.count()).select_from(Office).where(Office.code == "BC-DROPPED"))
print(json.dumps({"status": resp.status_code, "body": resp.get_json(), "saved": saved,
                  "retry_after": resp.headers.get("Retry-After")}))
"""


@pytest.mark.postgres
def test_a_connection_lost_mid_request_saves_nothing(app, database_url):
    result, _ = run(_DROPPED, database_url)
    assert result["status"] == 503 and result["body"]["code"] == "database_unavailable", result
    assert result["retry_after"] and result["saved"] == 0
