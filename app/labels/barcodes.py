"""Code 128 and QR symbols drawn as vector bars snapped to a 203 dpi printer's dots.

A thermal printer at 203 dpi has dots 25.4/203 ≈ 0.125 mm wide. A bar whose edges fall
between dots is printed one dot too wide or too narrow, and scanners misread the bar
widths; so every module is a whole number of dots and every symbol starts on a dot
boundary counted from the page's top-left corner (where printers start rasterising).
Bars are PDF rectangles in a coordinate system scaled to one module, so a label's
content stream carries a few hundred short integers per symbol and no images.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import barcode
from reportlab.lib.rl_accel import fp_str

PRINTER_DPI = 203
DOT = 72 / PRINTER_DPI  # one printer dot, in PDF points
CODE128_QUIET = 10  # modules of quiet zone each side (ISO/IEC 15417)
QR_QUIET = 4  # modules of quiet zone around a QR symbol (ISO/IEC 18004)
_RUN = re.compile("1+")


class SymbolTooLarge(ValueError):
    """The symbol does not fit its box even at one dot per module."""


@dataclass(frozen=True)
class Placed:
    """Where a symbol was drawn, in points from the page's top-left corner."""

    left: float
    top: float
    width: float
    height: float
    module: float  # points per module: a whole number of dots


def to_dots(points: float) -> int:
    return round(points / DOT)


def code128_modules(value: str) -> str:
    """The symbol's modules ('1' = bar), start to stop, as python-barcode encodes it."""
    return barcode.Code128(value).build()[0]


def code128(modules: str, left: float, top: float, box_w: float, bar_h: float, page_h: float,
            max_dots: int | None = None, quiet: int = CODE128_QUIET) -> tuple[str, Placed]:
    """PDF operators drawing Code 128 bars centred in a box (points, top-down) and
    where the symbol landed (quiet zones included in its width)."""
    total = len(modules) + 2 * quiet
    dots = _module_dots(box_w, total, max_dots)
    module = dots * DOT
    start = to_dots(left + (box_w - total * module) / 2)
    top_dots, bottom_dots = to_dots(top), to_dots(top + bar_h)
    x0 = (start + quiet * dots) * DOT
    y0 = page_h - bottom_dots * DOT
    height = (bottom_dots - top_dots) * DOT
    bars = " ".join(f"{m.start()} 0 {m.end() - m.start()} 1 re" for m in _RUN.finditer(modules))
    ops = f"q 0 g {fp_str(module)} 0 0 {fp_str(height)} {fp_str(x0)} {fp_str(y0)} cm {bars} f Q"
    return ops, Placed(start * DOT, top_dots * DOT, total * module, height, module)


def qr(rows: tuple[str, ...], left: float, top: float, box: float, page_h: float,
       max_dots: int | None = None, quiet: int = QR_QUIET) -> tuple[str, Placed]:
    """PDF operators drawing a QR symbol centred in a square box (points, top-down)."""
    n = len(rows)
    total = n + 2 * quiet
    dots = _module_dots(box, total, max_dots)
    module = dots * DOT
    side = total * dots
    x_dots = to_dots(left + (box - side * DOT) / 2)
    y_dots = to_dots(top + (box - side * DOT) / 2)
    x0 = (x_dots + quiet * dots) * DOT
    y0 = page_h - (y_dots + (quiet + n) * dots) * DOT
    cells = " ".join(_qr_rects(rows))
    ops = f"q 0 g {fp_str(module)} 0 0 {fp_str(module)} {fp_str(x0)} {fp_str(y0)} cm {cells} f Q"
    return ops, Placed(x_dots * DOT, y_dots * DOT, side * DOT, side * DOT, module)


def _qr_rects(rows: tuple[str, ...]) -> list[str]:
    """Dark runs of each row as one rectangle each (row 0 on top)."""
    n = len(rows)
    stride = n + 1
    return [f"{m.start() % stride} {n - 1 - m.start() // stride} {m.end() - m.start()} 1 re"
            for m in _RUN.finditer("\n".join(rows))]


def _module_dots(box: float, modules: int, max_dots: int | None) -> int:
    dots = math.floor(box / (modules * DOT) + 1e-9)
    if max_dots:
        dots = min(dots, max_dots)
    if dots < 1:
        raise SymbolTooLarge(f"{modules} modules do not fit {box / 72 * 25.4:.1f} mm at 203 dpi")
    return dots
