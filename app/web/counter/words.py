"""What the counter's pages say about the services' refusal codes and the money's vocabulary,
in the reader's language (the services speak English codes to API clients)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.money.models import PaymentKind, PaymentMethod
from app.vocabulary import FailureReason
from app.web.i18n import vocabulary_text

REFUSALS = {
    "invalid_transition": _l("Trạng thái hiện tại của bưu gửi không cho phép thao tác này."),
    "out_of_sequence": _l("Trạng thái hiện tại của bưu gửi không cho phép thao tác này."),
    "shipment_final": _l("Bưu gửi đã kết thúc (đã phát, đã trả hoặc đã hủy)."),
    "shipment_not_found": _l("Không tìm thấy bưu gửi mà bạn được xem."),
    "shipments_not_found": _l("Không tìm thấy bưu gửi mà bạn được xem."),
    "invalid_tracking_number": _l("Số hiệu bưu gửi không hợp lệ."),
    "use_handover": _l("Hồ sơ (chiều gửi) được giao cho cơ quan bằng biên bản giao nhận, "
                       "không trả tại quầy."),
    "authorization_required": _l("Người nhận thay phải xuất trình giấy ủy quyền: nhập số giấy ủy quyền."),
    "payment_recorded": _l("Khoản thu này đã được ghi nhận trước đó."),
    "nothing_due": _l("Không có khoản nào phải thu."),
    "not_dispatchable": _l("Chỉ giao cho bưu tá các kết quả đã nhận và chưa phát."),
    "unknown_courier": _l("Chọn một bưu tá của bưu cục."),
    "other_office": _l("Bưu gửi hoặc bưu tá thuộc bưu cục khác."),
    "unknown_office": _l("Không có bưu cục với mã này."),
    "office_required": _l("Chọn bưu cục."),
}

PROBLEMS = {
    "missing_payment": _l("Chưa ghi nhận thu"),
    "unexpected_payment": _l("Có khoản thu không có nghiệp vụ tương ứng"),
    "other_collector": _l("Người khác thu"),
    "amount_differs": _l("Số tiền thu khác số phải thu"),
}

KINDS = {
    PaymentKind.postal_fee: _l("Cước bưu chính"),
    PaymentKind.procedure_fee: _l("Phí thủ tục thu hộ"),
}

METHODS = {
    PaymentMethod.cash: _l("Tiền mặt"),
    PaymentMethod.transfer: _l("Chuyển khoản"),
}


def refusal(code: str) -> str:
    """A service's refusal (a DomainError's or a rejected scan's code) in the reader's words,
    the code kept for the record; a failure reason reads as the vocabulary says it."""
    if code == FailureReason.id_mismatch:
        reason = vocabulary_text(FailureReason.id_mismatch)
        words = _("%(reason)s: chưa trả kết quả, lần phát không thành công đã được ghi lại.",
                  reason=reason)
        return f"{words} ({code})"
    words = REFUSALS.get(code)
    return f"{words} ({code})" if words else _("Không thể thực hiện thao tác này (%(code)s).", code=code)
