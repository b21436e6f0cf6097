"""The agency's on-time report (TT17 Điều 6–8) over its own shipments, grouped by week, service
or zone, with the CSV and XLSX the API serves, downloaded here with the session cookie (the API
takes bearer tokens only)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate
from werkzeug.wrappers import Response

from app import clock
from app.errors import ValidationFailed
from app.files import file_response
from app.reports import exports, service_standard
from app.reports.schemas import ServiceStandardQuery
from app.reports.xlsx import MIMETYPE as XLSX
from app.vocabulary import Service
from app.web.agency.routes import bp
from app.web.forms import field_errors
from app.web.i18n import ZONE_NAMES, vocabulary_text
from app.web.session import current_staff

GROUPS = ("week", "service", "zone")  # an agency's report: its own shipments, no office or agency split
DEFAULT_DAYS = 30


class AgencyReportQuery(ServiceStandardQuery):
    group_by = fields.String(load_default="week", validate=validate.OneOf(GROUPS))


REPORT_QUERY = AgencyReportQuery()


@bp.get("/report")
def report() -> tuple[str, int]:
    args = _given()
    try:
        result = _report(args)
    except ValidationError as exc:
        return _page(args, None, field_errors(exc.messages, args)), 422
    except ValidationFailed as exc:
        return _page(args, None, field_errors(exc.errors, args)), 422
    return _page(args, result, {}), 200


@bp.get("/report.csv")
def report_csv() -> Response:
    result = _refused_as_page(_given())
    return file_response(service_standard.report_csv(result), _name(result, "csv"), "text/csv", download=True)


@bp.get("/report.xlsx")
def report_xlsx() -> Response:
    result = _refused_as_page(_given())
    return file_response(exports.service_standard_xlsx(result), _name(result, "xlsx"), XLSX, download=True)


def _given() -> dict[str, str]:
    today = clock.today_in_province()
    return {"from": request.args.get("from") or (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
            "to": request.args.get("to") or today.isoformat(),
            "group_by": request.args.get("group_by") or "week"}


def _report(args: dict[str, str]) -> service_standard.Report:
    query = REPORT_QUERY.load(args)
    return service_standard.service_standard(current_staff(), query["date_from"], query["date_to"],
                                             query["group_by"])


def _refused_as_page(args: dict[str, str]) -> service_standard.Report:
    """A download asked with refused parameters is a 422 error page (the form says why)."""
    try:
        return _report(args)
    except ValidationError as exc:
        raise ValidationFailed("report", str(exc.messages)) from exc


def _name(result: service_standard.Report, ext: str) -> str:
    return (f"chi-tieu-thoi-gian-{result.group_by}-{result.date_from:%Y%m%d}-{result.date_to:%Y%m%d}"
            f".{ext}")


def _label(group_by: str, key: str, label: str) -> str:
    """A group's name in the reader's language (the report speaks Vietnamese to files)."""
    if group_by == "zone":
        return str(ZONE_NAMES.get(key, _("Không xác định")))
    if group_by == "service":
        return vocabulary_text(Service(key))
    year, week = key.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    first, last = monday.strftime("%d/%m"), (monday + timedelta(days=6)).strftime("%d/%m")
    return _("Tuần %(week)s/%(year)s (%(monday)s–%(sunday)s)", week=week, year=year,
             monday=first, sunday=last)


def _page(args: dict[str, str], result: service_standard.Report | None, errors: dict[str, str]) -> str:
    rows: list[dict[str, Any]] = []
    if result is not None:
        rows = [{"label": _label(result.group_by, g.key, g.label), "group": g} for g in result.groups]
    return render_template("agency/report.html", args=args, result=result, rows=rows, errors=errors,
                           groups=GROUPS)
