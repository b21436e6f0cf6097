"""The CCCD QR text (UI.md §3): seven fields, or six, empty ones, noise from scanners; anything
else refused with a reason and nothing guessed."""
from __future__ import annotations

from datetime import date

import pytest

from app.identity.cccd import CccdCard, CccdQrError, Refusal, looks_like_qr, parse_qr
from app.web.counter.intake import filled_from_card

ISSUE_EXAMPLE = ("038090001234|123456789|Nguyễn Văn Ất|01011990|Nam|"
                 "Thôn Đông, Xã Hà Long, Huyện Hà Trung, Tỉnh Thanh Hóa|15062021")


def test_the_seven_fields_of_the_issue_example():
    assert parse_qr(ISSUE_EXAMPLE) == CccdCard(
        id_number="038090001234", old_id_number="123456789", full_name="Nguyễn Văn Ất",
        birth_date=date(1990, 1, 1), gender="Nam",
        address="Thôn Đông, Xã Hà Long, Huyện Hà Trung, Tỉnh Thanh Hóa", issue_date=date(2021, 6, 15))


def test_six_fields_have_no_old_cmnd_number():
    card = parse_qr("038090001234|Trần Thị Bé|29022000|Nữ|Xã Hà Long, Huyện Hà Trung|01072024")
    assert (card.id_number, card.old_id_number, card.full_name) == ("038090001234", None, "Trần Thị Bé")
    assert card.birth_date == date(2000, 2, 29) and card.gender == "Nữ"


def test_empty_fields_and_bad_dates_are_left_out_not_refused():
    card = parse_qr("038090001234||Lê Văn C||||31022021")
    assert card == CccdCard(id_number="038090001234", old_id_number=None, full_name="Lê Văn C",
                            birth_date=None, gender=None, address=None, issue_date=None)


def test_decomposed_text_spaces_scanner_noise_and_a_trailing_separator_are_tidied():
    decomposed = "Nguye\u0302\u0303n  Va\u0306n A\u0302\u0301t"
    card = parse_qr(f"\ufeff 038090001234 |123456789|{decomposed}|01011990|Nam|Thôn Đông|15062021|\r\n")
    assert card.full_name == "Nguyễn Văn Ất" and card.id_number == "038090001234"
    assert card.address == "Thôn Đông"


@pytest.mark.parametrize(("text", "reason"), [
    ("038090001234|Nguyễn Văn Ất|01011990", Refusal.not_a_card),
    ("038090001234", Refusal.not_a_card),
    ("1|2|3|4|5|6|7|8", Refusal.not_a_card),
    ("03809|123456789|Nguyễn Văn Ất|01011990|Nam|Thôn Đông|15062021", Refusal.id_number),
    ("03809000123A|123456789|Nguyễn Văn Ất|01011990|Nam|Thôn Đông|15062021", Refusal.id_number),
    ("038090001234|123456789| |01011990|Nam|Thôn Đông|15062021", Refusal.name),
    ("038090001234|" + "x" * 1000 + "|a|b|c|d|e", Refusal.not_a_card),
])
def test_what_is_not_a_card_is_refused_with_its_reason(text, reason):
    with pytest.raises(CccdQrError) as refused:
        parse_qr(text)
    assert refused.value.reason is reason


def test_a_qr_text_is_told_from_a_number_typed_by_hand():
    assert looks_like_qr(ISSUE_EXAMPLE) and looks_like_qr("a|b|c")
    assert not looks_like_qr("038090001234")


def test_a_card_fills_the_recipient_and_its_old_address_becomes_todays_commune(app):
    with app.test_request_context():
        filled = filled_from_card(parse_qr(ISSUE_EXAMPLE))
        unconvertible = filled_from_card(parse_qr("038090001234||Lê Văn C|||Xóm Mới, Xã Không Có, Tỉnh Mơ|"))
        no_address = filled_from_card(parse_qr("038090001234||Lê Văn C||||"))
    assert filled["fields"] == {"recipient.name": "Nguyễn Văn Ất", "recipient.id_number": "038090001234",
                                "recipient.address.line": "Thôn Đông", "recipient.address.unit_code": "15274"}
    assert filled["commune"] == "Xã Hà Long, Tỉnh Thanh Hóa" and filled["note"] is None
    # Not matched: the whole old address stays as the line, the commune is left for the clerk.
    assert unconvertible["fields"]["recipient.address.unit_code"] == ""
    assert unconvertible["fields"]["recipient.address.line"] == "Xóm Mới, Xã Không Có, Tỉnh Mơ"
    assert unconvertible["note"] and unconvertible["commune"] is None
    assert no_address["fields"] == {"recipient.name": "Lê Văn C", "recipient.id_number": "038090001234"}
