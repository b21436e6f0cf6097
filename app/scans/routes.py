from __future__ import annotations

from flask.views import MethodView

from app.accounts.auth import current_caller
from app.accounts.models import Role
from app.api import ApiBlueprint
from app.scans import schemas, services

blp = ApiBlueprint("scans", __name__, url_prefix="/api/v1/scans", description="Courier and clerk scans")

SCANNERS = (Role.courier, Role.clerk, Role.supervisor)


@blp.route("")
class Scans(MethodView):
    @blp.operation(*SCANNERS, body=schemas.ScanBatchIn(), answer=schemas.ScanBatchOut)
    def post(self, body: dict):
        """Record up to 1,000 scans. Each scan's id makes it idempotent: a replayed scan answers
        `duplicate`; a bad scan is `rejected` with a code and does not affect the others. A rejected
        scan leaves no trace, so it may be sent again (e.g. once the scan it should follow is in).
        Couriers and clerks scan their office's items and those assigned to them."""
        return services.ingest(current_caller(), body["scans"])
