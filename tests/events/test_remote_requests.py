"""The requests an S3 logdir costs, counted where the server receives them (a proxy in
front of moto, tests/s3count.py): a logdir of 1,000 runs is listed with one recursive
listing (a ListObjectsV2 page holds 1,000 keys), its files are read with range GETs
issued together, and a reload with nothing new is the listing alone."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from evhelpers import frame, scalar_event, version_event

from tbnb.events import Logdir

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from s3count import CountingProxy

RUNS = 1_000  # one page of ListObjectsV2 (1,000 keys at most)
BUCKET = "count-bucket"


def _blob(run: int, steps: range) -> bytes:
    return b"".join(frame(scalar_event("loss", s, run + s / 10)) for s in steps)


def _put(key: str, data: bytes) -> None:
    """An object written into the moto server's store directly (it runs in this
    process): not a request, and no time spent on 1,000 PUTs."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    s3_backends[DEFAULT_ACCOUNT_ID]["aws"].put_object(BUCKET, key, data)


@pytest.fixture(scope="module")
def logdir(s3: dict[str, Any]) -> dict[str, bytes]:
    """1,000 runs of one small event file each."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    s3_backends[DEFAULT_ACCOUNT_ID]["aws"].create_bucket(BUCKET, "us-east-1")
    files = {
        f"exp/run{i:04d}/events.out.tfevents.1.host": frame(version_event()) + _blob(i, range(3))
        for i in range(RUNS)
    }
    for key, data in files.items():
        _put(key, data)
    return files


@pytest.fixture
def proxy(s3: dict[str, Any]) -> Iterator[CountingProxy]:
    with CountingProxy(s3["endpoint_url"], hold_gets=2) as p:
        yield p


def _kinds(proxy: CountingProxy) -> dict[str, int]:
    out = {"list": 0, "get": 0, "other": 0}
    for r in proxy.requests:
        out["list" if r.is_list else "get" if r.is_object_get else "other"] += 1
    return out


def test_many_runs_one_listing_parallel_gets_and_a_quiet_reload(
    s3: dict[str, Any], logdir: dict[str, bytes], proxy: CountingProxy
) -> None:
    # a storage_options of its own: fsspec's cached filesystem of other tests not reused
    opts = {**s3, "endpoint_url": proxy.url, "skip_instance_cache": True}
    ld = Logdir(f"s3://{BUCKET}/exp", storage_options=opts)
    ch = ld.reload()
    assert len(ch.new_runs) == RUNS and ld.problems == []
    assert ld.scalars("run0999", "loss").value.tolist() == pytest.approx([999, 999.1, 999.2])
    got = _kinds(proxy)
    assert got == {"list": 1, "get": RUNS, "other": 0}, got
    lists = [r for r in proxy.requests if r.is_list]
    assert "delimiter" not in lists[0].query  # recursive: every key under the prefix
    gets = [r for r in proxy.requests if r.is_object_get]
    assert all(r.range is not None for r in gets)  # range requests
    assert proxy.max_in_flight >= 2  # issued together (a serial reader stays at 1)

    proxy.clear()
    assert not ld.reload()
    assert _kinds(proxy) == {"list": 1, "get": 0, "other": 0}

    # one file grows: the listing and one range GET of its new bytes (and the 32 before)
    key = "exp/run0007/events.out.tfevents.1.host"
    more = _blob(7, range(3, 5))
    _put(key, logdir[key] + more)
    proxy.clear()
    ch = ld.reload()
    assert list(ch.series) == [("run0007", "scalars", "loss")]
    assert _kinds(proxy) == {"list": 1, "get": 1, "other": 0}
    size = len(logdir[key])
    (get,) = [r for r in proxy.requests if r.is_object_get]
    assert get.range == f"bytes={size - 32}-{size + len(more) - 1}"
