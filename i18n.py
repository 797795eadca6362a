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


def compile_admin_catalogue(directory: Path) -> Path | None:
    """Flask-Admin's Simplified Chinese catalogue, under the platform's locale name.

    Flask-Admin ships ``zh_Hans_CN``; the platform's locale is ``zh``, for which Babel finds nothing
    there. Its catalogue, with ``zh/LC_MESSAGES/admin.po`` of this repository on top (strings the
    editor's screens need and Flask-Admin leaves out), is written to ``zh/LC_MESSAGES/admin.mo``."""
    import flask_admin.translations

    source = Path(flask_admin.translations.__path__[0]) / "zh_Hans_CN" / "LC_MESSAGES" / "admin.po"
    ours = directory / "zh" / "LC_MESSAGES" / "admin.po"
    target = ours.with_suffix(".mo")
    inputs = [p for p in (source, ours) if p.exists()]
    if not inputs or (target.exists() and target.stat().st_mtime >= max(p.stat().st_mtime for p in inputs)):
        return None
    with inputs[0].open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    for extra in inputs[1:]:
        with extra.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    if message.id in catalog:
                        del catalog[message.id]  # Catalog.add keeps an existing translation
                    catalog.add(message.id, message.string)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_mo(handle, catalog)
    except OSError as exc:
        log.warning("cannot write %s: %s", target, exc)
        return None
    return target
