"""Evidence files: PDF only (checked by content), stored outside the web root under their hash."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any, Protocol

from pypdf import PasswordType, PdfReader

PDF_MAGIC = b"%PDF-"
NAME_LIMIT = 200  # characters of the shown file name, ".pdf" included (Attachment.file_name holds 200)

# pypdf reports what it repairs in a damaged file as warnings; a refusal message says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_problem(data: bytes) -> str | None:
    """None for a PDF a reviewer can open; otherwise why it is refused (Chinese, for users).

    The content is checked, not the name: it must start like a PDF, end like one, parse (pypdf),
    open without a password (a reviewer could not open it otherwise; a file with only an owner
    password, which restricts printing or editing, opens and is accepted) and have a page.
    """
    if not data:
        return "文件为空（0 字节），请选择要上传的 PDF 文件"
    if PDF_MAGIC not in data[:1024]:
        return "只接受 PDF 文件：该文件的内容不是 PDF（仅修改扩展名无效）"
    if b"%%EOF" not in data[-2048:]:
        return "PDF 文件不完整（缺少文件结束标记），请重新导出后上传"
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            return "PDF 文件设有密码（已加密），审核人无法打开；请导出未加密的 PDF 后上传"
        pages = len(reader.pages)
    except Exception:  # pypdf raises many kinds of errors on a damaged file
        return "PDF 文件已损坏，无法读取；请重新导出或扫描后上传"
    if pages == 0:
        return "PDF 文件没有任何页面，请重新导出后上传"
    return None


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:  # AES needs the optional 'cryptography' package: unverifiable, so refused
        return False


def safe_name(name: str | None) -> str:
    """The file name a user sees: no folders (``/`` or ``\\``), no control or invisible format
    characters, at most ``NAME_LIMIT`` characters, ending in .pdf. The file itself is stored under
    its content hash, so the name never reaches the file system."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name.lower().endswith(".pdf"):
        name = name[:-4]
    name = name.strip(" .")[: NAME_LIMIT - 4].rstrip(" .") or "证明材料"
    return name + ".pdf"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_of(directory: Path, content_hash: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", content_hash):
        raise ValueError("not a content hash")
    return directory / content_hash[:2] / f"{content_hash}.pdf"


def store(directory: Path, data: bytes) -> tuple[str, bool]:
    """Write ``data`` once under its hash (atomic rename); returns the hash and whether this call
    created the file (so a caller whose transaction fails can take back only what it added)."""
    content_hash = digest(data)
    target = path_of(directory, content_hash)
    if target.exists():
        return content_hash, False
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_suffix(".part")
    scratch.write_bytes(data)
    scratch.replace(target)
    return content_hash, True


class UploadedFile(Protocol):
    """An uploaded file as the web layer hands it over (werkzeug's FileStorage)."""

    filename: str | None

    def read(self) -> bytes: ...


def read_pdf(upload: UploadedFile | None) -> tuple[bytes | None, str, str | None]:
    """An upload's content, the name it is shown under, and why it is refused (None: accepted)."""
    if upload is None or not upload.filename:
        return None, "", "请选择要上传的 PDF 文件"
    data = upload.read()
    name = safe_name(upload.filename)
    problem = pdf_problem(data)
    return data, name, f"“{name}”未上传：{problem}" if problem else None


def commit_with_file(session: Any, directory: Path, data: bytes) -> str:
    """Commit the session's rows that refer to ``data`` with the file stored: the rows are flushed
    (accepted) first, then the file is written once under its hash, then the commit; a failed
    commit takes back only the file this call added. Returns the file's hash."""
    session.flush()
    content_hash, created = store(directory, data)
    try:
        session.commit()
    except Exception:
        session.rollback()
        if created:
            path_of(directory, content_hash).unlink(missing_ok=True)
        raise
    return content_hash
