"""Labels and notices as ZPL II for Zebra-type 203 dpi thermal printers, from the SAME
TOML templates as the PDF (label_templates/a6.toml, notice.toml): one source of boxes.

- text: every box fitted as in the PDF (app/labels/textfit), drawn from Be Vietnam Pro
  into a 1-bit graphic field (^GF, app/labels/zpl_raster): no printer font is needed, so
  a printer with only its factory fonts prints every Vietnamese letter;
- Code 128: native ^BC, the same module width (^BY), height and position as the PDF;
- QR: native ^BQ where the PDF puts it (^BQ draws its symbol 10 dots below its ^FO);
- rectangles and lines: ^GB (diagonals ^GD).
Barcode data goes through ^FH with ^ ~ _ hex-escaped, so it cannot carry printer commands.
Positions are dots counted from the label's top-left corner, as app/labels/barcodes rounds them.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.labels import barcodes, qr, templates
from app.labels.barcodes import DOT
from app.labels.records import FailedDeliveryNotice, ShipmentDoc
from app.labels.templates import DEFAULT_DIR, Element, Template
from app.labels.textfit import fit
from app.labels.values import notice_values, shipment_values
from app.labels.zpl_raster import COMPRESSIONS, text_zpl

MM = 72 / 25.4  # points per millimetre
QR_TOP_OFFSET = 10  # dots ^BQ leaves between ^FO and the symbol's top (Zebra firmware, zebrash)
_ESCAPES = str.maketrans({"_": "_5F", "^": "_5E", "~": "_7E", "\r": " ", "\n": " "})
_static_cache: dict[tuple[int, str], tuple[Template, str]] = {}
_static_lock = threading.Lock()


def render_zpl(docs: Sequence[ShipmentDoc], template: str = "a6", directory: Path = DEFAULT_DIR,
               compression: str = "z64") -> str:
    """One ^XA..^XZ label per shipment, in the order given."""
    return _render(load(template, directory), (shipment_values(d) for d in docs), compression)


def render_notice_zpl(notices: Sequence[FailedDeliveryNotice], template: str = "notice",
                      directory: Path = DEFAULT_DIR, compression: str = "z64") -> str:
    """Failed-delivery notices (giấy mời), one ^XA..^XZ each."""
    return _render(templates.load(template, "notice", directory), (notice_values(n) for n in notices),
                   compression)


def names(directory: Path = DEFAULT_DIR) -> list[str]:
    """Label templates that print one label per page: the ones ZPL can print."""
    return [n for n in templates.names("label", directory)
            if templates.load(n, "label", directory).layout is None]


def load(name: str, directory: Path = DEFAULT_DIR) -> Template:
    """A single-label template; KeyError if there is none (sheets such as a4x4 are for
    office printers, not for a roll of labels)."""
    tpl = templates.load(name, "label", directory)
    if tpl.layout is not None:
        raise KeyError(name)
    return tpl


def dots(mm_value: float) -> int:
    return round(mm_value * MM / DOT)


def _render(tpl: Template, records: Iterable[dict[str, str]], compression: str) -> str:
    if compression not in COMPRESSIONS:
        raise ValueError(f"compression must be one of {', '.join(COMPRESSIONS)}")
    head = _static(tpl, compression)
    out = []
    for values in records:
        out.append(head)
        out.extend(_element(el, values, compression) for el in tpl.fields if el.shown(values))
        out.append("^XZ\n")
    if not out:
        raise ValueError("nothing to print")
    return "".join(out)


def _static(tpl: Template, compression: str) -> str:
    """The label's start and its static elements, drawn once per template file version."""
    key = (id(tpl), compression)
    with _static_lock:
        cached = _static_cache.get(key)
    if cached and cached[0] is tpl:
        return cached[1]
    width, height = dots(tpl.width), dots(tpl.height)
    head = "".join([f"^XA^CI28^PW{width}^LL{height}^LH0,0^PON^FWN\n",
                    *(_element(el, {}, compression) for el in tpl.static)])
    with _static_lock:
        _static_cache[key] = (tpl, head)
    return head


def _element(el: Element, values: dict[str, str], compression: str) -> str:
    if el.type == "text":
        return _text(el, el.text.render(values) if el.text else "", compression)
    if el.type == "rect":
        return _rect(el)
    if el.type == "line":
        return _line(el)
    if el.type == "code128":
        return _code128(el, values, compression)
    if el.type == "qr":
        return _qr(el, values)
    return ""


def _text(el: Element, text: str, compression: str, *, size: float | None = None, left: float | None = None,
          top: float | None = None, box_w: float | None = None, align: str | None = None) -> str:
    if not text:
        return ""
    box_w = el.w * MM if box_w is None else box_w
    if size is None:
        size, lines = fit(text, el.font, el.size, el.min_size, box_w, el.lines)
    else:
        lines = [text]
    return text_zpl(tuple(lines), el.font, size, el.x * MM if left is None else left,
                    el.y * MM if top is None else top, box_w, align or el.align, el.leading, compression)


def _thickness(points: float) -> int:
    return max(1, round(points / DOT))


def _rect(el: Element) -> str:
    x, y, w, h = dots(el.x), dots(el.y), dots(el.w), dots(el.h)
    corner = min(8, round(8 * el.radius * 2 / min(el.w, el.h))) if el.radius else 0
    out = ""
    if el.fill is not None and el.fill < 0.5:  # a thermal printer has no grey: dark fills print black
        out += f"^FO{x},{y}^GB{w},{h},{min(w, h)},B,{corner}^FS\n"
    if el.line > 0:
        t = _thickness(el.line)
        half = t // 2  # PDF strokes straddle the path; ^GB draws inwards
        out += f"^FO{x - half},{y - half}^GB{w + t},{h + t},{t},B,{corner}^FS\n"
    return out


def _line(el: Element) -> str:
    t = _thickness(el.line)
    x1, y1, x2, y2 = dots(el.x), dots(el.y), dots(el.x2), dots(el.y2)
    if el.dash:
        return _dashed(el, t)
    if y1 == y2:
        return f"^FO{min(x1, x2)},{y1 - t // 2}^GB{abs(x2 - x1)},{t},{t}^FS\n"
    if x1 == x2:
        return f"^FO{x1 - t // 2},{min(y1, y2)}^GB{t},{abs(y2 - y1)},{t}^FS\n"
    # ^GD: R leans right (top-left to bottom-right), L the other way.
    lean = "R" if (x2 - x1) * (y2 - y1) > 0 else "L"
    return f"^FO{min(x1, x2)},{min(y1, y2)}^GD{abs(x2 - x1)},{abs(y2 - y1)},{t},B,{lean}^FS\n"


def _dashed(el: Element, t: int) -> str:
    """Horizontal or vertical dashes as separate bars (ZPL has no dash pattern)."""
    length = abs(el.x2 - el.x) if el.y == el.y2 else abs(el.y2 - el.y)
    horizontal = el.y == el.y2
    out, at, i = [], 0.0, 0
    while at < length:
        run = min(el.dash[i % len(el.dash)], length - at)
        if i % 2 == 0 and run > 0:
            if horizontal:
                x, y = dots(min(el.x, el.x2) + at), dots(el.y)
                out.append(f"^FO{x},{y - t // 2}^GB{max(1, dots(run))},{t},{t}^FS\n")
            else:
                x, y = dots(el.x), dots(min(el.y, el.y2) + at)
                out.append(f"^FO{x - t // 2},{y}^GB{t},{max(1, dots(run))},{t}^FS\n")
        at += el.dash[i % len(el.dash)]
        i += 1
    return "".join(out)


def _code128(el: Element, values: dict[str, str], compression: str) -> str:
    value = el.value.render(values) if el.value else ""
    if not value:
        return ""
    modules = barcodes.code128_modules(value)
    quiet = barcodes.CODE128_QUIET if el.quiet_modules is None else el.quiet_modules
    _ops, at = barcodes.code128(modules, el.x * MM, el.y * MM, el.w * MM, el.h * MM, 0.0,
                                el.module_dots, quiet)
    module = round(at.module / DOT)
    x = round(at.left / DOT) + quiet * module
    y, height = round(at.top / DOT), round(at.height / DOT)
    # Mode A: the printer picks the code sets. For an S10 number (2 letters, 9 digits,
    # 2 letters) every shortest encoding has 12 symbols, so the width is the PDF's.
    data = value.translate(_ESCAPES)
    out = f"^FO{x},{y}^BY{module},3,{height}^BCN,{height},N,N,N,A^FH^FD{data}^FS\n"
    caption = el.text.render(values) if el.text else ""
    if caption:
        size = el.text_size
        out += _text(el, caption, compression, size=size, left=at.left, top=at.top + at.height + size * 0.25,
                     box_w=at.width, align="center")
    return out


def _qr(el: Element, values: dict[str, str]) -> str:
    value = el.value.render(values) if el.value else ""
    if not value:
        return ""
    symbol = qr.encode(value, el.level)
    quiet = barcodes.QR_QUIET if el.quiet_modules is None else el.quiet_modules
    _ops, at = barcodes.qr(symbol.rows, el.x * MM, el.y * MM, el.size * MM, 0.0, el.module_dots, quiet)
    module = round(at.module / DOT)
    x = round(at.left / DOT) + quiet * module
    y = round(at.top / DOT) + quiet * module - QR_TOP_OFFSET
    # ^BY's height is reset to its default (10) first: zebrash offsets ^BQ by it, and
    # firmware by 10 dots; so both put the symbol where the PDF does.
    return (f"^BY2,3,{QR_TOP_OFFSET}^FO{x},{y}^BQN,2,{module}"
            f"^FH^FD{el.level}A,{value.translate(_ESCAPES)}^FS\n")
