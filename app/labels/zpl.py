"""Labels as ZPL for Zebra-type thermal printers, from label_templates/<name>.zpl.

The printer draws the barcodes itself (^BC Code 128 at ^BY3 = 3 dots, ^BQ QR), from
the same {field} values as the PDF label. Values are hex-escaped under ^FH, so a name
containing ^ or ~ cannot inject printer commands.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from app.labels.records import ShipmentDoc
from app.labels.templates import DEFAULT_DIR, NAME, PLACEHOLDER, FileCache, TemplateError, template_path
from app.labels.values import known_fields, shipment_values

_CONDITION = re.compile(r"^\?([a-z0-9_.]+) ")
_ESCAPES = str.maketrans({"_": "_5F", "^": "_5E", "~": "_7E", "\r": " ", "\n": " "})
_templates: FileCache[list[tuple[str | None, str]]] = FileCache()


def _value(values: dict[str, str], placeholder: re.Match[str]) -> str:
    return values[placeholder.group(1)]


def render_zpl(docs: Sequence[ShipmentDoc], template: str = "a6", directory: Path = DEFAULT_DIR) -> str:
    lines = load(template, directory)
    out: list[str] = []
    for doc in docs:
        values = {k: v.translate(_ESCAPES) for k, v in shipment_values(doc).items()}
        out.extend(PLACEHOLDER.sub(partial(_value, values), line)
                   for condition, line in lines if condition is None or values.get(condition))
    return "\n".join(out) + "\n"


def names(directory: Path = DEFAULT_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.zpl") if NAME.match(p.stem))


def load(name: str, directory: Path = DEFAULT_DIR) -> list[tuple[str | None, str]]:
    """(condition field or None, line) pairs of a ZPL template; KeyError if there is none."""
    return _templates.get(template_path(name, ".zpl", directory), _parse)


def _parse(path: Path) -> list[tuple[str | None, str]]:
    fields = known_fields("label")[0]
    parsed = []
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        where = f"{path.parent.name}/{path.name}:{number}"
        if raw.startswith("^FX"):
            continue  # comments for the operator; the printer needs none
        condition = None
        match = _CONDITION.match(raw)
        if match:
            condition, raw = match.group(1), raw[match.end():]
            if condition not in fields:
                raise TemplateError(f"{where}: unknown field {condition!r}")
        used = PLACEHOLDER.findall(raw)
        unknown = sorted(set(used) - fields)
        if unknown:
            raise TemplateError(f"{where}: unknown field(s) {', '.join(unknown)}")
        if used and "^FH" not in raw:
            raise TemplateError(f"{where}: a line with {{fields}} needs ^FH before its ^FD")
        parsed.append((condition, raw))
    return parsed
