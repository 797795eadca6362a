"""Changing the files of a pack: validate the whole pack first, then replace, and record a version.

A save never leaves a half-changed pack: the edited texts are validated together with the rest of
the pack (``criteria.load_pack`` with the new texts, the code ``criteria check`` runs); only a valid
pack is written, each file through a temporary file renamed over the old one, and the new version
row is committed after the files are in place. When anything fails the old texts are put back and
the version row is rolled back, so the files on disk and the database stay as they were.

Saves of one pack take turns: each holds an exclusive lock on a file beside the pack folder from
reading the current texts (the check that nobody saved since the editor opened them) until its
version row is committed, so two saves at once never overwrite each other unnoticed. A version
number taken meanwhile by another machine sharing the database refuses the save the same way.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from criteria import CriteriaError, Pack, load_pack
from criteria.problems_zh import problem_zh
from criteria.yaml_source import normalise
from models.criteria_versions import CriteriaVersion, add_version


class EditRefused(Exception):
    """The change was not made; ``problems`` says why, in Chinese (file, line, path, message)."""

    def __init__(self, summary: str, problems: list[str] | None = None):
        super().__init__(summary)
        self.summary = summary
        self.problems = problems or []


@dataclass(frozen=True)
class Saved:
    version: CriteriaVersion
    pack: Pack
    files: tuple[str, ...]


def text_hash(text: str) -> str:
    """What an edit form remembers of the text it showed (to notice a save made meanwhile)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def _write(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` atomically: a temporary file in the same folder, then a rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as target:
            target.write(text)
            target.flush()
            os.fsync(target.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _current(pack_dir: Path, name: str) -> str | None:
    path = pack_dir / name
    return normalise(path.read_text(encoding="utf-8")) if path.is_file() else None


CHANGED_MEANWHILE = "（可能是其他管理员保存了新版本），本次内容未保存。请重新打开该文件，在最新内容上修改。"


def lock_path(pack_dir: Path) -> Path:
    """The lock file of a pack's saves: beside the folder, so the editor never lists it."""
    return pack_dir.parent / f".{pack_dir.name}.edit-lock"


@contextmanager
def edit_lock(pack_dir: Path) -> Iterator[None]:
    """Hold the pack's save lock (waiting for a save in progress to finish)."""
    try:
        handle = open(lock_path(pack_dir), "a")
    except OSError as error:
        raise EditRefused(f"无法锁定考核标准文件夹（{error.strerror or error}），文件和版本记录均未修改。") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def replace_files(
    session: Session,
    pack_dir: Path,
    texts: dict[str, str],
    source: str,
    note: str,
    user_id: int | None,
    expected: dict[str, str] | None = None,
) -> Saved:
    """Validate the pack with ``texts`` (file name -> new text), write them and record a version.

    ``expected`` maps file names to the hash of the text the editor showed: a file changed on disk
    since is refused rather than overwritten. Raises EditRefused and changes nothing otherwise."""
    with edit_lock(pack_dir):
        return _replace(session, pack_dir, {name: normalise(text) for name, text in texts.items()}, source, note, user_id, expected)


def _replace(
    session: Session, pack_dir: Path, texts: dict[str, str], source: str, note: str, user_id: int | None, expected: dict[str, str] | None
) -> Saved:
    before = {name: _current(pack_dir, name) for name in texts}
    for name, wanted in (expected or {}).items():
        if before.get(name) is not None and text_hash(before[name]) != wanted:
            raise EditRefused(f"{name} 在您打开后已被修改{CHANGED_MEANWHILE}")
    if not note.strip():
        raise EditRefused("请填写变更说明（为什么修改、依据什么文件），未保存。")
    try:
        pack = load_pack(pack_dir, overrides=texts)
    except CriteriaError as error:
        raise EditRefused(
            f"考核标准校验未通过，共 {len(error.problems)} 处问题，文件未修改：", [problem_zh(p) for p in error.problems]
        ) from None
    outside = [name for name in texts if name not in pack.files]
    if outside:
        raise EditRefused(f"{'、'.join(outside)} 不是 pack.yaml 列出的考核标准文件，未保存。")
    changed = {name: text for name, text in texts.items() if before[name] != text}
    if not changed:
        raise EditRefused("内容与当前考核标准相同，没有需要保存的修改。")
    try:
        version = add_version(session, pack, source, note.strip(), user_id)
    except IntegrityError:  # another machine recorded a version of this pack meanwhile
        session.rollback()
        raise EditRefused(f"考核标准在您保存的同时记录了新版本{CHANGED_MEANWHILE}") from None
    written: list[str] = []
    try:
        for name, text in changed.items():
            _write(pack_dir / name, text)
            written.append(name)
        session.commit()
    except BaseException as error:
        session.rollback()
        for name in written:  # put back what this save replaced
            if before[name] is None:
                (pack_dir / name).unlink(missing_ok=True)
            else:
                _write(pack_dir / name, before[name])
        if isinstance(error, OSError):
            raise EditRefused(f"无法写入考核标准文件（{error.strerror or error}），文件和版本记录均未修改。") from None
        if isinstance(error, IntegrityError):
            raise EditRefused(f"考核标准在您保存的同时记录了新版本{CHANGED_MEANWHILE}") from None
        raise
    return Saved(version, pack, tuple(changed))


def restore_version(session: Session, pack_dir: Path, version: CriteriaVersion, note: str, user_id: int | None) -> Saved:
    """Write the files of an earlier version back and record that state as a new version (files a
    later version added stay in the folder, unlisted by the restored pack.yaml)."""
    return replace_files(session, pack_dir, dict(version.files), "restore", note.strip() or f"恢复为第 {version.number} 版", user_id)
