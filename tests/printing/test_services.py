"""app.printing.services.send: the bytes arrive exactly, and every way a printer fails to take
them is a PrinterUnreachable within the one deadline (connect, name lookup, send, the printer
taking the bytes); the pages say the same words as the API."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from app.printing import services
from app.printing.models import Printer
from app.printing.services import PrinterUnreachable

BIG = bytes(range(256)) * 4096  # 1 MiB: more than any buffer between us and a printer that stalls


def printer(port: int, host: str = "127.0.0.1") -> Printer:
    return Printer(id=7, office_id=1, name="Quầy 1", host=host, port=port)


def failure(app, target: Printer, payload: bytes = b"^XA^XZ") -> tuple[PrinterUnreachable, float]:
    started = time.monotonic()
    with app.app_context(), pytest.raises(PrinterUnreachable) as caught:
        services.send(target, payload)
    return caught.value, time.monotonic() - started


def test_a_megabyte_arrives_exactly(app, printer_listener):
    with app.app_context():
        seconds = services.send(printer(printer_listener.port), BIG)
    assert printer_listener.wait_for_jobs(1) == [BIG]
    assert seconds < 3


def test_a_refused_connection_is_said_at_once(app, dead_printers):
    port = dead_printers.closed_port()
    error, elapsed = failure(app, printer(port))
    assert error.code == "printer_refused" and error.status == 503 and elapsed < 1
    assert error.detail == (f"Máy in Quầy 1 (127.0.0.1:{port}) từ chối kết nối: máy in đang tắt, bận hoặc "
                            "sai cổng. Kiểm tra máy in đã bật và nối mạng, rồi thử lại; hoặc in bằng PDF.")


def test_no_answer_to_connect_waits_the_deadline_and_no_more(app, dead_printers):
    error, elapsed = failure(app, printer(dead_printers.silent_port()))
    assert error.code == "printer_timeout"
    assert services.TIMEOUT_SECONDS - 0.1 < elapsed < services.TIMEOUT_SECONDS + 0.5
    assert "không trả lời sau 3 giây" in error.detail


def test_a_printer_that_accepts_but_never_reads_is_no_success(app, dead_printers):
    error, elapsed = failure(app, printer(dead_printers.stuck_port()), BIG)
    assert error.code == "printer_timeout" and elapsed < services.TIMEOUT_SECONDS + 0.5
    # Even a label small enough for the kernel's buffers is not taken by a printer that reads nothing.
    error, elapsed = failure(app, printer(dead_printers.stuck_port()), b"^XA" + b"x" * 8000 + b"^XZ")
    assert error.code == "printer_timeout" and elapsed < services.TIMEOUT_SECONDS + 0.5


def test_a_name_lookup_that_hangs_is_cut_at_the_deadline(app, monkeypatch):
    answer = threading.Event()

    def slow_resolver(*_args, **_kwargs):
        answer.wait(30)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", slow_resolver)
    try:
        error, elapsed = failure(app, printer(9100, host="zebra-quay1.office.lan"))
    finally:
        answer.set()  # the lookup's thread ends; the request did not wait for it
    assert error.code == "printer_timeout" and elapsed < services.TIMEOUT_SECONDS + 0.5


def test_a_name_that_does_not_resolve(app, monkeypatch):
    def unknown(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    error, elapsed = failure(app, printer(9100, host="zebra-quay9"))
    assert error.code == "printer_unresolved" and elapsed < 1
    assert error.detail.startswith(
        "Không tìm thấy máy in Quầy 1: không tra được địa chỉ của tên máy zebra-quay9.")


def test_the_deadline_may_be_lowered_but_not_raised_past_4_5_s(app, dead_printers, monkeypatch):
    monkeypatch.setitem(app.config, "PRINTER_TIMEOUT_SECONDS", 0.5)
    error, elapsed = failure(app, printer(dead_printers.silent_port()))
    assert error.code == "printer_timeout" and 0.4 < elapsed < 1
    assert "không trả lời sau 0.5 giây" in error.detail
    monkeypatch.setitem(app.config, "PRINTER_TIMEOUT_SECONDS", 60)
    with app.app_context():
        assert services.timeout_seconds() == services.MAX_TIMEOUT_SECONDS < 5


def test_the_pages_say_what_the_api_says(app):
    from app.web.counter import printing as page

    with app.test_request_context():  # Vietnamese, the default: the catalogue's source texts
        assert {code: str(text) for code, text in page.UNREACHABLE.items()} == services.MESSAGES
        assert str(page.ADVICE) == services.ADVICE


@pytest.mark.parametrize(("given", "stored"), [
    ("192.168.1.50", "192.168.1.50"), (" Zebra-1.Office.LAN. ", "zebra-1.office.lan"),
    ("[fe80::1]", "fe80::1"), ("::1", "::1"), ("127.0.0.1", "127.0.0.1"), ("printer", "printer")])
def test_hosts_a_printer_may_have(given, stored):
    assert services.valid_host(given) == stored


@pytest.mark.parametrize("host", ["", "1.2.3", "256.1.1.1", "0.0.0.0", "::", "239.1.2.3", "255.255.255.255",
                                  "a_b", "-a", "a-", "a..b", "x" * 64, "http://10.0.0.1", "10.0.0.1:9100"])
def test_hosts_no_printer_has(host):
    with pytest.raises(services.ValidationFailed) as caught:
        services.valid_host(host)
    assert caught.value.errors == {"host": [caught.value.errors["host"][0]]}
