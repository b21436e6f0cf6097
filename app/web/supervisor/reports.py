"""The supervisor's reports: the service-standard report (TT17 Điều 6–8) with its charts and
late items, and the subsidy claim; each with the same CSV and XLSX files as the API's."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from flask import render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app import clock
from app.errors import ValidationFailed, flatten_messages
from app.fees.models import DiscountPolicy
from app.fees.services import list_policies
from app.files import file_response
from app.money.schemas import ClaimQuery
from app.orgs.services import list_offices
from app.reports import exports, service_standard, subsidy
from app.reports.schemas import ServiceStandardQuery
from app.reports.xlsx import MIMETYPE as XLSX
from app.web import charts
from app.web.forms import in_reader_language
from app.web.i18n import ZONE_NAMES
from app.web.session import current_staff
from app.web.supervisor.routes import bp

REPORT_QUERY = ServiceStandardQuery()
CLAIM_QUERY = ClaimQuery()
CHARTS = ("week", "office", "zone")
DOWNLOADS = ("week", "office", "zone", "service", "agency")
DEFAULT_WEEKS = 12
CLAIM_LISTED = 200  # the page lists the first items; the files hold them all
ReportAnswer = tuple[str, int] | Response
T = TypeVar("T")


# --- the period's fields -----------------------------------------------------------------------

def period_errors(messages: Any) -> dict[str, str]:
    """marshmallow's or a service's messages about a period (and its office or policy), in
    the reader's words beside the field they name: the period's own here, the rest as every
    page says them (app.web.forms.in_reader_language)."""
    out: dict[str, str] = {}
    for name, texts in flatten_messages(messages).items():
        text = texts[0]
        if text.startswith("Expected a date between"):
            out[name] = _("Ngày phải trong khoảng từ năm 2000 đến năm 2099.")
        elif text.startswith("Not a valid date"):
            out[name] = _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm.")
        elif text.startswith("The period ends"):
            out[name] = _("Ngày kết thúc không được trước ngày bắt đầu.")
        elif text.startswith("A report covers at most"):
            out[name] = _("Một báo cáo tính tối đa %(days)d ngày.", days=service_standard.MAX_DAYS)
        else:
            out[name] = in_reader_language(text)
    return out


def refused(exc: ValidationError | ValidationFailed) -> Any:
    """The messages of a refusal: the schema's (marshmallow) or the service's."""
    return exc.messages if isinstance(exc, ValidationError) else exc.errors


def refused_status(exc: ValidationError | ValidationFailed) -> int:
    return 422 if isinstance(exc, ValidationError) else exc.status


def _given(*names: str) -> dict[str, str]:
    return {name: request.args.get(name, "").strip() for name in names}


# --- the service-standard report ---------------------------------------------------------------

def _report_values() -> dict[str, str]:
    values = _given("from", "to", "office")
    today = clock.today_in_province()
    monday = today - timedelta(days=today.weekday(), weeks=DEFAULT_WEEKS - 1)
    return {**values, "from": values["from"] or monday.isoformat(), "to": values["to"] or today.isoformat()}


def _report_query(values: Mapping[str, str], group_by: str = "week") -> dict[str, Any]:
    """The API's query (ServiceStandardQuery): ValidationError when refused."""
    return REPORT_QUERY.load({**{k: v for k, v in values.items() if v}, "group_by": group_by})


@bp.get("/reports")
def reports() -> tuple[str, int]:
    values = _report_values()
    actor = current_staff()
    try:
        query = _report_query(values)
        found = {group_by: service_standard.service_standard(
            actor, query["date_from"], query["date_to"], group_by, query["office"]) for group_by in CHARTS}
        late = service_standard.late_items(actor, query["date_from"], query["date_to"], query["office"])
    except (ValidationError, ValidationFailed) as exc:
        return _reports_page(values, period_errors(refused(exc))), refused_status(exc)
    week_data = _weeks(found["week"])
    office_data = [charts.Datum(g.key, g.label, g.on_time_rate) for g in found["office"].groups]
    zone_data = [charts.Datum(g.key, str(ZONE_NAMES.get(g.key, g.label)), g.on_time_rate)
                 for g in found["zone"].groups]
    rate = _("Tỷ lệ đúng hạn")
    return _reports_page(
        values, {}, found=found, late=late,
        week_wide=charts.line_across(week_data, rate, _("Tuần (ngày thứ Hai)")),
        week_narrow=charts.line_down(week_data, rate, _("Tuần")),
        office_chart=charts.bars(office_data, rate), zone_chart=charts.bars(zone_data, rate),
        zone_names=ZONE_NAMES), 200


def _weeks(report: service_standard.Report) -> list[charts.Datum]:
    """Every week of the period, in order: one with nothing completed has no rate (a gap)."""
    by_key = {g.key: g for g in report.groups}
    monday = report.date_from - timedelta(days=report.date_from.weekday())
    data = []
    while monday <= report.date_to:
        year, week, _day = monday.isocalendar()
        key = f"{year}-W{week:02d}"
        group = by_key.get(key)
        title = _("Tuần %(week)02d/%(year)d (từ %(monday)s)", week=week, year=year,
                  monday=monday.strftime("%d/%m/%Y"))
        data.append(charts.Datum(key, monday.strftime("%d/%m"), group.on_time_rate if group else None, title))
        monday += timedelta(days=7)
    return data


def _reports_page(values: Mapping[str, str], errors: dict[str, str], **found: Any) -> str:
    return render_template("supervisor/reports.html", values=values, errors=errors, offices=list_offices(),
                           downloads=DOWNLOADS, percent=charts.percent, days=_days, **found)


def _download(ext: str, stem: str, found: T, as_csv: Callable[[T], bytes],
              as_xlsx: Callable[[T], bytes]) -> Response:
    """What was found as a CSV or XLSX file, downloaded as `stem.ext`."""
    if ext == "csv":
        return file_response(as_csv(found), f"{stem}.csv", "text/csv", download=True)
    return file_response(as_xlsx(found), f"{stem}.xlsx", XLSX, download=True)


def _file_routes(path: str, endpoint: str, view: Callable[[str], ReportAnswer]) -> None:
    """`path`.csv and `path`.xlsx (endpoints `endpoint`_csv and _xlsx), each answered by view(ext)."""
    for ext in ("csv", "xlsx"):
        def file_view(ext: str = ext) -> ReportAnswer:
            return view(ext)

        file_view.__name__ = file_view.__qualname__ = f"{endpoint}_{ext}"  # rate limits key on it
        bp.add_url_rule(f"{path}.{ext}", file_view.__name__, file_view, methods=["GET"])


def _days(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, "#,##0.##")


def _report_file(ext: str) -> ReportAnswer:
    values = _report_values()
    group_by = request.args.get("group_by", "office")
    try:
        query = _report_query(values, group_by)
        report = service_standard.service_standard(current_staff(), query["date_from"], query["date_to"],
                                                   query["group_by"], query["office"])
    except (ValidationError, ValidationFailed) as exc:
        return _reports_page(values, period_errors(refused(exc))), refused_status(exc)
    # The API's file and name (app/reports/routes.py).
    stem = f"chi-tieu-thoi-gian-{report.group_by}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
    return _download(ext, stem, report, service_standard.report_csv, exports.service_standard_xlsx)


_file_routes("/reports", "reports", _report_file)


# --- the subsidy claim -------------------------------------------------------------------------

def _claim_values(policies: list[DiscountPolicy]) -> dict[str, str]:
    """The policy named, or the newest; its window's last month (up to today) unless a period is named."""
    values = _given("policy", "from", "to")
    chosen = next((p for p in policies if p.code == values["policy"]), None)
    if not values["policy"] and policies:
        chosen = policies[0]
        values["policy"] = chosen.code
    if chosen is not None:
        today = clock.today_in_province()
        end = min(chosen.valid_to or today, today)
        values["to"] = values["to"] or end.isoformat()
        values["from"] = values["from"] or max(chosen.valid_from, date(end.year, end.month, 1)).isoformat()
    return values


def _claim(values: Mapping[str, str]) -> subsidy.Claim:
    query = CLAIM_QUERY.load({k: v for k, v in values.items() if v})
    return subsidy.subsidy_claim(query["policy"], query["date_from"], query["date_to"])


def _claim_answer(ext: str | None = None) -> ReportAnswer:
    """The claim's page, or (`ext`) its CSV or XLSX file; the page with the refusal if any."""
    policies = list_policies()
    values = _claim_values(policies)
    try:
        claim = _claim(values)
    except (ValidationError, ValidationFailed) as exc:
        return _subsidy_page(policies, values, period_errors(refused(exc))), refused_status(exc)
    if ext is None:
        return _subsidy_page(policies, values, {}, claim), 200
    # The API's file and name (app/money/routes.py, app/reports/routes.py).
    stem = f"de-nghi-thanh-toan-{claim.policy}-{claim.date_from:%Y%m%d}-{claim.date_to:%Y%m%d}"
    return _download(ext, stem, claim, subsidy.claim_csv, exports.claim_xlsx)


def _subsidy_page(policies: list[DiscountPolicy], values: Mapping[str, str], errors: dict[str, str],
                  claim: subsidy.Claim | None = None) -> str:
    return render_template("supervisor/subsidy.html", policies=policies, values=values, errors=errors,
                           claim=claim, listed=CLAIM_LISTED)


bp.add_url_rule("/subsidy", "subsidy", _claim_answer, methods=["GET"])
_file_routes("/subsidy", "subsidy", _claim_answer)
