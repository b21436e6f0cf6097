"""The printing fonts: Be Vietnam Pro from the pip package, never from the host.

Registered with reportlab once per process; reportlab embeds the glyphs a document uses
once per document (subset), however many pages draw them.
"""
from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Template font names -> reportlab font names and files of fontpkg-be-vietnam-pro.
FACES = {
    "regular": ("HCC-BeVietnamPro-Regular", "BeVietnamPro-Regular.ttf"),
    "bold": ("HCC-BeVietnamPro-Bold", "BeVietnamPro-Bold.ttf"),
    "italic": ("HCC-BeVietnamPro-Italic", "BeVietnamPro-Italic.ttf"),
}
_lock = threading.Lock()
_registered = False
_fonts: dict[str, TTFont] = {}  # face -> font, for measuring without name lookups


def font_name(face: str) -> str:
    """The reportlab name of a template face ('regular', 'bold', 'italic')."""
    if not _registered:
        register()
    return FACES[face][0]


def register() -> None:
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from fontpkg_be_vietnam_pro import ROOT

        for face, (name, filename) in FACES.items():
            font = TTFont(name, str(ROOT / "files" / filename))
            pdfmetrics.registerFont(font)
            _fonts[face] = font
        _registered = True


def ascent(face: str, size: float) -> float:
    """Height of capitals and accents above the baseline, in points."""
    return pdfmetrics.getFont(font_name(face)).face.ascent * size / 1000


def width(text: str, face: str, size: float) -> float:
    """Advance width in points (reportlab's C accelerator does the sum)."""
    try:
        return _fonts[face].stringWidth(text, size)
    except KeyError:
        register()
        return _fonts[face].stringWidth(text, size)


def missing_glyphs(text: str, face: str) -> set[str]:
    """Characters of `text` the face cannot draw (tests check every Vietnamese letter)."""
    glyphs = pdfmetrics.getFont(font_name(face)).face.charToGlyph
    return {ch for ch in text if ord(ch) not in glyphs and not ch.isspace()}
