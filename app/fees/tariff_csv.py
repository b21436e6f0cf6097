"""A tariff version's zone prices as CSV: the template (a version's prices, UTF-8 with a BOM so
that Excel reads the accents) and an uploaded file read back into TariffIn's `zones`.

Reading checks the file's shape (encoding, columns, zones unknown, repeated or missing); the
amounts are left for TariffIn/ZonePriceIn to judge, so a price obeys one rule however it comes.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.fees.models import Tariff, Zone

COLUMNS = ("zone", "zone_name", "base_vnd", "step_vnd")
REQUIRED = ("zone", "base_vnd", "step_vnd")
AMOUNTS = ("base_vnd", "step_vnd")
MAX_BYTES = 64 * 1024
# 30000, or with thousands grouped as a Vietnamese spreadsheet may write it: 30.000 / 30 000.
_AMOUNT = re.compile(r"-?[0-9]{1,12}|[0-9]{1,3}(?:[. \u00a0][0-9]{3})+")


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with the file: `line` of the file (the header is line 1; None: the file as a
    whole), the `column`, a `code` (too_large, not_utf8, empty, missing_column, unreadable,
    unknown_zone, repeated_zone, missing_zone) and the `value` concerned."""

    code: str
    line: int | None = None
    column: str | None = None
    value: str = ""


@dataclass
class ZonePrices:
    zones: dict[str, dict[str, Any]] = field(default_factory=dict)  # TariffIn's `zones`
    lines: dict[str, int] = field(default_factory=dict)  # the line each zone came from
    problems: list[RowProblem] = field(default_factory=list)


def template(tariff: Tariff, zone_names: Mapping[str, str]) -> bytes:
    """The version's zone prices, one zone a line, in the order of the zones."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    prices = {price.zone: price for price in tariff.zone_prices}
    for zone in Zone:
        price = prices.get(zone)
        writer.writerow((zone.value, str(zone_names.get(zone.value, zone.value)),
                         price.base_vnd if price else "", price.step_vnd if price else ""))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def read(raw: bytes) -> ZonePrices:
    """An uploaded file (UTF-8 with or without BOM; comma, semicolon or tab) -> TariffIn's zones."""
    found = ZonePrices()
    if len(raw) > MAX_BYTES:
        found.problems.append(RowProblem("too_large"))
        return found
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        found.problems.append(RowProblem("not_utf8"))
        return found
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = [name.strip().lower() for name in reader.fieldnames or ()]
    if not header:
        found.problems.append(RowProblem("empty"))
        return found
    reader.fieldnames = header
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        found.problems.extend(RowProblem("missing_column", 1, name) for name in missing)
        return found
    try:
        for row in reader:
            _row(found, row, reader.line_num)
    except csv.Error:
        found.problems.append(RowProblem("unreadable", reader.line_num))
        return found
    found.problems.extend(RowProblem("missing_zone", None, "zone", zone.value)
                          for zone in Zone if zone.value not in found.zones)
    return found


def _row(found: ZonePrices, row: dict[str, Any], line: int) -> None:
    cells = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
    if not any(cells.values()):
        return  # a blank line, as spreadsheets leave at the end
    zone = cells.get("zone", "")
    if zone not in {z.value for z in Zone}:
        found.problems.append(RowProblem("unknown_zone", line, "zone", zone))
        return
    if zone in found.zones:
        found.problems.append(RowProblem("repeated_zone", line, "zone", zone))
        return
    found.lines[zone] = line
    found.zones[zone] = {name: _amount(cells[name]) for name in AMOUNTS if cells.get(name)}


def _amount(text: str) -> int | str:
    """An integer when the cell reads as one; otherwise the text, for the schema to refuse."""
    return int(re.sub(r"[. \u00a0]", "", text)) if _AMOUNT.fullmatch(text) else text
