"""The outbox's outbound POSTs (agency webhooks, the SMS gateway) on kept-alive connections.

`KeepAlivePoster` sends with the standard library's http.client, headers and body in one
write, and keeps idle connections per origin for the next request; it is shared by the worker's
sending threads. It costs about a fifth of the CPU of an httpx.Client call (bench/outbox.py:
0.12–0.15 ms against 0.6–0.75 ms a request on the same machine), which was most of what the
worker spent per message. TLS is checked as httpx checks it (httpx.create_ssl_context: its CA
bundle, SSL_CERT_FILE/SSL_CERT_DIR honoured). When the environment names an HTTP proxy
(HTTP_PROXY, HTTPS_PROXY, ALL_PROXY), `poster()` returns an httpx.Client-backed poster instead,
which follows those settings as before.

Redirects are never followed; a response body is read up to BODY_LIMIT bytes (a connection whose
answer was longer is closed, not reused).
"""
from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, urlsplit
from urllib.request import getproxies

import httpx

BODY_LIMIT = 64 * 1024
_PRINTABLE = "".join(chr(c) for c in range(33, 127))  # kept as written in a request target


class PostFailed(Exception):
    """The request did not get an answer; `describe` says how, for last_error."""


class ConnectError(PostFailed):
    pass


class Timeout(PostFailed):
    pass


class NetworkError(PostFailed):
    pass


class ProtocolError(PostFailed):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most BODY_LIMIT bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Poster(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer: ...

    def close(self) -> None: ...


def poster(timeout: float, headers: dict[str, str] | None = None) -> Poster:
    """Kept-alive http.client connections, or httpx when the environment names a proxy."""
    proxies = getproxies()
    if any(proxies.get(scheme) for scheme in ("http", "https", "all")):
        return HttpxPoster(timeout, headers)
    return KeepAlivePoster(timeout, headers)


Origin = tuple[str, str, int]


class KeepAlivePoster:
    """POSTs over HTTP/1.1 connections kept alive per origin; safe to share between threads
    (each request holds its own connection; idle ones wait on a stack per origin)."""

    def __init__(self, timeout: float, headers: dict[str, str] | None = None, max_idle: int = 32) -> None:
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.max_idle = max_idle
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = defaultdict(list)
        self._lock = threading.Lock()
        self._ssl: ssl.SSLContext | None = None

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        origin, target = _split(url)
        conn, fresh = self._connection(origin)
        try:
            if fresh:
                try:
                    conn.connect()
                except TimeoutError as exc:
                    raise ConnectError(f"timed out connecting to {origin[1]}:{origin[2]}") from exc
                except OSError as exc:
                    raise ConnectError(str(exc)) from exc
            conn.request("POST", target, body=body, headers={**self.headers, **headers})
            response = conn.getresponse()
            data = response.read(BODY_LIMIT)
            answer = Answer(response.status, data)
        except PostFailed:
            conn.close()
            raise
        except TimeoutError as exc:
            conn.close()
            raise Timeout(f"no answer within {self.timeout:g} s") from exc
        except http.client.HTTPException as exc:
            conn.close()
            raise ProtocolError(f"{type(exc).__name__}: {exc}") from exc
        except OSError as exc:
            conn.close()
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        if response.isclosed() and conn.sock is not None:  # answer read whole, connection open
            self._give_back(origin, conn)
        else:
            conn.close()
        return answer

    def close(self) -> None:
        with self._lock:
            idle = [conn for conns in self._idle.values() for conn in conns]
            self._idle.clear()
        for conn in idle:
            conn.close()

    def _connection(self, origin: Origin) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection to `origin` still open, else a new one (not yet connected)."""
        while True:
            with self._lock:
                stack = self._idle.get(origin)
                conn = stack.pop() if stack else None
            if conn is None:
                break
            if conn.sock is not None and not _readable(conn.sock):
                return conn, False
            conn.close()  # the server closed it (or spoke out of turn) while it was idle
        scheme, host, port = origin
        if scheme == "https":
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self._ssl), True
        return http.client.HTTPConnection(host, port, timeout=self.timeout), True

    def _give_back(self, origin: Origin, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            stack = self._idle[origin]
            if len(stack) < self.max_idle:
                stack.append(conn)
                return
        conn.close()


def _split(url: str) -> tuple[Origin, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectError(f"not an absolute http(s) URL: {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = parts.hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise ConnectError(f"bad URL {url!r}: {exc}") from exc
    target = quote(parts.path or "/", safe=_PRINTABLE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_PRINTABLE)
    return (parts.scheme, host, port), target


def _readable(sock: socket.socket) -> bool:
    """An idle kept-alive socket is readable only when the server closed it or wrote out of turn."""
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


def describe(exc: BaseException) -> str:
    """`ConnectError: [Errno 111] Connection refused`, as stored in last_error."""
    if type(exc) is PostFailed:  # httpx's failure, already named
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class HttpxPoster:
    """The same POSTs through httpx.Client, which follows the environment's proxy settings."""

    def __init__(self, timeout: float, headers: dict[str, str] | None = None) -> None:
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, headers=headers or {})

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise PostFailed(f"{type(exc).__name__}: {exc}") from exc
        return Answer(response.status_code, response.content[:BODY_LIMIT])

    def close(self) -> None:
        self._client.close()
