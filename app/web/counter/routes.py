"""The counter (giao dịch viên): the new-shipment form and the partials it asks for as the
clerk types (commune choices, the fee quote, a CCCD QR code read)."""
from __future__ import annotations

from flask import (
    Blueprint,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.accounts.models import Role
from app.headers import content_security_policy
from app.identity.cccd import CccdQrError, parse_qr
from app.orgs.services import list_agencies
from app.shipments.schemas import ShipmentIn
from app.vocabulary import Beneficiary, Service
from app.web.counter import intake
from app.web.session import login_required

bp = Blueprint("counter", __name__, url_prefix="/counter", template_folder="templates")

COUNTER_STAFF = (Role.clerk, Role.supervisor)
SHIPMENT_IN = ShipmentIn()
SHIPMENT_PAGE = "counter.shipment"  # the desk's page of one shipment, once it exists
# The webcam's QR decoder is WebAssembly (zxing-wasm): this page alone may compile it.
FORM_CSP = content_security_policy(script_src="'wasm-unsafe-eval'")


@bp.context_processor
def _quote_words() -> dict:
    return {"zone_text": intake.zone_text, "distance_text": intake.distance_text,
            "fee_line_text": intake.fee_line_text}


@bp.get("/shipments/new")
@login_required(*COUNTER_STAFF)
def new_shipment() -> Response:
    return _form()


@bp.post("/shipments/new")
@login_required(*COUNTER_STAFF)
def create_shipment() -> Response:
    return intake.create_from_slip(lambda: intake.shipment_body(request.form, SHIPMENT_IN), _form,
                                   SHIPMENT_PAGE, "counter.new_shipment",
                                   lambda number: _("Đã tạo bưu gửi %(number)s.", number=number))


@bp.post("/shipments/quote")
@login_required(*COUNTER_STAFF)
def quote() -> str:
    """The fee quote beside the form, redrawn by htmx as the priced fields change."""
    return render_template("counter/_quote.html", quote=intake.quote_for(request.form, SHIPMENT_IN))


@bp.get("/communes")
@login_required(*COUNTER_STAFF)
def communes() -> str:
    """The commune picker's choices (htmx): accent-insensitive, as GET /api/v1/units."""
    picker = request.args.get("picker", "")
    return render_template("counter/_communes.html",
                           picker=picker if picker in intake.PARTIES else "recipient",
                           choices=intake.commune_choices(request.args.get("_commune", "")))


@bp.get("/agencies/<code>")
@login_required(*COUNTER_STAFF)
def agency(code: str) -> Response | tuple[Response, int]:
    """The agency picked on the slip, to fill the party it is (JSON for the page's script)."""
    party = intake.agency_party(code)
    if party is None:
        return jsonify(message=_("Không có cơ quan với mã này.")), 404
    return jsonify(party)


@bp.post("/cccd")
@login_required(*COUNTER_STAFF)
def read_cccd() -> Response | tuple[Response, int]:
    """A CCCD QR code's text (typed by a scanner, or read by the webcam) -> the recipient's fields."""
    try:
        card = parse_qr(request.form.get("text", ""))
    except CccdQrError as exc:
        return jsonify(message=intake.refusal_text(exc)), 422
    return jsonify(intake.filled_from_card(card))


def _form(errors: dict[str, str] | None = None, message: str | None = None, status: int = 200) -> Response:
    page = render_template("counter/new_shipment.html", errors=errors or {}, message=message,
                           values=request.form, agencies=list_agencies(),
                           items=intake.item_rows(request.form),
                           communes=intake.chosen_communes(request.form),
                           services=(Service.intake, Service.return_), beneficiaries=tuple(Beneficiary))
    response = make_response(page, status)
    response.headers["Content-Security-Policy"] = FORM_CSP
    return response
