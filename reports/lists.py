"""Printed lists (评价名单, 汇总表): one landscape A4 table with its header repeated on every page."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from reports.layout import CELL, CELL_CENTER, FONT, GRID, HEAD, LABEL_BG, SUBTITLE, TITLE, chunks, numbered_canvas, para, text

MARGIN = 12 * mm
PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * MARGIN  # 273 mm
CELL_PAD = 9  # left + right padding plus a little air, in points
MIN_COL = 10 * mm
SHORT_TEXT = 8  # columns whose values are all this short are centred
ROWS_PER_CELL = 20  # lines of text in one table row at most; longer text continues in the next row


def _natural_width(values: Sequence[str], size: float) -> float:
    widest = max((stringWidth(line, FONT, size) for value in values for line in value.splitlines() or [""]), default=0.0)
    return max(widest + CELL_PAD, MIN_COL)


def column_widths(columns: Sequence[str], rows: Sequence[Sequence[str]], available: float = WIDTH) -> list[float]:
    """Widths that fit ``available``: natural widths, the widest columns capped first, then stretched to fill."""
    natural = [max(_natural_width([header], 9), _natural_width([row[i] for row in rows], 9)) for i, header in enumerate(columns)]
    headers = [_natural_width([header], 9) for header in columns]
    if sum(natural) > available:
        # Water-filling: find the cap that makes the capped widths fit; never go below a header's width.
        low, high = 0.0, max(natural)
        for _ in range(40):
            cap = (low + high) / 2
            if sum(max(min(n, cap), h) for n, h in zip(natural, headers, strict=True)) > available:
                high = cap
            else:
                low = cap
        natural = [max(min(n, low), h) for n, h in zip(natural, headers, strict=True)]
    scale = available / sum(natural)
    return [n * scale for n in natural]


def _chunk(width: float) -> int:
    """The most characters a cell of ``width`` holds in the lines half a page has room for."""
    return max(1, int((width - CELL_PAD) / 9)) * ROWS_PER_CELL


def render_list(title: str, columns: list[str], rows: list[list[str]], subtitle: str = "") -> bytes:
    """Render a list as PDF bytes: title, optional subtitle, then the table (landscape A4)."""
    if not columns:
        raise ValueError("render_list needs at least one column")
    width = len(columns)
    cells = [[text(value) for value in list(row)[:width]] + [""] * (width - len(row)) for row in rows]
    widths = column_widths(columns, cells)
    short = [all(len(row[i]) <= SHORT_TEXT for row in cells) for i in range(width)]

    data: list[list] = [[para(header, HEAD) for header in columns]]
    for row in cells:  # a text too long for one page continues in the rows below (a row cannot span pages)
        pieces = [chunks(value, _chunk(widths[i])) for i, value in enumerate(row)]
        for part in range(max(len(p) for p in pieces)):
            data.append([para(p[part] if part < len(p) else "", CELL_CENTER if short[i] else CELL) for i, p in enumerate(pieces)])
    table = Table(data, colWidths=widths, repeatRows=1, minRowHeights=[8 * mm] + [7 * mm] * (len(data) - 1))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, GRID),
                ("BOX", (0, 0), (-1, -1), 1.0, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )

    story = [para(title, TITLE)]
    if subtitle:
        story += [Spacer(1, 1 * mm), para(subtitle, SUBTITLE)]
    story += [Spacer(1, 4 * mm), table]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=12 * mm,
        bottomMargin=16 * mm,
        title=title,
        subject=subtitle,
        author="建筑施工安全生产考核平台",
        creator="建筑施工安全生产考核平台",
        invariant=True,
    )
    doc.build(story, canvasmaker=numbered_canvas(margin=MARGIN))
    return buffer.getvalue()
