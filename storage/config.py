"""Which store the configuration names.

``FILE_STORAGE`` empty (the default): evidence in ``EVIDENCE_DIR`` and job files in ``JOB_FILES_DIR``
on this host. ``s3://bucket/prefix``: both in that bucket (``evidence/`` and ``jobs/`` under the
prefix), reached at ``S3_ENDPOINT_URL`` (empty: AWS itself) with ``S3_ACCESS_KEY_ID`` and
``S3_SECRET_ACCESS_KEY`` (empty: boto3's usual sources, such as AWS_* variables or an instance role).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from storage.base import FileStore
from storage.local import LocalStore
from storage.s3 import S3Store

_CLIENTS: dict[tuple[str, ...], Any] = {}
_LOCK = threading.Lock()


class StorageConfigError(ValueError):
    """FILE_STORAGE names no store this platform knows."""


def bucket_of(config: Mapping[str, Any]) -> tuple[str, str] | None:
    """(bucket, prefix) of an ``s3://`` FILE_STORAGE; None for the local folders."""
    url = (config.get("FILE_STORAGE") or "").strip()
    if not url or url == "local":
        return None
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise StorageConfigError(f"FILE_STORAGE 应为空（本机目录）或 s3://存储桶/前缀，而不是 {url!r}")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def _client(config: Mapping[str, Any]) -> Any:
    """One boto3 client per endpoint and credentials, shared by every thread (boto3 clients are)."""
    settings = tuple(str(config.get(name) or "") for name in ("S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"))
    with _LOCK:
        client = _CLIENTS.get(settings)
        if client is None:
            import boto3
            from botocore.config import Config

            endpoint, region, key_id, secret = settings
            client = boto3.session.Session().client(
                "s3",
                endpoint_url=endpoint or None,
                region_name=region or "us-east-1",
                aws_access_key_id=key_id or None,
                aws_secret_access_key=secret or None,
                config=Config(retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=32),
            )
            _CLIENTS[settings] = client
        return client


def _store(config: Mapping[str, Any], folder_setting: str, area: str) -> FileStore:
    bucket = bucket_of(config)
    if bucket is None:
        return LocalStore(Path(config[folder_setting]))
    name, prefix = bucket
    return S3Store(_client(config), name, prefix + area)


def evidence_store(config: Mapping[str, Any]) -> FileStore:
    """Where evidence files are kept (read from the configuration on each call: a test may change it)."""
    return _store(config, "EVIDENCE_DIR", "evidence/")


def job_store(config: Mapping[str, Any]) -> FileStore:
    """Where background jobs keep what they take in and what they produce."""
    return _store(config, "JOB_FILES_DIR", "jobs/")
