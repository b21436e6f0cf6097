"""The words of the domain, in one place: each vocabulary an enum, and every text said about
each of its values, in Vietnamese first and in English for the coming interface.

    text(Event.delivered)                          -> "Phát thành công"
    text(FailureReason.refused, "en", Channel.sms) -> "Refused by the addressee"

Values are `StrEnum`s, so they compare equal to the plain strings stored in the database
("delivered" == Event.delivered) and key dicts either way.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, TypeAlias

Lang = Literal["vi", "en"]


class Channel(StrEnum):
    """Where a text is said."""

    web = "web"  # the public tracking page and API labels, the staff screens
    print = "print"  # printed documents: label, slip, failed-delivery notice
    sms = "sms"  # the citizens' SMS


class Event(StrEnum):
    """A step in a shipment's life (SPEC §6)."""

    created = "created"
    accepted = "accepted"
    arrived = "arrived"
    departed = "departed"
    out_for_delivery = "out_for_delivery"
    delivery_failed = "delivery_failed"
    delivered = "delivered"
    returned = "returned"
    cancelled = "cancelled"


# UPU EMSEVT codes kept on every event (SPEC §6); created and cancelled have none. Keyed by
# Event, looked up with stored strings too.
UPU_CODES: dict[str, str | None] = {
    Event.created: None,
    Event.accepted: "EMA",
    Event.arrived: "EMG",
    Event.departed: "EMC",
    Event.out_for_delivery: "EDG",
    Event.delivery_failed: "EMH",
    Event.delivered: "EMI",
    Event.returned: "EMI",  # delivered, to the agency
    Event.cancelled: None,
}


class Status(StrEnum):
    """Where a shipment stands, derived from its events (SPEC §6)."""

    created = "created"
    accepted = "accepted"
    in_transit = "in_transit"
    out_for_delivery = "out_for_delivery"
    awaiting_collection = "awaiting_collection"
    delivered = "delivered"
    returned = "returned"
    cancelled = "cancelled"


class Service(StrEnum):
    """Which way the dossier travels (SPEC §3)."""

    intake = "intake"
    return_ = "return"
    both = "both"


class FailureReason(StrEnum):
    """Why a delivery failed (SPEC §6)."""

    address_incorrect = "address_incorrect"
    addressee_moved = "addressee_moved"
    addressee_unknown = "addressee_unknown"
    addressee_absent = "addressee_absent"
    refused = "refused"
    id_mismatch = "id_mismatch"
    not_collected = "not_collected"


_LAW = "Luật Bưu chính 2010, Điều 17 khoản 1 điểm "
LEGAL_BASIS: dict[FailureReason, str | None] = {
    FailureReason.address_incorrect: _LAW + "a",
    FailureReason.addressee_moved: _LAW + "b",
    FailureReason.addressee_unknown: _LAW + "c",
    # An attempt that leaves a notice: two notices unanswered make the item undeliverable.
    FailureReason.addressee_absent: _LAW + "d",
    FailureReason.not_collected: _LAW + "d",
    FailureReason.refused: _LAW + "đ",
    # Not a ground of Điều 17: the item stays, only its hand-over to this person is refused.
    FailureReason.id_mismatch: None,
}


class Beneficiary(StrEnum):
    """Beneficiaries of Thông tư 22/2017/TT-BTTTT (SPEC §5), recorded with a certificate."""

    revolutionary_pre1945 = "revolutionary_pre1945"
    heroic_mother = "heroic_mother"
    hero = "hero"
    war_invalid = "war_invalid"
    sick_soldier = "sick_soldier"
    agent_orange = "agent_orange"
    political_prisoner = "political_prisoner"
    martyr_family = "martyr_family"
    poor_household = "poor_household"
    difficult_area = "difficult_area"


# TT22/2017/TT-BTTTT: the share of the carriage waived, in basis points (10 000 = 100 %).
TT22_DISCOUNT_BP: dict[Beneficiary, int] = {
    Beneficiary.revolutionary_pre1945: 10_000,
    Beneficiary.heroic_mother: 10_000,
    Beneficiary.hero: 5_000,
    Beneficiary.war_invalid: 5_000,
    Beneficiary.sick_soldier: 5_000,
    Beneficiary.agent_orange: 5_000,
    Beneficiary.political_prisoner: 5_000,
    Beneficiary.martyr_family: 5_000,
    Beneficiary.poor_household: 5_000,
    Beneficiary.difficult_area: 5_000,
}


def tt22_categories(discount_bp: int) -> tuple[Beneficiary, ...]:
    """The categories TT22 spares this share of the carriage."""
    return tuple(b for b, bp in TT22_DISCOUNT_BP.items() if bp == discount_bp)


Value: TypeAlias = Event | Status | Service | FailureReason | Beneficiary


@dataclass(frozen=True, slots=True)
class Words:
    vi: str
    en: str


EVENT_WEB = {
    Event.created: Words("Ghi nhận thông tin bưu gửi", "Item details recorded"),
    Event.accepted: Words("Bưu điện đã nhận bưu gửi", "Accepted by the post office"),
    Event.arrived: Words("Đến bưu cục", "Arrived at a post office"),
    Event.departed: Words("Rời bưu cục", "Left a post office"),
    Event.out_for_delivery: Words("Bưu tá đang đi phát", "Out for delivery"),
    Event.delivery_failed: Words("Phát không thành công, đã để lại giấy mời",
                                 "Delivery attempt failed, a notice was left"),
    Event.delivered: Words("Phát thành công", "Delivered"),
    Event.returned: Words("Chuyển trả cơ quan", "Returned to the agency"),
    Event.cancelled: Words("Hủy bưu gửi", "Item cancelled"),
}

STATUS_WEB = {
    Status.created: Words("Đã ghi nhận thông tin, chờ bưu điện nhận",
                          "Recorded, waiting for the post office to accept it"),
    Status.accepted: Words("Bưu điện đã nhận", "Accepted by the post office"),
    Status.in_transit: Words("Đang vận chuyển", "In transit"),
    Status.out_for_delivery: Words("Đang phát", "Out for delivery"),
    Status.awaiting_collection: Words("Phát chưa thành công, chờ nhận tại bưu cục",
                                      "Not delivered, awaiting collection at the post office"),
    Status.delivered: Words("Đã phát thành công", "Delivered"),
    Status.returned: Words("Đã chuyển trả cơ quan", "Returned to the agency"),
    Status.cancelled: Words("Đã hủy", "Cancelled"),
}

SERVICE_WEB = {
    Service.intake: Words("Gửi hồ sơ thủ tục hành chính", "Sending an administrative dossier"),
    Service.return_: Words("Trả kết quả thủ tục hành chính", "Returning an administrative result"),
    Service.both: Words("Gửi hồ sơ và nhận kết quả thủ tục hành chính",
                        "Sending a dossier and receiving its result"),
}

SERVICE_PRINT = {  # the title across a label or slip
    Service.intake: Words("GỬI HỒ SƠ TTHC", "DOSSIER INTAKE"),
    Service.return_: Words("TRẢ KẾT QUẢ TTHC", "RESULT RETURN"),
    Service.both: Words("HỒ SƠ TTHC 2 CHIỀU", "TWO-WAY DOSSIER"),
}

# One wording on the page, the printed notice and the SMS, close to the law's (LEGAL_BASIS).
REASON_WORDS = {
    FailureReason.address_incorrect: Words("Địa chỉ người nhận không chính xác", "Incorrect address"),
    FailureReason.addressee_moved: Words("Người nhận đã chuyển đi nơi khác", "Addressee has moved"),
    FailureReason.addressee_unknown: Words("Không tìm thấy người nhận tại địa chỉ đã ghi",
                                           "Addressee not found at the address given"),
    FailureReason.addressee_absent: Words("Người nhận vắng mặt", "Addressee absent"),
    FailureReason.refused: Words("Người nhận từ chối nhận", "Refused by the addressee"),
    FailureReason.id_mismatch: Words("Giấy tờ tùy thân không khớp với người nhận",
                                     "Identity document does not match the addressee"),
    # Said while the item still waits at the office after a notice: "not yet", not "never".
    FailureReason.not_collected: Words("Người nhận chưa đến nhận", "Not yet collected by the addressee"),
}

BENEFICIARY_WORDS = {
    Beneficiary.revolutionary_pre1945: Words("Người hoạt động cách mạng trước 1945",
                                             "Revolutionary active before 1945"),
    Beneficiary.heroic_mother: Words("Bà mẹ Việt Nam anh hùng", "Vietnamese Heroic Mother"),
    Beneficiary.hero: Words("Anh hùng LLVT / Anh hùng lao động", "Hero of the armed forces or of labour"),
    Beneficiary.war_invalid: Words("Thương binh, người hưởng chính sách như thương binh",
                                   "War invalid, or treated as one"),
    Beneficiary.sick_soldier: Words("Bệnh binh", "Sick soldier"),
    Beneficiary.agent_orange: Words("Người hoạt động kháng chiến nhiễm chất độc hóa học",
                                    "Resistance member exposed to Agent Orange"),
    Beneficiary.political_prisoner: Words("Người hoạt động cách mạng bị địch bắt tù, đày",
                                          "Revolutionary imprisoned or exiled by the enemy"),
    Beneficiary.martyr_family: Words("Thân nhân liệt sĩ", "Family of a fallen soldier"),
    Beneficiary.poor_household: Words("Hộ nghèo", "Member of a poor household"),
    Beneficiary.difficult_area: Words("Người dân xã đặc biệt khó khăn",
                                      "Resident of an extremely disadvantaged commune"),
}

# (vocabulary, channel) -> the words of each value. A vocabulary is said only where listed.
TEXTS: dict[tuple[type[StrEnum], Channel], Mapping[Any, Words]] = {
    (Event, Channel.web): EVENT_WEB,
    (Status, Channel.web): STATUS_WEB,
    (Service, Channel.web): SERVICE_WEB,
    (Service, Channel.print): SERVICE_PRINT,
    (FailureReason, Channel.web): REASON_WORDS,
    (FailureReason, Channel.print): REASON_WORDS,
    (FailureReason, Channel.sms): REASON_WORDS,
    (Beneficiary, Channel.web): BENEFICIARY_WORDS,
    (Beneficiary, Channel.print): BENEFICIARY_WORDS,
}

VOCABULARIES: tuple[type[Value], ...] = (Event, Status, Service, FailureReason, Beneficiary)


def text(value: Value, lang: Lang = "vi", channel: Channel = Channel.web) -> str:
    """What `channel` says about `value` in `lang`."""
    words = TEXTS[type(value), channel][value]
    return words.vi if lang == "vi" else words.en
