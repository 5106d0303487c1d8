"""fsspec URLs: memory:// and S3 (moto's server on 127.0.0.1), read incrementally."""

from __future__ import annotations

from typing import Any

import pytest
from evhelpers import frame, scalar_event, version_event

from tbnb.events import Logdir, SeriesChange

fsspec = pytest.importorskip("fsspec")


def _blob(steps: range) -> bytes:
    return b"".join(frame(scalar_event("a", s, s / 2)) for s in steps)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int]]:
    from tbnb.events.source import FsspecSource

    log: list[tuple[str, int, int]] = []
    real = FsspecSource.read

    def spy(self: FsspecSource, run: str, name: str, start: int, end: int) -> bytes:
        log.append((run, start, end))
        return real(self, run, name, start, end)

    monkeypatch.setattr(FsspecSource, "read", spy)
    return log


def test_memory_filesystem_incremental(reads: list[tuple[str, int, int]]) -> None:
    fs = fsspec.filesystem("memory")
    root = "/tbnb-test-logs"
    if fs.exists(root):
        fs.rm(root, recursive=True)
    first = frame(version_event()) + _blob(range(200))
    fs.pipe(f"{root}/run/events.out.tfevents.1", first)
    ld = Logdir(f"memory://{root}")
    ch = ld.reload()
    assert ch.new_runs == ["run"] and ld.problems == []
    assert ld.scalars("run", "a").step.tolist() == list(range(200))
    more = _blob(range(200, 210))
    fs.pipe(f"{root}/run/events.out.tfevents.1", first + more)
    reads.clear()
    ch = ld.reload()
    assert ch.series == {("run", "scalars", "a"): SeriesChange(200, 10)}
    # a range read: the new bytes and the 32 before them (that recognize the file)
    assert reads == [("run", len(first) - 32, len(first) + len(more))]
    fs.rm(root, recursive=True)


def test_s3_incremental(s3: dict[str, Any], reads: list[tuple[str, int, int]]) -> None:
    import boto3
    import s3fs

    boto3.client(
        "s3",
        endpoint_url=s3["endpoint_url"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).create_bucket(Bucket="logs-bucket")
    fs = s3fs.S3FileSystem(**s3)
    first = frame(version_event()) + _blob(range(100))
    fs.pipe("logs-bucket/exp/run1/events.out.tfevents.1", first)
    ld = Logdir("s3://logs-bucket/exp", storage_options=s3)
    ld.reload()
    assert ld.runs() == ["run1"] and ld.problems == []
    assert ld.scalars("run1", "a").value.tolist() == [s / 2 for s in range(100)]
    more = _blob(range(100, 103))
    fs.pipe("logs-bucket/exp/run1/events.out.tfevents.1", first + more)
    reads.clear()
    ch = ld.reload()
    assert ch.series == {("run1", "scalars", "a"): SeriesChange(100, 3)}
    assert reads == [("run1", len(first) - 32, len(first) + len(more))]
    fs.pipe("logs-bucket/exp/run2/events.out.tfevents.1", _blob(range(3)))
    assert ld.reload().new_runs == ["run2"]


def test_memory_filesystem_images_and_projector() -> None:
    from evhelpers import event_pb2

    fs = fsspec.filesystem("memory")
    root = "/tbnb-test-assets"
    if fs.exists(root):
        fs.rm(root, recursive=True)
    png = b"\x89PNG\r\n\x1a\nnot-really-a-png"
    ev = event_pb2.Event(wall_time=1.0, step=4)
    v = ev.summary.value.add(tag="im")
    v.image.width, v.image.height, v.image.encoded_image_string = 3, 2, png
    fs.pipe(f"{root}/run/events.out.tfevents.1", frame(ev.SerializeToString()))
    fs.pipe(f"{root}/run/00004/e/tensors.tsv", b"1\t2\n3\t4\n")
    fs.pipe(f"{root}/run/00004/e/metadata.tsv", b"a\nb\n")
    fs.pipe(
        f"{root}/run/projector_config.pbtxt",
        b'embeddings { tensor_name: "e:00004" tensor_path: "00004/e/tensors.tsv" '
        b'metadata_path: "00004/e/metadata.tsv" }\n'
        b'embeddings { tensor_name: "bad" tensor_path: "../../etc/passwd" }\n',
    )
    ld = Logdir(f"memory://{root}")
    ld.reload()
    (im,) = ld.images("run", "im")
    assert (im.step, im.width, im.height, im.data) == (4, 3, 2, png)
    (emb,) = ld.embeddings("run")
    assert emb.tag == "e" and emb.step == 4 and emb.vectors.tolist() == [[1, 2], [3, 4]]
    assert emb.metadata == [["a"], ["b"]]
    assert len(ld.problems) == 1 and "leaves the logdir" in ld.problems[0].message
    fs.rm(root, recursive=True)
