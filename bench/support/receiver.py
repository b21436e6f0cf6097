"""A local HTTP receiver for the benchmarks of what the app sends out (bench/outbox.py): a
threaded http.server on 127.0.0.1 that keeps every request, and its own capacity measured by
plain client processes."""
from __future__ import annotations

import http.client
import multiprocessing
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench.support import free_port


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 overflows when several workers open their kept-alive
    # connections at once (each sends `--concurrency` requests in flight): the kernel then drops
    # or resets connections, which a real gateway's server (backlog 511 and more) would not.
    request_queue_size = 1024


class Receiver:
    """Everything posted to it, kept in arrival order; answers 200, after `latency` seconds."""

    def __init__(self, latency: float = 0.0) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.connections: set[int] = set()  # client ports seen: one per connection opened
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a gateway would offer
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                kept = {k: v for k, v in self.headers.items() if k.lower().startswith(("x-hcc", "authoriz"))}
                if latency:
                    time.sleep(latency)
                with receiver.lock:
                    receiver.received.append(Received(self.path, kept, body))
                    receiver.connections.add(self.client_address[1])
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "11")
                self.end_headers()
                self.wfile.write(b'{"ok":true}')

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = Server(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def take(self) -> list[Received]:
        with self.lock:
            taken, self.received = self.received, []
        return taken

    def take_connections(self) -> int:
        with self.lock:
            count = len(self.connections)
            self.connections.clear()
        return count


def post_share(port: int, requests: list[tuple[str, bytes, dict[str, str]]]) -> tuple[float, float]:
    """A plain client: the requests on one keep-alive connection; returns its start and end."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.time()
    for path, body, headers in requests:
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"receiver answered {resp.status}")
    ended = time.time()
    conn.close()
    return started, ended


def receiver_capacity(receiver: Receiver, requests: list[tuple[str, bytes, dict[str, str]]],
                      clients: int) -> float:
    """Requests/s the receiver takes from `clients` plain client processes."""
    port = receiver.server.server_address[1]
    shares = [(port, requests[k::clients]) for k in range(clients)]
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        pool.starmap(post_share, [(port, requests[:20])] * clients)  # started, connected, warm
        receiver.take()
        spans = pool.starmap(post_share, shares)
    taken = receiver.take()
    if len(taken) != len(requests):
        raise SystemExit(f"the receiver kept {len(taken)} of {len(requests)} baseline requests")
    return len(requests) / (max(e for _, e in spans) - min(s for s, _ in spans))


