"""Input at and beyond the service's limits is a 4xx problem+json, never a 5xx (SPEC §11):
path ids beyond a BIGINT, bodies over MAX_CONTENT_LENGTH (chunked too), URLs over the
limit, and bad bodies from callers who have not signed in."""
import io
import json

import pytest

BEYOND_BIGINT = 2**63
MAX_URL_LENGTH = 4096  # app/__init__.py


@pytest.mark.parametrize("id_", [BEYOND_BIGINT, 10**30, 0, -1])
@pytest.mark.parametrize(("user", "method", "url"), [
    ("clerk", "get", "/api/v1/pickups/{}"),
    ("supervisor", "post", "/api/v1/pickups/{}/assign"),
    ("courier", "post", "/api/v1/pickups/{}/complete"),
    ("clerk", "post", "/api/v1/pickups/{}/cancel"),
    ("clerk", "get", "/api/v1/handovers/{}"),
    ("clerk", "get", "/api/v1/handovers/{}.pdf"),
    ("agency", "delete", "/api/v1/api-keys/{}"),
    ("agency", "get", "/api/v1/webhooks/{}"),
    ("agency", "delete", "/api/v1/webhooks/{}"),
    ("agency", "post", "/api/v1/webhooks/{}/enable"),
])
def test_path_ids_out_of_range_or_unknown_are_404(as_user, problem, user, method, url, id_):
    resp = getattr(as_user(user), method)(url.format(id_), json={})
    problem(resp, 404, "not_found")


@pytest.mark.parametrize("url", ["/api/v1/pickups/{}", "/api/v1/handovers/{}", "/api/v1/handovers/{}.pdf"])
def test_the_largest_id_is_looked_up_and_not_found(as_user, problem, url):
    problem(as_user("supervisor").get(url.format(2**63 - 1)), 404)


def test_path_ids_are_documented_as_bounded_integers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    ids = [param for path, item in spec["paths"].items() for param in item.get("parameters", [])
           if param["name"].endswith("_id")]
    assert len(ids) >= 8
    for param in ids:
        assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, param


def post_chunked(caller, url, body, *, server_ends_input=True):
    """As gunicorn hands a chunked body over: no Content-Length, the input ended by the server."""
    return caller.post(url, input_stream=io.BytesIO(body),
                       headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True} if server_ends_input else {})


@pytest.mark.parametrize("user", ["clerk", None])
def test_a_chunked_body_over_the_limit_is_413(client, as_user, problem, user):
    too_big = b'{"x": "' + b"a" * 10_000_000 + b'"}'
    problem(post_chunked(as_user(user) if user else client, "/api/v1/shipments", too_big),
            413, "payload_too_large")


def test_a_chunked_body_within_the_limit_is_read(as_user, shipment_body):
    body = json.dumps(shipment_body()).encode()
    resp = post_chunked(as_user("clerk"), "/api/v1/shipments", body)
    assert resp.status_code == 201, resp.get_json()


def test_a_chunked_body_a_server_does_not_end_is_411(as_user, shipment_body, problem):
    body = json.dumps(shipment_body()).encode()
    resp = post_chunked(as_user("clerk"), "/api/v1/shipments", body, server_ends_input=False)
    problem(resp, 411, "length_required")


@pytest.mark.parametrize("path", ["/api/v1/shipments", "/t/HA000000015VN", "/nope"])
def test_a_url_over_the_limit_is_414(client, problem, path):
    resp = client.get(f"{path}?q={'a' * MAX_URL_LENGTH}")
    problem(resp, 414, "uri_too_long")


def test_a_url_at_the_limit_is_served(as_user):
    base = "/api/v1/shipments?dossier_code="
    resp = as_user("clerk").get(base + "a" * (MAX_URL_LENGTH - len(base)))
    assert resp.status_code < 500 and resp.status_code != 414


# --- authentication comes before the body is read ------------------------------------

@pytest.mark.parametrize(("data", "content_type"), [
    ("{not json", "application/json"),
    ('{"recipient": {"name": "a\\u0000"}}', "application/json"),
    ("service=return", "application/x-www-form-urlencoded"),
    ("[" * 100_000, "application/json"),
])
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic eDp5"])
def test_a_bad_body_without_valid_credentials_is_401(client, problem, data, content_type, authorization):
    headers = {"Content-Type": content_type} | ({"Authorization": authorization} if authorization else {})
    resp = client.post("/api/v1/shipments", data=data, headers=headers)
    problem(resp, 401)
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("url", ["/api/v1/pickups", "/api/v1/webhooks", "/api/v1/scans",
                                 "/api/v1/pickups/1/assign", "/api/v1/api-keys"])
def test_every_guarded_write_asks_for_credentials_first(client, problem, url):
    problem(client.post(url, data="{", headers={"Content-Type": "application/json"}), 401)


def test_a_signed_in_caller_still_learns_what_the_body_lacks(as_user, problem):
    resp = as_user("clerk").post("/api/v1/shipments", data="{", headers={"Content-Type": "application/json"})
    problem(resp, 400, "malformed_json")


def test_sign_in_itself_needs_no_credentials_to_be_told_its_body_is_bad(client, problem):
    problem(client.post("/api/v1/auth/tokens", data="{", headers={"Content-Type": "application/json"}),
            400, "malformed_json")


# --- behind gunicorn, as `make run` serves it ----------------------------------------

@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """The app under gunicorn with app/gunicorn_conf.py; yields a raw-request function."""
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    from app.config import REPO_ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'unused.db'}", "HCC_INSTANCE_DIR": str(tmp),
           "SECRET_KEY": "test-secret", "ID_HASH_KEY": "test-id-hash-key"}
    gunicorn_bin = Path(sys.executable).parent / "gunicorn"
    log = tmp / "gunicorn.log"
    with log.open("wb") as log_file:
        proc = subprocess.Popen([str(gunicorn_bin), "-c", "python:app.gunicorn_conf", "--bind",
                                 f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"],
                                cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)

    def send(head: bytes, body_chunks=()) -> tuple[int, dict[str, str], bytes]:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            try:
                conn.sendall(head)
                for chunk in body_chunks:
                    conn.sendall(chunk)
            except OSError:  # the server answered and closed before taking the whole body
                pass
            raw = b""
            while data := conn.recv(65536):
                raw += data
        head_part, _, body = raw.partition(b"\r\n\r\n")
        status_line, *lines = head_part.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        return int(status_line.split()[1]), headers, body

    deadline = time.monotonic() + 60
    while True:
        try:
            if send(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")[0] == 200:
                break
        except OSError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    yield send
    proc.terminate()
    proc.wait(timeout=30)
    assert "Traceback" not in log.read_text()


def assert_wire_problem(answer, status, code):
    got_status, headers, body = answer
    assert got_status == status, body[:300]
    assert headers["content-type"] == "application/problem+json"
    assert headers["x-content-type-options"] == "nosniff"
    problem_body = json.loads(body)
    assert problem_body["status"] == status and problem_body["code"] == code
    return problem_body


def test_gunicorn_a_chunked_body_over_the_limit_is_413(gunicorn):
    big = b'{"x": "' + b"a" * 10_000_000 + b'"}'
    parts = (big[i:i + 65536] for i in range(0, len(big), 65536))
    chunks = [b"%x\r\n%s\r\n" % (len(part), part) for part in parts]
    head = (b"POST /api/v1/shipments HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    assert_wire_problem(gunicorn(head, [*chunks, b"0\r\n\r\n"]), 413, "payload_too_large")


@pytest.mark.parametrize("length", [MAX_URL_LENGTH + 1, 10_000, 100_000])
def test_gunicorn_a_url_over_the_limit_is_a_414_problem(gunicorn, length):
    url = b"/api/v1/shipments?q=" + b"a" * length
    assert_wire_problem(gunicorn(b"GET " + url + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"),
                        414, "uri_too_long")


def test_gunicorn_an_unreadable_request_is_a_400_problem(gunicorn):
    body = assert_wire_problem(gunicorn(b"NOT HTTP AT ALL\r\n\r\n"), 400, "bad_request")
    assert "NOT HTTP" not in json.dumps(body)  # the request is never echoed
