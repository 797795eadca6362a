"""The printed assessment form (考核表): A4 portrait, the item table, reviews, signatures.

``render_form(data)`` returns the PDF bytes. Pure: no Flask, no database; the embedded font only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports.data import FormColumn, FormData, FormItem, FormReview, FormSection, FormSignature
from reports.layout import (
    CELL_CENTER,
    FONT,
    GRID,
    HEAD,
    LABEL_BG,
    SECTION,
    SMALL,
    SMALL_CENTER,
    SUBTITLE,
    TITLE,
    chunks,
    numbered_canvas,
    para,
    text,
)

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN  # 180 mm of usable width
QR_SIZE = 24 * mm
# Item columns whose long text continues in the next row; the others print in the item's first row.
LONG_COLUMNS = {"standard": 800, "opinion": 240}
DATE_LINE = "____年____月____日"
CONTINUED = "（续）"
SECTION_START = 30 * mm  # room a list needs below its title (title and a few rows), else a new page
SHORT_VALUE = 40  # header values longer than this get a whole line
# Longest text in one table row; longer text continues in the next row (a row cannot span pages).
HEADER_CHUNK, REVIEW_CHUNK = 1200, 600


def _grid(*extra: tuple) -> TableStyle:
    """The common table look: thin black grid, embedded font, vertically centred cells."""
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.6, GRID),
            ("BOX", (0, 0), (-1, -1), 1.0, GRID),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            *extra,
        ]
    )


def _qr(value: str, size: float = QR_SIZE) -> Flowable:
    """The QR code drawn straight on the page: one rectangle per run of dark modules (the graphics
    widget builds a shape per module and encodes twice, which made it most of a form's time)."""
    return QrCode(value, width=size, height=size, qrLevel="M", qrBorder=4)


def _identity_line(data: FormData) -> Flowable | None:
    """编号, 出具单位 and 打印日期 in one line under the title (only what the form has)."""
    parts = [
        f"编号：{data.document_number}" if data.document_number else "",
        f"出具单位：{data.issuer}" if data.issuer else "",
        f"打印日期：{data.printed_on.isoformat()}" if data.printed_on else "",
    ]
    shown = "　　".join(part for part in parts if part)
    return para(shown, SMALL_CENTER) if shown else None


def _title_block(data: FormData) -> Flowable:
    """Title and subtitle centred; the verification QR code and code text in the top-right corner."""
    heading = [para(data.title, TITLE), Spacer(1, 1 * mm), para(data.subtitle, SUBTITLE)]
    if not data.verification_code:
        return KeepTogether(heading)
    side = QR_SIZE + 6 * mm
    code = [_qr(data.verify_url or data.verification_code), para("验证码", SMALL_CENTER), para(data.verification_code, SMALL_CENTER)]
    table = Table([["", heading, code]], colWidths=[side, WIDTH - 2 * side, side])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (2, 0), (2, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _header_table(data: FormData) -> Table | None:
    """The header lines in their order, two pairs per row; a wide or long value on a line of its own."""
    label_w, value_w = 26 * mm, WIDTH / 2 - 26 * mm
    rows: list[list] = []
    spans: list[int] = []  # indexes of rows whose value spans the rest of the line

    def full(label: str, value: object) -> None:
        for part, piece in enumerate(chunks(value, HEADER_CHUNK)):
            spans.append(len(rows))
            rows.append([para(label if part == 0 else CONTINUED, CELL_CENTER), para(piece), "", ""])

    pending: list[tuple[str, object]] = []
    for label, value, wide in data.header_fields:
        if wide or len(text(value)) > SHORT_VALUE:  # gets a whole line, in order
            if pending:
                full(*pending.pop())
            full(label, value)
            continue
        pending.append((label, value))
        if len(pending) == 2:
            (l1, v1), (l2, v2) = pending
            rows.append([para(l1, CELL_CENTER), para(v1), para(l2, CELL_CENTER), para(v2)])
            pending.clear()
    if pending:
        full(*pending.pop())
    if not rows:
        return None
    extra: list[tuple] = [("BACKGROUND", (0, r), (0, r), LABEL_BG) for r in range(len(rows))]
    extra += [("BACKGROUND", (2, r), (2, r), LABEL_BG) for r in range(len(rows)) if r not in spans]
    extra += [("SPAN", (1, r), (3, r)) for r in spans]
    table = Table(rows, colWidths=[label_w, value_w, label_w, value_w], minRowHeights=[8 * mm] * len(rows))
    table.setStyle(_grid(*extra))
    return table


# What a blank form leaves empty: everything the assessment fills in.
FILLED_IN = {"self_score", "assessed_score", "opinion", "result", "points"}


def _widths(shares: Sequence[float]) -> list[float]:
    return [WIDTH * share / sum(shares) for share in shares]


def _item_table(items: Sequence[FormItem], columns: Sequence[FormColumn], blank: bool) -> Table:
    """One row per item in the columns the guide lays out, header repeated on every page; a long
    standard or opinion continues in the rows below its item."""
    rows: list[list] = [[Paragraph(column.label, HEAD) for column in columns]]
    for number, item in enumerate(items, start=1):
        shown = [column.show for column in columns if column.show != "number"]
        values = {"number": number} | {show: "" if blank and show in FILLED_IN else getattr(item, show) for show in shown}
        pieces = {show: chunks(values[show], size) for show, size in LONG_COLUMNS.items() if show in values}
        for part in range(max((len(p) for p in pieces.values()), default=1)):
            row = []
            for column in columns:
                if column.show in pieces:
                    row.append(para(pieces[column.show][part] if part < len(pieces[column.show]) else "", SMALL))
                elif column.show == "name":
                    row.append(para(item.name) if part == 0 else para(CONTINUED, SMALL_CENTER))
                else:
                    row.append(para(values[column.show] if part == 0 else "", CELL_CENTER))
            rows.append(row)
        if "result" in shown and not blank:  # each sub-table a category averages, under it
            for name, result in item.parts:
                rows.append(
                    [
                        para(f"（{name}）", SMALL) if c.show == "name" else para(result if c.show == "result" else "", SMALL_CENTER)
                        for c in columns
                    ]
                )
    min_row = 12 * mm if blank else 8 * mm
    widths = _widths([column.width for column in columns])
    table = Table(rows, colWidths=widths, repeatRows=1, minRowHeights=[8 * mm] + [min_row] * (len(rows) - 1))
    table.setStyle(_grid(("BACKGROUND", (0, 0), (-1, 0), LABEL_BG)))
    return table


def _summary_table(data: FormData, blank: bool) -> Table:
    """考核总分 and 考核等级 of a scored form; a form without items (a rated result) has only its 考核结果."""
    total, grade = ("", "") if blank else (data.total, data.grade_label)
    label_w = 26 * mm
    if not data.items:
        table = Table([[para("考核结果", CELL_CENTER), para(grade, CELL_CENTER), "", ""]], colWidths=[label_w, WIDTH / 2 - label_w] * 2)
        table.setStyle(_grid(("BACKGROUND", (0, 0), (0, 0), LABEL_BG), ("SPAN", (1, 0), (3, 0))))
        return table
    rows = [[para("考核总分", CELL_CENTER), para(total, CELL_CENTER), para("考核等级", CELL_CENTER), para(grade, CELL_CENTER)]]
    table = Table(rows, colWidths=[label_w, WIDTH / 2 - label_w] * 2, minRowHeights=[9 * mm])
    table.setStyle(_grid(("BACKGROUND", (0, 0), (0, 0), LABEL_BG), ("BACKGROUND", (2, 0), (2, 0), LABEL_BG)))
    return table


def _review_table(reviews: Sequence[FormReview], blank: bool) -> Table:
    """审核环节 / 审核意见 / 审核人 / 日期; a blank form keeps the steps but leaves room to write."""
    rows: list[list] = [[Paragraph(h, HEAD) for h in ("审核环节", "审核意见", "审核人", "日期")]]
    steps = list(reviews) or [FormReview("审核意见")]
    for review in steps:
        if blank or not reviews:
            rows.append([para(review.action_label, CELL_CENTER), "", "", para(DATE_LINE, SMALL_CENTER)])
        else:
            for part, piece in enumerate(chunks(review.opinion, REVIEW_CHUNK)):
                first = part == 0
                rows.append(
                    [
                        para(review.action_label, CELL_CENTER) if first else para(CONTINUED, SMALL_CENTER),
                        para(piece),
                        para(review.reviewer if first else "", CELL_CENTER),
                        para(review.date if first else "", CELL_CENTER),
                    ]
                )
    min_row = 18 * mm if blank or not reviews else 9 * mm
    widths = [36 * mm, WIDTH - 108 * mm, 42 * mm, 30 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1, minRowHeights=[7 * mm] + [min_row] * (len(rows) - 1))
    table.setStyle(_grid(("BACKGROUND", (0, 0), (-1, 0), LABEL_BG)))
    return table


class SignatureCell(Flowable):
    """One signature area: the label at the top, a date line at the bottom, a dashed stamp box if asked."""

    def __init__(self, label: str, width: float, height: float, stamp: bool) -> None:
        super().__init__()
        self.label, self.width, self.height, self.stamp = label, width, height, stamp

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(FONT, 9.5)
        canvas.drawString(0, self.height - 10, f"{self.label}：")
        canvas.setFont(FONT, 9)
        canvas.drawRightString(self.width, 2, DATE_LINE)
        if self.stamp:
            box = 24 * mm
            x, y = (self.width - box) / 2, 14
            canvas.saveState()
            canvas.setStrokeColor(colors.grey)
            canvas.setDash(3, 2)
            canvas.setLineWidth(0.6)
            canvas.rect(x, y, box, box - 4 * mm)
            canvas.setFillColor(colors.grey)
            canvas.setFont(FONT, 8)
            canvas.drawCentredString(x + box / 2, y + (box - 4 * mm) / 2 - 3, "盖章处")
            canvas.restoreState()


def _signature_table(signatures: Sequence[FormSignature]) -> Table:
    cell_w = WIDTH / len(signatures)
    inner_w, height = cell_w - 8, 34 * mm
    cells = [SignatureCell(signature.label, inner_w, height, signature.stamp) for signature in signatures]
    table = Table([cells], colWidths=[cell_w] * len(signatures))
    table.setStyle(_grid(("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)))
    return table


def _section_table(section: FormSection) -> Table:
    """A section's rows under its headings (repeated on every page), widths as declared."""
    widths = _widths(section.widths or (1,) * len(section.headings))
    rows: list[list] = [[Paragraph(h, HEAD) for h in section.headings]]
    rows += [[para(cell, SMALL) for cell in row] for row in section.rows] or [
        [para("（无）", SMALL_CENTER)] + [""] * (len(section.headings) - 1)
    ]
    table = Table(rows, colWidths=widths, repeatRows=1, minRowHeights=[7 * mm] + [7 * mm] * (len(rows) - 1))
    table.setStyle(_grid(("BACKGROUND", (0, 0), (-1, 0), LABEL_BG)))
    return table


def _section(section: FormSection) -> list[Flowable]:
    """A titled table; a long one breaks across pages, its title never ends a page alone."""
    parts: list[Flowable] = [CondPageBreak(SECTION_START), Paragraph(section.title, SECTION), Spacer(1, 1.5 * mm), _section_table(section)]
    if section.footer:
        parts += [Spacer(1, 2 * mm), para(section.footer)]
    return [*parts, Spacer(1, 4 * mm)]


def _story(data: FormData, blank: bool) -> list[Flowable]:
    identity = _identity_line(data)
    header = _header_table(data)
    story: list[Flowable] = [_title_block(data), *([Spacer(1, 1.5 * mm), identity] if identity else [])]
    story += [Spacer(1, 4 * mm), *([header, Spacer(1, 4 * mm)] if header else [])]
    # The scored items and the result first, as on the paper form; the dossier lists follow them.
    if data.items:
        story.append(_item_table(data.items, data.columns, blank))
    if data.items or data.graded:  # an entry that gives no grade (a daily event) has no result row
        story += [_summary_table(data, blank), Spacer(1, 4 * mm)]
    if data.working and not blank:
        story += [KeepTogether([Paragraph(data.working_title, SECTION), *(para(line, SMALL) for line in data.working)]), Spacer(1, 4 * mm)]
    for section in data.sections:
        story += _section(section)
    story.append(KeepTogether([Paragraph("审核记录", SECTION), Spacer(1, 1.5 * mm), _review_table(data.reviews, blank)]))
    story.append(Spacer(1, 4 * mm))
    closing: list[Flowable] = []
    if data.signatures:
        closing += [Paragraph("签字确认", SECTION), Spacer(1, 1.5 * mm), _signature_table(data.signatures), Spacer(1, 2 * mm)]
    if data.criteria_version:
        closing.append(para(f"考核标准版本：{data.criteria_version}", SMALL))
    story.append(KeepTogether(closing))
    for sheet in data.appendix:  # each sheet whole on a page where it fits
        story.append(KeepTogether(_section(sheet)))
    return story


def render_form(data: FormData, blank: bool = False) -> bytes:
    """Render one assessment form as PDF bytes.

    ``blank=True`` prints the names, standards and maxima but leaves the scores, opinions, total,
    grade and review opinions empty, for filling in on site.
    """
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=f"{data.title} {data.enterprise_name}".strip(),
        subject=data.subtitle,
        author="建筑施工安全生产考核平台",
        creator="建筑施工安全生产考核平台",
        keywords=data.keywords,
        invariant=True,  # same data, same bytes: a filed form never changes after the fact
    )
    left = f"考核标准版本 {data.criteria_version}" if data.criteria_version else ""
    right = f"验证码 {data.verification_code}" if data.verification_code else ""
    doc.build(_story(data, blank), canvasmaker=numbered_canvas(left, right, MARGIN, "" if blank else data.watermark))
    return buffer.getvalue()
