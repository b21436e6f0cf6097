"""The outbox's HTTP poster (urllib3's pools): kept-alive connections, reused across threads,
replaced when the server closed them, bounded answers, failures named, the environment's proxies
followed, TLS checked against the CA bundle (SSL_CERT_FILE honoured)."""
from __future__ import annotations

import base64
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.notifications.http import (
    BODY_LIMIT,
    ConnectError,
    KeepAlivePoster,
    ProtocolError,
    ProxyError,
    Timeout,
    describe,
    poster,
)

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
                   "http_proxy", "https_proxy", "all_proxy", "no_proxy")


class RawServer:
    """A socket server answering each request by `answer(request bytes) -> response bytes`,
    then closing the connection when `close_after` (one request per connection)."""

    def __init__(self, answer: Callable[[bytes], bytes | None], close_after: bool = False,
                 tls: ssl.SSLContext | None = None) -> None:
        self.answer = answer
        self.close_after = close_after
        self.tls = tls
        self.accepted = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.url = f"{'https' if tls else 'http'}://{self.address}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except OSError:  # the client refused the certificate
                conn.close()
                return
        with conn:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(rest) < length:
                    rest += conn.recv(65536)
                buffer = rest[length:]
                response = self.answer(head)
                if response is None:  # never answer
                    time.sleep(5)
                    return
                try:
                    conn.sendall(response)
                except OSError:  # the client hung up first
                    return
                if self.close_after:
                    return

    def stop(self) -> None:
        self.listener.close()


def ok(body: bytes = b"{}") -> Callable[[bytes], bytes]:
    return lambda _head: b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


def recorded(heads: list[bytes], answer: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """`answer`, keeping each request's head in `heads`."""
    def reply(head: bytes) -> bytes:
        heads.append(head)
        return answer(head)
    return reply


@pytest.fixture
def servers() -> Iterator[Callable[..., RawServer]]:
    made: list[RawServer] = []

    def make(*args, **kw) -> RawServer:
        made.append(RawServer(*args, **kw))
        return made[-1]

    yield make
    for server in made:
        server.stop()


@pytest.fixture
def client() -> Iterator[KeepAlivePoster]:
    made = KeepAlivePoster(timeout=5, headers={"User-Agent": "test"})
    yield made
    made.close()


def test_posts_reuse_one_connection_and_carry_the_headers(servers, client):
    heads: list[bytes] = []
    server = servers(recorded(heads, ok()))
    for n in range(5):
        answer = client.post(server.url + "/hook?x=1", b'{"n": %d}' % n, {"X-HCC-Delivery": str(n)})
        assert answer.status == 200 and answer.is_success and answer.body == b"{}"
    assert server.accepted == 1
    first = heads[0].decode()
    assert first.startswith("POST /hook?x=1 HTTP/1.1")
    assert "User-Agent: test" in first and "X-HCC-Delivery: 0" in first and "Content-Length: 8" in first


def test_threads_share_the_poster_with_a_connection_each_at_most(servers, client):
    server = servers(ok())
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda n: client.post(server.url + "/", b"x", {}), range(40)))
    assert all(a.status == 200 for a in answers)
    assert server.accepted <= 4


def test_a_connection_the_server_closed_while_idle_is_replaced(servers, client):
    server = servers(ok(), close_after=True)  # as a server whose keep-alive timeout ran out
    assert client.post(server.url + "/", b"1", {}).status == 200
    time.sleep(0.1)
    assert client.post(server.url + "/", b"2", {}).status == 200  # no failure: a new connection
    assert server.accepted == 2


def test_a_long_answer_is_cut_and_its_connection_not_reused(servers, client):
    server = servers(ok(b"a" * (BODY_LIMIT + 10)))
    answer = client.post(server.url + "/", b"x", {})
    assert answer.status == 200 and len(answer.body) == BODY_LIMIT
    client.post(server.url + "/", b"x", {})
    assert server.accepted == 2


def test_failures_are_named(servers):
    silent = servers(lambda _head: None)
    slow = KeepAlivePoster(timeout=0.3)
    try:
        with pytest.raises(Timeout) as timed_out:
            slow.post(silent.url + "/", b"x", {})
        assert describe(timed_out.value).startswith("Timeout: no answer within 0.3 s")
        closed = socket.create_server(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        closed.close()
        with pytest.raises(ConnectError) as refused:
            slow.post(f"http://127.0.0.1:{port}/", b"x", {})
        assert describe(refused.value).startswith("ConnectError:")
        with pytest.raises(ConnectError):
            slow.post("ftp://example.org/", b"x", {})
    finally:
        slow.close()


def test_an_early_close_without_an_answer_is_named(servers, client):
    server = servers(lambda _head: b"", close_after=True)  # reads the request, hangs up
    with pytest.raises(ProtocolError) as dropped:
        client.post(server.url + "/", b"x", {})
    assert describe(dropped.value).startswith("ProtocolError: RemoteDisconnected:")


@pytest.fixture
def no_proxy_env(monkeypatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_posts_go_direct_unless_the_environment_names_a_proxy(servers, no_proxy_env):
    heads: list[bytes] = []
    target = servers(ok(b"direct"))
    proxy = servers(recorded(heads, ok(b"proxied")))
    direct = poster(5)
    try:
        assert direct.post(target.url + "/hook", b"x", {}).body == b"direct"
    finally:
        direct.close()

    no_proxy_env.setenv("HTTP_PROXY", f"http://hcc:pa%40ss@{proxy.address}")
    no_proxy_env.setenv("NO_PROXY", "exempt.example,localhost")
    proxied = poster(5)
    try:
        assert proxied.post("http://agency.example/hook?x=1", b"x", {}).body == b"proxied"
        exempt = f"http://localhost:{target.listener.getsockname()[1]}/hook"
        assert proxied.post(exempt, b"x", {}).body == b"direct"
    finally:
        proxied.close()
    [head] = heads
    assert head.startswith(b"POST http://agency.example/hook?x=1 HTTP/1.1\r\n")
    assert b"proxy-authorization: basic " + base64.b64encode(b"hcc:pa@ss").lower() in head.lower()


def test_https_goes_through_the_proxy_tunnel_and_a_refusal_is_named(servers, no_proxy_env):
    heads: list[bytes] = []
    proxy = servers(recorded(heads, lambda _head: b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))
    no_proxy_env.setenv("ALL_PROXY", f"http://{proxy.address}")
    proxied = poster(5)
    try:
        with pytest.raises(ProxyError) as refused:
            proxied.post("https://agency.example/hook", b"x", {})
    finally:
        proxied.close()
    assert heads[0].startswith(b"CONNECT agency.example:443 HTTP/")
    assert describe(refused.value).startswith("ProxyError:") and "403" in str(refused.value)


def test_a_socks_proxy_is_refused_at_start(no_proxy_env):
    no_proxy_env.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(RuntimeError, match="only http:// and https:// proxies"):
        poster(5)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def test_a_self_signed_certificate_is_refused_unless_its_ca_file_is_named(servers, self_signed, monkeypatch):
    cert, key = self_signed
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server = servers(ok(b"secret"), tls=tls)
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    checked = KeepAlivePoster(timeout=5)
    try:
        with pytest.raises(ConnectError) as refused:
            checked.post(server.url + "/", b"x", {})
    finally:
        checked.close()
    assert "CERTIFICATE_VERIFY_FAILED" in describe(refused.value)

    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # as httpx: the bundle named by the environment
    trusting = KeepAlivePoster(timeout=5)
    try:
        assert trusting.post(server.url + "/", b"x", {}).body == b"secret"
        assert trusting.post(server.url + "/", b"x", {}).body == b"secret"
    finally:
        trusting.close()
    assert server.accepted == 2  # the refused one, then one kept alive
