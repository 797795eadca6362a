"""The one font every printed form uses: WenQuanYi Micro Hei, shipped in reports/fonts/.

ReportLab embeds it as a subset (only the glyphs a document uses), so a PDF reads the same on a
machine without any Chinese font installed. See reports/fonts/README.md for origin and licence.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "WQYMicroHei"
FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"

_lock = threading.Lock()


def register_font() -> str:
    """Register the embedded font with ReportLab once and return its name."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            # subfontIndex 0 is "WenQuanYi Micro Hei" (1 is the Mono face).
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
            # Bold/italic requests from Paragraph markup map to the same face (no bold face exists).
            pdfmetrics.registerFontFamily(FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME)
    return FONT_NAME


def has_glyph(char: str) -> bool:
    """True when the embedded font can draw ``char`` (for callers that substitute missing marks)."""
    register_font()
    font = pdfmetrics.getFont(FONT_NAME)
    return ord(char) in font.face.charToGlyph
