"""Printers of an office (registered by admins, or a supervisor for their own office) and a
shipment's ZPL sent to one of them over raw TCP, as the counter's one-click printing does.

Who may do what:
- manage (register, edit, deactivate): admins for any office; supervisors for their own office;
- see an office's printers: admins and supervisors any office's, clerks their own office's;
- print: clerks to the active printers of their own office, supervisors to any active printer.
A printer the caller may not use answers 404, as a shipment they may not see does.

Sending never changes the shipment: the clerk may send again, or print the PDF. The whole
exchange (name lookup, connect, send, the printer taking the bytes) is bounded by one deadline
of `TIMEOUT_SECONDS`, so no request waits on a printer for longer than that.
"""
from __future__ import annotations

import errno
import fcntl
import ipaddress
import logging
import re
import socket
import struct
import termios
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from app import clock
from app.accounts.models import Role, User
from app.audit.services import record as audit
from app.db import assign
from app.delivery import collection
from app.errors import Conflict, Forbidden, NotFound, Unavailable, ValidationFailed
from app.extensions import db
from app.labels import services as labels
from app.orgs.services import office_named
from app.printing.models import RAW_PORT, Printer
from app.shipments import services as shipments

log = logging.getLogger(__name__)

# One deadline for the whole exchange with a printer; a request never waits longer (the web
# and API requests that print stay well under 5 s). PRINTER_TIMEOUT_SECONDS in the app's
# config may lower it (tests) or raise it up to MAX_TIMEOUT_SECONDS.
TIMEOUT_SECONDS = 3.0
MAX_TIMEOUT_SECONDS = 4.5
EDITABLE = ("name", "host", "port", "active")
LABEL_TEMPLATE = "a6"
HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")


class PrinterUnreachable(Unavailable, code="printer_unreachable", title="Printer unreachable"):
    """The printer did not take the bytes in time (or refused them); nothing was changed.
    `detail` says so in Vietnamese (the reader is the clerk at the counter)."""


# --- what documents may be sent -------------------------------------------------------------

def _label(actor: User, tracking_number: str) -> bytes:
    return labels.label_zpl(actor, tracking_number, LABEL_TEMPLATE).encode("utf-8")


def _notice(actor: User, tracking_number: str) -> bytes:
    return collection.notice_zpl(actor, tracking_number).encode("utf-8")


DOCUMENTS: dict[str, Callable[[User, str], bytes]] = {"label": _label, "notice": _notice}


# --- the printers ---------------------------------------------------------------------------

def list_for_office(actor: User, office_code: str, *, active_only: bool = False) -> list[Printer]:
    office = office_named(office_code)
    if actor.role not in (Role.admin, Role.supervisor) and actor.office_id != office.id:
        raise Forbidden("Clerks see their own office's printers.", code="other_office")
    return _of_office(office.id, active_only=active_only)


def usable_by(actor: User, office_id: int | None) -> list[Printer]:
    """The active printers the actor may print to at the counter of `office_id`."""
    if office_id is None or not _may_print(actor, office_id):
        return []
    return _of_office(office_id, active_only=True)


def get(actor: User, printer_id: int) -> Printer:
    """A printer the actor may see (manage or print to); others are not found."""
    printer = db.session.get(Printer, printer_id)
    if printer is None or not (_may_manage(actor, printer.office_id) or _may_print(actor, printer.office_id)):
        raise NotFound(f"No printer {printer_id}.", code="printer_not_found")
    return printer


def register(actor: User, office_code: str, *, name: str, host: str, port: int = RAW_PORT) -> Printer:
    office = office_named(office_code)
    if not _may_manage(actor, office.id):
        raise Forbidden("Admins manage printers; supervisors those of their own office.",
                        code="other_office")
    host, port = valid_host(host), valid_port(port)
    _name_free(office.id, name)
    now = clock.now()
    printer = Printer(office_id=office.id, name=name, host=host, port=port, active=True,
                      created_at=now, updated_at=now)
    db.session.add(printer)
    db.session.flush()
    audit(actor, "printer.create", "printer", printer.id,
          {"office": office.code, "name": name, "host": host, "port": port})
    return printer


def update(actor: User, printer_id: int, changes: Mapping[str, Any]) -> Printer:
    """Change a printer's name, address or port, or switch it off and on."""
    printer = _managed(actor, printer_id)
    if "host" in changes:
        changes = {**changes, "host": valid_host(changes["host"])}
    if "port" in changes:
        changes = {**changes, "port": valid_port(changes["port"])}
    if "name" in changes and changes["name"] != printer.name:
        _name_free(printer.office_id, changes["name"])
    detail = assign(printer, changes, EDITABLE)
    if detail:
        printer.updated_at = clock.now()
        db.session.flush()
        action = ("printer.deactivate" if detail.get("active") is False else
                  "printer.activate" if set(detail) == {"active"} else "printer.update")
        audit(actor, action, "printer", printer.id, {"office": printer.office.code, **detail})
    return printer


def deactivate(actor: User, printer_id: int) -> Printer:
    """A deactivated printer is kept (the audit names it) but offered to nobody."""
    return update(actor, printer_id, {"active": False})


def valid_host(value: str) -> str:
    """A hostname or an IP address (v4 or v6) a printer may have: not a wildcard, multicast
    or broadcast address."""
    host = value.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not HOSTNAME.match(host) or re.fullmatch(r"[0-9.]+", host):
            raise ValidationFailed("host", "Not a hostname or an IP address.", code="invalid_host") from None
        return host.rstrip(".").lower()
    if address.is_unspecified or address.is_multicast or address == ipaddress.IPv4Address("255.255.255.255"):
        raise ValidationFailed("host", "Not an address a printer can have.", code="invalid_host")
    return str(address)


def valid_port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValidationFailed("port", "A TCP port: 1 to 65535 (printers: 9100).", code="invalid_port")
    return value


# --- printing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    printer: Printer
    tracking_number: str
    document: str
    bytes_sent: int
    seconds: float


def print_document(actor: User, tracking_number: str, printer_id: int, document: str = "label") -> Sent:
    """Send a shipment's document (its label's ZPL) to a printer the actor may print to.
    The shipment is read, never changed; the print is audited once the printer took it."""
    number = shipments.normalise_tracking_number(tracking_number)
    printer = db.session.get(Printer, printer_id)
    if printer is None or not _may_print(actor, printer.office_id):
        raise NotFound(f"No printer {printer_id}.", code="printer_not_found")
    if not printer.active:
        raise Conflict(f"Printer {printer.name!r} is deactivated.", code="printer_inactive")
    if document not in DOCUMENTS:
        raise ValidationFailed("document", f"One of: {', '.join(DOCUMENTS)}.", code="unknown_document")
    payload = DOCUMENTS[document](actor, number)
    # Nothing is written before the printer has the bytes: end the reading transaction, so no
    # lock (on SQLite every POST begins with BEGIN IMMEDIATE, the write lock) and no snapshot is
    # held for the seconds a printer may take. The audit entry then has a short one of its own.
    db.session.commit()
    seconds = send(printer, payload)
    audit(actor, "shipment.print", "shipment", number,
          {"printer_id": printer.id, "printer": printer.name, "office": printer.office.code,
           "document": document, "bytes": len(payload)})
    return Sent(printer, number, document, len(payload), seconds)


def send(printer: Printer, payload: bytes) -> float:
    """Write `payload` to the printer's raw port and wait until its TCP stack has taken every
    byte (acknowledged), all within the deadline; the seconds it took. PrinterUnreachable
    (Vietnamese detail) when the name does not resolve, the connection is refused or fails,
    or the deadline passes."""
    limit = timeout_seconds()
    started = time.monotonic()
    deadline = started + limit
    try:
        _send(printer.host, printer.port, payload, deadline)
    except socket.gaierror as exc:
        raise _unreachable(printer, "printer_unresolved", exc, started) from None
    except TimeoutError as exc:
        raise _unreachable(printer, "printer_timeout", exc, started) from None
    except ConnectionRefusedError as exc:
        raise _unreachable(printer, "printer_refused", exc, started) from None
    except OSError as exc:
        raise _unreachable(printer, "printer_unreachable", exc, started) from None
    return time.monotonic() - started


def timeout_seconds() -> float:
    configured = current_app.config.get("PRINTER_TIMEOUT_SECONDS") or TIMEOUT_SECONDS
    return min(float(configured), MAX_TIMEOUT_SECONDS)


def _send(host: str, port: int, payload: bytes, deadline: float) -> None:
    addresses = _resolve(host, port, deadline)
    failure: OSError = OSError(errno.EHOSTUNREACH, "no address")
    for family, address in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(_left(deadline))
            try:
                sock.connect(address)
            except ConnectionRefusedError as exc:
                failure = exc
                continue  # another address of the name may answer
            sock.settimeout(_left(deadline))
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            _wait_taken(sock, deadline)
            return
        finally:
            sock.close()
    raise failure


def _resolve(host: str, port: int, deadline: float) -> list[tuple[int, Any]]:
    """(family, sockaddr) of the host; a name is looked up in a thread of its own, so a slow
    resolver cannot hold the request past the deadline."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [(socket.AF_INET6 if ip.version == 6 else socket.AF_INET, (str(ip), port))]
    found: list[Any] = []
    failed: list[OSError] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            failed.append(exc)
        except (UnicodeError, ValueError) as exc:  # a name IDNA cannot encode resolves to nothing
            failed.append(socket.gaierror(socket.EAI_NONAME, str(exc)))

    worker = threading.Thread(target=lookup, name="printer-lookup", daemon=True)
    worker.start()
    worker.join(_left(deadline))
    if worker.is_alive():
        raise TimeoutError(f"looking up {host} took too long")
    if failed:
        raise failed[0]
    return [(family, sockaddr) for family, _type, _proto, _name, sockaddr in found][:4]


def _wait_taken(sock: socket.socket, deadline: float) -> None:
    """Until the peer has acknowledged every byte sent (Linux: nothing left in the send
    queue). A printer that accepts but does not read (its buffer full) never acknowledges."""
    while _unacknowledged(sock):
        if time.monotonic() >= deadline:
            raise TimeoutError("the printer did not take the data")
        time.sleep(0.005)
    error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if error:
        raise OSError(error, "the printer reset the connection")


def _unacknowledged(sock: socket.socket) -> int:
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")  # SIOCOUTQ for TCP
    except OSError:
        return 0  # the platform does not say: what the kernel has taken is sent
    return int(struct.unpack("i", raw)[0])


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left


# What the clerk reads (problem `detail`), in Vietnamese: the counter's language. The pages
# say the same through their catalogue (app/web/counter/printing.py, in the reader's language).
ADVICE = "Kiểm tra máy in đã bật và nối mạng, rồi thử lại; hoặc in bằng PDF."
MESSAGES = {
    "printer_timeout": "Máy in %(name)s (%(address)s) không trả lời sau %(seconds)s giây.",
    "printer_refused": "Máy in %(name)s (%(address)s) từ chối kết nối: máy in đang tắt, bận hoặc sai cổng.",
    "printer_unresolved": "Không tìm thấy máy in %(name)s: không tra được địa chỉ của tên máy %(host)s.",
    "printer_unreachable": "Không kết nối được tới máy in %(name)s (%(address)s).",
}


def _unreachable(printer: Printer, code: str, exc: OSError, started: float) -> PrinterUnreachable:
    elapsed = time.monotonic() - started
    log.warning("printer %s (%s) at %s: %s after %.2f s: %s", printer.id, printer.name, printer.address,
                code, elapsed, exc)
    facts = {"name": printer.name, "address": printer.address, "host": printer.host,
             "seconds": f"{timeout_seconds():g}"}
    return PrinterUnreachable(f"{MESSAGES[code] % facts} {ADVICE}", code=code,
                              printer={"id": printer.id, "name": printer.name, "host": printer.host,
                                       "port": printer.port, "address": printer.address},
                              timeout_seconds=timeout_seconds())


# --- who may ---------------------------------------------------------------------------------

def _may_manage(actor: User, office_id: int) -> bool:
    return actor.role is Role.admin or (actor.role is Role.supervisor and actor.office_id == office_id)


def _may_print(actor: User, office_id: int) -> bool:
    return actor.role is Role.supervisor or (actor.role is Role.clerk and actor.office_id == office_id)


def _managed(actor: User, printer_id: int) -> Printer:
    printer = get(actor, printer_id)
    if not _may_manage(actor, printer.office_id):
        raise Forbidden("Admins manage printers; supervisors those of their own office.",
                        code="other_office")
    return printer


def _of_office(office_id: int, *, active_only: bool) -> list[Printer]:
    stmt = select(Printer).where(Printer.office_id == office_id).order_by(Printer.name, Printer.id)
    if active_only:
        stmt = stmt.where(Printer.active)
    return list(db.session.scalars(stmt))


def _name_free(office_id: int, name: str) -> None:
    taken = db.session.scalar(select(Printer.id).where(Printer.office_id == office_id, Printer.name == name))
    if taken is not None:
        raise Conflict(f"The office has a printer named {name!r} already.", code="printer_exists")
