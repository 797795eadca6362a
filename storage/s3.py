"""Files in an S3-compatible bucket (MinIO, or any S3 service), through boto3: every application host
reads and writes the same files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from storage.base import checked_key

MISSING = {"404", "NoSuchKey", "NotFound"}


def _missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code")) in MISSING


class S3Store:
    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self.where = f"s3://{bucket}/{prefix}"

    def _key(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, key: str, data: bytes) -> bool:
        if self.size(key) is not None:
            return False
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=_media_type(key))
        return True

    def put_file(self, key: str, path: Path) -> None:
        self.client.upload_file(str(path), self.bucket, self._key(key), ExtraArgs={"ContentType": _media_type(key)})

    def open(self, key: str) -> BinaryIO | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as error:
            if _missing(error):
                return None
            raise

    def read(self, key: str) -> bytes | None:
        body = self.open(key)
        if body is None:
            return None
        with body:
            return body.read()

    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"])
        except ClientError as error:
            if _missing(error):
                return None
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                yield item["Key"][len(self.prefix) :]


def _media_type(key: str) -> str:
    return {"pdf": "application/pdf", "zip": "application/zip"}.get(key.rpartition(".")[2], "application/octet-stream")
