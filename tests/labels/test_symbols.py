"""Barcodes as a printer draws them: whole dots at 203 dpi, quiet zones, a QR encoder that
agrees with reportlab's reference encoder module for module."""
from __future__ import annotations

import random
import re
import string

import pytest
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm

from app.labels import barcodes, qr, samples, templates
from app.labels.render_labels import render_labels
from app.shipments import s10

REFERENCE_LEVELS = {"L": qrencoder.QRErrorCorrectLevel.L, "M": qrencoder.QRErrorCorrectLevel.M,
                    "Q": qrencoder.QRErrorCorrectLevel.Q, "H": qrencoder.QRErrorCorrectLevel.H}


def reference_penalty(lines: list[str]) -> int:
    """ISO/IEC 18004 §7.8.3, written the slow and obvious way."""
    n = len(lines)
    both = lines + ["".join(col) for col in zip(*lines, strict=True)]
    score = sum(len(run) - 2 for run in re.findall(r"0{5,}|1{5,}", "\n".join(both)))
    score += 3 * sum(1 for r in range(n - 1) for c in range(n - 1)
                     if lines[r][c] == lines[r][c + 1] == lines[r + 1][c] == lines[r + 1][c + 1])
    for line in both:
        padded = f"0000{line}0000"
        score += 40 * sum(padded.startswith(p, i) for i in range(len(padded))
                          for p in ("10111010000", "00001011101"))
    dark = sum(line.count("1") for line in lines)
    return score + 10 * (abs(dark * 100 // (n * n) - 50) // 5)


@pytest.mark.parametrize("version", range(1, qr.MAX_VERSION + 1))
@pytest.mark.parametrize("level", "LMQH")
def test_qr_matches_reportlab_for_every_mask(version, level):
    rng = random.Random(version * 31 + ord(level))
    for length in {qr.capacity(version, level), (qr.capacity(version - 1, level) + 1) if version > 1 else 1}:
        text = "".join(rng.choice(string.ascii_letters + string.digits + "/:.-") for _ in range(length))
        scores = []
        for mask in range(8):
            mine = qr.encode(text, level, mask=mask)
            ref = qrencoder.QRCode(version, REFERENCE_LEVELS[level])
            ref.addData(qrencoder.QR8bitByte(text))
            ref.makeImpl(False, mask)
            assert mine.version == version
            assert mine.rows == tuple("".join("1" if m else "0" for m in row) for row in ref.modules)
            scores.append(reference_penalty(list(mine.rows)))
        assert qr.encode(text, level).mask == scores.index(min(scores))


def test_qr_refuses_what_it_cannot_hold():
    with pytest.raises(UnicodeEncodeError):
        qr.encode("http://bưu-điện.vn/t/HA000000014VN")
    with pytest.raises(ValueError, match="do not fit"):
        qr.encode("x" * (qr.capacity(qr.MAX_VERSION, "M") + 1))


def test_code128_bars_are_whole_dots_from_the_page_origin():
    modules = barcodes.code128_modules("HA473124829VN")
    ops, at = barcodes.code128(modules, left=5.3, top=80.1, box_w=96 * mm, bar_h=16 * mm,
                               page_h=150 * mm, max_dots=3)
    scale_x, _, _, _scale_y, x0, y0 = map(float, re.search(r"0 g (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) cm",
                                                          ops).groups())
    assert scale_x / barcodes.DOT == pytest.approx(3, abs=1e-5)  # module = 3 dots = 0.375 mm
    assert abs(x0 / barcodes.DOT - round(x0 / barcodes.DOT)) < 1e-4
    assert abs((150 * mm - y0) / barcodes.DOT - round((150 * mm - y0) / barcodes.DOT)) < 1e-3
    rects = [tuple(map(int, r)) for r in re.findall(r"(\d+) 0 (\d+) 1 re", ops)]
    drawn = ["0"] * len(modules)
    for start, width in rects:
        drawn[start:start + width] = ["1"] * width
    assert "".join(drawn) == modules
    assert at.width == pytest.approx((len(modules) + 20) * 3 * barcodes.DOT)  # quiet zones included


def test_a_box_too_narrow_for_one_dot_per_module_is_refused():
    with pytest.raises(barcodes.SymbolTooLarge):
        barcodes.code128(barcodes.code128_modules("HA473124829VN"), 0, 0, 20 * mm, 10 * mm, 100 * mm)


def bar_row(pdf, body: bytes) -> bytes:
    """The pixels of a row through the middle of the a6 label's bars, inside the frame."""
    width, _height, pixels = pdf.read_pgm(pdf.raster(body, dpi=203))
    element = next(e for e in templates.load("a6", "label").fields if e.type == "code128")
    y = round((element.y + element.h / 2) / 25.4 * 203)
    frame = round(element.x / 25.4 * 203) + 2  # right of the frame line
    return pixels[y * width + frame:(y + 1) * width - frame]


def test_printed_bars_fall_on_whole_pixels_at_203_dpi(pdf):
    """Rasterised at the printer's resolution, no bar edge straddles two pixels (that would
    grey them: poppler's 4x4 sampling leaves at most 1/8 on an exact edge), every bar and
    space is a multiple of 3 dots on one 3-dot grid, with 10 modules of white either side."""
    tn = s10.compose("HA", 47312482)
    row = bar_row(pdf, render_labels([samples.shipment(0, tn)], "a6"))
    assert all(v == 0 or v >= 255 * 7 // 8 for v in row), sorted(set(row))
    bars = [(m.start(), m.end()) for m in re.finditer(rb"[\x00-\x7f]+", row)]
    assert len(bars) == len(re.findall("1+", barcodes.code128_modules(tn)))
    assert {start % 3 for start, _end in bars} == {bars[0][0] % 3}
    assert {(end - start) % 3 for start, end in bars} == {0}
    assert bars[0][0] >= 30 and len(row) - bars[-1][1] >= 30  # quiet zones: 10 modules
