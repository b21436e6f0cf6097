"""ZPL labels for thermal printers (issue 14), read back the way a printer and a person
would: rendered by an independent engine (zpl-renderer-js / zebrash), barcodes decoded
with zbarimg, names read with tesseract next to the PDF rasterised at 203 dpi, and the
field boxes of the ZPL checked for overlaps and for staying on the label."""
from __future__ import annotations

import re
import subprocess
from itertools import combinations
from pathlib import Path

from PIL import Image

from app.labels import samples, templates, zpl
from app.labels.barcodes import DOT
from app.labels.templates import Element
from tests.support.system_tools import require
from tests.support.zpl_tools import LABEL_H, LABEL_W, Box, boxes, labels

BASE = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL of the test app (config default)
HA_TRUNG = "15271"  # Xã Hà Trung, Thanh Hóa
MM = 72 / 25.4


def a6_box(field: str, pad: int = 6) -> tuple[int, int, int, int]:
    """The template's box (left, top, right, bottom in dots) of the text element printing
    {field}: the same box in the ZPL and in the PDF."""
    element = next(e for e in templates.load("a6", "label").fields
                   if e.type == "text" and e.text and field in e.text.fields)
    return _box(element, pad)


def _box(el: Element, pad: int) -> tuple[int, int, int, int]:
    """The element's lines, with room for stacked accents above the first (Ấ, Ễ) but not
    for the line above's descenders: what a reader looks at."""
    size_dots = el.size / DOT
    top = zpl.dots(el.y) - 0.3 * size_dots
    bottom = zpl.dots(el.y) + size_dots * (1.2 + el.leading * (el.lines - 1))
    return zpl.dots(el.x) - pad, round(top), zpl.dots(el.x + el.w) + pad, round(bottom)


def acceptance_one(make_shipment, shipment_body) -> str:
    """A return to Nguyễn Văn Ất, Thôn Đông, Xã Hà Trung, documents Trích lục khai sinh."""
    recipient = {**shipment_body()["recipient"], "name": "Nguyễn Văn Ất",
                 "address": {"line": "Thôn Đông", "unit_code": HA_TRUNG}}
    return make_shipment.number("clerk", service="return", recipient=recipient,
                                items=[{"name": "Trích lục khai sinh", "original": True, "count": 1}])


def get_zpl(as_user, tn: str, query: str = "") -> str:
    resp = as_user("clerk").get(f"/api/v1/shipments/{tn}/label.zpl{query}")
    assert resp.status_code == 200, resp.get_data()[:300]
    assert resp.mimetype == "text/plain" and resp.headers["Cache-Control"] == "no-store"
    return resp.get_data(as_text=True)


def assert_laid_out(label: str) -> list[Box]:
    """No dot belongs to two fields, nothing is drawn on a barcode's rectangle or on a rule,
    and nothing leaves the 800 x 1200 label. (Frames, ^GB, surround fields.)"""
    found = boxes(label)
    for box in found:
        assert box.x >= 0 and box.y >= 0 and box.right <= LABEL_W and box.bottom <= LABEL_H, box
    content = [b for b in found if b.kind != "GB"]
    for a, b in combinations(content, 2):
        assert not a.shares_dots(b), (a, b)
    symbols = [b for b in content if b.kind != "GF"]
    for text in content:
        for symbol in symbols:  # text keeps off the barcodes' whole rectangles
            assert text is symbol or not text.overlaps(symbol), (text, symbol)
    rules = [b for b in found if b.kind == "GB" and (b.h <= 4 or b.w <= 4)]  # lines, not frames
    for text in content:
        for rule in rules:
            assert not text.overlaps(rule), (text, rule)
    return found


def test_acceptance_1_vietnamese_reads_as_in_the_pdf(as_user, make_shipment, shipment_body, pdf, zpl_tools):
    tn = acceptance_one(make_shipment, shipment_body)
    text = get_zpl(as_user, tn)
    assert text.isascii() and len(labels(text)) == 1
    assert "^A" not in text.replace("^FO", "")  # no printer font is asked for: text is ^GF
    assert_laid_out(text)
    [png] = zpl_tools.render(text)
    assert zpl_tools.symbols(png) == [("CODE-128", tn), ("QR-Code", f"{BASE}/t/{tn}")]

    pdf_png = pdf.raster(as_user("clerk").get(f"/api/v1/shipments/{tn}/label.pdf").data)
    for field, expected in (("recipient.name", "Nguyễn Văn Ất"), ("office.name", "Bưu cục Bỉm Sơn")):
        box = a6_box(field)
        assert zpl_tools.ocr(png, box) == expected
        assert zpl_tools.ocr(pdf_png, box) == expected
    commune = a6_box("recipient.commune")
    assert "Hà Trung" in zpl_tools.ocr(png, commune)
    assert zpl_tools.ocr(png, commune) == zpl_tools.ocr(pdf_png, commune)


def test_barcodes_sit_where_the_pdf_puts_them(as_user, make_shipment, pdf, zpl_tools):
    tn = make_shipment.number()
    [png] = zpl_tools.render(get_zpl(as_user, tn))
    pdf_png = pdf.raster(as_user("clerk").get(f"/api/v1/shipments/{tn}/label.pdf").data)
    ours, theirs = Image.open(png).convert("L"), Image.open(pdf_png).convert("L")
    for name, band in (("code128", (0, 230, 800, 340)), ("qr", (590, 20, 790, 190))):
        a = ours.crop(band).point(lambda v: 255 if v < 128 else 0).getbbox()
        b = theirs.crop(band).point(lambda v: 255 if v < 128 else 0).getbbox()
        assert a and b and all(abs(p - q) <= 1 for p, q in zip(a, b, strict=True)), (name, a, b)


def test_acceptance_2_long_name_and_address_stay_in_their_boxes(as_user, make_shipment, shipment_body, pdf,
                                                                  zpl_tools):
    name = ("Nguyễn Thị Phương Thảo Hoàng Lê Trần Đặng Vũ Bùi Đỗ Hồ Ngô Dương Lý Võ Phan Huỳnh "
            "Trương Khánh")[:80]
    line = ("Số 128 ngõ 45 ngách 12 hẻm 7 đường Nguyễn Trãi, khu phố Đông Thành, tổ dân phố số 15, "
            "gần chợ Bỉm Sơn, đối diện trường tiểu học Ngọc Trạo, phía sau nhà văn hóa khu phố, "
            "rẽ trái ở cây xăng số 3 rồi đi thẳng")[:200]
    assert len(name) == 80 and len(line) == 200
    recipient = {**shipment_body()["recipient"], "name": name,
                 "address": {"line": line, "unit_code": "14812"}}
    tn = make_shipment.number(recipient=recipient)

    text = get_zpl(as_user, tn)
    found = assert_laid_out(text)
    graphics = [b for b in found if b.kind == "GF"]
    for field in ("recipient.name", "recipient.line"):
        left, top, right, bottom = a6_box(field, pad=8)
        inside = [b for b in graphics if left <= b.x and top <= b.y < bottom]
        assert len(inside) == 1, (field, inside)
        ink = inside[0].inked
        assert ink.right <= right and ink.bottom <= bottom + 8, (field, ink, right, bottom)
    [png] = zpl_tools.render(text)
    inked = zpl_tools.ink(png)
    assert inked is not None and inked[2] <= LABEL_W - 1
    assert zpl_tools.ocr(png, a6_box("recipient.name")).endswith(("…", "..."))  # shortened

    body = as_user("clerk").get(f"/api/v1/shipments/{tn}/label.pdf").data
    words = pdf_words(pdf.workdir, body)
    page_w, page_h = 100 * MM, 150 * MM
    assert all(x0 >= 0 and y0 >= 0 and x1 <= page_w and y1 <= page_h for x0, y0, x1, y1, _ in words)
    for field in ("recipient.name", "recipient.line"):
        x0, y0, x1, y1 = (v * DOT for v in a6_box(field, pad=8))
        row = [w for w in words if y0 <= w[1] and w[3] <= y1]
        assert row and all(x0 <= w[0] and w[2] <= x1 for w in row), (field, row)
    assert "…" in " ".join(w[4] for w in words)


def pdf_words(workdir: Path, body: bytes) -> list[tuple[float, float, float, float, str]]:
    """Every word pdftotext finds with its box in points: (xMin, yMin, xMax, yMax, word)."""
    path = workdir / "words.pdf"
    path.write_bytes(body)
    out = subprocess.run([require("pdftotext"), "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [(float(a), float(b), float(c), float(d), word) for a, b, c, d, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def test_acceptance_3_a_batch_of_100_renders_100_labels(as_user, make_shipment, zpl_tools):
    distinct = [make_shipment.number() for _ in range(25)]
    numbers = distinct * 4  # a repeated number prints again
    resp = as_user("clerk").post("/api/v1/labels.zpl", json={"tracking_numbers": numbers})
    assert resp.status_code == 200, resp.get_data()[:300]
    assert resp.mimetype == "text/plain"
    assert 'filename="labels-100-a6.zpl"' in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True)
    assert len(labels(text)) == 100
    pngs = zpl_tools.render(text)
    assert len(pngs) == 100
    for n in (0, 37, 99):
        assert zpl_tools.symbols(pngs[n]) == [("CODE-128", numbers[n]), ("QR-Code", f"{BASE}/t/{numbers[n]}")]


def test_batch_zpl_is_checked_before_drawing(as_user, problem, make_shipment):
    tn = make_shipment.number()
    unknown = "HA999999995VN"
    body = problem(as_user("clerk").post("/api/v1/labels.zpl", json={"tracking_numbers": [tn, unknown]}), 404)
    assert body["errors"]["tracking_numbers"] == [unknown]
    problem(as_user("clerk").post("/api/v1/labels.zpl", json={"tracking_numbers": [tn], "template": "a4x4"}),
            422, "unknown_template")
    problem(as_user("clerk").post("/api/v1/labels.zpl", json={"tracking_numbers": []}), 422)
    assert as_user("courier").post("/api/v1/labels.zpl", json={"tracking_numbers": [tn]}).status_code == 403


def test_printer_commands_in_a_name_stay_data(as_user, make_shipment, shipment_body, problem, zpl_tools):
    recipient = {**shipment_body()["recipient"], "name": "Nguyễn Văn Ất ^XZ~JR_"}
    tn = make_shipment.number("clerk", collect_fee_vnd=30000, recipient=recipient)
    text = get_zpl(as_user, tn)
    assert text.count("^XA") == 1 and text.count("^XZ") == 1 and "~" not in text
    [png] = zpl_tools.render(text)
    assert zpl_tools.ocr(png, a6_box("collect_fee")).startswith("LỆ PHÍ THU HỘ: 30.")
    no_fee = get_zpl(as_user, make_shipment.number(collect_fee_vnd=0))
    assert len(boxes(no_fee)) == len(boxes(text)) - 2  # the fee's frame and its text
    problem(as_user("clerk").get(f"/api/v1/shipments/{tn}/label.zpl?template=a4x4"), 422, "unknown_template")
    problem(as_user("clerk").get(f"/api/v1/shipments/{tn}/label.zpl?template=nope"), 422, "unknown_template")


def test_ascii_compression_prints_the_same_dots_as_z64(zpl_tools):
    doc = samples.shipment(0, "HB473124829VN")
    z64, ascii_ = zpl.render_zpl([doc], compression="z64"), zpl.render_zpl([doc], compression="ascii")
    assert ":Z64:" in z64 and ":Z64:" not in ascii_
    first, second = zpl_tools.render(z64 + ascii_)
    assert Image.open(first).tobytes() == Image.open(second).tobytes()


def test_notice_has_a_zpl_version_with_the_pdf_boxes(zpl_tools):
    notice = samples.notice()
    text = zpl.render_notice_zpl([notice])
    assert_laid_out(text)
    [png] = zpl_tools.render(text)
    assert zpl_tools.symbols(png) == [("CODE-128", notice.tracking_number), ("QR-Code", notice.tracking_url)]
    element = next(e for e in templates.load("notice", "notice").fields
                   if e.type == "text" and e.text and "recipient.name" in e.text.fields)
    assert zpl_tools.ocr(png, _box(element, 6)) == f"Kính gửi: {notice.recipient_name}"
