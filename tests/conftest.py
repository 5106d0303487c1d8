"""Fixtures shared by every test directory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def s3() -> Iterator[dict[str, Any]]:
    """An S3-compatible server (moto) on 127.0.0.1 and the storage options to reach it."""
    from moto.server import ThreadedMotoServer  # dev dependencies: a failure, not a skip

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    opts = {
        "endpoint_url": f"http://{host}:{port}",
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"region_name": "us-east-1"},
    }
    try:
        yield opts
    finally:
        server.stop()
