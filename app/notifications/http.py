"""The outbox's outbound POSTs (agency webhooks, the SMS gateway) on kept-alive connections.

`KeepAlivePoster` sends through urllib3's connection pools (urllib3.PoolManager): idle
HTTP/1.1 connections are kept per origin, up to `maxsize` each (the worker's concurrency), and
shared by the worker's sending threads; a connection the server closed while idle is replaced
before use. It costs about half the CPU of an httpx.Client call (0.34–0.42 ms against
0.72–0.93 ms a request; http.client driven by hand: 0.21–0.27 ms; docs/notifications.md).
Nothing is retried and redirects are never followed; the timeout bounds the connect and each
read. A response body is read up to BODY_LIMIT bytes (a connection whose answer was longer is
closed, not reused).

TLS is checked as httpx checks it (httpx.create_ssl_context: its CA bundle, SSL_CERT_FILE /
SSL_CERT_DIR honoured). Proxies follow the environment as httpx did: HTTP_PROXY for http://
URLs, HTTPS_PROXY for https:// ones (tunnelled with CONNECT), ALL_PROXY for both, NO_PROXY
exempting hosts; credentials in the proxy URL are sent as Proxy-Authorization. urllib3 carries
the requests (urllib3.ProxyManager); only http:// and https:// proxies are supported.
"""
from __future__ import annotations

import http.client
import ssl
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx
import urllib3
from urllib3 import exceptions as u3
from urllib3.util import parse_url

BODY_LIMIT = 64 * 1024
MAXSIZE = 64  # idle connections kept per origin (the CLI allows --concurrency up to 64)
POOLS = 256  # origins with pools kept (least recently used dropped): agencies' endpoints + gateway
ROUTES = 4096  # URLs whose pool and request target are remembered (forgotten all at once past it)
_ONCE: dict[str, Any] = {"redirect": False, "retries": False, "preload_content": False}


class PostFailed(Exception):
    """The request did not get an answer; `describe` says how, for last_error."""


class ConnectError(PostFailed):
    pass


class ProxyError(ConnectError):
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


def poster(timeout: float, headers: dict[str, str] | None = None, *, maxsize: int = MAXSIZE) -> Poster:
    """A poster for the outbox: kept-alive connections, up to `maxsize` per origin."""
    return KeepAlivePoster(timeout, headers, maxsize=maxsize)


class KeepAlivePoster:
    """POSTs over urllib3's pooled HTTP/1.1 connections; safe to share between threads (each
    request holds its own connection; idle ones wait in their origin's pool)."""

    def __init__(self, timeout: float, headers: dict[str, str] | None = None, *,
                 maxsize: int = MAXSIZE) -> None:
        self.timeout = timeout
        self.headers = dict(headers or {})
        self._ssl: ssl.SSLContext = httpx.create_ssl_context()
        self._options: dict[str, Any] = {
            "num_pools": POOLS, "maxsize": max(1, maxsize), "block": False, "retries": False,
            "timeout": urllib3.Timeout(connect=timeout, read=timeout), "ssl_context": self._ssl}
        self._direct = urllib3.PoolManager(**self._options)
        self._environment = getproxies()
        self._proxies = _environment_proxies(self._environment)
        self._proxied: dict[str, urllib3.ProxyManager] = {}
        self._routes: dict[str, tuple[urllib3.HTTPConnectionPool, str]] = {}  # URL: its pool, target
        for proxy in set(self._proxies.values()):
            self._proxied[proxy] = _proxy_manager(proxy, self._options)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        try:
            response = self._send(url, body, {**self.headers, **headers})
            try:
                data = response.read(BODY_LIMIT, decode_content=False)
            finally:
                # A body read whole has given its connection back to the pool already.
                if response.connection is not None:  # answer longer than BODY_LIMIT, or a failure
                    response.close()
                    response.release_conn()
        except Exception as exc:
            failure = _failure(exc, url, self.timeout)
            if failure is None:
                raise
            raise failure from exc
        return Answer(response.status, data)

    def close(self) -> None:
        routes, self._routes = self._routes, {}
        for pool, _target in routes.values():  # also pools the manager no longer lists (past POOLS)
            pool.close()
        self._direct.clear()
        for manager in self._proxied.values():
            manager.clear()

    def _send(self, url: str, body: bytes, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
        if self._proxies:
            manager = self._manager(url)
            if manager is not self._direct:
                return manager.urlopen("POST", url, body=body, headers=headers, **_ONCE)
        # Direct: the origin's pool and the request target, looked up once per URL (PoolManager.urlopen
        # parses the URL and builds the pool's key on every call: 0.05-0.06 ms of CPU a request).
        pool, target = self._routes.get(url) or self._route(url)
        try:
            return pool.urlopen("POST", target, body=body, headers=headers, assert_same_host=False, **_ONCE)
        except u3.ClosedPoolError:  # closed by close() while this thread looked it up: a new one
            pool, target = self._route(url)
            return pool.urlopen("POST", target, body=body, headers=headers, assert_same_host=False, **_ONCE)

    def _route(self, url: str) -> tuple[urllib3.HTTPConnectionPool, str]:
        if len(self._routes) >= ROUTES:
            self._routes.clear()
        route = self._routes[url] = (self._direct.connection_from_url(url), parse_url(url).request_uri)
        return route

    def _manager(self, url: str) -> urllib3.PoolManager:
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        if proxy is None or proxy_bypass(parts.hostname or "", self._environment):
            return self._direct
        return self._proxied[proxy]


def _environment_proxies(found: dict[str, str]) -> dict[str, str]:
    """{"http": proxy URL, "https": proxy URL} from HTTP_PROXY, HTTPS_PROXY and ALL_PROXY (any
    case; `found` is urllib's getproxies()), as httpx reads them; none with NO_PROXY=*."""
    if any(host.strip() == "*" for host in found.get("no", "").split(",")):
        return {}
    chosen = {}
    for scheme in ("http", "https"):
        proxy = found.get(scheme) or found.get("all")
        if proxy:
            chosen[scheme] = proxy if "://" in proxy else f"http://{proxy}"
    return chosen


def _proxy_manager(proxy: str, options: dict[str, Any]) -> urllib3.ProxyManager:
    parts = urlsplit(proxy)
    if parts.scheme not in ("http", "https"):
        raise RuntimeError(f"Proxy {parts.scheme}://{parts.hostname}: only http:// and https:// "
                           "proxies are supported.")
    proxy_headers = None
    if parts.username is not None:
        auth = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        proxy_headers = urllib3.make_headers(proxy_basic_auth=auth)
        proxy = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    return urllib3.ProxyManager(proxy, proxy_headers=proxy_headers, proxy_ssl_context=options["ssl_context"],
                                **options)


def _failure(exc: Exception, url: str, timeout: float) -> PostFailed | None:
    """urllib3's failure (retries off: the first one, unwrapped) under the outbox's name."""
    if isinstance(exc, u3.LocationValueError):  # also an unknown scheme
        return ConnectError(f"not an absolute http(s) URL: {url!r} ({exc})")
    if isinstance(exc, u3.ProxyError):
        inner: BaseException = exc.original_error
        if isinstance(inner, u3.NewConnectionError) and inner.__cause__ is not None:
            inner = inner.__cause__  # as `[Errno 111] Connection refused`, the proxy's address aside
        return ProxyError(f"{exc.args[0]}: {_reason(inner)}")  # Unable to connect to proxy: …
    if isinstance(exc, u3.NewConnectionError):  # before ConnectTimeoutError, its base class
        return ConnectError(str(exc.__cause__ or exc))
    if isinstance(exc, u3.ConnectTimeoutError):
        parts = urlsplit(url)
        return ConnectError(f"timed out connecting to {parts.hostname}:{parts.port or parts.scheme}")
    if isinstance(exc, u3.ReadTimeoutError):
        return Timeout(f"no answer within {timeout:g} s")
    if isinstance(exc, u3.SSLError):
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        return ConnectError(str(inner))
    if isinstance(exc, u3.ProtocolError):  # ("Connection aborted." or "Connection broken: …", the error)
        inner = exc.args[-1] if exc.args and isinstance(exc.args[-1], Exception) else exc
        return _failure_of(inner)
    if isinstance(exc, u3.HTTPError):
        return ProtocolError(_reason(exc))
    if isinstance(exc, (OSError, http.client.HTTPException)):
        return _failure_of(exc)
    return None


def _failure_of(exc: BaseException) -> PostFailed:
    if isinstance(exc, TimeoutError):
        return Timeout(_reason(exc))
    if isinstance(exc, http.client.HTTPException):  # RemoteDisconnected (also an OSError) here
        return ProtocolError(_reason(exc))
    return NetworkError(_reason(exc))


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def describe(exc: BaseException) -> str:
    """`ConnectError: [Errno 111] Connection refused`, as stored in last_error."""
    return f"{type(exc).__name__}: {exc}"
