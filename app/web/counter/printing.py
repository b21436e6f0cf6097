"""One-click printing at the counter: the shipment page offers a button per active network printer
of the clerk's office; pressing it sends the label's ZPL (app.printing) with no print dialog.

With JavaScript (htmx) the answer, sent or refused, appears beside the buttons; without it the
form posts and the page comes back (303) with the same words as a flash. A printer that does not
answer is said in the reader's language within the service's deadline (a few seconds); nothing
about the shipment changes, and the PDF label stays one click away."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.errors import DomainError
from app.printing import services as printing
from app.printing.models import Printer
from app.web.counter import words
from app.web.counter.routes import COUNTER_STAFF, bp
from app.web.session import current_staff, login_required

# The service's Vietnamese detail, said in the reader's language (the same source texts:
# tests/printing check they stay the same as app.printing.services.MESSAGES).
UNREACHABLE = {
    "printer_timeout": _l("Máy in %(name)s (%(address)s) không trả lời sau %(seconds)s giây."),
    "printer_refused": _l("Máy in %(name)s (%(address)s) từ chối kết nối: máy in đang tắt, bận hoặc "
                          "sai cổng."),
    "printer_unresolved": _l("Không tìm thấy máy in %(name)s: không tra được địa chỉ của tên máy %(host)s."),
    "printer_unreachable": _l("Không kết nối được tới máy in %(name)s (%(address)s)."),
}
ADVICE = _l("Kiểm tra máy in đã bật và nối mạng, rồi thử lại; hoặc in bằng PDF.")
REFUSED = {
    "printer_not_found": _l("Máy in này không thuộc bưu cục của bạn."),
    "printer_inactive": _l("Máy in này đã ngừng sử dụng; chọn máy in khác hoặc in bằng PDF."),
}


def printers_for(actor: User, office_id: int) -> list[Printer]:
    """The buttons of the shipment page: the active printers of the clerk's office (a supervisor
    without an office: those of the shipment's office)."""
    return printing.usable_by(actor, actor.office_id or office_id)


@bp.post("/shipments/<tracking_number>/print")
@login_required(*COUNTER_STAFF)
def print_label(tracking_number: str) -> Response | str:
    partial = request.headers.get("HX-Request") == "true"
    try:
        printer_id = int(request.form.get("printer_id", ""))
    except ValueError:
        printer_id = 0
    try:
        sent = printing.print_document(current_staff(), tracking_number, printer_id, "label")
    except DomainError as exc:
        if exc.code in ("shipment_not_found", "invalid_tracking_number"):
            abort(404)  # as the shipment's page itself answers
        ok, message = False, _refusal(exc)
    else:
        ok, message = True, _("Đã gửi nhãn tới máy in %(name)s.", name=sent.printer.name)
    if partial:
        # htmx swaps in 2xx answers only: a refusal is said in a 200 fragment, as an alert.
        return render_template("counter/_print_result.html", ok=ok, message=message)
    flash(message, "success" if ok else "error")
    return redirect(url_for("counter.shipment", tracking_number=tracking_number.strip().upper(),
                            _anchor="print-result"), code=303)


def _refusal(exc: DomainError) -> str:
    if exc.code in UNREACHABLE:
        printer = exc.extra.get("printer", {})
        facts = {"name": printer.get("name", ""), "address": printer.get("address", ""),
                 "host": printer.get("host", ""),
                 "seconds": f"{exc.extra.get('timeout_seconds', printing.TIMEOUT_SECONDS):g}"}
        return f"{UNREACHABLE[exc.code] % facts} {ADVICE}"
    if exc.code in REFUSED:
        return str(REFUSED[exc.code])
    return words.refusal(exc.code)
