from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts.auth import current_user, requires
from app.accounts.models import Role
from app.dispatch import schemas, services

blp = Blueprint("dispatch", __name__, url_prefix="/api/v1", description="Dispatch and couriers' runs")


def _run(run: services.Run) -> dict:
    return {"courier": run.courier.username, "day": run.day, "total_km": round(run.total_km, 3),
            "nearest_neighbour_km": round(run.nearest_neighbour_km, 3),
            "stops": [{"position": i, "tracking_number": s.tracking_number, "status": s.status.value,
                       "recipient_name": s.recipient_name, "recipient_phone": s.recipient_phone,
                       "address": f"{s.recipient_address_line}, {s.recipient_unit.name}",
                       "unit_code": s.recipient_unit_code, "collect_vnd": s.collect_fee_vnd}
                      for i, s in enumerate(run.stops, 1)]}


@blp.route("/dispatch")
class Dispatch(MethodView):
    @requires(Role.supervisor)
    @blp.arguments(schemas.DispatchIn())
    @blp.response(200, schemas.DispatchOut)
    def post(self, body: dict):
        """Give results to a courier for a day's round (reassigning them if given before)."""
        courier, day, rows = services.dispatch(current_user(), body)
        return {"courier": courier.username, "day": day, "tracking_numbers": [s.tracking_number for s in rows]}


@blp.route("/courier/run")
class CourierRun(MethodView):
    @requires(Role.courier, Role.supervisor)
    @blp.arguments(schemas.RunQuery(), location="query")
    @blp.response(200, schemas.RunOut)
    def get(self, args: dict):
        """The courier's items for the day in route order (nearest neighbour from the office, 2-opt)."""
        return _run(services.courier_run(current_user(), args["courier"], args["day"]))


@blp.route("/courier/run.pdf")
class CourierRunPdf(MethodView):
    @requires(Role.courier, Role.supervisor)
    @blp.arguments(schemas.RunQuery(), location="query")
    @blp.doc(responses={"200": {"description": "The delivery list.", "content": {"application/pdf": {
        "schema": {"type": "string", "format": "binary"}}}}})
    def get(self, args: dict) -> Response:
        """The delivery list (A4, `delivery_list` template) in route order."""
        run = services.courier_run(current_user(), args["courier"], args["day"])
        return Response(services.run_pdf(run), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="DSP-{run.day:%Y%m%d}.pdf"', "Cache-Control": "no-store"})
