"""The interface both backends give: files under keys (``ab/<hash>.pdf``, ``<job>/forms.zip``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

KEY_RE = re.compile(r"[0-9A-Za-z_.-]+(/[0-9A-Za-z_.-]+)*")


def checked_key(key: str) -> str:
    """A key names a file below the store's root: plain path parts, never ``..``."""
    if not KEY_RE.fullmatch(key) or any(part in {".", ".."} for part in key.split("/")):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def evidence_key(content_hash: str) -> str:
    """Where an evidence file is kept: its SHA-256 in hex, under a folder of its first two digits."""
    if not re.fullmatch(r"[0-9a-f]{64}", content_hash):
        raise ValueError("not a content hash")
    return f"{content_hash[:2]}/{content_hash}.pdf"


class FileStore(Protocol):
    """Files by key. ``where`` names the store for messages (a folder, or ``s3://bucket/prefix``)."""

    where: str

    def put(self, key: str, data: bytes) -> bool:
        """Store ``data`` unless the key holds a file already; True when this call stored it."""
        ...

    def put_file(self, key: str, path: Path) -> None:
        """Store (or replace) the key with a local file's content, without reading it into memory."""
        ...

    def open(self, key: str) -> BinaryIO | None:
        """The file to read, streamed; None when the key holds none."""
        ...

    def read(self, key: str) -> bytes | None: ...

    def size(self, key: str) -> int | None:
        """Bytes of the file; None when the key holds none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file; nothing happens when there is none."""
        ...

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key under ``prefix``, in no particular order."""
        ...
