"""Drawing template elements on a reportlab canvas, in millimetres from a top-left origin."""
from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from app.labels import barcodes, fonts, qr
from app.labels.templates import Element, Template
from app.labels.textfit import fit

ASCENT = 0.95  # first baseline below a text box's top, in font sizes (room for Ấ, Ỗ)


@dataclass(frozen=True)
class Place:
    """Where a layout sits on the page: its top-left corner in points, and its scale."""

    left: float
    top: float
    page_h: float
    scale: float = 1.0

    def x(self, x_mm: float) -> float:
        return self.left + x_mm * mm * self.scale

    def top_of(self, y_mm: float) -> float:
        """Distance from the page's top edge, in points."""
        return self.top + y_mm * mm * self.scale

    def y(self, y_mm: float) -> float:
        return self.page_h - self.top_of(y_mm)

    def length(self, v_mm: float) -> float:
        return v_mm * mm * self.scale

    def below(self, dy_mm: float) -> Place:
        return Place(self.left, self.top + dy_mm * mm * self.scale, self.page_h, self.scale)


def new_canvas(buffer: io.BytesIO, template: Template, title: str) -> Canvas:
    fonts.register()
    canvas = Canvas(buffer, pagesize=(template.width * mm, template.height * mm), pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("HCC Post")
    canvas.setCreator("HCC Post (reportlab)")
    return canvas


class Painter:
    """Draws elements on a canvas. Text of a page (or form) gathers in one PDF text object,
    written out by `flush`: far cheaper than one object per string, and drawn last, so it
    sits on top of fills."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas
        self._text: PDFTextObject | None = None
        self._font: tuple[str, float, float] | None = None
        self._forms: set[str] = set()

    def form(self, name: str, elements: tuple[Element, ...], width_mm: float, height_mm: float) -> str:
        """Draw `elements` once into a PDF form (XObject) that pages then reference."""
        if name not in self._forms:
            self.flush()
            self.c.beginForm(name, 0, 0, width_mm * mm, height_mm * mm)
            place = Place(0, 0, height_mm * mm)
            for element in elements:
                self.element(element, {}, place)
            self.flush()
            self.c.endForm()
            self._forms.add(name)
        return name

    def place_form(self, name: str, place: Place, height_mm: float) -> None:
        c = self.c
        c.saveState()
        c.translate(place.left, place.page_h - place.top - height_mm * mm * place.scale)
        if place.scale != 1.0:
            c.scale(place.scale, place.scale)
        c.doForm(name)
        c.restoreState()

    def flush(self) -> None:
        if self._text is not None:
            self.c.drawText(self._text)
            self._text = None
            self._font = None

    def new_page(self) -> None:
        self.flush()
        self.c.showPage()

    def finish(self) -> None:
        self.flush()
        self.c.showPage()
        self.c.save()

    def element(self, el: Element, values: dict[str, str], place: Place) -> None:
        if not el.shown(values):
            return
        if el.type == "text":
            self.text(el, el.text.render(values) if el.text else "", place)
        elif el.type == "rect":
            self.rect(place, el.x, el.y, el.w, el.h, el.line, el.fill, el.radius)
        elif el.type == "line":
            self.line(el, place)
        elif el.type == "code128":
            self.code128(el, values, place)
        elif el.type == "qr":
            self.qr(el, values, place)

    def text(self, el: Element, text: str, place: Place) -> None:
        if not text:
            return
        size = el.size * place.scale
        box_w = place.length(el.w)
        size, lines = fit(text, el.font, size, el.min_size and el.min_size * place.scale, box_w, el.lines)
        self.lines_at(lines, el.font, size, place.x(el.x), place.top_of(el.y), box_w, el.align,
                      el.leading, place.page_h, el.gray)

    def lines_at(self, lines: list[str], face: str, size: float, left: float, top: float, box_w: float,
                 align: str, leading: float, page_h: float, gray: float = 0.0) -> None:
        if self._text is None:
            self._text = self.c.beginText()
        text = self._text
        if self._font != (face, size, gray):
            text.setFont(fonts.font_name(face), size)
            text.setFillGray(gray)
            self._font = (face, size, gray)
        baseline = page_h - top - size * ASCENT
        for line in lines:
            x = left
            if align != "left":
                spare = box_w - fonts.width(line, face, size)
                x += spare / 2 if align == "center" else spare
            text.setTextOrigin(x, baseline)
            text.textOut(line)
            baseline -= size * leading

    def rect(self, place: Place, x: float, y: float, w: float, h: float, line: float,
             fill: float | None, radius: float = 0.0) -> None:
        c = self.c
        c.saveState()
        c.setLineWidth(line * place.scale)
        if fill is not None:
            c.setFillGray(fill)
        args = (place.x(x), place.y(y + h), place.length(w), place.length(h))
        if radius:
            c.roundRect(*args, place.length(radius), stroke=int(line > 0), fill=int(fill is not None))
        else:
            c.rect(*args, stroke=int(line > 0), fill=int(fill is not None))
        c.restoreState()

    def line(self, el: Element, place: Place) -> None:
        c = self.c
        c.saveState()
        c.setLineWidth(el.line * place.scale)
        if el.dash:
            c.setDash([place.length(d) for d in el.dash])
        c.line(place.x(el.x), place.y(el.y), place.x(el.x2), place.y(el.y2))
        c.restoreState()

    def code128(self, el: Element, values: dict[str, str], place: Place) -> None:
        value = el.value.render(values) if el.value else ""
        if not value:
            return
        ops, at = barcodes.code128(
            barcodes.code128_modules(value), place.x(el.x), place.top_of(el.y), place.length(el.w),
            place.length(el.h), place.page_h, el.module_dots,
            barcodes.CODE128_QUIET if el.quiet_modules is None else el.quiet_modules)
        self.c.addLiteral(ops)
        caption = el.text.render(values) if el.text else ""
        if caption:
            size = el.text_size * place.scale
            self.lines_at([caption], el.font, size, at.left, at.top + at.height + size * 0.25,
                          at.width, "center", 1.0, place.page_h)

    def qr(self, el: Element, values: dict[str, str], place: Place) -> None:
        value = el.value.render(values) if el.value else ""
        if not value:
            return
        symbol = qr.encode(value, el.level)
        ops, _at = barcodes.qr(symbol.rows, place.x(el.x), place.top_of(el.y), place.length(el.size),
                               place.page_h, el.module_dots,
                               barcodes.QR_QUIET if el.quiet_modules is None else el.quiet_modules)
        self.c.addLiteral(ops)
