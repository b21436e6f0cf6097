"""The citizens' SMS texts (SPEC §9): Vietnamese, ASCII-folded for gateways that need it."""
from __future__ import annotations

import pytest

from app.notifications.templates import render
from app.shipments.models import TrackingEvent
from app.text import to_ascii
from app.vocabulary import Channel, FailureReason
from app.vocabulary import text as vocabulary_text

pytestmark = pytest.mark.usefixtures("ctx")

GSM_TWO_PARTS = 306  # two concatenated 7-bit SMS


def test_fold_keeps_case_and_removes_every_diacritic():
    assert to_ascii("Bưu điện ĐÔNG SƠN: Nguyễn Văn Ất, ĐT đã nhận") == \
        "Buu dien DONG SON: Nguyen Van At, DT da nhan"
    assert to_ascii("Thứ Hai–Thứ Sáu 7:00–17:00 “giấy mời”…") == \
        'Thu Hai-Thu Sau 7:00-17:00 "giay moi"...'
    every_letter = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    folded = to_ascii(every_letter + every_letter.upper())
    assert folded.isascii() and set(folded) == set("aeiouydAEIOUYD")


def test_fold_leaves_nothing_outside_ascii():
    assert to_ascii("Số 10 — 漢 ✓").isascii()


def _event(shipment, name, occurred_at, reason=None):
    return TrackingEvent(shipment_id=shipment.id, event=name, occurred_at=occurred_at,
                         recorded_at=occurred_at, reason=reason)


def test_failed_delivery_names_the_notice_the_office_and_its_opening_hours(ship, clock):
    shipment = ship("return")
    text = render("delivery_failed", shipment, _event(shipment, "delivery_failed", clock.now(),
                                                      "addressee_absent"), shipment.office)
    assert text == (
        f"Chưa phát được bưu gửi {shipment.tracking_number} (người nhận vắng mặt). Bưu tá đã để lại "
        "giấy mời; mời Ông/Bà đến nhận tại Bưu cục Bỉm Sơn, Số 10 Trần Phú, giờ mở cửa: "
        "Thứ Hai–Thứ Sáu 7:00–17:00; Thứ Bảy 7:30–11:30, ĐT 02373824300.")


def test_times_and_dates_are_shown_in_province_time(ship, clock):
    shipment = ship("return")
    text = render("delivered", shipment, _event(shipment, "delivered", clock.now()), shipment.office)
    assert "lúc 09:00 ngày 23/11/2026" in text  # 02:00 UTC


@pytest.mark.parametrize("template", ["accepted", "handed_over", "result_ready", "out_for_delivery",
                                      "delivery_failed", "delivered"])
def test_every_text_fits_two_sms_once_folded(ship, clock, template):
    shipment = ship("return")
    text = render(template, shipment, _event(shipment, "x", clock.now(), "address_incorrect"),
                  shipment.office)
    assert shipment.tracking_number in text
    assert len(to_ascii(text)) <= GSM_TWO_PARTS, text


def test_an_unknown_template_is_a_programming_error(ship, clock):
    shipment = ship("return")
    with pytest.raises(ValueError, match="no SMS template 'birthday'"):
        render("birthday", shipment, _event(shipment, "x", clock.now()), shipment.office)


@pytest.mark.parametrize("reason", list(FailureReason))
def test_every_failure_reason_fits_two_sms_in_the_vocabularys_words(ship, clock, reason):
    shipment = ship("return")
    text = render("delivery_failed", shipment, _event(shipment, "delivery_failed", clock.now(), reason),
                  shipment.office)
    words = vocabulary_text(reason, channel=Channel.sms)
    assert f"({words[0].lower()}{words[1:]})" in text
    assert len(to_ascii(text)) <= GSM_TWO_PARTS, text
