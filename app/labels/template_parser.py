"""Checking a template's TOML and turning it into app.labels.templates objects."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.labels.templates import (
    ALIGNS,
    ALLOWED,
    FAMILIES,
    FONTS,
    PLACEHOLDER,
    QR_LEVELS,
    REQUIRED,
    STATIC_TYPES,
    Cell,
    Column,
    Element,
    Group,
    Pattern,
    Table,
    Template,
    TemplateError,
)
from app.text import nfc

TOP_KEYS = {"family", "title", "page", "static", "fields", "layout", "cells", "body",
            "every_page", "first_page", "blocks"}
TABLE_KEYS = {"type", "rows", "x", "columns", "size", "header_size", "padding", "line",
              "header_fill", "min_row_h", "leading", "gap", "when", "unless"}
COLUMN_KEYS = {"title", "value", "w", "align", "footer"}
GROUP_KEYS = {"type", "h", "elements", "gap", "when", "unless"}
FLOW_FAMILIES = ("slip", "handover", "delivery_list")
FieldsOf = Callable[[str], tuple[frozenset[str], dict[str, frozenset[str]]]]


def parse_template(raw: dict[str, Any], name: str, where: str, directory: Path,
                   known_fields: FieldsOf) -> Template:
    p = _Parser(where)
    p.keys(raw, TOP_KEYS, {"family", "page"}, "")
    family = raw["family"]
    if family not in FAMILIES:
        p.fail("family", f"must be one of {', '.join(FAMILIES)}")
    scalars, tables = known_fields(family)
    page = p.table(raw["page"], "page")
    p.keys(page, {"width", "height"}, {"width", "height"}, "page")
    common = {"name": name, "family": family, "title": nfc(str(raw.get("title", name))),
              "width": p.number(page["width"], "page.width", positive=True),
              "height": p.number(page["height"], "page.height", positive=True),
              "static": p.elements(raw.get("static", []), "static", frozenset(), STATIC_TYPES)}
    if "layout" in raw:
        if family != "label":
            p.fail("layout", "only label sheets place another layout in cells")
        from app.labels.templates import load

        try:
            layout = load(str(raw["layout"]), "label", directory)
        except KeyError:
            p.fail("layout", f"no label template {raw['layout']!r}")
        if layout.layout is not None:
            p.fail("layout", "a sheet's cells hold a single-label layout, not another sheet")
        cells = tuple(_cell(p, c, f"cells[{i}]") for i, c in enumerate(p.array(raw.get("cells"), "cells")))
        if not cells:
            p.fail("cells", "a sheet needs at least one cell")
        return Template(**common, layout=layout, cells=cells)
    if family in FLOW_FAMILIES:
        body = p.table(raw.get("body"), "body")
        p.keys(body, {"top", "top_first", "bottom"}, {"top", "bottom"}, "body")
        blocks = tuple(_block(p, b, f"blocks[{i}]", scalars, tables)
                       for i, b in enumerate(p.array(raw.get("blocks"), "blocks")))
        return Template(
            **common, body_top=p.number(body["top"], "body.top"),
            body_top_first=p.number(body.get("top_first", body["top"]), "body.top_first"),
            body_bottom=p.number(body["bottom"], "body.bottom"),
            every_page=p.elements(raw.get("every_page", []), "every_page", scalars | {"page", "pages"}),
            first_page=p.elements(raw.get("first_page", []), "first_page", scalars), blocks=blocks)
    if "fields" not in raw:
        p.fail("fields", "a single-page template needs a `fields` list")
    return Template(**common, fields=p.elements(raw["fields"], "fields", scalars))


def _cell(p: _Parser, raw: Any, where: str) -> Cell:
    cell = p.table(raw, where)
    p.keys(cell, {"x", "y", "w", "h"}, {"x", "y", "w", "h"}, where)
    return Cell(*(p.number(cell[k], f"{where}.{k}", positive=k in "wh") for k in ("x", "y", "w", "h")))


def _block(p: _Parser, raw: Any, where: str, scalars: frozenset[str],
           tables: dict[str, frozenset[str]]) -> Table | Group:
    block = p.table(raw, where)
    kind = block.get("type")
    if kind == "group":
        p.keys(block, GROUP_KEYS, {"type", "h", "elements"}, where)
        return Group(h=p.number(block["h"], f"{where}.h", positive=True),
                     elements=p.elements(block["elements"], f"{where}.elements", scalars),
                     gap=p.number(block.get("gap", 3.0), f"{where}.gap"),
                     when=p.condition(block, "when", scalars, where),
                     unless=p.condition(block, "unless", scalars, where))
    if kind != "table":
        p.fail(f"{where}.type", "a block is a `table` or a `group`")
    p.keys(block, TABLE_KEYS, {"type", "rows", "x", "columns"}, where)
    rows = block["rows"]
    if rows not in tables:
        offered = ", ".join(sorted(tables)) or "none"
        p.fail(f"{where}.rows", f"unknown rows {rows!r}; this family has {offered}")
    columns = []
    for i, raw_col in enumerate(p.array(block["columns"], f"{where}.columns")):
        at = f"{where}.columns[{i}]"
        col = p.table(raw_col, at)
        p.keys(col, COLUMN_KEYS, {"title", "value", "w"}, at)
        columns.append(Column(
            title=p.pattern(col["title"], f"{at}.title", frozenset()),
            value=p.pattern(col["value"], f"{at}.value", tables[rows]),
            w=p.number(col["w"], f"{at}.w", positive=True), align=p.choice(col, "align", ALIGNS, at, "left"),
            footer=p.pattern(col["footer"], f"{at}.footer", scalars) if "footer" in col else None))
    numbers = {k: p.number(block[k], f"{where}.{k}") for k in
               ("size", "header_size", "padding", "line", "min_row_h", "leading", "gap") if k in block}
    fill = block.get("header_fill", 0.9)
    return Table(rows=rows, x=p.number(block["x"], f"{where}.x"), columns=tuple(columns),
                 header_fill=None if fill is False else p.gray(fill, f"{where}.header_fill"),
                 when=p.condition(block, "when", scalars, where),
                 unless=p.condition(block, "unless", scalars, where), **numbers)


class _Parser:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, at: str, message: str) -> None:
        raise TemplateError(f"{self.where}: {at}: {message}" if at else f"{self.where}: {message}")

    def table(self, raw: Any, at: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.fail(at, "expected a table { ... }")
        return raw

    def array(self, raw: Any, at: str) -> list[Any]:
        if not isinstance(raw, list):
            self.fail(at, "expected a list [ ... ]")
        return raw

    def keys(self, raw: dict[str, Any], allowed: set[str], required: set[str], at: str) -> None:
        unknown = sorted(set(raw) - allowed)
        missing = sorted(required - set(raw))
        if unknown:
            self.fail(at, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        if missing:
            self.fail(at, f"missing {', '.join(missing)}")

    def number(self, raw: Any, at: str, positive: bool = False) -> float:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or (positive and raw <= 0) or raw < 0:
            self.fail(at, "expected a positive number" if positive else "expected a number ≥ 0")
        return float(raw)

    def gray(self, raw: Any, at: str) -> float:
        value = self.number(raw, at)
        if value > 1:
            self.fail(at, "a gray level is between 0 (black) and 1 (white)")
        return value

    def choice(self, raw: dict[str, Any], key: str, options: tuple[str, ...], at: str, default: str) -> str:
        value = raw.get(key, default)
        if value not in options:
            self.fail(f"{at}.{key}", f"must be one of {', '.join(options)}")
        return value

    def pattern(self, raw: Any, at: str, fields: frozenset[str]) -> Pattern:
        if not isinstance(raw, str):
            self.fail(at, "expected text")
        text = nfc(raw) if raw.strip() else raw
        parts = tuple(PLACEHOLDER.split(text))
        unknown = sorted(set(parts[1::2]) - fields)
        if unknown:
            known = ", ".join(sorted(fields)) or "none here"
            self.fail(at, f"unknown field(s) {', '.join('{' + u + '}' for u in unknown)}; known: {known}")
        return Pattern(parts)

    def condition(self, raw: dict[str, Any], key: str, fields: frozenset[str], at: str) -> str | None:
        value = raw.get(key)
        if value is not None and value not in fields:
            self.fail(f"{at}.{key}", f"unknown field {value!r}")
        return value

    def elements(self, raw: Any, at: str, fields: frozenset[str],
                 types: tuple[str, ...] = tuple(ALLOWED)) -> tuple[Element, ...]:
        return tuple(self.element(e, f"{at}[{i}]", fields, types) for i, e in enumerate(self.array(raw, at)))

    def element(self, raw: Any, at: str, fields: frozenset[str], types: tuple[str, ...]) -> Element:
        raw = self.table(raw, at)
        kind = raw.get("type")
        if kind not in types:
            self.fail(f"{at}.type", f"must be one of {', '.join(types)}")
        self.keys(raw, ALLOWED[kind], REQUIRED[kind], at)
        out: dict[str, Any] = {"type": kind}
        for key, value in raw.items():
            if key in ("type", "when", "unless"):
                continue
            if key in ("text", "value"):
                out[key] = self.pattern(value, f"{at}.{key}", fields)
            elif key == "font":
                out[key] = self.choice(raw, key, FONTS, at, "regular")
            elif key == "align":
                out[key] = self.choice(raw, key, ALIGNS, at, "left")
            elif key == "level":
                out[key] = self.choice(raw, key, QR_LEVELS, at, "M")
            elif key in ("gray", "fill"):
                out[key] = self.gray(value, f"{at}.{key}")
            elif key == "dash":
                out[key] = tuple(self.number(v, f"{at}.dash") for v in self.array(value, f"{at}.dash"))
            elif key in ("lines", "module_dots", "quiet_modules"):
                least = 0 if key == "quiet_modules" else 1
                if isinstance(value, bool) or not isinstance(value, int) or value < least:
                    self.fail(f"{at}.{key}", "expected a whole number")
                out[key] = value
            else:
                positive = key in ("size", "min_size", "text_size")
                out[key] = self.number(value, f"{at}.{key}", positive=positive)
        out["when"] = self.condition(raw, "when", fields, at)
        out["unless"] = self.condition(raw, "unless", fields, at)
        if kind == "text" and out.get("min_size", 0) > out.get("size", 9.0):
            self.fail(f"{at}.min_size", "must not exceed size")
        return Element(**out)
