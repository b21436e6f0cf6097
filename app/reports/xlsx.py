"""One small XLSX writer for the reports: a sheet of typed cells (dates as dates, counts and
money as numbers, rates as numbers shown in percent), bold headers, frozen header row."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM", "int": "#,##0", "vnd": "#,##0",
           "decimal": "0.00", "percent": "0.0%", "text": "@"}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # a key of FORMATS
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    heading: Sequence[str] = ()  # lines above the table (report name, period)
    total_rows: int = 0  # the last rows, shown bold


def workbook(*sheets: Sheet) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        _write(book.create_sheet(spec.title[:31]), spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write(ws: Any, spec: Sheet) -> None:
    bold = Font(bold=True)
    for line in spec.heading:
        ws.append([line])
        ws.cell(ws.max_row, 1).font = bold
    if spec.heading:
        ws.append([])
    ws.append([c.header for c in spec.columns])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = bold
    ws.freeze_panes = f"A{header_row + 1}"
    rows = list(spec.rows)
    for row in rows:
        ws.append([_value(v, c) for v, c in zip(row, spec.columns, strict=True)])
        for cell, column in zip(ws[ws.max_row], spec.columns, strict=True):
            cell.number_format = FORMATS[column.kind]
    for r in range(ws.max_row - spec.total_rows + 1, ws.max_row + 1):
        for cell in ws[r]:
            cell.font = bold
    for i, column in enumerate(spec.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width


def _value(value: Any, column: Column) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel keeps no offset: callers pass province time
    if column.kind == "text" and value is not None and not isinstance(value, date):
        return str(value)
    return value
