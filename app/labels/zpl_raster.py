"""Text as 1-bit ZPL graphic fields (^GF), drawn by Pillow from the PDF's own font files.

A printer with only its factory fonts has no Vietnamese letters; a graphic field needs
none. Each text box is fitted exactly as in the PDF (app/labels/textfit: the same widths,
sizes, wraps and ellipses), drawn at 203 dpi with the same baselines, cut to the dots
that carry ink, and sent as one ^GF. Data is compressed as Z64 (zlib + base64, ZPL
firmware x.14+), or with ZPL's older ASCII run-length scheme when asked.
"""
from __future__ import annotations

import base64
import binascii
import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from app.labels import fonts
from app.labels.barcodes import DOT

COMPRESSIONS = ("z64", "ascii")
ASCENT = 0.95  # as app/labels/draw.py: first baseline below the box's top, in font sizes
THRESHOLD = 112  # of 255 coverage: a dot is printed when the glyph covers more than ~44 %
_THRESHOLD_TABLE = [255 if v > THRESHOLD else 0 for v in range(256)]


@dataclass(frozen=True)
class Graphic:
    """A 1-bit picture at a position, in printer dots; `rows` is packed, 1 = black."""

    x: int
    y: int
    width: int
    height: int
    rows: bytes

    @property
    def row_bytes(self) -> int:
        return (self.width + 7) // 8

    def zpl(self, compression: str = "z64") -> str:
        total = len(self.rows)
        data = _z64(self.rows) if compression == "z64" else _ascii(self.rows, self.row_bytes)
        return f"^FO{self.x},{self.y}^GFA,{total},{total},{self.row_bytes},{data}^FS"


@lru_cache(maxsize=64)
def font(face: str, size_dots: float) -> ImageFont.FreeTypeFont:
    """The face at a size in dots (em size), basic layout: advances as reportlab measures them."""
    from fontpkg_be_vietnam_pro import ROOT

    return ImageFont.truetype(str(ROOT / "files" / fonts.FACES[face][1]), size_dots,
                              layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=4096)
def text_zpl(lines: tuple[str, ...], face: str, size: float, left: float, top: float, box_w: float,
             align: str, leading: float, compression: str) -> str:
    """The ^FO..^GF..^FS of `text_graphic` ("" when nothing is inked). Cached: the labels of
    one office and one day repeat most of their text."""
    graphic = text_graphic(lines, face, size, left, top, box_w, align, leading)
    return graphic.zpl(compression) + "\n" if graphic else ""


def text_graphic(lines: tuple[str, ...], face: str, size: float, left: float, top: float,
                 box_w: float, align: str, leading: float) -> Graphic | None:
    """Lines of text (points and a top-left box, as the PDF draws them) as a graphic;
    None when nothing is inked."""
    px = size / DOT
    x0, top_dots = left / DOT, top / DOT
    pad = px * 0.3  # glyphs may ink a little outside their advance, as in the PDF
    origin_x, origin_y = round(x0 - pad), round(top_dots - 0.35 * px)  # room for stacked accents
    width = round(box_w / DOT + 2 * pad)
    height = round(px * (0.35 + ASCENT + 0.3 + leading * (len(lines) - 1)))
    image = Image.new("L", (max(1, width), max(1, height)), 0)
    baseline = top_dots + px * ASCENT
    for line in lines:
        x = x0
        if align != "left":
            spare = box_w - fonts.width(line, face, size)
            x += (spare / 2 if align == "center" else spare) / DOT
        _draw_line(image, line, face, size, px, x - origin_x, baseline - origin_y)
        baseline += px * leading
    bits = image.point(_THRESHOLD_TABLE, "1")
    box = bits.getbbox()
    if box is None:
        return None
    bits = bits.crop(box)
    return Graphic(origin_x + box[0], origin_y + box[1], bits.width, bits.height, bits.tobytes())


def _draw_line(image: Image.Image, line: str, face: str, size: float, px: float, x: float,
               baseline: float) -> None:
    """Glyph by glyph from a cache, each advanced by reportlab's width, as the PDF sets it
    (FreeType renders a line of Be Vietnam Pro in ~6 ms; pasting cached glyphs takes ~0.2)."""
    for ch in line:
        picture, dx, dy = glyph(face, px, ch)
        if picture is not None:
            image.paste(255, (round(x + dx), round(baseline + dy)), picture)
        x += fonts.width(ch, face, size) / DOT


@lru_cache(maxsize=8192)
def glyph(face: str, px: float, ch: str) -> tuple[Image.Image | None, int, int]:
    """A character's coverage picture and its offset from the pen on the baseline."""
    fnt = font(face, px)
    box = fnt.getbbox(ch, anchor="ls")
    left, top, right, bottom = math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3])
    if right <= left or bottom <= top:
        return None, 0, 0
    picture = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(picture).text((-left, -top), ch, fill=255, font=fnt, anchor="ls")
    return picture, left, top


def _z64(rows: bytes) -> str:
    encoded = base64.b64encode(zlib.compress(rows, 6))
    return f":Z64:{encoded.decode('ascii')}:{binascii.crc_hqx(encoded, 0):04X}"


# ZPL ASCII compression: a run of one hex digit is a count letter (G-Y = 1-19, g-z = 20,
# 40 ... 400) before the digit; ',' ends a row with zeros, '!' with ones; ':' repeats the
# row above.
_RUN = re.compile(r"(.)\1+")
_SMALL = "GHIJKLMNOPQRSTUVWXY"
_LARGE = "ghijklmnopqrstuvwxyz"


def _count(n: int) -> str:
    out = ""
    while n >= 400:
        out += "z"
        n -= 400
    if n >= 20:
        out += _LARGE[n // 20 - 1]
        n %= 20
    if n:
        out += _SMALL[n - 1]
    return out


def _run(match: re.Match[str]) -> str:
    run = match.group(0)
    return _count(len(run)) + run[0] if len(run) > 2 else run


def _ascii(rows: bytes, row_bytes: int) -> str:
    out: list[str] = []
    previous = None
    hex_rows = rows.hex().upper()
    step = 2 * row_bytes
    for start in range(0, len(hex_rows), step):
        row = hex_rows[start:start + step]
        if row == previous:
            out.append(":")
            continue
        previous = row
        stripped = row.rstrip("0")
        if not stripped:
            out.append(",")
            continue
        tail = "," if len(stripped) < len(row) else ""
        out.append(_RUN.sub(_run, stripped) + tail)
    return "".join(out)
