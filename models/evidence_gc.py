"""A stored PDF is removed once no row uses it any more.

Files are stored once under their content hash and shared by every row that names that hash: an
attachment, a material of the checklist, a person's certificate scan, and the materials and scans a
submitted record keeps in its ``dossier``. When a transaction deletes such rows (a deleted draft
takes its attachments along through the database's ON DELETE CASCADE) or replaces a scan, the hashes
they named are noted; after the commit, each file that nothing names any more is deleted. A rollback
forgets the notes, so a refused change never loses a file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, event, inspect, select
from sqlalchemy.orm import Session

from models.aggregate import assessment_table
from models.core import Attachment, Person
from models.dossier import EnterpriseMaterial
from models.evidence import path_of

NOTED = "unused_evidence"


def _noted(session: Session) -> set[str]:
    return session.info.setdefault(NOTED, set())


def _collect(session: Session, _context: Any, _instances: Any) -> None:
    found = _noted(session)
    for obj in session.deleted:
        if isinstance(obj, (Attachment, EnterpriseMaterial)):
            found.add(obj.content_hash)
        elif isinstance(obj, Person) and obj.scan_hash:
            found.add(obj.scan_hash)
        elif assessment_table in inspect(obj).mapper.tables and obj.id is not None:  # its rows go by cascade
            found.update(session.scalars(select(Attachment.content_hash).where(Attachment.assessment_id == obj.id)))
    for obj in session.dirty:
        if isinstance(obj, Person):
            replaced = inspect(obj).attrs.scan_hash.history.deleted
            found.update(h for h in replaced if h)


def still_used(connection: Any, content_hash: str) -> bool:
    """Whether any row names the file (a kept dossier holds it inside its JSON text)."""
    dossier = cast(assessment_table.c.dossier, String)
    uses = (
        select(Attachment.id).where(Attachment.content_hash == content_hash),
        select(EnterpriseMaterial.id).where(EnterpriseMaterial.content_hash == content_hash),
        select(Person.id).where(Person.scan_hash == content_hash),
        select(assessment_table.c.id).where(dossier.contains(content_hash)),
    )
    return any(connection.execute(use.limit(1)).first() is not None for use in uses)


def install(session_class: type[Session], directory: Callable[[], Path | None]) -> None:
    """Watch sessions of ``session_class``; ``directory()`` is the evidence folder (None: keep files)."""
    if event.contains(session_class, "before_flush", _collect):
        return

    def _remove(session: Session) -> None:
        hashes = session.info.pop(NOTED, set())
        folder = directory() if hashes else None
        if not folder:
            return
        with session.get_bind().connect() as connection:
            for content_hash in sorted(hashes):
                if not still_used(connection, content_hash):
                    path_of(folder, content_hash).unlink(missing_ok=True)

    event.listen(session_class, "before_flush", _collect)
    event.listen(session_class, "after_commit", _remove)
    event.listen(session_class, "after_rollback", lambda session: session.info.pop(NOTED, None))
