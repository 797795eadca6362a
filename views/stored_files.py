"""Sending a stored file to the browser, from whichever store holds it (streamed, never read whole)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, send_file

from storage import FileStore, evidence_key, evidence_store


def evidence() -> FileStore:
    """The evidence store of this app."""
    return evidence_store(current_app.config)


def send_stored(store: FileStore, key: str, name: str, mimetype: str, download: bool) -> Any:
    """The file under ``key`` as ``name`` (inline, or as a download); 404 when the store has none. The
    caller has checked the user may see it."""
    size = store.size(key)
    stream = store.open(key) if size is not None else None
    if stream is None:
        abort(404)
    response = send_file(stream, mimetype=mimetype, as_attachment=download, download_name=name, conditional=False, etag=False)
    response.content_length = size
    return response


def send_evidence(content_hash: str, name: str, download: bool) -> Any:
    return send_stored(evidence(), evidence_key(content_hash), name, "application/pdf", download)
