"""Shape shipments for the response schemas."""
from __future__ import annotations

from typing import Any

from app.geo.models import Commune
from app.shipments.models import Shipment, TrackingEvent


def _address(line: str, unit: Commune) -> dict[str, Any]:
    return {"line": line, "unit_code": unit.code, "unit_name": unit.name,
            "province_code": unit.province_code}


def shipment_detail(s: Shipment, events: list[TrackingEvent],
                    office_codes: dict[int, str]) -> dict[str, Any]:
    return {
        "tracking_number": s.tracking_number,
        "service": s.service,
        "status": s.status,
        "dossier": {"code": s.dossier_code, "procedure": s.procedure_name},
        "agency_code": s.agency.code,
        "office_code": s.office.code,
        "courier": s.courier.username if s.courier else None,
        "sender": {"name": s.sender_name, "phone": s.sender_phone,
                   "address": _address(s.sender_address_line, s.sender_unit)},
        "recipient": {"name": s.recipient_name, "phone": s.recipient_phone,
                      "id_type": s.recipient_id_type, "id_last4": s.recipient_id_last4,
                      "address": _address(s.recipient_address_line, s.recipient_unit)},
        "weight_g": s.weight_g,
        "items": s.items,
        "beneficiary": ({"category": s.beneficiary_category,
                         "certificate": s.beneficiary_certificate}
                        if s.beneficiary_category else None),
        "collect_fee_vnd": s.collect_fee_vnd,
        "accepted_on": s.accepted_on,
        "due_date": s.due_date,
        "fee": s.fee,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "events": [_event(e, office_codes) for e in events],
    }


def _event(e: TrackingEvent, office_codes: dict[int, str]) -> dict[str, Any]:
    return {"event": e.event, "upu_code": e.upu_code, "occurred_at": e.occurred_at,
            "recorded_at": e.recorded_at,
            "office_code": office_codes.get(e.office_id) if e.office_id else None,
            "reason": e.reason, "note": e.note}


def shipment_summary(s: Shipment) -> dict[str, Any]:
    return {"tracking_number": s.tracking_number, "service": s.service, "status": s.status,
            "dossier_code": s.dossier_code, "agency_code": s.agency.code,
            "office_code": s.office.code, "recipient_name": s.recipient_name,
            "due_date": s.due_date, "created_at": s.created_at}
