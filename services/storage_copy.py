"""Moving evidence into another store (``flask storage copy``): a local folder's files into the
configured bucket, each file once, then every file a row names checked in the target by its content.

Files are named by their content hash, so a copy never overwrites a different file and can be run
again after an interruption: what is there already is skipped. The check reads each named file back
and compares its SHA-256 with its name."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from models.evidence_gc import named_hashes
from storage import FileStore, evidence_key
from storage.local import LocalStore


@dataclass
class CopyReport:
    copied: int = 0
    present: int = 0  # already in the target
    checked: int = 0
    missing: list[str] = field(default_factory=list)  # named by a row, absent in the target
    damaged: list[str] = field(default_factory=list)  # present, but the content is not its hash

    @property
    def sound(self) -> bool:
        return not self.missing and not self.damaged

    def summary(self) -> list[str]:
        lines = [f"已复制 {self.copied} 个文件，{self.present} 个已在目标中；逐一核对了数据库引用的 {self.checked} 个文件。"]
        if self.missing:
            lines.append(f"目标中缺少 {len(self.missing)} 个被引用的文件：{'、'.join(h[:12] for h in self.missing[:20])}")
        if self.damaged:
            lines.append(f"目标中 {len(self.damaged)} 个文件内容与其哈希不符：{'、'.join(h[:12] for h in self.damaged[:20])}")
        if self.sound:
            lines.append("核对通过：每个附件、材料和证书扫描件都能从目标中读到，内容完整。")
        return lines


def _content_hash(target: FileStore, key: str) -> str | None:
    stream = target.open(key)
    if stream is None:
        return None
    digest = hashlib.sha256()
    with stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_folder(folder: Path, target: FileStore, session: Session, echo: Callable[[str], None]) -> CopyReport:
    """Copy every evidence file of ``folder`` into ``target`` and check what the database names."""
    source = LocalStore(folder)
    keys = sorted(key for key in source.keys() if key.endswith(".pdf"))
    report = CopyReport()
    echo(f"正在从 {folder} 复制 {len(keys)} 个证明材料文件到 {target.where}")
    step = max(1, len(keys) // 10)
    for number, key in enumerate(keys, 1):
        if target.size(key) is None:
            target.put_file(key, source.path(key))
            report.copied += 1
        else:
            report.present += 1
        if number % step == 0 or number == len(keys):
            echo(f"  已处理 {number}/{len(keys)}")
    wanted = sorted(named_hashes(session.connection()))
    echo(f"正在核对数据库引用的 {len(wanted)} 个文件")
    for content_hash in wanted:
        found = _content_hash(target, evidence_key(content_hash))
        report.checked += 1
        if found is None:
            report.missing.append(content_hash)
        elif found != content_hash:
            report.damaged.append(content_hash)
    return report
