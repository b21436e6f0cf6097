"""Delivering results: proof of delivery at the door or the counter, and the handover that
delivers an intake leg. Services flush; the request commits (one deliberate exception below)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from app import clock
from app.accounts.models import User
from app.audit.services import record as audit
from app.delivery.models import DeliveryProof
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.orgs.models import Office
from app.privacy import id_number_hash, id_number_matches
from app.scans.checks import coordinates_problem, future_problem
from app.shipments import lifecycle
from app.shipments.models import Service, Shipment, TrackingEvent
from app.shipments.services import get_visible, record_event
from app.vocabulary import Event, FailureReason

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Delivered:
    shipment: Shipment
    event: TrackingEvent
    proof: DeliveryProof


def deliver(actor: User, tracking_number: str, data: dict[str, Any]) -> Delivered:
    """Record a return shipment's delivery with its proof (SPEC §7).

    A self-delivery whose ID does not match the recorded one is refused (422 id_mismatch) and
    kept on the timeline as a failed attempt (delivery_failed, reason id_mismatch).
    """
    shipment = _deliverable(actor, tracking_number)
    _check_taker(data)
    _check_moment(data)
    _check_image(data, "signature_png", PNG_MAGIC, "PNG", "DELIVERY_SIGNATURE_MAX_BYTES")
    _check_image(data, "photo_jpeg", JPEG_MAGIC, "JPEG", "DELIVERY_PHOTO_MAX_BYTES")
    # A delivery that could not happen now (a final shipment, say) is refused before any identity check.
    timeline = lifecycle.timelines_of([shipment.id])[shipment.id]
    lifecycle.place(timeline, lifecycle.Step(Event.delivered, data["occurred_at"]))
    if data["relationship"] == "self" and shipment.recipient_id_hash \
            and not id_number_matches(data["id_number"], shipment.recipient_id_hash):
        _record_failed_attempt(actor, tracking_number, data)
        raise ValidationFailed("id_number", "The ID number does not match the recipient's; "
                               "the attempt is recorded as failed (id_mismatch).", code="id_mismatch")

    event = record_event(shipment, Event.delivered, actor=actor, occurred_at=data["occurred_at"],
                         office=_office(actor, shipment), lat=data["lat"], lon=data["lon"],
                         **_device_clock(data))
    proof = DeliveryProof(
        shipment_id=shipment.id, event_id=event.id, recipient_name=data["recipient_name"],
        relationship=data["relationship"], id_type=data["id_type"],
        id_hash=id_number_hash(data["id_number"]), id_last4=data["id_number"][-4:],
        authorization_ref=data["authorization_ref"], signature_png=data["signature_png"],
        photo_jpeg=data["photo_jpeg"], occurred_at=data["occurred_at"], lat=data["lat"], lon=data["lon"],
        recorded_by_id=actor.id)
    db.session.add(proof)
    db.session.flush()
    audit(actor, "shipment.deliver", "shipment", shipment.tracking_number,
          {"relationship": data["relationship"], "id_type": data["id_type"]})
    return Delivered(shipment, event, proof)


def deliver_by_handover(shipment: Shipment, *, actor: User, occurred_at: datetime,
                        office: Office | None = None) -> TrackingEvent:
    """An intake leg is delivered when the agency signs the handover record (QĐ45; SPEC §3).
    For the handover-records feature to call, for each dossier the record lists."""
    if shipment.service is Service.return_:
        raise Conflict("A result is delivered to the citizen with a proof of delivery.",
                       code="use_proof_of_delivery")
    return record_event(shipment, Event.delivered, actor=actor, occurred_at=occurred_at,
                        office=office or _office(actor, shipment))


def _deliverable(actor: User, tracking_number: str) -> Shipment:
    shipment = get_visible(actor, tracking_number, for_update=True)
    if shipment.service is not Service.return_:
        raise Conflict("A dossier (intake) is delivered to the agency by a signed handover record, "
                       "not by a proof of delivery.", code="use_handover")
    return shipment


def _record_failed_attempt(actor: User, tracking_number: str, data: dict[str, Any]) -> None:
    # The refusal is itself a fact to keep (a failed attempt, its notice and SMS), but a request
    # commits only when it succeeds: so drop what this request wrote so far (an idempotency claim,
    # say), record the failed attempt alone and commit it as its own unit of work, then refuse.
    db.session.rollback()
    shipment = get_visible(actor, tracking_number, for_update=True)
    record_event(shipment, Event.delivery_failed, actor=actor, occurred_at=data["occurred_at"],
                 office=_office(actor, shipment), reason=FailureReason.id_mismatch,
                 lat=data["lat"], lon=data["lon"], **_device_clock(data))
    audit(actor, "shipment.delivery_refused", "shipment", shipment.tracking_number,
          {"reason": FailureReason.id_mismatch, "id_type": data["id_type"],
           "id_last4": data["id_number"][-4:]})
    db.session.commit()


def _device_clock(data: dict[str, Any]) -> dict[str, Any]:
    return {"device_time": data["device_time"], "clock_offset_ms": data["clock_offset_ms"]}


def _check_taker(data: dict[str, Any]) -> None:
    if data["relationship"] == "proxy" and not data["authorization_ref"]:
        raise ValidationFailed("authorization_ref",
                               "A proxy shows a written authorisation; give its reference.",
                               code="authorization_required")


def _check_moment(data: dict[str, Any]) -> None:
    problem = future_problem(data["occurred_at"], clock.now(), current_app.config["SCAN_CLOCK_SKEW_SECONDS"])
    if problem:
        raise ValidationFailed("occurred_at", problem, code="occurred_in_future")
    problem = coordinates_problem(data["lat"], data["lon"])
    if problem:
        raise ValidationFailed("lat", problem, code="invalid_coordinates")


def _check_image(data: dict[str, Any], field: str, magic: bytes, kind: str, limit_key: str) -> None:
    blob = data[field]
    if blob is None:
        return
    limit = current_app.config[limit_key]
    if len(blob) > limit:
        raise ValidationFailed(field, f"{len(blob)} bytes; at most {limit}.", code="image_too_large")
    if not blob.startswith(magic):
        raise ValidationFailed(field, f"Not a {kind} image.", code="invalid_image")


def _office(actor: User, shipment: Shipment) -> Office:
    return actor.office or shipment.office
