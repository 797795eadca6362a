"""The fonts of every printed page: WenQuanYi Micro Hei first, HanaMin for what it lacks.

ReportLab embeds each font as a subset (only the glyphs a document uses), so a PDF reads the same on
a machine without any Chinese font installed. ``markup(text)`` splits user text into runs by the
first font that has each character, so rare name characters (CJK Extension A such as 䶮 㵘, and
Extension B when HanaMinB is installed) and marks such as ✗ ☐ ☑ print instead of vanishing. A
character no font has prints as 〓 (the typesetter's mark for a missing sort), never as nothing.
See reports/fonts/README.md for origin and licences.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_NAME = "WQYMicroHei"
FONT_PATH = FONT_DIR / "wqy-microhei.ttc"
# Tried in order for a character the main font lacks; a file that is not there is skipped.
FALLBACKS: tuple[tuple[str, Path], ...] = (
    ("HanaMinA", FONT_DIR / "hanamin-a-subset.ttf"),
    ("HanaMinB", Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")),
)
# Characters the main font has but draws badly (its □ is half the size of a character).
PREFER_FALLBACK = frozenset("□")
MISSING = "〓"

_lock = threading.Lock()


def _register(name: str, path: Path, **options: int) -> None:
    if name in pdfmetrics.getRegisteredFontNames():
        return
    with _lock:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path), **options))
            # Bold/italic requests from Paragraph markup map to the same face (no bold face exists).
            pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


def register_font() -> str:
    """Register the main font with ReportLab once and return its name."""
    # subfontIndex 0 is "WenQuanYi Micro Hei" (1 is the Mono face).
    _register(FONT_NAME, FONT_PATH, subfontIndex=0)
    return FONT_NAME


@cache
def _main_glyphs() -> frozenset[int]:
    register_font()
    return frozenset(pdfmetrics.getFont(FONT_NAME).face.charToGlyph) - {ord(c) for c in PREFER_FALLBACK}


@cache
def _fallbacks() -> tuple[tuple[str, frozenset[int]], ...]:
    """The fallback fonts present on this machine, registered on first need (HanaMinB alone holds
    about 50 MB once parsed, so a form without rare characters never loads it)."""
    found = []
    for name, path in FALLBACKS:
        if path.is_file():
            _register(name, path)
            found.append((name, frozenset(pdfmetrics.getFont(name).face.charToGlyph)))
    return tuple(found)


def has_glyph(char: str) -> bool:
    """True when the main font can draw ``char``."""
    return ord(char) in _main_glyphs()


def font_for(char: str) -> str | None:
    """The first font that draws ``char``, or None when none does."""
    code = ord(char)
    if code in _main_glyphs() or char in "\n\r\t":
        return FONT_NAME
    for name, glyphs in _fallbacks():
        if code in glyphs:
            return name
    return FONT_NAME if char in PREFER_FALLBACK else None


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` as (font, piece) runs; a character no font has becomes 〓 in the main font."""
    main = _main_glyphs()
    if all(ord(c) in main for c in text):
        return [(FONT_NAME, text)] if text else []
    result: list[tuple[str, str]] = []
    for char in text:
        font = font_for(char)
        if font is None:
            font, char = FONT_NAME, MISSING
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + char)
        else:
            result.append((font, char))
    return result


def markup(text: str) -> str:
    """Paragraph markup for plain ``text``: escaped, other fonts' runs wrapped in <font name>."""
    return "".join(escape(piece) if font == FONT_NAME else f'<font name="{font}">{escape(piece)}</font>' for font, piece in runs(text))


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap with code points beyond U+FFFF written as UTF-16 surrogate pairs.

    ReportLab 5.1 writes ``<20000>`` for U+20000, which readers reject, so an Extension B character
    drew but could not be copied or searched; the PDF specification asks for UTF-16BE.
    """
    cmap = _reportlab_cmap(fontname, subset)
    wide = {i: v for i, v in enumerate(subset) if v > 0xFFFF}
    if not wide:
        return cmap
    for index, code in wide.items():
        pair = chr(code).encode("utf-16-be").hex().upper()
        cmap = cmap.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{pair}>", 1)
    return cmap


_reportlab_cmap = ttfonts.makeToUnicodeCMap
ttfonts.makeToUnicodeCMap = _to_unicode_cmap
