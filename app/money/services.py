"""Payments taken at a counter or a door, and remittances of procedure fees to agencies.

What is due on a shipment, and from whom: an intake dossier's postal fee and procedure fee are
taken when it is accepted (at the counter, or at the citizen's home); a result's, when it is
delivered (at the door or the counter). Services flush; the request commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update

from app import clock
from app.access import agency_for
from app.accounts.models import User
from app.audit.services import record as audit
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.money.models import Payment, PaymentKind, Remittance
from app.shipments.models import Shipment
from app.shipments.services import get_visible


def amount_due(shipment: Shipment, kind: PaymentKind) -> int:
    if kind is PaymentKind.postal_fee:
        return shipment.fee_total_vnd or 0
    return shipment.collect_fee_vnd or 0


def business_day(moment: datetime) -> date:
    return moment.astimezone(clock.PROVINCE_TZ).date()


@dataclass(frozen=True)
class Recorded:
    """A payment as answered: with its shipment, what was due, and who took it."""

    payment: Payment
    shipment: Shipment
    collected_by: User

    @property
    def due_vnd(self) -> int:
        return amount_due(self.shipment, self.payment.kind)


def record_payment(actor: User, data: dict[str, Any]) -> Recorded:
    shipment = get_visible(actor, data["tracking_number"], for_update=True)
    kind: PaymentKind = data["kind"]
    if amount_due(shipment, kind) == 0:
        raise ValidationFailed("kind", f"Nothing of kind {kind.value} is due on {shipment.tracking_number}.",
                               code="nothing_due")
    taken = db.session.scalar(
        select(Payment.id).where(Payment.shipment_id == shipment.id, Payment.kind == kind))
    if taken is not None:
        raise Conflict(f"The {kind.value} of {shipment.tracking_number} is recorded already.",
                       code="payment_recorded")
    occurred_at = data.get("occurred_at") or clock.now()
    if occurred_at > clock.now():
        raise ValidationFailed("occurred_at", "A payment is recorded after it is taken.",
                               code="occurred_in_future")
    payment = Payment(
        shipment_id=shipment.id, kind=kind, method=data["method"], amount_vnd=data["amount_vnd"],
        collected_by_id=actor.id, office_id=actor.office_id or shipment.office_id,
        agency_id=shipment.agency_id, occurred_at=occurred_at, business_day=business_day(occurred_at),
        recorded_at=clock.now(),
        note=data.get("note"))
    db.session.add(payment)
    db.session.flush()
    audit(actor, "payment.record", "shipment", shipment.tracking_number,
          {"kind": kind.value, "amount_vnd": payment.amount_vnd})
    return Recorded(payment, shipment, actor)


def remit(actor: User, data: dict[str, Any]) -> Remittance:
    """Pay over to an agency every procedure fee collected for it up to a day, not yet remitted."""
    agency = agency_for(actor, data["agency_code"], local=True)
    owed = (select(Payment.id).where(
        Payment.agency_id == agency.id, Payment.kind == PaymentKind.procedure_fee,
        Payment.remittance_id.is_(None), Payment.business_day <= data["until"])
        .with_for_update())
    ids = list(db.session.scalars(owed))
    if not ids:
        raise Conflict(f"No procedure fee collected for {agency.code} up to {data['until']} is waiting.",
                       code="nothing_to_remit")
    amount = db.session.scalar(select(func.sum(Payment.amount_vnd)).where(Payment.id.in_(ids)))
    remittance = Remittance(agency_id=agency.id, office_id=actor.office_id or agency.office_id,
                            amount_vnd=amount, item_count=len(ids), period_to=data["until"],
                            reference=data.get("reference"), created_by_id=actor.id, created_at=clock.now())
    db.session.add(remittance)
    db.session.flush()
    db.session.execute(update(Payment).where(Payment.id.in_(ids)).values(remittance_id=remittance.id))
    audit(actor, "remittance.create", "agency", agency.code, {"amount_vnd": amount, "items": len(ids)})
    return remittance
