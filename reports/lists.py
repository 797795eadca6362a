"""Printed lists (评价名单, 汇总表): one landscape A4 table with its header repeated on every page."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator, Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

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


STYLE = TableStyle(
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
SAMPLE_ROWS = 500  # rows the column widths are measured on (a list is read once, as it streams)
PAGE_ROWS = 30  # rows held for one page: more than a page has room for (its rows are 7 mm at least)


def _cells(row: Sequence[str], width: int) -> list[str]:
    return [text(value) for value in list(row)[:width]] + [""] * (width - len(row))


class _Layout:
    """The table's columns: their widths, which are centred, and the cell rows of one list row."""

    def __init__(self, columns: list[str], sample: list[list[str]]):
        self.widths = column_widths(columns, sample)
        self.short = [all(len(row[i]) <= SHORT_TEXT for row in sample) for i in range(len(columns))]
        self.header = [para(header, HEAD) for header in columns]

    def rows_of(self, row: list[str]) -> list[list]:
        """A text too long for one page continues in the rows below (a row cannot span pages)."""
        pieces = [chunks(value, _chunk(self.widths[i])) for i, value in enumerate(row)]
        return [
            [para(p[part] if part < len(p) else "", CELL_CENTER if self.short[i] else CELL) for i, p in enumerate(pieces)]
            for part in range(max(len(p) for p in pieces))
        ]

    def table(self, rows: list[list]) -> Table:
        table = Table([self.header, *rows], colWidths=self.widths, repeatRows=1, minRowHeights=[8 * mm] + [7 * mm] * len(rows))
        table.setStyle(STYLE)
        return table


class _StreamedTable(Flowable):
    """The list's table, built a page at a time from rows read as they come: one table holding every
    row is split again for each page (the time grows with the square of the rows, the memory with
    all of them); this holds a page's worth, and each page's table repeats the header."""

    def __init__(self, layout: _Layout, rows: Iterator[list[str]], pending: list[list] | None = None):
        super().__init__()
        self.layout, self.source = layout, rows  # rows of cells (``_cells``)
        self.pending: list[list] = pending or []
        self.current: Table | None = None

    def _fill(self) -> None:
        while len(self.pending) < PAGE_ROWS:
            row = next(self.source, None)
            if row is None:
                return
            self.pending += self.layout.rows_of(row)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._fill()
        self.current = self.layout.table(self.pending)
        if len(self.pending) >= PAGE_ROWS:  # more than a page: split it without laying it out twice
            return available_width, available_height + 1
        return self.current.wrap(available_width, available_height)

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self._fill()
        parts = (self.current or self.layout.table(self.pending)).split(available_width, available_height)
        if not parts:
            return []
        placed = len(parts[0]._cellvalues) - 1  # without its header
        rest = _StreamedTable(self.layout, self.source, self.pending[placed:])
        rest._fill()
        # the first part fills the page: the rest starts on the next one, not tried in what is left
        return [parts[0], PageBreak(), rest] if rest.pending else [parts[0]]

    def draw(self) -> None:
        assert self.current is not None
        self.current.drawOn(self.canv, 0, 0)


def render_list(title: str, columns: list[str], rows: Iterable[Sequence[str]], subtitle: str = "") -> bytes:
    """Render a list as PDF bytes: title, optional subtitle, then the table (landscape A4). ``rows``
    is read once, as the pages are laid out: a long list is never held whole."""
    if not columns:
        raise ValueError("render_list needs at least one column")
    width = len(columns)
    source = iter(rows)
    sample = [_cells(row, width) for row in itertools.islice(source, SAMPLE_ROWS)]
    table = _StreamedTable(_Layout(columns, sample), itertools.chain(sample, (_cells(row, width) for row in source)))

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
