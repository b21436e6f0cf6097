"""The agency's return shipments: one by one on the counter's slip, with the service, the agency
and the sender fixed to the officer's agency; or many from a CSV file, all or nothing, as
POST /api/v1/pickups/returns.csv takes it (app.pickups.bulk).

An upload is checked and created in one request and one transaction. The page's script asks for
the answer as a stream of NDJSON lines (`{"checked": n, "total": N}` as the rows go, then the
result); without the script the form posts as any form and gets the result page."""
from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import (
    flash,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.audit.services import remote_addr
from app.errors import DomainError, flatten_messages
from app.extensions import db, sqlite_begin
from app.orgs.models import Agency
from app.pickups import bulk
from app.shipments.schemas import ShipmentIn
from app.vocabulary import Beneficiary, Service
from app.web.agency.routes import bp
from app.web.counter import intake
from app.web.forms import in_reader_language
from app.web.session import current_staff

log = logging.getLogger(__name__)

SHIPMENT_IN = ShipmentIn()
SHIPMENT_PAGE = "agency.shipment"  # the portal's page of one shipment, once it exists
STREAM = "application/x-ndjson"
FILE_FIELD = "file"


# --- one by one: the counter's slip, the agency's parts fixed ---------------------------------

@bp.get("/returns/new")
def new_return() -> Response:
    return _return_form()


@bp.post("/returns/new")
def create_return() -> Response:
    agency = _agency()
    # Errors about the fixed parts name no field of this form: they go to the form's alert.
    return intake.create_from_slip(lambda: intake.shipment_body(_as_return(request.form, agency),
                                                                SHIPMENT_IN),
                                   _return_form, SHIPMENT_PAGE, "agency.new_return",
                                   lambda number: _("Đã tạo bưu gửi trả %(number)s.", number=number))


@bp.post("/returns/quote")
def quote_return() -> str:
    """The fee quote beside the slip (htmx), priced with the agency as the sender."""
    return render_template("counter/_quote.html", quote=intake.quote_for(_as_return(request.form, _agency()),
                                                                         SHIPMENT_IN),
                           zone_text=intake.zone_text, distance_text=intake.distance_text,
                           fee_line_text=intake.fee_line_text)


@bp.get("/returns/communes")
def return_communes() -> str:
    """The recipient's commune picker's choices (htmx), as the counter's."""
    return render_template("counter/_communes.html", picker="recipient",
                           choices=intake.commune_choices(request.args.get("_commune", "")))


def _agency() -> Agency:
    agency = current_staff().agency
    assert agency is not None  # the role_affiliation constraint: an agency officer has one
    return agency


def _as_return(form: Mapping[str, str], agency: Agency) -> MultiDict[str, str]:
    """The slip as posted, with what the officer may not choose set to their agency's: a return,
    from the agency (a posted sender or agency_code is replaced, never trusted)."""
    fixed = {"service": "return", "agency_code": agency.code, "sender.name": agency.name,
             "sender.phone": agency.phone or "", "sender.address.line": agency.address_line,
             "sender.address.unit_code": agency.unit_code}
    kept = [(name, value) for name, value in form.items() if name not in fixed]
    return MultiDict([*fixed.items(), *kept])


def _return_form(errors: dict[str, str] | None = None, message: str | None = None,
                 status: int = 200) -> Response:
    agency = _agency()
    page = render_template("agency/returns_new.html", errors=errors or {}, message=message,
                           values=request.form, agency=agency, sender=intake.agency_party(agency.code),
                           service=Service.return_, items=intake.item_rows(request.form),
                           communes=intake.chosen_communes(request.form), beneficiaries=tuple(Beneficiary))
    return make_response(page, status)


# --- many: a CSV file, all or nothing -------------------------------------------------------

@bp.get("/returns")
def returns() -> Response:
    return _upload_page()


@bp.get("/returns/template.csv")
def returns_template() -> Response:
    """A file to fill: UTF-8 with a BOM (so Excel reads the accents), the columns and one example."""
    agency = _agency()
    example = {"dossier_code": "000.00.12.H56-261201-0001", "procedure": "Cấp giấy khai sinh",
               "recipient_name": "Nguyễn Thị Hoa", "recipient_phone": "0912345678", "recipient_id_number": "",
               "address_line": "Số 5 đường Lê Lợi, tổ dân phố 3", "unit_code": agency.unit_code,
               "document": "Giấy khai sinh (bản chính)", "original": "có", "count": "1", "weight_g": "100",
               "collect_fee_vnd": "0", "beneficiary_category": "", "beneficiary_certificate": ""}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=bulk.CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(example)
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="mau-buu-gui-tra.csv"'})


@bp.post("/returns/upload")
def upload_returns() -> Response:
    upload = request.files.get(FILE_FIELD)
    raw = upload.read() if upload is not None and upload.filename else None
    if request.accept_mimetypes.best == STREAM:
        # The after_request commit has run before a streamed body is made: the stream holds
        # its own transaction, committed at the end or rolled back (client gone included).
        return Response(stream_with_context(_upload_stream(current_staff().id, raw)), content_type=STREAM,
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    if raw is None:
        return _upload_page(Outcome(problem=_("Chọn tệp CSV để tải lên.")), 422)
    rows: list[dict[str, Any]] = []
    try:
        rows = bulk.rows_from_csv(raw)
        created = bulk.create_returns(current_staff(), None, rows)
    except DomainError as exc:  # the request's rollback keeps nothing of it
        return _upload_page(_refusal(exc, rows), exc.status)
    flash(_("Đã tạo %(count)s bưu gửi trả.", count=_number(len(created))), "success")
    return redirect(url_for("agency.returns"), code=303)


@dataclass(frozen=True)
class BadRow:
    line: int  # as a spreadsheet numbers it: line 1 is the header
    dossier_code: str
    recipient_name: str
    problems: list[tuple[str, str]]  # (column, message)


@dataclass(frozen=True)
class Outcome:
    created: int | None = None
    total: int = 0
    bad_rows: tuple[BadRow, ...] = ()
    problem: str | None = None


def _upload_stream(user_id: int, raw: bytes | None) -> Iterator[str]:
    remote_addr.set(request.remote_addr)  # the request's teardown has reset them already
    sqlite_begin.set("BEGIN IMMEDIATE")
    saved = False
    try:
        if raw is None:
            yield _line(_final(Outcome(problem=_("Chọn tệp CSV để tải lên."))))
            return
        actor = db.session.get(User, user_id)
        assert actor is not None
        rows: list[dict[str, Any]] = []
        try:
            rows = bulk.rows_from_csv(raw)
            steps = bulk.returns_in_steps(actor, None, rows)
            yield _line({"checked": 0, "total": len(rows)})
            while True:
                try:
                    checked = next(steps)
                except StopIteration as done:
                    created = len(done.value)
                    break
                yield _line({"checked": checked, "total": len(rows)})
            db.session.commit()
            saved = True
        except DomainError as exc:
            db.session.rollback()  # before the answer: a slow reader holds no lock
            yield _line(_final(_refusal(exc, rows)))
            return
        except IntegrityError:
            db.session.rollback()
            yield _line(_final(Outcome(problem=_("Một hồ sơ trong tệp vừa được gửi ở nơi khác. "
                                                 "Chưa lưu gì; hãy tải tệp lên lại."))))
            return
        yield _line(_final(Outcome(created=created, total=len(rows))))
    except Exception:
        log.exception("a streamed upload of return shipments failed")
        db.session.rollback()
        yield _line(_final(Outcome(problem=_("Lỗi máy chủ: chưa lưu gì. Hãy thử lại sau."))))
    finally:
        if not saved:  # a bad file, an error, or the officer gone mid-way: nothing half-written
            db.session.rollback()


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False) + "\n"


def _final(outcome: Outcome) -> dict[str, Any]:
    return {"done": True, "created": outcome.created, "total": outcome.total,
            "bad_rows": len(outcome.bad_rows),
            "html": render_template("agency/_returns_result.html", outcome=outcome)}


def _upload_page(outcome: Outcome | None = None, status: int = 200) -> Response:
    page = render_template("agency/returns.html", max_rows=bulk.MAX_ROWS, columns=bulk.CSV_COLUMNS,
                           required=bulk.REQUIRED_COLUMNS, outcome=outcome)
    return make_response(page, status)


def _refusal(exc: DomainError, rows: list[dict[str, Any]]) -> Outcome:
    if isinstance(exc, bulk.InvalidRows):
        return Outcome(total=len(rows), bad_rows=tuple(_bad_rows(exc.errors or {}, rows)))
    if isinstance(exc, bulk.MissingColumns):
        return Outcome(problem=_("Tệp thiếu cột %(columns)s. Hãy dùng tệp mẫu: dòng đầu là tên các cột.",
                                 columns=", ".join(exc.missing)))
    if exc.code == "row_count":
        return Outcome(total=len(rows), problem=_("Tệp có %(count)s dòng dữ liệu; mỗi lần tải lên từ 1 đến "
                                                  "%(most)s dòng.", count=_number(len(rows)),
                                                  most=_number(bulk.MAX_ROWS)))
    if exc.code == "invalid_csv" and "UTF-8" in exc.detail:
        return Outcome(problem=_("Tệp không phải CSV UTF-8. Trong Excel, chọn Lưu thành › CSV UTF-8."))
    if exc.code == "invalid_csv":
        return Outcome(problem=_("Không đọc được tệp CSV này. Hãy dùng tệp mẫu."))
    return Outcome(problem=_("Không thể tạo các bưu gửi này (%(code)s).", code=exc.code))


def _bad_rows(errors: dict[str, list[str]], rows: list[dict[str, Any]]) -> list[BadRow]:
    """`rows.<n>.<field>` errors grouped by row, in the officer's words, named by CSV column."""
    by_row: dict[int, list[tuple[str, str]]] = {}
    for key, texts in flatten_messages(errors).items():
        _, n, field = key.split(".", 2)
        value = _value_at(rows[int(n) - 1], field) if int(n) <= len(rows) else None
        by_row.setdefault(int(n), []).append((bulk.COLUMN_OF.get(field, ""), _row_message(texts[0], value)))
    return [BadRow(line=n + 1, dossier_code=str(_value_at(rows[n - 1], "dossier.code") or ""),
                   recipient_name=str(_value_at(rows[n - 1], "recipient.name") or ""), problems=problems)
            for n, problems in sorted(by_row.items())]


def _value_at(row: Any, path: str) -> Any:
    for key in path.split("."):
        if isinstance(row, list) and key.isdigit() and int(key) < len(row):
            row = row[int(key)]
        elif isinstance(row, dict):
            row = row.get(key)
        else:
            return None
    return row


_ROW_MESSAGES = {
    "Already shipped.": lambda: _("Hồ sơ này đã có bưu gửi trả chưa kết thúc (có thể ở dòng trên)."),
    "Not a valid boolean.": lambda: _("Ghi có/không, 1/0 hoặc bản chính/bản sao."),
}


def _row_message(message: str, value: Any) -> str:
    if message in _ROW_MESSAGES:
        return _ROW_MESSAGES[message]()
    if message.startswith("Expected a one-stop code"):
        return _("Mã hồ sơ phải theo mẫu của cổng một cửa, ví dụ 000.00.12.H56-200313-0001.")
    return in_reader_language(message, empty=value is None or value == "")


def _number(count: int) -> str:
    return format_decimal(count)

