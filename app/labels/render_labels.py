"""Single-page documents: shipment labels (one per page, or several per sheet) and
failed-delivery notices. Fonts and the static drawing go into the PDF once."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from reportlab.lib.units import mm

from app.labels import templates
from app.labels.draw import Painter, Place, new_canvas
from app.labels.records import FailedDeliveryNotice, ShipmentDoc
from app.labels.templates import Cell, Template
from app.labels.values import notice_values, shipment_values


def render_labels(docs: Sequence[ShipmentDoc], template: str = "a6",
                  directory: Path = templates.DEFAULT_DIR) -> bytes:
    """One PDF with a label per shipment, in the order given."""
    tpl = templates.load(template, "label", directory)
    return _render(tpl, (shipment_values(d) for d in docs), f"Nhãn bưu gửi ({len(docs)})")


def render_notice(notices: Sequence[FailedDeliveryNotice], template: str = "notice",
                  directory: Path = templates.DEFAULT_DIR) -> bytes:
    """Failed-delivery notices (giấy mời), one per page."""
    tpl = templates.load(template, "notice", directory)
    return _render(tpl, (notice_values(n) for n in notices), "Giấy mời nhận bưu gửi")


def _render(tpl: Template, records: Iterable[dict[str, str]], title: str) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, tpl, title)
    painter = Painter(canvas)
    layout = tpl.layout or tpl
    cells = tpl.cells or (Cell(0, 0, tpl.width, tpl.height),)
    places = [_fit(cell, layout, tpl.height * mm) for cell in cells]
    label_form = painter.form(f"{layout.name}-static", layout.static, layout.width, layout.height)
    sheet_form = painter.form(f"{tpl.name}-sheet", tpl.static, tpl.width, tpl.height) \
        if tpl.layout and tpl.static else None
    sheet_place = Place(0, 0, tpl.height * mm)
    drawn = 0
    for i, values in enumerate(records):
        slot = i % len(places)
        if slot == 0:
            if i:
                painter.new_page()
            if sheet_form:
                painter.place_form(sheet_form, sheet_place, tpl.height)
        place = places[slot]
        painter.place_form(label_form, place, layout.height)
        for element in layout.fields:
            painter.element(element, values, place)
        drawn += 1
    if not drawn:
        raise ValueError("nothing to print")
    painter.finish()
    return buffer.getvalue()


def _fit(cell: Cell, layout: Template, page_h: float) -> Place:
    """The layout scaled down (never up) to fit the cell, centred in it."""
    scale = min(1.0, cell.w / layout.width, cell.h / layout.height)
    left = (cell.x + (cell.w - layout.width * scale) / 2) * mm
    top = (cell.y + (cell.h - layout.height * scale) / 2) * mm
    return Place(left, top, page_h, scale)
