"""Documents that flow over pages: the dossier sending slip, the handover record and the
courier's delivery list. Tables continue on new pages under a repeated header; pages are
laid out first, so every page can print `n/N`."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm

from app.labels import templates
from app.labels.draw import Painter, Place, new_canvas
from app.labels.records import DeliveryList, HandoverRecord, ShipmentDoc
from app.labels.templates import Group, Table, Template
from app.labels.textfit import wrap
from app.labels.values import (
    Rows,
    Values,
    delivery_rows,
    delivery_values,
    handover_rows,
    handover_values,
    shipment_rows,
    shipment_values,
)


def render_slip(doc: ShipmentDoc, template: str = "slip", directory: Path = templates.DEFAULT_DIR) -> bytes:
    """The dossier sending slip (Phiếu gửi hồ sơ) for the citizen and the clerk to sign."""
    tpl = templates.load(template, "slip", directory)
    return _render(tpl, shipment_values(doc), shipment_rows(doc), f"Phiếu gửi hồ sơ {doc.tracking_number}")


def render_handover(record: HandoverRecord, template: str = "handover",
                    directory: Path = templates.DEFAULT_DIR) -> bytes:
    """The handover record (Biên bản giao nhận hồ sơ) listing every dossier."""
    tpl = templates.load(template, "handover", directory)
    return _render(tpl, handover_values(record), handover_rows(record), f"Biên bản giao nhận {record.number}")


def render_delivery_list(delivery: DeliveryList, template: str = "delivery_list",
                         directory: Path = templates.DEFAULT_DIR) -> bytes:
    """A courier's items in route order, with a column for each recipient's signature."""
    tpl = templates.load(template, "delivery_list", directory)
    return _render(tpl, delivery_values(delivery), delivery_rows(delivery),
                   f"Danh sách phát {delivery.number}")


@dataclass(frozen=True)
class _Row:
    cells: tuple[list[str], ...]  # wrapped lines per column
    height: float  # mm
    kind: str  # header | body | footer


@dataclass(frozen=True)
class _Placed:
    block: Table | Group
    top: float  # mm from the page top
    row: _Row | None = None


def _render(tpl: Template, values: Values, rows: Rows, title: str) -> bytes:
    pages = _paginate(tpl, values, rows)
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, tpl, title)
    painter = Painter(canvas)
    form = painter.form(f"{tpl.name}-static", tpl.static, tpl.width, tpl.height)
    place = Place(0, 0, tpl.height * mm)
    for number, items in enumerate(pages, 1):
        if number > 1:
            painter.new_page()
        painter.place_form(form, place, tpl.height)
        page_values = {**values, "page": str(number), "pages": str(len(pages))}
        for element in tpl.every_page:
            painter.element(element, page_values, place)
        if number == 1:
            for element in tpl.first_page:
                painter.element(element, values, place)
        for item in items:
            if isinstance(item.block, Group):
                block_place = place.below(item.top)
                for element in item.block.elements:
                    painter.element(element, values, block_place)
            else:
                assert item.row is not None
                _draw_row(painter, item.block, item.row, item.top, place)
    painter.finish()
    return buffer.getvalue()


def _paginate(tpl: Template, values: Values, rows: Rows) -> list[list[_Placed]]:
    pages: list[list[_Placed]] = [[]]
    y = tpl.body_top_first
    blocks = [b for b in tpl.blocks if b.shown(values)]
    for index, block in enumerate(blocks):
        if isinstance(block, Group):
            if y + block.h > tpl.body_bottom and pages[-1]:
                pages.append([])
                y = tpl.body_top
            pages[-1].append(_Placed(block, y))
            y += block.h + block.gap
            continue
        header, body, footer = _measure(block, values, rows[block.rows])
        items = body + ([footer] if footer else [])
        first = items[0].height if items else 0.0
        if y + header.height + first > tpl.body_bottom and pages[-1]:
            pages.append([])
            y = tpl.body_top
        pages[-1].append(_Placed(block, y, header))
        y += header.height
        tail = _groups_after(blocks, index)
        on_page = 0
        for i, row in enumerate(items):
            rest = sum(r.height for r in items[i:]) + tail
            # Signatures never stand alone: the last rows move over with them when needed.
            widow = len(items) - i == min(KEEP_WITH_TAIL, len(items)) and tail and on_page \
                and y + rest > tpl.body_bottom and tpl.body_top + header.height + rest <= tpl.body_bottom
            if widow or y + row.height > tpl.body_bottom:
                pages.append([_Placed(block, tpl.body_top, header)])
                y = tpl.body_top + header.height
                on_page = 0
            pages[-1].append(_Placed(block, y, row))
            y += row.height
            on_page += 1
        y += block.gap
    return pages


KEEP_WITH_TAIL = 3  # table rows (footer included) that stay with the boxes after a table


def _groups_after(blocks: list[Table | Group], index: int) -> float:
    """Height of the boxes (signatures, totals) that follow a table up to the next table."""
    height = 0.0
    for block in blocks[index + 1:]:
        if not isinstance(block, Group):
            break
        height += block.h + block.gap
    return height


def _measure(table: Table, values: Values, rows: list[Values]) -> tuple[_Row, list[_Row], _Row | None]:
    def row(texts: list[str], face: str, size: float, kind: str) -> _Row:
        cells = tuple(wrap(text, face, size, col.w * mm - 2 * table.padding * mm) if text else []
                      for text, col in zip(texts, table.columns, strict=True))
        lines = max((len(c) for c in cells), default=0)
        height = max(table.min_row_h, lines * size * table.leading / mm + 2 * table.padding)
        return _Row(cells, height, kind)

    header = row([c.title.render({}) for c in table.columns], "bold", table.header_size, "header")
    body = [row([c.value.render(r) for c in table.columns], "regular", table.size, "body") for r in rows]
    footer = None
    if any(c.footer for c in table.columns):
        footer = row([c.footer.render(values) if c.footer else "" for c in table.columns],
                     "bold", table.size, "footer")
    return header, body, footer


def _draw_row(painter: Painter, table: Table, row: _Row, top: float, place: Place) -> None:
    x = table.x
    header = row.kind == "header"
    face = "regular" if row.kind == "body" else "bold"
    size = table.header_size if header else table.size
    for col, lines in zip(table.columns, row.cells, strict=True):
        fill = table.header_fill if header else None
        painter.rect(place, x, top, col.w, row.height, table.line, fill)
        if lines:
            inner = (col.w - 2 * table.padding) * mm
            painter.lines_at(lines, face, size, place.x(x + table.padding), place.top_of(top + table.padding),
                             inner, "center" if header else col.align, table.leading, place.page_h)
        x += col.w
