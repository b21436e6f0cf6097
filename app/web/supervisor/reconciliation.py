"""The daily reconciliation across offices: every office's money for a day in one table, the
offices whose lines differ marked, each with its lines, its full page and its XLSX (the
API's file, /api/v1/reports/daily.xlsx)."""
from __future__ import annotations

from flask import render_template, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app import clock
from app.errors import DomainError
from app.files import file_response
from app.money import reconcile
from app.money.models import PaymentKind
from app.money.schemas import DailyQuery
from app.reports import exports
from app.reports.xlsx import MIMETYPE as XLSX
from app.web.counter import words
from app.web.forms import FORM_ERROR
from app.web.session import current_staff
from app.web.supervisor.reports import period_errors
from app.web.supervisor.routes import bp

DAILY_QUERY = DailyQuery()


def _day_text() -> str:
    return request.args.get("day", "").strip() or clock.today_in_province().isoformat()


@bp.get("/reconciliation")
def reconciliation() -> tuple[str, int]:
    day = _day_text()
    try:
        query = DAILY_QUERY.load({"day": day})
    except ValidationError as exc:
        return _page(day, period_errors(exc.messages)), 422
    offices = reconcile.reconcile_offices(current_staff(), query["day"])
    return _page(day, {}, offices), 200


def _page(day: str, errors: dict[str, str], offices: list[reconcile.OfficeDay] | None = None) -> str:
    return render_template("supervisor/reconciliation.html", day=day, errors=errors, offices=offices,
                           words=words, kind=PaymentKind)


@bp.get("/reconciliation/<office>.xlsx")
def reconciliation_xlsx(office: str) -> Response | tuple[str, int]:
    day = _day_text()
    try:
        query = DAILY_QUERY.load({"day": day, "office": office})
        rec = reconcile.reconcile(current_staff(), query["office"], query["day"])
    except ValidationError as exc:
        return _page(day, period_errors(exc.messages)), 422
    except DomainError as exc:
        return _page(day, {FORM_ERROR: words.refusal(exc.code)}), exc.status
    # The API's file and name (app/reports/routes.py).
    return file_response(exports.daily_xlsx(rec), f"doi-soat-{rec.office.code}-{rec.day:%Y%m%d}.xlsx", XLSX,
                         download=True)
