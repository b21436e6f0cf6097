from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.files import file_doc, file_response
from app.money import reconcile, schemas, services
from app.replica import reads_from_replica
from app.reports import subsidy

blp = ApiBlueprint("money", __name__, url_prefix="/api/v1", description="Payments, remittances and reports")

COLLECTORS = (Role.clerk, Role.courier, Role.supervisor)


@blp.route("/payments")
class Payments(MethodView):
    @blp.operation(*COLLECTORS, body=schemas.PaymentIn(), answer=schemas.PaymentOut, status=201,
                   idempotent=True)
    def post(self, body: dict):
        """Record money taken for a shipment, by the caller. Accepts an Idempotency-Key header."""
        return services.record_payment(current_user(), body)


@blp.route("/remittances")
class Remittances(MethodView):
    @blp.operation(Role.clerk, Role.supervisor, body=schemas.RemittanceIn(), answer=schemas.RemittanceOut,
                   status=201, idempotent=True)
    def post(self, body: dict):
        """Pay over to an agency the procedure fees collected for it up to a day."""
        return services.remit(current_user(), body)


@blp.route("/reports/daily")
class Daily(MethodView):
    @blp.operation(Role.clerk, Role.supervisor, query=schemas.DailyQuery(), answer=schemas.DailyOut)
    @reads_from_replica
    def get(self, args: dict):
        """The office's daily reconciliation: expected vs recorded money per clerk and courier."""
        return reconcile.reconcile(current_user(), args["office"], args["day"])


@blp.route("/reports/subsidy-claim")
class SubsidyClaim(MethodView):
    @blp.operation(Role.supervisor, Role.admin, query=schemas.ClaimQuery(), answer=schemas.ClaimOut)
    @reads_from_replica
    def get(self, args: dict):
        """Every discounted shipment of a policy in a period, with the budget's share and totals."""
        return subsidy.subsidy_claim(args["policy"], args["date_from"], args["date_to"])


@blp.route("/reports/subsidy-claim.csv")
class SubsidyClaimCsv(MethodView):
    @blp.operation(Role.supervisor, Role.admin, query=schemas.ClaimQuery())
    @blp.doc(**file_doc("CSV, UTF-8 with BOM.", "text/csv"))
    @reads_from_replica
    def get(self, args: dict) -> Response:
        """The subsidy claim as CSV with Vietnamese headers (UTF-8 with BOM, for Excel)."""
        claim = subsidy.subsidy_claim(args["policy"], args["date_from"], args["date_to"])
        name = f"de-nghi-thanh-toan-{claim.policy}-{claim.date_from:%Y%m%d}-{claim.date_to:%Y%m%d}.csv"
        return file_response(subsidy.claim_csv(claim), name, "text/csv", download=True)
