"""An office's network label printers (issue 14): the list with a form to add one, an edit,
and switching one off and on. Every change goes through app.printing.services (the API's rules
and audit entries); the counter's clerks then print a label to them in one click."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app.errors import Conflict, NotFound, ValidationFailed
from app.orgs import services as orgs
from app.orgs.models import Office
from app.printing import services as printing
from app.printing.models import RAW_PORT, Printer
from app.printing.schemas import PrinterIn, PrinterPatch
from app.web.admin.routes import bp
from app.web.forms import body_from_form, field_errors
from app.web.session import current_staff

FIELDS = ("name", "host", "port")
Page = tuple[str, int]


@bp.get("/offices/<code>/printers")
def printers(code: str) -> str:
    return _list_page(_office(code), {"port": str(RAW_PORT)}, {})


@bp.post("/offices/<code>/printers")
def add_printer(code: str) -> Response | Page:
    office, form = _office(code), request.form
    try:
        body = PrinterIn().load(body_from_form(form, integers=("port",)))
        printer = printing.register(current_staff(), office.code, **body)
    except (ValidationError, ValidationFailed, Conflict) as exc:
        errors, status = _errors(exc, form)
        return _list_page(office, form, errors), status
    flash(_("Đã thêm máy in %(name)s (%(address)s).", name=printer.name, address=printer.address), "success")
    return _listed(printer)


@bp.get("/printers/<int:printer_id>/edit")
def edit_printer(printer_id: int) -> str:
    printer = _printer(printer_id)
    values = {"name": printer.name, "host": printer.host, "port": str(printer.port)}
    return render_template("admin/printer_form.html", printer=printer, values=values, errors={})


@bp.post("/printers/<int:printer_id>/edit")
def update_printer(printer_id: int) -> Response | Page:
    printer, form = _printer(printer_id), request.form
    try:
        body = body_from_form(form, integers=("port",))
        for name in FIELDS:  # an emptied field is refused, not left as it was
            body.setdefault(name, "")
        printing.update(current_staff(), printer.id, PrinterPatch().load(body))
    except (ValidationError, ValidationFailed, Conflict) as exc:  # refused before anything changed
        errors, status = _errors(exc, form)
        return render_template("admin/printer_form.html", printer=printer, values=form, errors=errors), status
    flash(_("Đã lưu máy in %(name)s.", name=printer.name), "success")
    return _listed(printer)


@bp.post("/printers/<int:printer_id>/active")
def set_printer_active(printer_id: int) -> Response:
    active = request.form.get("active") == "1"
    printer = printing.update(current_staff(), _printer(printer_id).id, {"active": active})
    flash(_("Đã dùng lại máy in %(name)s.", name=printer.name) if active else
          _("Đã ngừng máy in %(name)s: giao dịch viên không còn thấy nút in tới máy này.", name=printer.name),
          "success")
    return _listed(printer)


def _list_page(office: Office, values: Mapping[str, Any], errors: dict[str, str]) -> str:
    return render_template("admin/printers.html", office=office, values=values, errors=errors,
                           printers=printing.list_for_office(current_staff(), office.code))


def _errors(exc: ValidationError | ValidationFailed | Conflict,
            form: Mapping[str, str]) -> tuple[dict[str, str], int]:
    """What was refused, beside the field, in the reader's words."""
    if isinstance(exc, Conflict):
        return {"name": _("Bưu cục đã có máy in tên này; đặt tên khác.")}, 409
    errors = field_errors(exc.messages if isinstance(exc, ValidationError) else exc.errors, form)
    if errors.get("host") and form.get("host", "").strip():
        errors["host"] = _("Nhập tên máy (ví dụ zebra-quay1) hoặc địa chỉ IP (ví dụ 192.168.1.50).")
    if errors.get("port") and form.get("port", "").strip():
        errors["port"] = _("Cổng TCP từ 1 đến 65535; máy in nhãn thường dùng 9100.")
    return errors, 422


def _listed(printer: Printer) -> Response:
    return redirect(url_for("admin.printers", code=printer.office.code, _anchor=f"printer-{printer.id}"),
                    code=303)


def _office(code: str) -> Office:
    office = orgs.office_by_code(code)
    if office is None:
        abort(404)
    return office


def _printer(printer_id: int) -> Printer:
    try:
        return printing.get(current_staff(), printer_id)
    except NotFound:
        abort(404)
