"""A list as searched, written as CSV, Excel or PDF: the rows numbered (序号), numbers kept as
numbers, and text that a spreadsheet would run as a formula neutralised (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_HEADING = "序号"

Cell = str | int | float | Decimal | None


def neutralised(value: Cell) -> Cell:
    """Text a spreadsheet would read as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def numbered(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> tuple[list[str], list[list[Cell]]]:
    """The rows with 序号 in front, counted from 1 in the list's order."""
    return [NUMBER_HEADING, *headings], [[number, *row] for number, row in enumerate(rows, start=1)]


def as_text(value: Cell) -> str:
    """A cell as printed: a decimal keeps its places (77.50), nothing is empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_body(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """UTF-8 text with a BOM, so spreadsheet programs read the Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([neutralised(h) for h in headings])
    writer.writerows([[neutralised(as_text(cell) if isinstance(cell, Decimal) else cell) for cell in row] for row in rows])
    return out.getvalue()


def xlsx_body(title: str, headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """One sheet; numbers as numbers; every text cell typed as text, so none becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        written = WriteOnlyCell(sheet, value=neutralised(value))
        written.data_type = "s"  # openpyxl stores a text starting with "=" as a formula otherwise
        return written

    sheet.append([cell(h) for h in headings])
    for row in rows:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf_body(title: str, headings: Sequence[str], rows: Sequence[Sequence[Cell]], subtitle: str = "") -> bytes:
    from reports import render_list

    return render_list(title, list(headings), [[as_text(cell) for cell in row] for row in rows], subtitle)
