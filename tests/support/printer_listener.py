"""Printers for the tests, on 127.0.0.1: one that takes what it is sent (a thread accepting
connections and collecting each one's bytes until the client closes), and ones that do not
answer: a port nobody listens on, a listener whose queue is full (connecting times out, as at
an address nothing answers), and one that accepts but never reads."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest


class PrinterListener:
    """A raw-TCP printer: `jobs` holds the bytes of each connection, once the client closed it."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.host, self.port = self._server.getsockname()[:2]
        self.jobs: list[bytes] = []
        self._done = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="printer-listener", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._collect, args=(conn,), daemon=True).start()

    def _collect(self, conn: socket.socket) -> None:
        chunks = []
        with conn:
            conn.settimeout(10)
            try:
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
            except OSError:
                pass
        with self._done:
            self.jobs.append(b"".join(chunks))
            self._done.notify_all()

    def wait_for_jobs(self, count: int = 1, timeout: float = 5.0) -> list[bytes]:
        """The first `count` jobs, once that many connections have closed."""
        with self._done:
            self._done.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(2)


class DeadPrinters:
    """Addresses on 127.0.0.1 where a printer does not answer; closed at the test's end."""

    def __init__(self) -> None:
        self._sockets: list[socket.socket] = []

    def closed_port(self) -> int:
        """A port nothing listens on: connecting is refused at once."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    def silent_port(self) -> int:
        """A listener that never accepts, its queue filled: a connection attempt gets no answer
        (the SYN is dropped) and times out, as at a powered-off printer's address."""
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        self._sockets.append(server)
        port = int(server.getsockname()[1])
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            self._sockets.append(filler)
        time.sleep(0.1)
        return port

    def stuck_port(self) -> int:
        """A printer that accepts the connection but never reads (its buffer full): the bytes
        are never acknowledged beyond a few kilobytes."""
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)  # the kernel's minimum
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        self._sockets.append(server)
        return int(server.getsockname()[1])

    def close(self) -> None:
        for sock in self._sockets:
            sock.close()


@pytest.fixture
def printer_listener() -> Iterator[PrinterListener]:
    listener = PrinterListener()
    yield listener
    listener.close()


@pytest.fixture
def dead_printers() -> Iterator[DeadPrinters]:
    dead = DeadPrinters()
    yield dead
    dead.close()
