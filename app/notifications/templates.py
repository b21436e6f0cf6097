"""Citizens' SMS (SPEC §9): which event sends which text, in Vietnamese, to whom."""
from __future__ import annotations

from datetime import date, datetime

from app.clock import PROVINCE_TZ
from app.orgs.models import Office
from app.shipments.models import Shipment, TrackingEvent
from app.text import is_mobile
from app.vocabulary import Channel, Event, FailureReason, Service, text

INTAKE_SIDE = (Service.intake, Service.both)

# (service side, event) -> template. Intake: the citizen is the sender and hears about
# acceptance and the handover to the agency; return: the citizen is the recipient.
TEMPLATE_FOR: dict[tuple[Service, str], str] = {
    **{(s, Event.accepted): "accepted" for s in INTAKE_SIDE},
    **{(s, Event.delivered): "handed_over" for s in INTAKE_SIDE},
    (Service.return_, Event.created): "result_ready",
    (Service.return_, Event.out_for_delivery): "out_for_delivery",
    (Service.return_, Event.delivery_failed): "delivery_failed",
    (Service.return_, Event.delivered): "delivered",
}
# Notices about a moment; not sent when a later event (a late scan) already superseded them.
TRANSIENT = frozenset({"out_for_delivery", "delivery_failed"})  # template names


def citizen_phone(shipment: Shipment) -> str | None:
    phone = shipment.recipient_phone if shipment.service is Service.return_ else shipment.sender_phone
    # Only mobiles take SMS; a fixed line (02x) given as the citizen's phone gets none.
    return phone if phone and is_mobile(phone) else None


def render(template: str, shipment: Shipment, event: TrackingEvent, office: Office) -> str:
    """The text of one SMS; `office` is where the event happened (or the shipment's office)."""
    tn, dossier, agency = shipment.tracking_number, shipment.dossier_code, shipment.agency.name
    when = event.occurred_at.astimezone(PROVINCE_TZ)
    if template == "accepted":
        due = f" Dự kiến giao trước ngày {_day(shipment.due_date)}." if shipment.due_date else ""
        return (f"Bưu điện đã nhận hồ sơ {dossier} của Ông/Bà (số hiệu {tn}) "
                f"để chuyển đến {agency}.{due}")
    if template == "handed_over":
        # Set by the handover record when the agency gives an appointment (giấy hẹn).
        appointment = getattr(shipment, "appointment_on", None)
        hen = f" Ngày hẹn trả kết quả: {_day(appointment)}." if appointment else ""
        return f"Hồ sơ {dossier} (số hiệu {tn}) đã được giao cho {agency} ngày {_day(when)}.{hen}"
    if template == "result_ready":
        return (f"{agency} đã có kết quả hồ sơ {dossier}. "
                f"Bưu điện sẽ phát đến Ông/Bà, số hiệu {tn}.")
    if template == "out_for_delivery":
        return (f"Bưu tá đang phát kết quả hồ sơ {dossier} (số hiệu {tn}) đến Ông/Bà. "
                "Vui lòng chuẩn bị CCCD/giấy tờ tùy thân để nhận.")
    if template == "delivery_failed":
        reason = text(FailureReason(event.reason), channel=Channel.sms) if event.reason else ""
        why = f" ({_in_sentence(reason)})" if reason else ""
        hours = f", giờ mở cửa: {office.opening_hours}" if office.opening_hours else ""
        phone = f", ĐT {office.phone}" if office.phone else ""
        # TT17 Điều 5: a notice (giấy mời) is left; the citizen may collect at the office.
        return (f"Chưa phát được bưu gửi {tn}{why}. Bưu tá đã để lại giấy mời; mời Ông/Bà "
                f"đến nhận tại {office.name}, {office.address_line}{hours}{phone}.")
    if template == "delivered":
        return (f"Kết quả hồ sơ {dossier} (số hiệu {tn}) đã được phát thành công "
                f"lúc {when:%H:%M} ngày {_day(when)}. Cảm ơn Ông/Bà.")
    raise ValueError(f"no SMS template {template!r}")


def _day(value: date | datetime) -> str:
    return f"{value:%d/%m/%Y}"


def _in_sentence(words: str) -> str:
    """The vocabulary's words inside a sentence: the same words, the first letter lower-cased."""
    return words[:1].lower() + words[1:]
