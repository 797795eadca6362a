"""An S3 endpoint for tests: moto's server mode over HTTP on a free local port (no signatures or
expiry are checked by it, so tests never rely on those).

It runs in a process of its own: moto builds its routes lazily while it answers, and CPython 3.11's
ast module (which werkzeug compiles routes with) must not be used by two threads of one process at
once; in a thread of the test process it met the test's own app building now and then."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "moto's server did not start"
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=30)


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
