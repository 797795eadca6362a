"""Build reports/fonts/hanamin-a-subset.ttf: the glyphs of HanaMinA that WenQuanYi Micro Hei lacks.

Run once by hand when the ranges change (needs fontTools and Debian's fonts-hanazono; neither is a
runtime dependency):

    pip install fonttools && python scripts/build_fallback_font.py

The printed forms fall back to this file for CJK Extension A, radicals, compatibility ideographs and
symbols such as ✗ ☐ ☑. Characters beyond the Basic Multilingual Plane (Extension B and later) come
from the installed HanaMinB.ttf, which is too large to ship (see reports/fonts/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from reports.fonts import PREFER_FALLBACK

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")
PRIMARY = ROOT / "reports" / "fonts" / "wqy-microhei.ttc"
TARGET = ROOT / "reports" / "fonts" / "hanamin-a-subset.ttf"
RANGES = (
    (0x2000, 0x2BFF),  # punctuation, arrows, geometric shapes, symbols, dingbats (✗ ☐ ☑)
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3000, 0x33FF),  # CJK symbols, enclosed CJK, compatibility
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A (䶮 㵘)
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half- and full-width forms
)


def main() -> int:
    primary = TTCollection(str(PRIMARY)).fonts[0].getBestCmap()
    font = TTFont(str(SOURCE), recalcTimestamp=False)  # same input, same bytes
    prefer = {ord(c) for c in PREFER_FALLBACK}
    wanted = sorted(c for c in font.getBestCmap() if (c not in primary or c in prefer) and any(low <= c <= high for low, high in RANGES))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.save(str(TARGET))
    print(f"{TARGET.relative_to(ROOT)}: {len(wanted)} code points, {TARGET.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
