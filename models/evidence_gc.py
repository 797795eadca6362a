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
from typing import Any

from sqlalchemy import String, cast, event, inspect, select
from sqlalchemy.orm import Session

from models.aggregate import assessment_table
from models.core import Attachment, Person
from models.dossier import EnterpriseMaterial
from storage import FileStore, evidence_key

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


def named_hashes(connection: Any) -> set[str]:
    """Every file hash a row names: attachments, checklist materials, certificate scans and the files
    kept in submitted dossiers."""
    found: set[str] = set(connection.scalars(select(Attachment.content_hash)))
    found.update(connection.scalars(select(EnterpriseMaterial.content_hash)))
    found.update(h for h in connection.scalars(select(Person.scan_hash)) if h)
    for dossier in connection.scalars(select(assessment_table.c.dossier).where(assessment_table.c.dossier.is_not(None))):
        for files in (dossier or {}).get("materials", {}).values():
            found.update(entry["hash"] for entry in files if entry.get("hash"))
        for people in (dossier or {}).get("personnel", {}).values():
            found.update(entry["scan_hash"] for entry in people if entry.get("scan_hash"))
    return found


def install(session_class: type[Session], files: Callable[[], FileStore | None]) -> None:
    """Watch sessions of ``session_class``; ``files()`` is the evidence store (None: keep files)."""
    if event.contains(session_class, "before_flush", _collect):
        return

    def _remove(session: Session) -> None:
        hashes = session.info.pop(NOTED, set())
        store = files() if hashes else None
        if store is None:
            return
        with session.get_bind().connect() as connection:
            for content_hash in sorted(hashes):
                if not still_used(connection, content_hash):
                    store.delete(evidence_key(content_hash))

    event.listen(session_class, "before_flush", _collect)
    event.listen(session_class, "after_commit", _remove)
    event.listen(session_class, "after_rollback", lambda session: session.info.pop(NOTED, None))
