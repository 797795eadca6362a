"""Evidence files: PDF only (checked by content), stored outside the web root under their hash."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from typing import Any, Protocol

from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from storage import FileStore, evidence_key

PDF_MAGIC = b"%PDF-"
NAME_LIMIT = 200  # characters of the shown file name, ".pdf" included (Attachment.file_name holds 200)

# pypdf reports what it repairs in a damaged file as warnings; a refusal message says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


# Markup that makes a file a web page as well as a PDF (a polyglot): refused wherever it appears.
WEB_MARKUP = (b"<html", b"<script", b"<!doctype html", b"<body", b"<iframe", b"<svg")
# What a PDF may carry that runs, starts a program or hides another file: names of keys ...
ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA"}
# ... and of actions (an action dictionary's /S)
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/RichMediaExecute"}
DEFAULT_MAX_PAGES = 500
MAX_OBJECTS = 200_000  # indirect objects looked at; a larger file is refused, not parsed for minutes


class _TooLarge(Exception):
    """Beyond a limit: stop reading the file."""


def _page_count(reader: PdfReader, limit: int) -> int:
    """The pages of the document, counted by walking its page tree and stopping past ``limit`` (the
    tree's own /Count is not trusted, and pypdf would otherwise flatten a huge tree first)."""
    pending = [reader.trailer["/Root"]["/Pages"]]
    seen, pages = 0, 0
    while pending:
        node = pending.pop().get_object()
        if not isinstance(node, DictionaryObject):
            continue  # a reference to nothing: no page there
        seen += 1
        if seen > 4 * limit + 16:
            raise _TooLarge
        if node.get("/Type") == "/Page" or "/Kids" not in node:
            pages += 1
            if pages > limit:
                raise _TooLarge
        else:
            kids = node["/Kids"].get_object()
            pending.extend(kids if isinstance(kids, ArrayObject) else ())
    return pages


def _active(value: Any, depth: int = 0) -> bool:
    """Whether this object, or a direct object inside it, is one of the active kinds."""
    if depth > 32:
        return False
    if isinstance(value, DictionaryObject):
        if ACTIVE_KEYS & set(value.keys()) or value.get("/S") in ACTIVE_ACTIONS:
            return True
        return any(_active(item, depth + 1) for item in value.values() if not isinstance(item, IndirectObject))
    if isinstance(value, ArrayObject):
        return any(_active(item, depth + 1) for item in value if not isinstance(item, IndirectObject))
    return False


def _has_active_content(reader: PdfReader) -> bool:
    """Every indirect object of the file is looked at (object streams included)."""
    size = int(reader.trailer.get("/Size", 0))
    if size > MAX_OBJECTS:
        raise _TooLarge
    return any(_active(reader.get_object(number)) for number in range(1, size))


def pdf_problem(data: bytes, max_pages: int = DEFAULT_MAX_PAGES) -> str | None:
    """None for a PDF a reviewer can open safely; otherwise why it is refused (Chinese, for users).

    The content is checked, not the name: it must start as a PDF (a file that is something else first
    is refused, whatever follows), end like one, carry no web markup, parse (pypdf), open without a
    password (a reviewer could not open it otherwise; one with only an owner password, which restricts
    printing or editing, opens and is accepted), have between 1 and ``max_pages`` pages, and carry no
    scripts, actions that start programs or submit data, embedded files or rich media.
    """
    if not data:
        return "文件为空（0 字节），请选择要上传的 PDF 文件"
    if not data.startswith(PDF_MAGIC):
        return "只接受 PDF 文件：该文件的内容不是 PDF（PDF 文件以 %PDF- 开头；仅修改扩展名无效）"
    if b"%%EOF" not in data[-2048:]:
        return "PDF 文件不完整（缺少文件结束标记），请重新导出后上传"
    lowered = data.lower()
    if any(marker in lowered for marker in WEB_MARKUP):
        return "该文件除 PDF 内容外还含有网页代码（HTML 或脚本），出于安全考虑不能上传；请重新导出为普通 PDF 后上传"
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            return "PDF 文件设有密码（已加密），审核人无法打开；请导出未加密的 PDF 后上传"
        pages = _page_count(reader, max_pages)
        active = _has_active_content(reader)
    except _TooLarge:
        return f"PDF 页数或结构超过上限（最多 {max_pages} 页），未上传；请拆分为几个文件分别上传"
    except Exception:  # pypdf raises many kinds of errors on a damaged file
        return "PDF 文件已损坏，无法读取；请重新导出或扫描后上传"
    if pages == 0:
        return "PDF 文件没有任何页面，请重新导出后上传"
    if active:
        return "PDF 含有脚本、自动运行的动作或内嵌文件，出于安全考虑不能上传；请用“打印为 PDF”或扫描件重新生成后上传"
    return None


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:
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


def store(files: FileStore, data: bytes) -> tuple[str, bool]:
    """Keep ``data`` once under its hash; returns the hash and whether this call stored the file (so a
    caller whose transaction fails can take back only what it added)."""
    content_hash = digest(data)
    return content_hash, files.put(evidence_key(content_hash), data)


class UploadedFile(Protocol):
    """An uploaded file as the web layer hands it over (werkzeug's FileStorage)."""

    filename: str | None

    def read(self) -> bytes: ...


def pdf_columns(data: bytes, name: str) -> dict[str, Any]:
    """The columns of a row that names an uploaded PDF (evidence, a material): shown name, content
    hash, size and media type."""
    return {"file_name": name, "content_hash": digest(data), "size": len(data), "media_type": "application/pdf"}


def read_pdf(upload: UploadedFile | None, max_pages: int = DEFAULT_MAX_PAGES) -> tuple[bytes | None, str, str | None]:
    """An upload's content, the name it is shown under, and why it is refused (None: accepted)."""
    if upload is None or not upload.filename:
        return None, "", "请选择要上传的 PDF 文件"
    data = upload.read()
    name = safe_name(upload.filename)
    problem = pdf_problem(data, max_pages)
    return data, name, f"“{name}”未上传：{problem}" if problem else None


def commit_with_file(session: Any, files: FileStore, data: bytes) -> str:
    """Commit the session's rows that refer to ``data`` with the file stored: the rows are flushed
    (accepted) first, then the file is kept once under its hash, then the commit; a failed commit
    takes back only the file this call added. Returns the file's hash."""
    session.flush()
    content_hash, created = store(files, data)
    try:
        session.commit()
    except Exception:
        session.rollback()
        if created:
            files.delete(evidence_key(content_hash))
        raise
    return content_hash
