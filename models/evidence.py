"""Evidence files: PDF only (checked by content), stored outside the web root under their hash."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

PDF_MAGIC = b"%PDF-"


def pdf_problem(data: bytes) -> str | None:
    """None for a plausible PDF; otherwise why it is refused (Chinese, for users)."""
    if not data:
        return "文件为空"
    if PDF_MAGIC not in data[:1024]:
        return "只接受 PDF 文件：该文件的内容不是 PDF（仅修改扩展名无效）"
    if b"%%EOF" not in data[-2048:]:
        return "PDF 文件不完整（缺少文件结束标记），请重新导出后上传"
    return None


def safe_name(name: str) -> str:
    """The file name a user sees: no folders, no control characters, ends in .pdf."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        name = "证明材料"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[:200]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_of(directory: Path, content_hash: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", content_hash):
        raise ValueError("not a content hash")
    return directory / content_hash[:2] / f"{content_hash}.pdf"


def store(directory: Path, data: bytes) -> str:
    """Write ``data`` once under its hash (atomic rename); returns the hash."""
    content_hash = digest(data)
    target = path_of(directory, content_hash)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_suffix(".part")
        scratch.write_bytes(data)
        scratch.replace(target)
    return content_hash
