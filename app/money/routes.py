from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.idempotency.http import idempotent
from app.money import reconcile, schemas, services
from app.reports import subsidy

blp = Blueprint("money", __name__, url_prefix="/api/v1", description="Payments, remittances and reports")

COLLECTORS = (Role.clerk, Role.courier, Role.supervisor)


@blp.route("/payments")
class Payments(MethodView):
    @requires(*COLLECTORS)
    @idempotent
    @blp.arguments(schemas.PaymentIn())
    @blp.response(201, schemas.PaymentOut)
    def post(self, body: dict):
        """Record money taken for a shipment, by the caller. Accepts an Idempotency-Key header."""
        payment, shipment = services.record_payment(current_user(), body)
        return {"id": payment.id, "tracking_number": shipment.tracking_number, "kind": payment.kind,
                "method": payment.method, "amount_vnd": payment.amount_vnd,
                "due_vnd": services.amount_due(shipment, payment.kind), "collected_by": current_user().username,
                "occurred_at": payment.occurred_at, "business_day": payment.business_day}


@blp.route("/remittances")
class Remittances(MethodView):
    @requires(Role.clerk, Role.supervisor)
    @idempotent
    @blp.arguments(schemas.RemittanceIn())
    @blp.response(201, schemas.RemittanceOut)
    def post(self, body: dict):
        """Pay over to an agency the procedure fees collected for it up to a day."""
        r = services.remit(current_user(), body)
        return {"id": r.id, "agency_code": body["agency_code"], "amount_vnd": r.amount_vnd,
                "item_count": r.item_count, "period_to": r.period_to, "reference": r.reference,
                "created_at": r.created_at}


@blp.route("/reports/daily")
class Daily(MethodView):
    @requires(Role.clerk, Role.supervisor)
    @blp.arguments(schemas.DailyQuery(), location="query")
    @blp.response(200, schemas.DailyOut)
    def get(self, args: dict):
        """The office's daily reconciliation: expected vs recorded money per clerk and courier."""
        r = reconcile.reconcile(current_user(), args["office"], args["day"])
        expected = sum(x.expected_vnd for x in r.lines)
        recorded = sum(x.recorded_vnd for x in r.lines)
        return {"office_code": r.office.code, "day": r.day, "expected_vnd": expected, "recorded_vnd": recorded,
                "discrepancy_vnd": sum(abs(x.difference_vnd) for x in r.discrepancies()),
                "people": r.people(), "discrepancies": r.discrepancies(), "lines": r.lines}


@blp.route("/reports/subsidy-claim")
class SubsidyClaim(MethodView):
    @requires(Role.supervisor, Role.admin)
    @blp.arguments(schemas.ClaimQuery(), location="query")
    @blp.response(200, schemas.ClaimOut)
    def get(self, args: dict):
        """Every discounted shipment of a policy in a period, with the budget's share and totals."""
        return subsidy.subsidy_claim(args["policy"], args["date_from"], args["date_to"])


@blp.route("/reports/subsidy-claim.csv")
class SubsidyClaimCsv(MethodView):
    @requires(Role.supervisor, Role.admin)
    @blp.arguments(schemas.ClaimQuery(), location="query")
    @blp.doc(responses={"200": {"description": "CSV, UTF-8 with BOM.", "content": {"text/csv": {"schema": {"type": "string"}}}}})
    def get(self, args: dict) -> Response:
        """The subsidy claim as CSV with Vietnamese headers (UTF-8 with BOM, for Excel)."""
        claim = subsidy.subsidy_claim(args["policy"], args["date_from"], args["date_to"])
        name = f"de-nghi-thanh-toan-{claim.policy}-{claim.date_from:%Y%m%d}-{claim.date_to:%Y%m%d}.csv"
        return Response(subsidy.claim_csv(claim), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
