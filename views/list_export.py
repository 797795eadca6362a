"""A list as searched, written as CSV, Excel or PDF: the rows numbered (序号), numbers kept as
numbers, and text that a spreadsheet would run as a formula neutralised (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
NUMBER_HEADING = "序号"

Cell = str | int | float | Decimal | None


def neutralised(value: Cell) -> Cell:
    """Text a spreadsheet would read as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_text(value: Cell) -> str:
    """A cell as printed: a decimal keeps its places (77.50), nothing is empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_lines(headings: Sequence[str], rows: Iterable[Sequence[Cell]], batch: int = 500) -> Iterator[str]:
    """UTF-8 text with a BOM, so spreadsheet programs read the Chinese, ``batch`` rows at a time
    (a response streams it; a job writes it to a file)."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([neutralised(h) for h in headings])
    for number, row in enumerate(rows, start=1):
        writer.writerow([neutralised(as_text(cell) if isinstance(cell, Decimal) else cell) for cell in row])
        if number % batch == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def csv_body(headings: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    return "".join(csv_lines(headings, rows))


def write_xlsx(target: Path | io.BytesIO, title: str, headings: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """One sheet, written row by row (openpyxl's write-only mode keeps no rows); numbers as numbers;
    every text cell typed as text, so none becomes a formula."""
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
    book.save(target)


def xlsx_body(title: str, headings: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, title, headings, rows)
    return out.getvalue()


def pdf_body(title: str, headings: Sequence[str], rows: Iterable[Sequence[Cell]], subtitle: str = "") -> bytes:
    from reports import render_list

    return render_list(title, list(headings), ([as_text(cell) for cell in row] for row in rows), subtitle)
