"""Files in a folder of this host (the default: nothing to install, one machine)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from storage.base import checked_key

SCRATCH = ".part"


class LocalStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.where = str(self.root)

    def path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes) -> bool:
        target = self.path(key)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(target.name + SCRATCH)
        scratch.write_bytes(data)
        scratch.replace(target)  # atomic: a reader sees the whole file or none
        return True

    def put_file(self, key: str, path: Path) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(target.name + SCRATCH)
        shutil.copyfile(path, scratch)
        scratch.replace(target)

    def open(self, key: str) -> BinaryIO | None:
        try:
            return self.path(key).open("rb")
        except FileNotFoundError:
            return None

    def read(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        base = self.root / prefix if prefix else self.root
        if not base.is_dir():
            return
        for path in base.rglob("*"):
            if path.is_file() and not path.name.endswith(SCRATCH):
                yield path.relative_to(self.root).as_posix()
