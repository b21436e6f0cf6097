"""What the printed documents print: plain, frozen inputs, independent of the database.

Shipments become `ShipmentDoc`s in app.labels.services; handover records, delivery
lists and notices are built by the features that own them (for now, by tests) and
handed to the rendering functions as these dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Party:
    name: str
    phone: str | None
    line: str  # free-text address line
    commune: str  # "Phường Bỉm Sơn"
    province: str  # "Thanh Hóa"


@dataclass(frozen=True)
class Document:
    """One paper in a dossier or a result: its name, original or copy, how many."""

    name: str
    original: bool
    count: int


@dataclass(frozen=True)
class OfficeInfo:
    name: str
    address: str
    phone: str | None = None
    opening_hours: str | None = None


@dataclass(frozen=True)
class ShipmentDoc:
    """A shipment as its label and its dossier sending slip show it."""

    tracking_number: str
    tracking_url: str
    service: str  # intake | return | both
    dossier_code: str
    procedure: str | None
    agency_name: str
    office: OfficeInfo
    sender: Party
    recipient: Party
    weight_g: int
    documents: tuple[Document, ...]
    accepted_on: date
    due_date: date | None
    collect_fee_vnd: int
    # The fee engine's frozen breakdown (SPEC §7), or None while the shipment is unpriced.
    fee: dict[str, Any] | None = None
    clerk_name: str | None = None
    beneficiary_category: str | None = None
    beneficiary_certificate: str | None = None


@dataclass(frozen=True)
class HandoverLine:
    """One dossier in a handover record (Biên bản giao nhận hồ sơ)."""

    tracking_number: str
    slip_number: str
    dossier_code: str
    citizen_name: str
    procedure: str | None
    originals: int
    copies: int
    collect_fee_vnd: int = 0


@dataclass(frozen=True)
class HandoverRecord:
    number: str
    direction: str  # intake: the post office hands dossiers to the agency; return: the reverse
    signed_at: datetime
    office: OfficeInfo
    agency_name: str
    agency_address: str
    post_signatory: str
    agency_signatory: str | None
    lines: tuple[HandoverLine, ...]
    note: str | None = None


@dataclass(frozen=True)
class DeliveryStop:
    """One item on a courier's round, in route order."""

    tracking_number: str
    recipient_name: str
    phone: str | None
    address: str
    documents: int
    collect_vnd: int = 0
    note: str | None = None


@dataclass(frozen=True)
class DeliveryList:
    number: str
    day: date
    office: OfficeInfo
    courier_name: str
    stops: tuple[DeliveryStop, ...]
    route: str | None = None


@dataclass(frozen=True)
class FailedDeliveryNotice:
    """The invitation (giấy mời) left when a delivery fails (TT17 Điều 5)."""

    tracking_number: str
    tracking_url: str
    recipient_name: str
    recipient_address: str
    attempt: int
    attempted_at: datetime
    reason: str  # a failure reason code (SPEC §6), printed in Vietnamese
    office: OfficeInfo
    collect_by: date  # after this date the item goes back to the agency
    return_to: str
    courier_name: str
