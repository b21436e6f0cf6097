"""Printing shipments: who may print what, and shipments -> document records.

Services flush nothing and commit nothing: printing only reads. They never import the
request; routes hand them the caller and validated values.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.accounts.models import User
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.geo.models import Province
from app.labels import templates, zpl
from app.labels.records import DeliveryStop, Document, HandoverLine, OfficeInfo, Party, ShipmentDoc
from app.labels.render_flow import render_slip
from app.labels.render_labels import render_labels
from app.labels.values import address, tracking_url
from app.orgs.models import Office
from app.shipments.models import Service, Shipment
from app.shipments.services import get_visible, visible_to


def label_pdf(actor: User, tracking_number: str, template: str) -> bytes:
    require_label_template(template)
    shipment = get_visible(actor, tracking_number)
    return render_labels(shipment_docs([shipment]), template, templates_dir())


def labels_pdf(actor: User, tracking_numbers: Sequence[str], template: str) -> bytes:
    """Labels for many shipments in one PDF, in the order given (a repeated number prints
    again). Nothing is drawn unless the caller may see every one of them."""
    require_label_template(template)
    return render_labels(docs_in_order(actor, tracking_numbers), template, templates_dir())


def docs_in_order(actor: User, tracking_numbers: Sequence[str]) -> list[ShipmentDoc]:
    """Document records of the numbers in the order given (repeats kept), after one query;
    a 404 names every number the caller may not see."""
    wanted = list(dict.fromkeys(tracking_numbers))
    rows = db.session.scalars(select(Shipment).where(
        Shipment.tracking_number.in_(wanted), visible_to(actor))).unique()
    found = {s.tracking_number: s for s in rows}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise NotFound(f"No shipment you may see with number(s) {', '.join(missing)}.",
                       code="shipments_not_found", errors={"tracking_numbers": missing})
    docs = shipment_docs(list(found.values()))
    by_number = {d.tracking_number: d for d in docs}
    return [by_number[n] for n in tracking_numbers]


def label_zpl(actor: User, tracking_number: str, template: str) -> str:
    """A shipment's label as ZPL II (one ^XA..^XZ), from the same template as its PDF."""
    require_zpl_template(template)
    shipment = get_visible(actor, tracking_number)
    return zpl.render_zpl(shipment_docs([shipment]), template, templates_dir())


def labels_zpl(actor: User, tracking_numbers: Sequence[str], template: str) -> str:
    """Many labels as one ZPL stream, one ^XA..^XZ per label in the order given, checked
    as `labels_pdf` checks before anything is drawn."""
    require_zpl_template(template)
    return zpl.render_zpl(docs_in_order(actor, tracking_numbers), template, templates_dir())


def require_zpl_template(name: str) -> None:
    try:
        zpl.load(name, templates_dir())
    except KeyError:
        known = ", ".join(zpl.names(templates_dir()))
        raise ValidationFailed("template", f"Unknown ZPL label template {name!r} (sheets such as "
                               f"a4x4 are for office printers); known: {known}.",
                               code="unknown_template") from None


def slip_pdf(actor: User, tracking_number: str) -> bytes:
    shipment = get_visible(actor, tracking_number)
    return render_slip(shipment_docs([shipment], with_clerks=True)[0], directory=templates_dir())


def require_label_template(name: str) -> None:
    try:
        templates.load(name, "label", templates_dir())
    except KeyError:
        known = ", ".join(label_template_names())
        raise ValidationFailed("template", f"Unknown label template {name!r}; known: {known}.",
                               code="unknown_template") from None


def label_template_names() -> list[str]:
    return templates.names("label", templates_dir())


def templates_dir() -> Path:
    """label_templates/ of the repository, unless LABEL_TEMPLATES_DIR points elsewhere."""
    configured = current_app.config.get("LABEL_TEMPLATES_DIR")
    return Path(configured) if configured else templates.DEFAULT_DIR


def shipment_docs(shipments: Sequence[Shipment], *, with_clerks: bool = False) -> list[ShipmentDoc]:
    """Document records for shipments, with two queries in all (province and clerk names)."""
    codes = {u.province_code for s in shipments for u in (s.sender_unit, s.recipient_unit)}
    provinces = dict(db.session.execute(
        select(Province.code, Province.short_name).where(Province.code.in_(codes))).tuples().all())
    clerks: dict[int, str] = {}
    if with_clerks:
        ids = {s.created_by_id for s in shipments}
        clerks = dict(db.session.execute(
            select(User.id, User.full_name).where(User.id.in_(ids))).tuples().all())
    base_url = current_app.config["PUBLIC_BASE_URL"]
    return [shipment_doc(s, provinces, base_url, clerks.get(s.created_by_id)) for s in shipments]


def shipment_doc(s: Shipment, provinces: dict[str, str], base_url: str,
                 clerk_name: str | None = None) -> ShipmentDoc:
    """One shipment as printed. Pure: no queries beyond the shipment's loaded relations."""
    sender = Party(s.sender_name, s.sender_phone, s.sender_address_line, s.sender_unit.name,
                   provinces.get(s.sender_unit.province_code, ""))
    recipient = Party(s.recipient_name, s.recipient_phone, s.recipient_address_line,
                      s.recipient_unit.name, provinces.get(s.recipient_unit.province_code, ""))
    return ShipmentDoc(
        tracking_number=s.tracking_number, tracking_url=tracking_url(base_url, s.tracking_number),
        service=s.service.value, dossier_code=s.dossier_code, procedure=s.procedure_name,
        agency_name=s.agency.name, office=office_info(s.office), sender=sender, recipient=recipient,
        weight_g=s.weight_g,
        documents=tuple(Document(i.name, i.original, i.count) for i in s.items),
        accepted_on=s.accepted_on, due_date=s.due_date, collect_fee_vnd=s.collect_fee_vnd,
        fee=s.fee, clerk_name=clerk_name, beneficiary_category=s.beneficiary_category,
        beneficiary_certificate=s.beneficiary_certificate)


def office_info(office: Office) -> OfficeInfo:
    return OfficeInfo(office.name, office.address_line, office.phone, office.opening_hours)


def handover_line(s: Shipment) -> HandoverLine:
    """A shipment as a line of a handover record; its slip number is its tracking number."""
    citizen = s.sender_name if s.service is Service.intake else s.recipient_name
    return HandoverLine(
        tracking_number=s.tracking_number, slip_number=s.tracking_number,
        dossier_code=s.dossier_code, citizen_name=citizen, procedure=s.procedure_name,
        originals=sum(i.count for i in s.items if i.original),
        copies=sum(i.count for i in s.items if not i.original), collect_fee_vnd=s.collect_fee_vnd)


def delivery_stop(s: Shipment, province: str = "") -> DeliveryStop:
    """A shipment as a stop of a courier's delivery list."""
    party = Party(s.recipient_name, s.recipient_phone, s.recipient_address_line,
                  s.recipient_unit.name, province)
    return DeliveryStop(
        tracking_number=s.tracking_number, recipient_name=s.recipient_name, phone=s.recipient_phone,
        address=address(party), documents=sum(i.count for i in s.items),
        collect_vnd=s.collect_fee_vnd)
