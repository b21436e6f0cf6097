"""One item at the counter: what it is and where it stands, its label and slip to print (as PDF,
or sent to the office's network printer: app/web/counter/printing.py), the money taken for it,
accepting it, and handing a result to its recipient at the counter.

Each action calls the service its API call uses (scans, payments, proof of delivery, labels)
and comes back to the page (303), or shows the page again with what was refused."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app import clock
from app.delivery import services as delivery
from app.delivery.schemas import DeliveryIn
from app.errors import DomainError, ValidationFailed, flatten_messages
from app.fields import ID_PATTERNS
from app.identity.cccd import CccdQrError, looks_like_qr, parse_qr
from app.labels import services as labels
from app.money import services as money
from app.money.models import PaymentKind, PaymentMethod
from app.money.schemas import PaymentIn
from app.shipments import services as shipments
from app.shipments.models import Service, Status
from app.vocabulary import Beneficiary, Event, FailureReason
from app.web.counter import intake, office, printing, words
from app.web.counter.routes import COUNTER_STAFF, bp
from app.web.forms import FORM_ERROR, body_from_form, field_errors, in_reader_language
from app.web.session import current_staff, login_required

LABEL_TEMPLATE = "a6"  # the counter's thermal printer: 100 × 150 mm
# A result may be handed over at the counter wherever it is once accepted (app.shipments.lifecycle).
DELIVERABLE = (Status.accepted, Status.in_transit, Status.out_for_delivery, Status.awaiting_collection)
POD_FIELDS = ("recipient_name", "relationship", "id_type", "id_number", "authorization_ref")
KINDS = tuple(kind.value for kind in PaymentKind)
DELIVERY_IN = DeliveryIn()
PAYMENT_IN = PaymentIn()


@bp.get("/shipments/<tracking_number>")
@login_required(*COUNTER_STAFF)
def shipment(tracking_number: str) -> str:
    return _page(tracking_number)


@bp.get("/shipments/<tracking_number>/label.pdf")
@login_required(*COUNTER_STAFF)
def label_pdf(tracking_number: str) -> Response:
    number = _number(tracking_number)
    return _pdf(labels.label_pdf(current_staff(), number, LABEL_TEMPLATE), f"{number}-{LABEL_TEMPLATE}.pdf")


@bp.get("/shipments/<tracking_number>/slip.pdf")
@login_required(*COUNTER_STAFF)
def slip_pdf(tracking_number: str) -> Response:
    number = _number(tracking_number)
    return _pdf(labels.slip_pdf(current_staff(), number), f"{number}-slip.pdf")


@bp.post("/shipments/<tracking_number>/accept")
@login_required(*COUNTER_STAFF)
def accept(tracking_number: str) -> Response:
    number = _number(tracking_number)
    result = office.accept(current_staff(), number)
    if result["result"] == "rejected":
        flash(words.refusal(result["error"]["code"]), "error")
    else:
        flash(_("Đã nhận bưu gửi %(number)s.", number=number), "success")
    return redirect(url_for("counter.shipment", tracking_number=number), code=303)


@bp.post("/shipments/<tracking_number>/payments")
@login_required(*COUNTER_STAFF)
def record_payments(tracking_number: str) -> Response | tuple[str, int]:
    """Every amount the form carries (postal fee, procedure fee), in one step."""
    number = _number(tracking_number)
    form = body_from_form(request.form, integers=KINDS)
    taken = [kind for kind in KINDS if kind in form]
    try:
        for kind in taken:
            money.record_payment(current_staff(), PAYMENT_IN.load({
                "tracking_number": number, "kind": kind, "amount_vnd": form[kind],
                "method": form.get("method", PaymentMethod.cash.value)}))
    except ValidationError as exc:
        return _page(number, payment_errors=_payment_errors(exc.messages, kind)), 422
    except DomainError as exc:
        return _page(number, payment_errors={FORM_ERROR: words.refusal(exc.code)}), exc.status
    if taken:
        flash(_("Đã ghi nhận khoản thu."), "success")
    return redirect(url_for("counter.shipment", tracking_number=number), code=303)


@bp.post("/shipments/<tracking_number>/delivery")
@login_required(*COUNTER_STAFF)
def deliver(tracking_number: str) -> Response | tuple[str, int]:
    """Proof of delivery at the counter. A CCCD's QR text typed into the ID field (by a 2D
    scanner) fills the name and number and shows the form again for the clerk to confirm."""
    number = _number(tracking_number)
    values = {name: request.form.get(name, "").strip() for name in POD_FIELDS}
    if looks_like_qr(values["id_number"]):
        return _read_card(number, values)
    body: dict[str, Any] = {name: value for name, value in values.items() if value}
    body["occurred_at"] = clock.now().isoformat()
    try:
        delivery.deliver(current_staff(), number, DELIVERY_IN.load(body))
    except ValidationError as exc:
        return _page(number, pod_values=values, pod_errors=field_errors(exc.messages, values)), 422
    except DomainError as exc:
        # A refused ID is no typing mistake to show at the field: the attempt itself failed.
        errors = field_errors(exc.errors, values) if exc.errors and exc.code != "id_mismatch" else {}
        errors[FORM_ERROR] = words.refusal(exc.code)
        return _page(number, pod_values=values, pod_errors=errors), exc.status
    flash(_("Đã trả kết quả %(number)s cho người nhận.", number=number), "success")
    return redirect(url_for("counter.shipment", tracking_number=number), code=303)


def _read_card(number: str, values: dict[str, str]) -> tuple[str, int]:
    try:
        card = parse_qr(values["id_number"])
    except CccdQrError as exc:
        return _page(number, pod_values={**values, "id_number": ""},
                     pod_errors={"id_number": intake.refusal_text(exc)}), 422
    filled = {**values, "recipient_name": card.full_name, "id_type": "cccd", "id_number": card.id_number}
    note = _("Đã đọc CCCD của %(name)s. Kiểm tra rồi bấm “Trả kết quả”.", name=card.full_name)
    return _page(number, pod_values=filled, pod_note=note), 200


def _page(tracking_number: str, *, payment_errors: dict[str, str] | None = None,
          pod_values: dict[str, str] | None = None, pod_errors: dict[str, str] | None = None,
          pod_note: str | None = None) -> str:
    actor = current_staff()
    shipment = shipments.get_visible(actor, _number(tracking_number))
    reading = shipments.Reading(actor, shipment)
    paid = office.payments_of(shipment)
    dues = [(kind, due) for kind in PaymentKind if (due := money.amount_due(shipment, kind)) > 0]
    deliverable = reading.service is Service.return_ and reading.status in DELIVERABLE
    return render_template(
        "counter/shipment.html", s=reading, events=list(reversed(reading.events)), paid=paid,
        dues=dues, unpaid=[kind for kind, _due in dues if kind not in paid],
        deliverable=deliverable, words=words, payment_errors=payment_errors or {},
        pod_values=pod_values or {"recipient_name": reading.recipient_name, "relationship": "self",
                                  "id_type": reading.recipient_id_type or "cccd"},
        pod_errors=pod_errors or {}, pod_note=pod_note, id_types=tuple(ID_PATTERNS),
        methods=tuple(PaymentMethod), event=Event, reason=FailureReason, beneficiary=Beneficiary,
        printers=printing.printers_for(actor, shipment.office_id))


def _payment_errors(messages: Any, kind: str) -> dict[str, str]:
    """PaymentIn's messages (amount_vnd, method) beside the form's field for that kind."""
    out = {}
    for path, texts in flatten_messages(messages).items():
        name = kind if path == "amount_vnd" else path
        out[name] = in_reader_language(texts[0])
    return out


def _number(tracking_number: str) -> str:
    """The normalised S10 number; a malformed one is a page that does not exist."""
    try:
        return shipments.normalise_tracking_number(tracking_number)
    except ValidationFailed:
        abort(404)


def _pdf(body: bytes, filename: str) -> Response:
    # Opened in a tab of its own and printed from there, at the PDF's own page size (A6, A5).
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
