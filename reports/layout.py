"""Shared pieces of every printed page: paragraph styles, text helpers, the numbered page footer."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from reports.fonts import markup, register_font

FONT = register_font()
GRID = colors.black
LABEL_BG = colors.HexColor("#EEEEEE")
FOOTER_Y = 9 * mm


def style(name: str, size: float = 9, align: int = TA_LEFT, leading: float | None = None) -> ParagraphStyle:
    """A paragraph style in the embedded font with CJK line breaking."""
    return ParagraphStyle(
        name,
        fontName=FONT,
        fontSize=size,
        leading=leading if leading is not None else round(size * 1.35, 1),
        alignment=align,
        wordWrap="CJK",
    )


TITLE = style("title", 17, TA_CENTER, 24)
SUBTITLE = style("subtitle", 10.5, TA_CENTER, 15)
CELL = style("cell", 9)
CELL_CENTER = style("cell_center", 9, TA_CENTER)
SMALL = style("small", 8)
SMALL_CENTER = style("small_center", 8, TA_CENTER)
SMALL_RIGHT = style("small_right", 8, TA_RIGHT)
HEAD = style("head", 9, TA_CENTER)
SECTION = style("section", 10.5, TA_LEFT, 15)


def text(value: Any) -> str:
    """Plain text for a value: None becomes empty, numbers lose trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return number(value)
    return str(value)


def number(value: int | float | Decimal | None) -> str:
    """10 -> "10", 8.50 -> "8.5", None -> ""."""
    if value is None:
        return ""
    try:
        normalized = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    formatted = format(normalized, "f")
    return "0" if formatted in ("-0", "") else formatted


def chunks(value: Any, size: int) -> list[str]:
    """Split long text into pieces of ``size`` characters, so that no table row outgrows a page
    (ReportLab moves whole rows to the next page and fails on a row taller than the frame)."""
    plain = text(value)
    return [plain[start : start + size] for start in range(0, len(plain), size)] or [""]


def para(value: Any, paragraph_style: ParagraphStyle = CELL) -> Paragraph:
    """A wrapping paragraph for user text (escaped; newlines kept as line breaks; every character in a
    font that has it, see reports.fonts)."""
    body = markup(text(value).replace("\r\n", "\n")).replace("\n", "<br/>")
    return Paragraph(body, paragraph_style)


class _NumberedCanvas(Canvas):
    """Two-pass canvas: keeps every page until save(), then draws "第 x 页 共 y 页" on each."""

    footer_left = ""
    footer_right = ""
    footer_margin = 15 * mm
    watermark = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The embedded font from the first page on: otherwise every page lists Helvetica (not embedded).
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # ReportLab's method name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            if self.watermark:
                self._draw_watermark()
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width = self._pagesize[0]
        margin = self.footer_margin
        self.saveState()
        self.setFont(FONT, 8)
        self.setFillColor(colors.black)
        self.drawCentredString(width / 2, FOOTER_Y, f"第 {self._pageNumber} 页 共 {total} 页")
        if self.footer_left:
            self.drawString(margin, FOOTER_Y, self.footer_left)
        if self.footer_right:
            self.drawRightString(width - margin, FOOTER_Y, self.footer_right)
        self.restoreState()

    def _draw_watermark(self) -> None:
        """Large grey text across the page, over the content but light enough to read through."""
        width, height = self._pagesize
        self.saveState()
        self.setFillColor(colors.Color(0.6, 0.6, 0.6, alpha=0.35))
        self.setFont(FONT, 110)
        self.translate(width / 2, height / 2)
        self.rotate(40)
        self.drawCentredString(0, -38, self.watermark)
        self.restoreState()


def numbered_canvas(left: str = "", right: str = "", margin: float = 15 * mm, watermark: str = "") -> type[Canvas]:
    """A canvasmaker for doc.build() whose pages carry the page footer, optional side notes and an
    optional watermark (草稿)."""
    attrs = {"footer_left": left, "footer_right": right, "footer_margin": margin, "watermark": watermark}
    return type("NumberedCanvas", (_NumberedCanvas,), attrs)
