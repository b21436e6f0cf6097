"""Tariff versions: the list, and a new version from a form (prefilled from the newest one),
taking effect today or later; shipments already priced keep their frozen fee."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app.errors import Conflict, ValidationFailed
from app.fees import services as fees
from app.fees.models import Tariff, TariffZonePrice, Zone
from app.fees.schemas import TariffIn
from app.web.admin.routes import bp
from app.web.forms import FORM_ERROR, body_from_form, field_errors
from app.web.i18n import ZONE_NAMES, format_date
from app.web.session import current_staff

ZONE_LABELS = {zone: ZONE_NAMES[zone.value] for zone in Zone}
NUMBERS = (
    ("vat_rate_bp", _l("Thuế GTGT (phần vạn: 1000 = 10%)")),
    ("base_weight_g", _l("Khối lượng nấc đầu (g)")),
    ("base_tolerance_g", _l("Dung sai nấc đầu (g)")),
    ("step_weight_g", _l("Mỗi nấc tiếp theo (g)")),
    ("max_weight_g", _l("Khối lượng tối đa (g)")),
    ("local_radius_km", _l("Bán kính nội huyện (km)")),
    ("remote_threshold_km", _l("Ngưỡng vùng xa (km)")),
    ("remote_surcharge_vnd", _l("Phụ phí vùng xa (đồng)")),
    ("collection_fee_vnd", _l("Phí thu gom (đồng)")),
)
INTEGERS = (*(name for name, _label in NUMBERS),
            *(f"zones.{zone.value}.{part}" for zone in Zone for part in ("base_vnd", "step_vnd")))
TARIFF_IN = TariffIn()


@bp.get("/tariffs")
def tariffs() -> str:
    return render_template("admin/tariffs.html", tariffs=fees.list_tariffs(), zone_labels=ZONE_LABELS,
                           prices_of=_prices_in_zone_order)


@bp.get("/tariffs/new")
def new_tariff() -> str:
    newest = max(fees.list_tariffs(), key=lambda t: t.effective_from, default=None)
    return _tariff_form(_values_of(newest) if newest else {}, {})


@bp.post("/tariffs/new")
def create_tariff() -> Response | tuple[str, int]:
    form = request.form
    try:
        body = TARIFF_IN.load(body_from_form(form, integers=INTEGERS, booleans=("prices_include_vat",)))
        tariff = fees.create_tariff(current_staff(), body)
    except ValidationError as exc:
        return _tariff_form(form, field_errors(exc.messages, form)), 422
    except (ValidationFailed, Conflict) as exc:
        errors = field_errors(exc.errors or {FORM_ERROR: [exc.detail]}, form)
        if "effective_from" in errors:
            errors["effective_from"] = _("Bảng giá mới có hiệu lực từ hôm nay trở đi.")
        if "version" in errors:
            errors["version"] = _("Phiên bản này đã có; đặt tên khác.")
        return _tariff_form(form, errors), 422
    flash(_("Đã thêm bảng giá %(version)s, hiệu lực từ %(day)s.", version=tariff.version,
            day=format_date(tariff.effective_from)), "success")
    return redirect(url_for("admin.tariffs"), code=303)


def _prices_in_zone_order(tariff: Tariff) -> list[TariffZonePrice]:
    order = list(Zone)
    return sorted(tariff.zone_prices, key=lambda price: order.index(price.zone))


def _values_of(tariff: Tariff) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(tariff, name) for name, _label in NUMBERS}
    values["prices_include_vat"] = "on" if tariff.prices_include_vat else ""
    for price in tariff.zone_prices:
        values[f"zones.{price.zone.value}.base_vnd"] = price.base_vnd
        values[f"zones.{price.zone.value}.step_vnd"] = price.step_vnd
    return values


def _tariff_form(values: Any, errors: dict[str, str]) -> str:
    return render_template("admin/tariff_new.html", values=values, errors=errors, numbers=NUMBERS,
                           zone_labels=ZONE_LABELS)
