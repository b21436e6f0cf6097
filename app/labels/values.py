"""Records -> the strings templates print: {field} values and table rows, all NFC.

Money is Vietnamese style (`30.000 ₫`), dates dd/mm/yyyy in province time.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

from app.clock import PROVINCE_TZ
from app.labels.records import (
    DeliveryList,
    FailedDeliveryNotice,
    HandoverRecord,
    OfficeInfo,
    Party,
    ShipmentDoc,
)
from app.vocabulary import Beneficiary, Channel, FailureReason, Service, Value, text

Values = dict[str, str]
Rows = dict[str, list[Values]]

ZONE_NAMES = {
    "local": "Nội vùng (≤ 10 km)", "intra_province": "Nội tỉnh",
    "inter_same_region": "Liên tỉnh cùng miền", "inter_adjacent_region": "Liên tỉnh miền kề",
    "inter_far_region": "Liên tỉnh Bắc – Nam",
}
TRACKING_PATH = "/t/"


def printed(value: Value) -> str:
    """What paper says about a vocabulary value."""
    return text(value, channel=Channel.print)


def tracking_url(base_url: str, tracking_number: str) -> str:
    """The public link a label's QR code holds: {PUBLIC_BASE_URL}/t/{tracking number}."""
    url = base_url.rstrip("/") + TRACKING_PATH + tracking_number
    if not url.isascii():
        raise ValueError(f"PUBLIC_BASE_URL must be ASCII (punycode a domain name): {base_url!r}")
    return url


def vnd(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,} ₫".replace(",", ".")


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def moment(value: datetime) -> str:
    return value.astimezone(PROVINCE_TZ).strftime("%H:%M %d/%m/%Y")


def spaced(tracking_number: str) -> str:
    """UPU S10 human-readable form: HA 473 124 829 VN."""
    t = tracking_number
    return f"{t[:2]} {t[2:5]} {t[5:8]} {t[8:11]} {t[11:]}" if len(t) == 13 else t


def address(party: Party) -> str:
    return ", ".join(p for p in (party.line, party.commune, party.province) if p)


def _nfc(values: dict[str, Any]) -> Values:
    out = {}
    for key, value in values.items():
        said = "" if value is None else str(value)
        out[key] = said if said.isascii() else unicodedata.normalize("NFC", said)
    return out


def _party(prefix: str, party: Party) -> dict[str, Any]:
    return {f"{prefix}.name": party.name, f"{prefix}.phone": party.phone, f"{prefix}.line": party.line,
            f"{prefix}.commune": party.commune, f"{prefix}.province": party.province,
            f"{prefix}.address": address(party)}


def _office(office: OfficeInfo) -> dict[str, Any]:
    return {"office.name": office.name, "office.address": office.address,
            "office.phone": office.phone, "office.hours": office.opening_hours}


def shipment_values(doc: ShipmentDoc) -> Values:
    fee = doc.fee or {}
    total = fee.get("total_vnd")
    documents = sum(d.count for d in doc.documents)
    summary = "; ".join(f"{d.name} ({'bản chính' if d.original else 'bản sao'} × {d.count})"
                        for d in doc.documents)
    beneficiary = printed(Beneficiary(doc.beneficiary_category)) if doc.beneficiary_category else None
    return _nfc({
        "tracking_number": doc.tracking_number, "tracking_number_spaced": spaced(doc.tracking_number),
        "tracking_url": doc.tracking_url, "service": doc.service,
        "service_title": printed(Service(doc.service)),
        "dossier.code": doc.dossier_code, "dossier.procedure": doc.procedure,
        "agency.name": doc.agency_name, **_office(doc.office),
        **_party("sender", doc.sender), **_party("recipient", doc.recipient),
        "weight": f"{doc.weight_g:,} g".replace(",", "."),
        "documents.summary": summary, "documents.count": documents,
        "documents.lines": len(doc.documents),
        "accepted_on": day(doc.accepted_on), "due_date": day(doc.due_date),
        "collect_fee": vnd(doc.collect_fee_vnd) if doc.collect_fee_vnd else "",
        "fee.total": vnd(total), "fee.vat": vnd(fee.get("vat_vnd")),
        "fee.gross": vnd(fee.get("gross_vnd")),
        "fee.discount": vnd(fee.get("discount_vnd")) if fee.get("discount_vnd") else "",
        "fee.policy": fee.get("policy"), "fee.zone": ZONE_NAMES.get(fee.get("zone") or "", fee.get("zone")),
        "fee.distance": ("" if fee.get("distance_km") is None
                         else f"{fee['distance_km']:.1f} km".replace(".", ",")),
        "fee.tariff": fee.get("tariff_version"),
        "fee.missing": "" if doc.fee else "Chưa tính cước",
        "amount_due": vnd((total or 0) + doc.collect_fee_vnd),
        "clerk.name": doc.clerk_name,
        "beneficiary": f"{beneficiary} – {doc.beneficiary_certificate}" if beneficiary else "",
    })


def shipment_rows(doc: ShipmentDoc) -> Rows:
    items = [_nfc({"index": i, "name": d.name, "kind": "Bản chính" if d.original else "Bản sao",
                   "count": d.count}) for i, d in enumerate(doc.documents, 1)]
    fee = doc.fee or {}
    lines = [_nfc({"label": line.get("label") or line.get("code"), "amount": vnd(line.get("amount_vnd"))})
             for line in fee.get("lines") or ()]
    if fee.get("discount_vnd"):
        policy = f" ({fee['policy']})" if fee.get("policy") else ""
        lines.append(_nfc({"label": f"Giảm giá{policy}", "amount": "−" + vnd(fee["discount_vnd"])}))
    return {"items": items, "fee_lines": lines}


def handover_values(record: HandoverRecord) -> Values:
    post = (record.office.name, record.office.address, record.post_signatory)
    agency = (record.agency_name, record.agency_address, record.agency_signatory)
    giver, taker = (post, agency) if record.direction == "intake" else (agency, post)
    lines = record.lines
    return _nfc({
        "number": record.number, "signed_at": moment(record.signed_at),
        "direction": "Bưu điện giao hồ sơ cho cơ quan giải quyết" if record.direction == "intake"
        else "Cơ quan giao kết quả giải quyết cho bưu điện",
        "giver.name": giver[0], "giver.address": giver[1], "giver.signer": giver[2],
        "taker.name": taker[0], "taker.address": taker[1], "taker.signer": taker[2],
        **_office(record.office), "agency.name": record.agency_name,
        "signer.post": record.post_signatory, "signer.agency": record.agency_signatory,
        "totals.dossiers": len(lines), "totals.originals": sum(x.originals for x in lines),
        "totals.copies": sum(x.copies for x in lines),
        "totals.documents": sum(x.originals + x.copies for x in lines),
        "totals.collect_fee": vnd(sum(x.collect_fee_vnd for x in lines)), "note": record.note,
    })


def handover_rows(record: HandoverRecord) -> Rows:
    return {"lines": [_nfc({
        "index": i, "tracking_number": x.tracking_number, "slip_number": x.slip_number,
        "dossier_code": x.dossier_code, "citizen": x.citizen_name, "procedure": x.procedure,
        "originals": x.originals, "copies": x.copies, "documents": x.originals + x.copies,
        "collect_fee": vnd(x.collect_fee_vnd) if x.collect_fee_vnd else "",
    }) for i, x in enumerate(record.lines, 1)]}


def delivery_values(dl: DeliveryList) -> Values:
    return _nfc({
        "number": dl.number, "day": day(dl.day), **_office(dl.office), "courier.name": dl.courier_name,
        "route": dl.route, "totals.items": len(dl.stops),
        "totals.documents": sum(s.documents for s in dl.stops),
        "totals.collect": vnd(sum(s.collect_vnd for s in dl.stops)),
    })


def delivery_rows(dl: DeliveryList) -> Rows:
    return {"stops": [_nfc({
        "index": i, "tracking_number": s.tracking_number, "recipient": s.recipient_name,
        "phone": s.phone, "address": s.address, "documents": s.documents,
        "address_note": f"{s.address}. {s.note}" if s.note else s.address,
        "collect": vnd(s.collect_vnd) if s.collect_vnd else "", "note": s.note,
    }) for i, s in enumerate(dl.stops, 1)]}


def notice_values(n: FailedDeliveryNotice) -> Values:
    return _nfc({
        "tracking_number": n.tracking_number, "tracking_number_spaced": spaced(n.tracking_number),
        "tracking_url": n.tracking_url, "recipient.name": n.recipient_name,
        "recipient.address": n.recipient_address, "attempt": n.attempt,
        "attempted_at": moment(n.attempted_at),
        "reason": printed(FailureReason(n.reason)) if n.reason else "",
        **_office(n.office), "collect_by": day(n.collect_by), "return_to": n.return_to,
        "courier.name": n.courier_name,
    })


def no_rows(_record: Any) -> Rows:
    return {}


# family -> (record values, record rows)
FAMILY_VALUES: dict[str, tuple[Callable[[Any], Values], Callable[[Any], Rows]]] = {
    "label": (shipment_values, no_rows),
    "slip": (shipment_values, shipment_rows),
    "handover": (handover_values, handover_rows),
    "delivery_list": (delivery_values, delivery_rows),
    "notice": (notice_values, no_rows),
}


@cache
def known_fields(family: str) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The {field} names a family's templates may use, and each table's row fields."""
    from app.labels import samples

    record = samples.SAMPLES[family]()
    values, rows = FAMILY_VALUES[family]
    tables = {name: frozenset(rs[0]) if rs else frozenset() for name, rs in rows(record).items()}
    return frozenset(values(record)), tables
