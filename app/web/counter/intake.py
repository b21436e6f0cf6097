"""What the new-shipment form shows besides its fields: the document rows, the commune picker's
choices, the live fee quote and what a CCCD QR code filled. The rules stay in the services
(geo, fees, identity); this module only shapes their answers for the page."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from app.access import known_agency
from app.errors import DomainError
from app.fees import services as fees
from app.geo import services as geo
from app.geo.models import Commune
from app.identity.cccd import CccdCard, CccdQrError, Refusal
from app.shipments import services as shipments
from app.web.forms import FORM_ERROR, body_from_form, field_errors, without_empty_optional_objects
from app.web.i18n import ZONE_NAMES, current_locale
from app.web.session import current_staff

PARTIES = ("sender", "recipient")
INTEGERS = ("weight_g", "collect_fee_vnd", "items.count")
BOOLEANS = ("items.original",)
MAX_ITEM_ROWS = 100
COMMUNE_CHOICES = 8
MIN_SEARCH = 2
# What pricing reads (fees.pricing.QuoteInput): the rest of the slip does not change the fee.
PRICED = ("service", "agency_code", "sender.address.unit_code", "recipient.address.unit_code",
          "weight_g", "beneficiary.category", "beneficiary.certificate", "collect_fee_vnd")
PRICE_NEEDS = {
    "agency_code": _l("cơ quan giải quyết"),
    "sender.address.unit_code": _l("xã/phường người gửi"),
    "recipient.address.unit_code": _l("xã/phường người nhận"),
    "weight_g": _l("khối lượng"),
}
# The fee engine labels its lines in Vietnamese; other languages read them by code.
FEE_LINES = {
    "base": _l("Cước cơ bản"), "weight": _l("Cước theo khối lượng"),
    "remote": _l("Phụ phí vùng xa"), "collection": _l("Phí thu hộ lệ phí"),
}
REFUSALS = {
    Refusal.not_a_card: _l("Đây không phải mã QR của CCCD: mã có %(count)s trường, "
                           "mã CCCD có 6 hoặc 7 trường ngăn bởi dấu |. Chưa điền gì."),
    Refusal.id_number: _l("Mã QR không có số CCCD 12 chữ số. Chưa điền gì."),
    Refusal.name: _l("Mã QR không có họ tên. Chưa điền gì."),
}


def shipment_body(form: Mapping[str, str], schema: Schema) -> dict[str, Any]:
    """The API body the form stands for (schema errors raised as the API raises them)."""
    posted = body_from_form(form, integers=INTEGERS, booleans=BOOLEANS)  # type: ignore[arg-type]
    return schema.load(without_empty_optional_objects(posted, schema))


def create_from_slip(body: Callable[[], dict[str, Any]], slip: Callable[..., Response], shipment_page: str,
                     new_slip: str, created_text: Callable[[str], str]) -> Response:
    """The slip's shipment made by shipments.create, as POST /api/v1/shipments makes it: on to its
    page (`shipment_page`, else a `new_slip`) with created_text(number) flashed; or the slip again,
    slip(errors, message, status), with the refusal beside its fields."""
    try:
        created = shipments.create(current_staff(), body())
    except ValidationError as exc:
        errors = {**unknown_communes(request.form), **field_errors(exc.messages, request.form)}
        return slip(errors, status=422)
    except DomainError as exc:
        if not exc.errors:
            return slip(message=_("Không thể tạo bưu gửi này (%(code)s).", code=exc.code), status=exc.status)
        return slip(field_errors(exc.errors, request.form), status=exc.status)
    flash(created_text(created.tracking_number), "success")
    if shipment_page in current_app.view_functions:
        return redirect(url_for(shipment_page, tracking_number=created.tracking_number), code=303)
    return redirect(url_for(new_slip), code=303)


def unknown_communes(form: Mapping[str, str]) -> dict[str, str]:
    """Errors for well-formed commune codes no commune has, so they show with the schema's."""
    out = {}
    for party in PARTIES:
        name = f"{party}.address.unit_code"
        code = form.get(name, "").strip()
        if geo.COMMUNE_CODE.fullmatch(code) and geo.get_commune(code) is None:
            out[name] = _("Không có xã/phường với mã này.")
    return out


# --- document rows ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ItemRow:
    index: int
    name: str
    original: bool
    count: str


def item_rows(form: Mapping[str, str]) -> list[ItemRow]:
    """The rows the clerk had (posted back after an error), or one blank original."""
    indexes = sorted({int(key.split("-")[1]) for key in form
                      if key.startswith("items-") and key.split("-")[1].isdigit()})[:MAX_ITEM_ROWS]
    if not indexes:
        return [ItemRow(0, "", True, "1")]
    return [ItemRow(i, form.get(f"items-{i}-name", ""), form.get(f"items-{i}-original") == "on",
                    form.get(f"items-{i}-count", "")) for i in indexes]


# --- commune picker --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CommuneChoice:
    code: str
    name: str
    province: str

    @property
    def label(self) -> str:
        return f"{self.name}, {self.province}"


def commune_choices(query: str) -> list[CommuneChoice]:
    """Communes whose name (accent-insensitive) or code matches, as GET /api/v1/units finds them."""
    query = query.strip()
    if len(query) < MIN_SEARCH:
        return []
    return _choices(geo.search_communes({"q": query, "limit": COMMUNE_CHOICES}).items)


def chosen_communes(form: Mapping[str, str]) -> dict[str, CommuneChoice]:
    """The commune each party's picker shows when the form is drawn again: {"sender": ...}."""
    found = {party: commune for party in PARTIES
             if geo.COMMUNE_CODE.fullmatch(code := form.get(f"{party}.address.unit_code", "").strip())
             and (commune := geo.get_commune(code)) is not None}
    return dict(zip(found, _choices(list(found.values())), strict=True))


def _choices(communes: list[Commune]) -> list[CommuneChoice]:
    provinces = geo.province_names(c.province_code for c in communes)
    return [CommuneChoice(c.code, c.name, provinces.get(c.province_code, c.province_code)) for c in communes]


def agency_party(code: str) -> dict[str, str] | None:
    """An active agency as the party it is on a slip (the sender of a return, the recipient of
    an intake), so picking it fills that party; None for a code no active agency has."""
    try:
        agency = known_agency(code.strip())
    except DomainError:
        return None
    commune = geo.get_commune(agency.unit_code)
    return {"code": agency.code, "name": agency.name, "phone": agency.phone or "",
            "line": agency.address_line, "unit_code": agency.unit_code,
            "commune": _choices([commune])[0].label if commune else agency.unit_code}


# --- live fee quote --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QuoteView:
    fee: dict[str, Any] | None = None
    due_date: date | None = None
    service_days: int | None = None
    missing: tuple[str, ...] = ()
    problem: str | None = None


def quote_for(form: Mapping[str, str], schema: Schema) -> QuoteView:
    """The fee the form would freeze, from its priced fields only: a half-filled slip is quoted
    as soon as those are there, and says which are still missing."""
    priced = {name: value for name, value in form.items() if name in PRICED}
    missing = tuple(str(label) for name, label in PRICE_NEEDS.items() if not priced.get(name, "").strip())
    if missing:
        return QuoteView(missing=missing)
    try:
        posted = body_from_form(priced, integers=INTEGERS, booleans=BOOLEANS)  # type: ignore[arg-type]
        body = schema.load(without_empty_optional_objects(posted, schema), partial=True)
        quote = fees.quote_request(body)
    except ValidationError as exc:
        return QuoteView(problem=_first_error(field_errors(exc.messages, priced)))
    except DomainError as exc:
        return QuoteView(problem=_first_error(field_errors(exc.errors or {FORM_ERROR: [exc.detail]}, priced)))
    return QuoteView(fee=quote.fee, due_date=quote.due_date, service_days=quote.service_days)


def _first_error(errors: dict[str, str]) -> str:
    name, message = next(iter(errors.items()))
    label = PRICE_NEEDS.get(name)
    return f"{label}: {message}" if label else message


def zone_text(zone: str) -> str:
    return str(ZONE_NAMES.get(zone, zone))


def distance_text(km: float) -> str:
    text = f"{km:.1f} km"
    return text.replace(".", ",") if current_locale() == "vi" else text


def fee_line_text(line: Mapping[str, Any]) -> str:
    if current_locale() == "vi":
        return line["label"]
    return str(FEE_LINES.get(line["code"], line["label"]))


# --- CCCD QR ---------------------------------------------------------------------------------

def refusal_text(error: CccdQrError) -> str:
    return str(REFUSALS[error.reason]) % {"count": error.fields}


def filled_from_card(card: CccdCard) -> dict[str, Any]:
    """The recipient's fields a card fills, and the lines saying what was filled: the old
    address goes through the same conversion as GET /api/v1/units/convert."""
    fields = {"recipient.name": card.full_name, "recipient.id_number": card.id_number}
    said = [(_("Họ tên"), card.full_name), (_("Số CCCD"), card.id_number)]
    commune = None
    note = None
    if card.address:
        fields["recipient.address.line"] = card.address
        try:
            converted = geo.convert_legacy_address(card.address)
        except DomainError:
            note = _("Không đổi được địa chỉ cũ sang xã/phường mới: hãy chọn xã/phường.")
            fields["recipient.address.unit_code"] = ""  # not another citizen's commune left behind
        else:
            commune = _choices([converted["commune"]])[0]
            fields["recipient.address.line"] = converted["street"] or card.address
            fields["recipient.address.unit_code"] = commune.code
    said.append((_("Địa chỉ"), fields.get("recipient.address.line", "")))
    if commune is not None:
        said.append((_("Xã/phường (đổi từ địa chỉ cũ)"), commune.label))
    return {"fields": fields, "commune": commune.label if commune else None,
            "filled": [{"label": label, "value": value} for label, value in said if value],
            "title": _("Đã điền từ CCCD"), "note": note}
