"""The platform's signing certificate, read from its PKCS#12 file (``FORM_SIGNING_P12`` with
``FORM_SIGNING_PASSPHRASE``), and what a signed form carries to be compared with its record later."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reports.signing import FormSigner, development_certificate

log = logging.getLogger(__name__)
KEYWORDS_PREFIX = "platform-form "
_lock = threading.Lock()
_loaded: dict[tuple[str, float, str], FormSigner] = {}
_warned: set[str] = set()


def configured_signer(config: Mapping[str, Any]) -> FormSigner | None:
    """The signer of ``config`` (loaded once per file version), or None when no certificate is set up:
    settled forms then print unsigned, and the log says so."""
    path = Path(config.get("FORM_SIGNING_P12") or "")
    if not path.name or not path.is_file():
        if str(path) not in _warned:  # once per process, not on every form
            _warned.add(str(path))
            log.warning("未找到签名证书 %s：核定后的考核表不带数字签名（运行 flask report certificate 生成开发用证书）", path)
        return None
    passphrase = config.get("FORM_SIGNING_PASSPHRASE") or ""
    key = (str(path), path.stat().st_mtime, passphrase)
    with _lock:
        if key not in _loaded:
            _loaded[key] = FormSigner.from_pkcs12(path.read_bytes(), passphrase)
        return _loaded[key]


def write_development_certificate(path: Path, organization: str) -> bool:
    """A self-signed certificate at ``path`` unless one is there; True when it was written."""
    if path.is_file():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    data = development_certificate("考核表电子签章（开发测试用，自签名）", organization[:64])  # X.520: at most 64
    path.touch(mode=0o600)
    path.write_bytes(data)
    return True


def form_keywords(facts: Mapping[str, Any]) -> str:
    """The facts a signed form states about its record, as the PDF's /Keywords."""
    return KEYWORDS_PREFIX + json.dumps(dict(facts), ensure_ascii=False, sort_keys=True)


def facts_of(keywords: str | None) -> dict[str, Any] | None:
    """The facts of a form's /Keywords, or None when it is no form of this platform."""
    if not keywords or not keywords.startswith(KEYWORDS_PREFIX):
        return None
    try:
        found = json.loads(keywords[len(KEYWORDS_PREFIX) :])
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
