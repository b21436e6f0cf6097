"""Post offices and agencies: lists (with their staff), a new one from the API's In schemas, edits
of name, address and phone, and agencies switched off and on. Every change goes through
app.orgs.services, which writes the audit entry."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.geo.models import Commune
from app.orgs import services as orgs
from app.orgs.models import Agency, Office
from app.orgs.schemas import AgencyEditIn, AgencyIn, OfficeEditIn, OfficeIn
from app.text import fold
from app.web.admin.routes import bp
from app.web.forms import body_from_form, field_errors
from app.web.session import current_staff

Place = Office | Agency
Page = tuple[str, int]
PlaceForm = Callable[..., str]
LISTS = {"office": "admin.offices", "agency": "admin.agencies"}


# --- offices ---------------------------------------------------------------------------------

@bp.get("/offices")
def offices() -> str:
    staff, _by_agency = orgs.staff_counts()
    places = orgs.list_offices()
    return render_template("admin/offices.html", offices=places, staff=staff, communes=_communes_of(places))


@bp.get("/offices/new")
def new_office() -> str:
    return _office_form({}, {})


@bp.post("/offices/new")
def create_office() -> Response | Page:
    return _create("office", OfficeIn, orgs.create_office, _office_form,
                   lambda code: _("Đã thêm bưu cục %(code)s.", code=code), code_length=20)


@bp.get("/offices/<code>/edit")
def edit_office(code: str) -> str:
    office = _found(orgs.office_by_code(code))
    return _office_form(_values_of(office), {}, office)


@bp.post("/offices/<code>/edit")
def update_office(code: str) -> Response | Page:
    return _update("office", code, orgs.office_by_code(code), OfficeEditIn, orgs.update_office, _office_form,
                   _("Đã lưu bưu cục %(code)s.", code=code))


def _office_form(values: Mapping[str, Any], errors: dict[str, str], office: Office | None = None) -> str:
    return _place_form("office", values, errors, office)


# --- agencies --------------------------------------------------------------------------------

@bp.get("/agencies")
def agencies() -> str:
    _by_office, officers = orgs.staff_counts()
    places = orgs.list_agencies()
    return render_template("admin/agencies.html", agencies=places, officers=officers,
                           communes=_communes_of(places))


@bp.get("/agencies/new")
def new_agency() -> str:
    return _agency_form({}, {})


@bp.post("/agencies/new")
def create_agency() -> Response | Page:
    return _create("agency", AgencyIn, orgs.create_agency, _agency_form,
                   lambda code: _("Đã thêm cơ quan %(code)s.", code=code))


@bp.get("/agencies/<code>/edit")
def edit_agency(code: str) -> str:
    agency = _found(orgs.agency_by_code(code))
    return _agency_form(_values_of(agency), {}, agency)


@bp.post("/agencies/<code>/edit")
def update_agency(code: str) -> Response | Page:
    return _update("agency", code, orgs.agency_by_code(code), AgencyEditIn, orgs.update_agency, _agency_form,
                   _("Đã lưu cơ quan %(code)s.", code=code))


@bp.post("/agencies/<code>/active")
def set_agency_active(code: str) -> Response:
    active = request.form.get("active") == "1"
    try:
        agency = orgs.set_agency_active(current_staff(), code, active)
    except NotFound:
        flash(_("Không có cơ quan với mã này."), "error")
    else:
        flash(_("Đã mở lại cơ quan %(code)s.", code=agency.code) if active else
              _("Đã ngừng cơ quan %(code)s: cán bộ của cơ quan không còn xem được bưu gửi, và không thể "
                "gửi bưu gửi mới cho cơ quan này.", code=agency.code), "success")
    return _listed("agency", code)


def _agency_form(values: Mapping[str, Any], errors: dict[str, str], agency: Agency | None = None) -> str:
    offices = [(office.code, f"{office.name} ({office.code})") for office in orgs.list_offices()]
    return _place_form("agency", values, errors, agency, offices=offices)


# --- shared ----------------------------------------------------------------------------------

def _create(kind: str, schema: type[Schema], create: Callable[..., Place], form_page: PlaceForm,
            added: Callable[[str], str], code_length: int = 40) -> Response | Page:
    """A new office or agency from the posted form, through the API's In schema and the service."""
    form = request.form
    try:
        place = create(current_staff(), **schema().load(body_from_form(form)))
    except ValidationError as exc:
        return form_page(form, _errors(exc.messages, form, code_length=code_length)), 422
    except ValidationFailed as exc:
        return form_page(form, _errors(exc.errors, form, code_length=code_length)), 422
    except Conflict:
        return form_page(form, _taken()), 409
    flash(added(place.code), "success")
    return _listed(kind, place.code)


def _update(kind: str, code: str, found: Place | None, schema: type[Schema], update: Callable[..., Place],
            form_page: PlaceForm, saved: str) -> Response | Page:
    """An office's or agency's edit from the posted form."""
    place, form = _found(found), request.form
    try:
        update(current_staff(), code, schema().load(body_from_form(form)))
    except ValidationError as exc:
        return form_page(form, _errors(exc.messages, form), place), 422
    flash(saved, "success")
    return _listed(kind, code)


def _listed(kind: str, code: str) -> Response:
    """Back to the list of offices (or agencies), at the row of this one."""
    return redirect(url_for(LISTS[kind], _anchor=f"{kind}-{code}"), code=303)


def _errors(messages: Any, form: Mapping[str, str], code_length: int = 40) -> dict[str, str]:
    """The schema's (or the service's) messages beside the fields, in the reader's words."""
    errors = field_errors(messages, form)
    if "code" in errors and form.get("code", "").strip():
        errors["code"] = _("2–%(most)s chữ cái không dấu, chữ số, '.', '_' hoặc '-'; bắt đầu bằng chữ "
                           "hoặc số.", most=code_length)
    if "unit_code" in errors and not form.get("unit_code", "").strip():
        errors["unit_code"] = _("Chọn xã/phường.")
    if "office_code" in errors:
        errors["office_code"] = _("Chọn bưu cục phục vụ cơ quan này.")
    return errors


def _taken() -> dict[str, str]:
    return {"code": _("Mã này đã có; đặt mã khác.")}


def _values_of(place: Place) -> dict[str, Any]:
    names = ("code", "name", "unit_code", "address_line", "phone", "opening_hours")
    return {name: getattr(place, name) or "" for name in names if hasattr(place, name)}


def _found(place: Place | None) -> Any:
    if place is None:
        raise NotFound("No such office or agency.")
    return place


def _place_form(kind: str, values: Mapping[str, Any], errors: dict[str, str], place: Place | None,
                **choices: Any) -> str:
    """A new place picks its commune among the province's (by name); an edit shows its own."""
    if place is not None:
        return render_template("admin/place_form.html", kind=kind, place=place, values=values, errors=errors,
                               commune=db.session.get(Commune, place.unit_code))
    province = current_app.config["PROVINCE_CODE"]
    communes = sorted(db.session.scalars(select(Commune).where(Commune.province_code == province)),
                      key=lambda c: (fold(c.short_name), c.kind))
    labels = [(c.code, f"{c.short_name} ({c.kind.lower()}, {c.code})") for c in communes]
    return render_template("admin/place_form.html", kind=kind, place=None, values=values, errors=errors,
                           communes=labels, **choices)


def _communes_of(places: Sequence[Place]) -> dict[str, Commune]:
    codes = {place.unit_code for place in places}
    return {c.code: c for c in db.session.scalars(select(Commune).where(Commune.code.in_(codes)))}
