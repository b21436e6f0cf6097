"""The outbox's HTTP poster: kept-alive connections, reused across threads, replaced when the
server closed them, bounded answers, failures named; httpx when a proxy is configured."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.notifications.http import (
    BODY_LIMIT,
    ConnectError,
    HttpxPoster,
    KeepAlivePoster,
    Timeout,
    describe,
    poster,
)


class RawServer:
    """A socket server answering each request by `answer(request bytes) -> response bytes`,
    then closing the connection when `close_after` (one request per connection)."""

    def __init__(self, answer: Callable[[bytes], bytes | None], close_after: bool = False) -> None:
        self.answer = answer
        self.close_after = close_after
        self.accepted = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
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
                conn.sendall(response)
                if self.close_after:
                    return

    def stop(self) -> None:
        self.listener.close()


def ok(body: bytes = b"{}") -> Callable[[bytes], bytes]:
    return lambda _head: b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


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
    server = servers(lambda head: heads.append(head) or ok()(head))
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


def test_a_configured_proxy_hands_the_posts_to_httpx(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    direct = poster(5)
    assert isinstance(direct, KeepAlivePoster)
    direct.close()
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    proxied = poster(5)
    assert isinstance(proxied, HttpxPoster)
    proxied.close()
