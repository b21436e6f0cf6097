from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.files import file_doc, file_response
from app.money import reconcile
from app.money.schemas import ClaimQuery, DailyQuery
from app.replica import reads_from_replica
from app.reports import exports, schemas, service_standard, subsidy
from app.reports.xlsx import MIMETYPE as XLSX

blp = ApiBlueprint("reports", __name__, url_prefix="/api/v1", description="Reports and their downloads")

READERS = (Role.supervisor, Role.clerk, Role.agency)


def _report(args: dict) -> service_standard.Report:
    return service_standard.service_standard(current_user(), args["date_from"], args["date_to"],
                                             args["group_by"], args["office"], args["agency"])


def _name(args: dict, ext: str) -> str:
    return f"chi-tieu-thoi-gian-{args['group_by']}-{args['date_from']:%Y%m%d}-{args['date_to']:%Y%m%d}.{ext}"


@blp.route("/reports/service-standard")
class ServiceStandard(MethodView):
    @blp.operation(*READERS, query=schemas.ServiceStandardQuery(), answer=schemas.ServiceStandardOut)
    @reads_from_replica
    def get(self, args: dict):
        """On-time rate and lateness in working days per group, for the shipments due in a period
        (TT17 Điều 6–8); supervisors see every office, clerks theirs, agencies their own shipments."""
        return _report(args)


@blp.route("/reports/service-standard.csv")
class ServiceStandardCsv(MethodView):
    @blp.operation(*READERS, query=schemas.ServiceStandardQuery())
    @blp.doc(**file_doc("CSV, UTF-8 with BOM.", "text/csv"))
    @reads_from_replica
    def get(self, args: dict) -> Response:
        """The service-standard report as CSV with Vietnamese headers (UTF-8 with BOM, for Excel)."""
        return file_response(service_standard.report_csv(_report(args)), _name(args, "csv"), "text/csv",
                             download=True)


@blp.route("/reports/service-standard.xlsx")
class ServiceStandardXlsx(MethodView):
    @blp.operation(*READERS, query=schemas.ServiceStandardQuery())
    @blp.doc(**file_doc("XLSX workbook.", XLSX))
    @reads_from_replica
    def get(self, args: dict) -> Response:
        """The service-standard report as an XLSX workbook with typed cells."""
        return file_response(exports.service_standard_xlsx(_report(args)), _name(args, "xlsx"), XLSX,
                             download=True)


@blp.route("/reports/subsidy-claim.xlsx")
class SubsidyClaimXlsx(MethodView):
    @blp.operation(Role.supervisor, Role.admin, query=ClaimQuery())
    @blp.doc(**file_doc("XLSX workbook.", XLSX))
    @reads_from_replica
    def get(self, args: dict) -> Response:
        """The subsidy claim as an XLSX workbook: dates as dates, money as numbers."""
        claim = subsidy.subsidy_claim(args["policy"], args["date_from"], args["date_to"])
        name = f"de-nghi-thanh-toan-{claim.policy}-{claim.date_from:%Y%m%d}-{claim.date_to:%Y%m%d}.xlsx"
        return file_response(exports.claim_xlsx(claim), name, XLSX, download=True)


@blp.route("/reports/daily.xlsx")
class DailyXlsx(MethodView):
    @blp.operation(Role.clerk, Role.supervisor, query=DailyQuery())
    @blp.doc(**file_doc("XLSX workbook.", XLSX))
    @reads_from_replica
    def get(self, args: dict) -> Response:
        """The office's daily reconciliation as an XLSX workbook: lines, then totals per person."""
        rec = reconcile.reconcile(current_user(), args["office"], args["day"])
        return file_response(exports.daily_xlsx(rec), f"doi-soat-{rec.office.code}-{rec.day:%Y%m%d}.xlsx",
                             XLSX, download=True)
