"""The Simplified Chinese catalogue: compiled from translations/*.po when missing or stale."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)


def compile_catalogues(directory: Path) -> list[Path]:
    """Write messages.mo beside every messages.po that is newer; returns what was written."""
    written = []
    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        try:
            with mo.open("wb") as target:
                write_mo(target, catalog)
        except OSError as exc:  # a read-only install keeps whatever was compiled at build time
            log.warning("cannot write %s: %s", mo, exc)
            continue
        written.append(mo)
    return written
