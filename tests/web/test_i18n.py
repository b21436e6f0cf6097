"""The English catalogue covers every string of the pages, its .mo is compiled from it, and
the formats are the Vietnamese ones: dd/mm/yyyy in province time, `30.000 ₫`."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.web.i18n import format_date, format_datetime, format_money

REPO = Path(__file__).resolve().parents[2]
TRANSLATIONS = REPO / "app" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def page_strings() -> set[str]:
    """What `make i18n` extracts (app/translations/babel.cfg), read the same way."""
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = extract_from_dir(REPO / "app" / "web", method_map, keywords=KEYWORDS)
    return {msgid if isinstance(msgid, str) else msgid[0] for _, _, msgid, _, _ in found}


def english() -> dict[str, str | tuple[str, ...]]:
    """msgid -> translation; a plural entry (ngettext) is keyed by its singular msgid and
    translated only when every form is."""
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="en")
    return {_singular(m.id): _forms(m.string) for m in catalog
            if m.id and m.string and all(_forms_tuple(m.string)) and not m.fuzzy}


def _singular(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _forms_tuple(string: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string or ())


def _forms(string: str | tuple[str, ...] | list[str] | None) -> str | tuple[str, ...]:
    return string if isinstance(string, str) else tuple(string or ())


def test_every_string_on_the_pages_has_an_english_translation():
    strings = page_strings()
    assert "Đăng nhập" in strings and "Không tìm thấy trang" in strings  # templates and Python read
    missing = strings - english().keys()
    assert not missing, f"run `make i18n` and translate in messages.po: {sorted(missing)}"


def test_the_compiled_catalogue_is_the_po_file():
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
        compiled = {_singular(m.id): _forms(m.string) for m in read_mo(mo) if m.id}
    assert compiled == english(), "messages.mo is stale: run `make i18n` and commit the .mo"


def test_dates_are_day_month_year_in_province_time():
    late_evening_utc = datetime(2026, 11, 30, 18, 30, tzinfo=UTC)  # 01:30 on 1 Dec in Thanh Hóa
    assert format_date(late_evening_utc) == "01/12/2026"
    assert format_datetime(late_evening_utc) == "01/12/2026 01:30"
    assert format_date(date(2020, 3, 16)) == "16/03/2020"
    assert format_date(None) == format_datetime(None) == ""


def test_money_is_written_the_vietnamese_way():
    assert format_money(30000) == "30.000 ₫"
    assert format_money(1234567) == "1.234.567 ₫"
    assert format_money(0) == "0 ₫"
    assert format_money(-5000) == "-5.000 ₫"
