"""Whether an uploaded copy of a form is the platform's signed form of a record, unaltered, and
whether what it states still agrees with the record."""

from __future__ import annotations

import io
from typing import Any
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from criteria.pack import Kind
from reports.signing import FormSigner, SignatureCheck, check_signature
from services.form_signing import facts_of
from services.render_form import record_facts, settled

COPY_LIMIT = 5 * 1024 * 1024  # the largest uploaded copy /verify reads
CHINA = ZoneInfo("Asia/Shanghai")  # the time a reader of the form lives in
FACT_LABELS = {"state": "状态", "total": "考核总分", "grade": "等次", "version": "考核标准版本"}


def _stated(data: bytes) -> dict[str, Any] | None:
    try:
        metadata = PdfReader(io.BytesIO(data)).metadata
    except (PdfReadError, ValueError, OSError):
        return None
    return facts_of(str(metadata.get("/Keywords") or "")) if metadata else None


def _answer(genuine: bool, verdict: str, details: list[str] | None = None) -> dict[str, Any]:
    return {"genuine": genuine, "verdict": verdict, "details": details or []}


def compare_copy(data: bytes, check: SignatureCheck, kind: Kind, record: Any, code: str) -> dict[str, Any]:
    """``{"genuine": bool, "verdict": str, "details": [str]}`` for the page to show."""
    refused = "不能作为有效证明。"
    if not check.signed:
        return _answer(False, f"{check.problem}：该文件不是本平台签发的考核表，{refused}")
    if not check.intact:
        return _answer(False, f"签名已损坏：文件在签名后被改动过，{refused}", [check.problem] if check.problem else [])
    if not check.trusted:
        return _answer(False, f"签名不是本平台的证书所签（签名人：{check.signer or '未知'}），{refused}")
    if not check.whole_file:
        return _answer(False, f"签名之后文件又被追加了内容，{refused}")
    stated = _stated(data)
    if stated is None or stated.get("code") != code:
        other = f"（验证码 {stated['code']}）" if stated and stated.get("code") else ""
        return _answer(False, f"签名有效，但该文件是另一份考核表{other}，与验证码 {code} 不对应。")
    signed_on = check.signed_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if check.signed_at else ""
    now = record_facts(kind, record, code)
    changed = [
        f"{label}：打印时“{stated.get(key) or '无'}”，现在“{now.get(key) or '无'}”"
        for key, label in FACT_LABELS.items()
        if stated.get(key) != now.get(key)
    ]
    if changed or not settled(kind, record):
        return _answer(False, f"签名有效（{signed_on} 签发），但记录在打印后已变更，请以平台当前结果为准。", changed)
    return _answer(True, f"签名有效，文件未被改动，与平台当前记录一致（{signed_on} 签发，签名人：{check.signer}）。")


def check_copy(data: bytes | None, signer: FormSigner | None, kind: Kind, record: Any, code: str) -> dict[str, Any]:
    """The answer for an uploaded copy (None: no file chosen; at most COPY_LIMIT + 1 bytes read)."""
    if not data:
        return _answer(False, "请选择要核对的 PDF 文件。")
    if len(data) > COPY_LIMIT:  # a printed form is a few hundred KB; never parse more
        return _answer(False, f"文件超过 {COPY_LIMIT // 1024 // 1024} MB，不是平台出具的考核表。")
    return compare_copy(data, check_signature(data, [signer.certificate] if signer else []), kind, record, code)
