from __future__ import annotations

from flask import Response
from flask.views import MethodView

from app.accounts.auth import current_user
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.dispatch import schemas, services
from app.files import file_doc, file_response

blp = ApiBlueprint("dispatch", __name__, url_prefix="/api/v1", description="Dispatch and couriers' runs")


@blp.route("/dispatch")
class Dispatch(MethodView):
    @blp.operation(Role.supervisor, body=schemas.DispatchIn(), answer=schemas.DispatchOut)
    def post(self, body: dict):
        """Give results to a courier for a day's round (reassigning them if given before)."""
        return services.dispatch(current_user(), body)


@blp.route("/courier/run")
class CourierRun(MethodView):
    @blp.operation(Role.courier, Role.supervisor, query=schemas.RunQuery(), answer=schemas.RunOut)
    def get(self, args: dict):
        """The courier's items for the day in route order (nearest neighbour from the office, 2-opt)."""
        return services.courier_run(current_user(), args["courier"], args["day"])


@blp.route("/courier/today")
class CourierToday(MethodView):
    @blp.operation(Role.courier, Role.supervisor, query=schemas.TodayQuery(), answer=schemas.TodayOut)
    def get(self, args: dict):
        """Everything the courier's phone caches for today in one call: the run in route order,
        the pickups assigned to the courier, the run's items still at the office, the server's clock."""
        return services.courier_today(current_user(), args["courier"])


@blp.route("/courier/run.pdf")
class CourierRunPdf(MethodView):
    @blp.operation(Role.courier, Role.supervisor, query=schemas.RunQuery())
    @blp.doc(**file_doc("The delivery list."))
    def get(self, args: dict) -> Response:
        """The delivery list (A4, `delivery_list` template) in route order."""
        run = services.courier_run(current_user(), args["courier"], args["day"])
        return file_response(services.run_pdf(run), f"DSP-{run.day:%Y%m%d}.pdf")
