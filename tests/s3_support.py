"""An S3 endpoint for tests: moto's server mode over HTTP on a free local port (no signatures or
expiry are checked by it, so tests never rely on those)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_settings(endpoint: str, bucket: str | None = None) -> dict[str, str]:
    """Settings that put the platform's files in a new, empty bucket of the endpoint."""
    import boto3

    bucket = bucket or f"platform-{uuid.uuid4().hex[:12]}"
    settings = {
        "FILE_STORAGE": f"s3://{bucket}/city",
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
    }
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=bucket)
    return settings
