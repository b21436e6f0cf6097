"""Tariff versions: the list, and a new version from a form (prefilled from the newest one) whose
zone prices may come from a CSV file (a template holds the current ones), taking effect today or
later; shipments already priced keep their frozen fee."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app import clock
from app.errors import Conflict, NotFound, ValidationFailed, flatten_messages
from app.fees import services as fees
from app.fees import tariff_csv
from app.fees.models import Tariff, TariffZonePrice, Zone
from app.fees.schemas import TariffIn
from app.web.admin.routes import bp
from app.web.forms import FORM_ERROR, body_from_form, field_errors, in_reader_language
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
CSV_FIELD = "zones_csv"


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
    """The form's values; with a CSV file, the zone prices come from the file (each bad row shown
    with its errors, and nothing saved while any row is bad)."""
    form = request.form
    body = body_from_form(form, integers=INTEGERS, booleans=("prices_include_vat",))
    upload = request.files.get(CSV_FIELD)
    prices = tariff_csv.read(upload.read(tariff_csv.MAX_BYTES + 1)) if upload and upload.filename else None
    if prices is not None:
        body["zones"] = prices.zones
    try:
        data = TARIFF_IN.load(body)
    except ValidationError as exc:
        errors, rows = _split(exc.messages, form, prices)
        return _tariff_form(form, errors, rows), 422
    if prices is not None and prices.problems:
        return _tariff_form(form, {}, _row_errors(prices, {})), 422
    try:
        tariff = fees.create_tariff(current_staff(), data)
    except (ValidationFailed, Conflict) as exc:
        errors, rows = _split(exc.errors or {FORM_ERROR: [exc.detail]}, form, prices)
        if "effective_from" in errors:
            errors["effective_from"] = _("Bảng giá mới có hiệu lực từ hôm nay trở đi.")
        if "version" in errors:
            errors["version"] = _("Phiên bản này đã có; đặt tên khác.")
        return _tariff_form(form, errors, rows), 422
    flash(_("Đã thêm bảng giá %(version)s, hiệu lực từ %(day)s.", version=tariff.version,
            day=format_date(tariff.effective_from)), "success")
    return redirect(url_for("admin.tariffs"), code=303)


@bp.get("/tariffs/zone-prices.csv")
def zone_prices_template() -> Response:
    """The template to upload: the zone prices of the version in force today (UTF-8 with BOM)."""
    today = clock.today_in_province()
    tariff = next((t for t in fees.list_tariffs() if t.effective_from <= today), None)
    if tariff is None:
        raise NotFound("No tariff in force.")
    names = {zone.value: str(label) for zone, label in ZONE_LABELS.items()}
    return Response(tariff_csv.template(tariff, names), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="zone-prices-{tariff.version}.csv"'})


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str
    value: str
    message: str


def _split(messages: Any, form: Mapping[str, str],
           prices: tariff_csv.ZonePrices | None) -> tuple[dict[str, str], list[RowError]]:
    """The form's errors beside its fields; with a file, those about zone prices go to its rows."""
    flat = flatten_messages(messages)
    if prices is None:
        return field_errors(flat, form), []
    zones = {path: texts for path, texts in flat.items() if path == "zones" or path.startswith("zones.")}
    rest = {path: texts for path, texts in flat.items() if path not in zones}
    return field_errors(rest, form), _row_errors(prices, zones)


def _row_errors(prices: tariff_csv.ZonePrices, zones: dict[str, list[str]]) -> list[RowError]:
    rows = [RowError(p.line, p.column or "", p.value, _PROBLEMS[p.code]()) for p in prices.problems]
    for path, texts in zones.items():
        # marshmallow names a Dict's value errors zones.<zone>.value.<column>
        parts = [part for part in path.split(".") if part != "value"]
        zone, column = [*parts, "", ""][1:3]
        cell = prices.zones.get(zone, {}).get(column) if column else None
        message = in_reader_language(texts[0], empty=bool(column) and cell is None)
        value = "" if cell is None else str(cell)
        rows.append(RowError(prices.lines.get(zone), column or "zone", value, message))
    return sorted(rows, key=lambda row: (row.line or 0, row.column))


_PROBLEMS = {
    "too_large": lambda: _("Tệp quá lớn (tối đa 64 KB)."),
    "not_utf8": lambda: _("Tệp phải lưu dạng CSV UTF-8."),
    "empty": lambda: _("Tệp trống: dòng đầu phải là tên các cột."),
    "missing_column": lambda: _("Thiếu cột này ở dòng tiêu đề."),
    "unreadable": lambda: _("Không đọc được dòng này (dấu ngoặc kép chưa đóng?)."),
    "unknown_zone": lambda: _("Không có vùng này; dùng mã vùng như trong tệp mẫu."),
    "repeated_zone": lambda: _("Vùng này đã có ở dòng trước."),
    "missing_zone": lambda: _("Thiếu giá của vùng này."),
}


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


def _tariff_form(values: Any, errors: dict[str, str], rows: list[RowError] | None = None) -> str:
    return render_template("admin/tariff_new.html", values=values, errors=errors, numbers=NUMBERS,
                           zone_labels=ZONE_LABELS, row_errors=rows or [], csv_field=CSV_FIELD)
