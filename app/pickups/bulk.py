"""Return shipments in bulk, from JSON rows or a CSV file, for the agency's own dossiers.

All or nothing: every row is checked (schema, then the registry's rules); if any row is bad
the answer is 422 with each bad row's errors under `rows.<n>.<field>` (n counts data rows
from 1, the header excluded) and no shipment is kept.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator
from typing import Any

from marshmallow import ValidationError

from app.access import agency_for
from app.accounts.models import User
from app.errors import DomainError, ValidationFailed, flatten_messages
from app.extensions import db
from app.geo.services import COMMUNE_CODE, get_commune
from app.shipments.models import Shipment
from app.shipments.schemas import ShipmentIn
from app.shipments.services import create_shipment

# One district's results in a day (UI.md §3: 200–1,600 a working day for a whole province).
MAX_ROWS = 2000
PROGRESS_EVERY = 25
CSV_COLUMNS = ("dossier_code", "procedure", "recipient_name", "recipient_phone", "recipient_id_number",
               "address_line", "unit_code", "document", "original", "count", "weight_g",
               "collect_fee_vnd", "beneficiary_category", "beneficiary_certificate")
TRUE_WORDS = {"1", "true", "x", "có", "co", "yes", "bản chính", "ban chinh"}
FALSE_WORDS = {"0", "false", "", "không", "khong", "no", "bản sao", "ban sao"}


REQUIRED_COLUMNS = ("dossier_code", "recipient_name", "recipient_phone", "address_line", "unit_code",
                    "document")
# The CSV column each field of a row's shipment body comes from (_body), to name a bad value
# by the column the officer fixes.
COLUMN_OF = {
    "dossier.code": "dossier_code", "dossier.procedure": "procedure", "recipient.name": "recipient_name",
    "recipient.phone": "recipient_phone", "recipient.id_number": "recipient_id_number",
    "recipient.address.line": "address_line", "recipient.address.unit_code": "unit_code",
    "items.0.name": "document", "items.0.original": "original", "items.0.count": "count",
    "weight_g": "weight_g", "collect_fee_vnd": "collect_fee_vnd",
    "beneficiary.category": "beneficiary_category", "beneficiary.certificate": "beneficiary_certificate",
}


class InvalidRows(DomainError, status=422, code="invalid_rows", title="Validation failed"):
    """Rows of a bulk upload refused, each named by its number; none is created."""


class MissingColumns(ValidationFailed):
    """A CSV header without the columns every row needs."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("file", f"Missing columns: {', '.join(missing)}; expected {', '.join(CSV_COLUMNS)}.",
                         code="invalid_csv")
        self.missing = missing


def create_returns(actor: User, agency_code: str | None, rows: list[dict[str, Any]], *,
                   progress: Callable[[int, int], None] | None = None,
                   every: int = PROGRESS_EVERY) -> list[Shipment]:
    """All the rows' shipments, or InvalidRows naming every bad row. `progress(checked, total)`
    is called every `every` rows and after the last."""
    steps = returns_in_steps(actor, agency_code, rows, every=every)
    while True:
        try:
            checked = next(steps)
        except StopIteration as done:
            return done.value
        if progress is not None:
            progress(checked, len(rows))


def returns_in_steps(actor: User, agency_code: str | None, rows: list[dict[str, Any]], *,
                     every: int = PROGRESS_EVERY) -> Generator[int, None, list[Shipment]]:
    """create_returns one step at a time: yields how many rows are checked so far (every
    `every` rows and after the last), returns the shipments; for a caller that must answer
    between steps, as a page streaming its progress does. Flushes only, as every service."""
    agency = agency_for(actor, agency_code)
    if not 1 <= len(rows) <= MAX_ROWS:
        raise ValidationFailed("rows", f"Between 1 and {MAX_ROWS} rows.", code="row_count")
    sender = {"name": agency.name, "phone": agency.phone,
              "address": {"line": agency.address_line, "unit_code": agency.unit_code}}
    schema, errors = ShipmentIn(), {}
    created: list[Shipment] = []
    for n, row in enumerate(rows, 1):
        errors.update(_create_row(actor, schema, n, {"service": "return", "agency_code": agency.code,
                                                     "sender": sender, **row}, created))
        if n % every == 0 or n == len(rows):
            yield n
    if errors:
        bad = sorted({int(k.split(".")[1]) for k in errors})
        raise InvalidRows(f"{len(bad)} of {len(rows)} rows are invalid (rows {', '.join(map(str, bad))}); "
                          "nothing was created.", errors=errors)
    return created


def _create_row(actor: User, schema: ShipmentIn, n: int, body: dict[str, Any],
                created: list[Shipment]) -> dict[str, list[str]]:
    """Row n's shipment appended to `created`; or its errors under `rows.<n>.`, nothing kept."""
    try:
        data = schema.load(body)
    except ValidationError as exc:
        # The service would also refuse an unknown commune: say so now, so one upload shows all.
        errors = {**_unknown_commune(body), **flatten_messages(exc.messages)}
        return {f"rows.{n}.{k}": v for k, v in errors.items()}
    try:
        with db.session.begin_nested():
            created.append(create_shipment(actor, data))
    except DomainError as exc:
        fields = exc.errors or {"_row": [exc.detail]}
        return {f"rows.{n}.{k}": v for k, v in fields.items()}
    return {}


def _unknown_commune(body: dict[str, Any]) -> dict[str, list[str]]:
    recipient = body.get("recipient")
    address = recipient.get("address") if isinstance(recipient, dict) else None
    code = address.get("unit_code") if isinstance(address, dict) else None
    if isinstance(code, str) and COMMUNE_CODE.fullmatch(code) and get_commune(code) is None:
        return {"recipient.address.unit_code": [f"Unknown commune code {code!r}."]}
    return {}


def create_returns_from_csv(actor: User, agency_code: str | None, raw: bytes) -> list[Shipment]:
    return create_returns(actor, agency_code, rows_from_csv(raw))


def rows_from_csv(raw: bytes) -> list[dict[str, Any]]:
    """CSV rows as shipment bodies (UTF-8, with or without BOM; comma or semicolon)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("file", "The CSV must be UTF-8.", code="invalid_csv") from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": the csv module reads \r, \n and \r\n itself, inside quoted fields too.
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        return _rows(reader)
    except csv.Error as exc:
        raise ValidationFailed("file", f"Not readable as CSV: {exc}.", code="invalid_csv") from None


def _rows(reader: csv.DictReader[str]) -> list[dict[str, Any]]:
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise MissingColumns(missing)
    reader.fieldnames = header
    return [_body(row) for row in reader]


def _body(row: dict[str, Any]) -> dict[str, Any]:
    get = lambda key: (row.get(key) or "").strip()  # noqa: E731
    recipient: dict[str, Any] = {"name": get("recipient_name"), "phone": get("recipient_phone"),
                                 "address": {"line": get("address_line"), "unit_code": get("unit_code")}}
    if get("recipient_id_number"):
        recipient["id_number"] = get("recipient_id_number")
    body: dict[str, Any] = {
        "dossier": {"code": get("dossier_code"), "procedure": get("procedure") or None},
        "recipient": recipient,
        "items": [{"name": get("document"), "original": _flag(get("original") or "1"),
                   "count": _number(get("count") or "1")}],
        "weight_g": _number(get("weight_g") or "100"),
        "collect_fee_vnd": _number(get("collect_fee_vnd") or "0"),
    }
    if get("beneficiary_category"):
        body["beneficiary"] = {"category": get("beneficiary_category"),
                               "certificate": get("beneficiary_certificate")}
    return body


def _number(text: str) -> Any:
    digits = text.replace(".", "").replace(" ", "")  # 30.000 is thirty thousand đồng
    return int(digits) if digits.isdigit() else text  # the schema names what is not a number


def _flag(text: str) -> Any:
    low = text.lower()
    return True if low in TRUE_WORDS else False if low in FALSE_WORDS else text
