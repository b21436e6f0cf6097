"""Vietnamese first, English on request (UI.md §1), and the formats people read: dates
dd/mm/yyyy in province time, money `30.000 ₫`. The Jinja filters live here and only here."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, session
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l

from app.clock import PROVINCE_TZ
from app.vocabulary import Value, text

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
SESSION_KEY = "lang"

babel = Babel()


def init_app(app: Flask) -> None:
    app.config.update(
        BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE,
        BABEL_DEFAULT_TIMEZONE=str(PROVINCE_TZ),
        BABEL_TRANSLATION_DIRECTORIES="translations",  # app/translations
    )
    babel.init_app(app, locale_selector=chosen_locale)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_money, "money")
    app.add_template_global(current_locale)
    app.add_template_global(vocabulary_text)


def chosen_locale() -> str:
    lang = session.get(SESSION_KEY)
    return lang if lang in LOCALES else DEFAULT_LOCALE


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def vocabulary_text(value: Value) -> str:
    """A domain word (service, status, beneficiary...) in the page's language."""
    return text(value, "en" if current_locale() == "en" else "vi")


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy; an aware datetime is first moved to province time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _province_time(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in province time."""
    if value is None:
        return ""
    return _province_time(value).strftime("%d/%m/%Y %H:%M")


def format_money(amount_vnd: int | None) -> str:
    """30000 -> `30.000 ₫`, the Vietnamese way, whatever the page's language."""
    if amount_vnd is None:
        return ""
    sign = "-" if amount_vnd < 0 else ""
    return f"{sign}{abs(amount_vnd):,} ₫".replace(",", ".")


def _province_time(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: times are stored UTC with an offset")
    return value.astimezone(PROVINCE_TZ)


# How every page names the tariff zones (the fee engine's wording), keyed by zone code.
ZONE_NAMES = {
    "local": _l("Nội xã, lân cận"), "intra_province": _l("Nội tỉnh"),
    "inter_same_region": _l("Liên tỉnh cùng miền"), "inter_adjacent_region": _l("Liên tỉnh miền kế cận"),
    "inter_far_region": _l("Liên tỉnh Bắc – Nam"),
}
