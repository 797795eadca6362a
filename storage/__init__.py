"""Where the platform's files live: evidence PDFs, named by their content hash, and the files that
background jobs produce (a period's printed forms in one ZIP, an uploaded registry file).

Two backends behind one small interface (``storage.base.FileStore``): a local folder, the embedded
default, and an S3-compatible bucket (MinIO or any S3 service) that every application host reaches,
chosen by configuration (``FILE_STORAGE``; ``storage.config``)."""

from storage.base import FileStore, evidence_key
from storage.config import evidence_store, job_store

__all__ = ["FileStore", "evidence_key", "evidence_store", "job_store"]
