"""Who may see and act on what (SPEC §2), in one place for shipments, pickups, handover records
and webhook subscriptions: supervisors and admins see everything, clerks their office, couriers
their office and what is given to them, agency officers their own agency while it is active."""
from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import ColumnElement, false, or_, true

from app.accounts.models import Role, User
from app.errors import Forbidden, ValidationFailed
from app.orgs.models import Agency
from app.orgs.services import agency_by_code
from app.privacy import mask_name

EVERYWHERE = (Role.admin, Role.supervisor)
POST_STAFF = (Role.clerk, Role.courier, Role.supervisor)


class Standing(Protocol):
    @property
    def active(self) -> bool: ...


class Actor(Protocol):
    """What scoping reads of whoever acts: a User, or a request's Caller (app.accounts.services),
    which the token check reads without loading the user."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> Role: ...
    @property
    def office_id(self) -> int | None: ...
    @property
    def agency_id(self) -> int | None: ...
    @property
    def agency(self) -> Standing | None: ...


def scope(actor: Actor, model: Any) -> ColumnElement[bool]:
    """The rows of `model` (with agency_id, and office_id / courier_id where it has them) the actor sees."""
    if actor.role in EVERYWHERE:
        return true()
    if actor.role is Role.agency:
        return model.agency_id == actor.agency_id if agency_active(actor) else false()
    if not hasattr(model, "office_id"):
        return false()
    if actor.role is Role.courier and hasattr(model, "courier_id"):
        return or_(model.courier_id == actor.id, model.office_id == actor.office_id)
    return model.office_id == actor.office_id


def agency_active(actor: Actor) -> bool:
    return actor.agency is not None and actor.agency.active


def known_agency(code: str, field: str = "agency_code") -> Agency:
    """An agency by code that may be named: it exists and is active."""
    agency = agency_by_code(code)
    if agency is None or not agency.active:
        raise ValidationFailed(field, f"Unknown agency {code!r}.", code="unknown_agency")
    return agency


def agency_for(actor: User, code: str | None, *, local: bool = False) -> Agency:
    """The agency the actor acts for: an agency officer's own (active) agency, or the one staff
    name. `local`: clerks and couriers act only for agencies their office serves."""
    if actor.role is Role.agency:
        assert actor.agency is not None  # the role_affiliation constraint
        if code and code != actor.agency.code:
            raise Forbidden("Agency officers act for their own agency only.", code="other_agency")
        if not actor.agency.active:
            raise Forbidden(f"Agency {actor.agency.code} is inactive.", code="agency_inactive")
        return actor.agency
    if not code:
        raise ValidationFailed("agency_code", "Name the agency.", code="agency_required")
    agency = known_agency(code)
    if local and actor.role not in EVERYWHERE and agency.office_id != actor.office_id:
        raise Forbidden("This agency is served by another post office.", code="other_office")
    return agency


def sees_personal_data(actor: Actor) -> bool:
    """Admins run users, offices and tariffs (SPEC §2): they read shipments as the public
    does, without phone numbers, address lines or ID digits."""
    return actor.role is not Role.admin


class Masked:
    """A shipment as an admin reads it: names masked like public tracking, the rest withheld."""

    WITHHELD = frozenset({"sender_phone", "recipient_phone", "sender_address_line",
                          "recipient_address_line", "recipient_id_last4", "beneficiary_certificate"})
    NAMES = frozenset({"sender_name", "recipient_name"})

    def __init__(self, shipment: Any) -> None:
        self._shipment = shipment

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._shipment, name)
        if name in self.WITHHELD:
            return None
        return mask_name(value) if name in self.NAMES else value


def as_seen_by(actor: Actor, shipment: Any) -> Any:
    return shipment if sees_personal_data(actor) else Masked(shipment)
