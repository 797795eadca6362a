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

from reports.data import FormData, FormItem, FormReview, FormSection
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
ITEM_HEADERS = ("序号", "考核项目", "评价标准", "分值", "自评分", "核定分", "审核意见")
ITEM_WIDTHS = tuple(w * mm for w in (10, 30, 70, 12, 14, 14, 30))
DATE_LINE = "____年____月____日"
CONTINUED = "（续）"
SECTION_START = 30 * mm  # room a list needs below its title (title and a few rows), else a new page
SHORT_VALUE = 40  # header values longer than this get a whole line
# Longest text in one table row; longer text continues in the next row (a row cannot span pages).
HEADER_CHUNK, STANDARD_CHUNK, OPINION_CHUNK, REVIEW_CHUNK = 1200, 800, 240, 600


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


def _header_table(data: FormData) -> Table:
    """Enterprise, project, period, state and the kind's header fields, two pairs per row."""
    label_w, value_w = 26 * mm, WIDTH / 2 - 26 * mm
    rows: list[list] = []
    spans: list[int] = []  # indexes of rows whose value spans the rest of the line

    def full(label: str, value: object) -> None:
        for part, piece in enumerate(chunks(value, HEADER_CHUNK)):
            spans.append(len(rows))
            rows.append([para(label if part == 0 else CONTINUED, CELL_CENTER), para(piece), "", ""])

    full("企业名称", data.enterprise_name)
    if data.project_name:
        full("项目名称", data.project_name)
    pairs: list[tuple[str, object]] = [("考核期间", data.period), ("状态", data.state_label), *data.header_fields]
    pending: list[tuple[str, object]] = []
    for label, value in pairs:
        if len(text(value)) > SHORT_VALUE:  # long text gets a whole line, in order
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
    extra: list[tuple] = [("BACKGROUND", (0, r), (0, r), LABEL_BG) for r in range(len(rows))]
    extra += [("BACKGROUND", (2, r), (2, r), LABEL_BG) for r in range(len(rows)) if r not in spans]
    extra += [("SPAN", (1, r), (3, r)) for r in spans]
    table = Table(rows, colWidths=[label_w, value_w, label_w, value_w], minRowHeights=[8 * mm] * len(rows))
    table.setStyle(_grid(*extra))
    return table


def _item_table(items: Sequence[FormItem], blank: bool) -> Table:
    """序号 / 考核项目 / 评价标准 / 分值 / 自评分 / 核定分 / 审核意见, header repeated on every page."""
    rows: list[list] = [[Paragraph(h, HEAD) for h in ITEM_HEADERS]]
    for number, item in enumerate(items, start=1):
        self_score, assessed, opinion = ("", "", "") if blank else (item.self_score, item.assessed_score, item.opinion)
        standards, opinions = chunks(item.standard, STANDARD_CHUNK), chunks(opinion, OPINION_CHUNK)
        for part in range(max(len(standards), len(opinions))):
            first = part == 0
            rows.append(
                [
                    para(number if first else "", CELL_CENTER),
                    para(item.name) if first else para(CONTINUED, SMALL_CENTER),
                    para(standards[part] if part < len(standards) else "", SMALL),
                    para(item.max if first else "", CELL_CENTER),
                    para(self_score if first else "", CELL_CENTER),
                    para(assessed if first else "", CELL_CENTER),
                    para(opinions[part] if part < len(opinions) else "", SMALL),
                ]
            )
    min_row = 12 * mm if blank else 8 * mm
    table = Table(rows, colWidths=ITEM_WIDTHS, repeatRows=1, minRowHeights=[8 * mm] + [min_row] * (len(rows) - 1))
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
    widths = [38 * mm, WIDTH - 98 * mm, 26 * mm, 34 * mm]
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


def _signature_table(labels: Sequence[str]) -> Table:
    if not labels:
        return Table([[""]])
    cell_w = WIDTH / len(labels)
    inner_w, height = cell_w - 8, 34 * mm
    cells = [SignatureCell(label, inner_w, height, "盖章" in label) for label in labels]
    table = Table([cells], colWidths=[cell_w] * len(labels))
    table.setStyle(_grid(("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)))
    return table


def _section_table(section: FormSection) -> Table:
    """A section's rows under its headings (repeated on every page), widths as declared."""
    shares = section.widths or (1,) * len(section.headings)
    widths = [WIDTH * share / sum(shares) for share in shares]
    rows: list[list] = [[Paragraph(h, HEAD) for h in section.headings]]
    rows += [[para(cell, SMALL) for cell in row] for row in section.rows] or [
        [para("（无）", SMALL_CENTER)] + [""] * (len(section.headings) - 1)
    ]
    table = Table(rows, colWidths=widths, repeatRows=1, minRowHeights=[7 * mm] + [7 * mm] * (len(rows) - 1))
    table.setStyle(_grid(("BACKGROUND", (0, 0), (-1, 0), LABEL_BG)))
    return table


def _story(data: FormData, blank: bool) -> list[Flowable]:
    identity = _identity_line(data)
    story: list[Flowable] = [_title_block(data), *([Spacer(1, 1.5 * mm), identity] if identity else [])]
    story += [Spacer(1, 4 * mm), _header_table(data), Spacer(1, 4 * mm)]
    # The scored items and the result first, as on the paper form; the dossier lists follow them.
    if data.items:
        story.append(_item_table(data.items, blank))
    if data.items or data.graded:  # an entry that gives no grade (a daily event) has no result row
        story += [_summary_table(data, blank), Spacer(1, 4 * mm)]
    for section in data.sections:  # a long list breaks across pages; its title never ends a page alone
        story += [CondPageBreak(SECTION_START), Paragraph(section.title, SECTION), Spacer(1, 1.5 * mm), _section_table(section)]
        story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether([Paragraph("审核记录", SECTION), Spacer(1, 1.5 * mm), _review_table(data.reviews, blank)]))
    story.append(Spacer(1, 4 * mm))
    closing: list[Flowable] = [Paragraph("签字确认", SECTION), Spacer(1, 1.5 * mm), _signature_table(data.signature_labels)]
    if data.criteria_version:
        closing += [Spacer(1, 2 * mm), para(f"考核标准版本：{data.criteria_version}", SMALL)]
    story.append(KeepTogether(closing))
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
