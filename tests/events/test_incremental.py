"""reload() reads only new bytes and reports what changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from evhelpers import frame, scalar_event, version_event, write_records

from tbnb.events import Logdir, SeriesChange
from tbnb.events.source import LocalSource


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int]]:
    log: list[tuple[str, int, int]] = []
    real = LocalSource.read

    def spy(self: LocalSource, run: str, name: str, start: int, end: int) -> bytes:
        log.append((f"{run}/{name}", start, end))
        return real(self, run, name, start, end)

    monkeypatch.setattr(LocalSource, "read", spy)
    return log


def test_reload_reads_only_new_bytes(logdir: Path, reads: list[tuple[str, int, int]]) -> None:
    path = logdir / "run" / "events.out.tfevents.1"
    first = write_records(path, [version_event()] + [scalar_event("a", s, s) for s in range(100)])
    ld = Logdir(logdir)
    ch = ld.reload()
    assert ch.new_runs == ["run"]
    assert ch.new_tags == {"run": {"scalars": ["a"]}}
    assert ch.series == {("run", "scalars", "a"): SeriesChange(0, 100)}
    assert reads == [("run/events.out.tfevents.1", 0, len(first))]
    reads.clear()
    assert not ld.reload() and reads == []
    more = write_records(path, [scalar_event("a", s, s) for s in range(100, 105)], append=True)
    ch = ld.reload()
    # the new bytes, and in the same read the 32 before them that recognize the file
    # (changed ones would mean it was rewritten; issue 12)
    assert reads == [("run/events.out.tfevents.1", len(first) - 32, len(first) + len(more))]
    assert ch.new_runs == [] and ch.new_tags == {}
    assert ch.series == {("run", "scalars", "a"): SeriesChange(100, 5)}
    assert ld.scalars("run", "a").step.tolist() == list(range(105))


def test_purge_is_reported_as_earlier_start(logdir: Path) -> None:
    path = logdir / "events.out.tfevents.1"
    write_records(path, [scalar_event("a", s, s) for s in range(10)])
    ld = Logdir(logdir)
    ld.reload()
    write_records(path, [scalar_event("a", s, -s) for s in (4, 5)], append=True)
    ch = ld.reload()
    # points 0..3 unchanged; from index 4 on the series is new (2 points)
    assert ch.series == {(".", "scalars", "a"): SeriesChange(4, 2)}


def test_partial_record_is_reread_after_completion(logdir: Path, reads: list) -> None:
    path = logdir / "events.out.tfevents.1"
    blob = frame(version_event()) + frame(scalar_event("a", 1, 1.0))
    path.write_bytes(blob[:-3])
    ld = Logdir(logdir)
    ld.reload()
    with path.open("ab") as f:
        f.write(blob[-3:])
    reads.clear()
    ch = ld.reload()
    assert reads == [("./events.out.tfevents.1", len(frame(version_event())) - 32, len(blob))]
    assert ch.series == {(".", "scalars", "a"): SeriesChange(0, 1)}


def test_new_file_and_new_run_appear(logdir: Path) -> None:
    write_records(logdir / "a" / "events.out.tfevents.1", [scalar_event("x", 1, 1)])
    ld = Logdir(logdir)
    ld.reload()
    write_records(logdir / "b" / "events.out.tfevents.1", [scalar_event("y", 1, 1)])
    write_records(logdir / "a" / "events.out.tfevents.2", [scalar_event("z", 1, 1)])
    ch = ld.reload()
    assert ch.new_runs == ["b"]
    assert ch.new_tags == {"a": {"scalars": ["z"]}, "b": {"scalars": ["y"]}}


def test_large_file_read_in_chunks(logdir: Path) -> None:
    events = [version_event()] + [scalar_event("a", s, s) for s in range(5000)]
    write_records(logdir / "events.out.tfevents.1", events)
    ld = Logdir(logdir, chunk_bytes=4096)
    ld.reload()
    assert ld.scalars(".", "a").step.tolist() == list(range(5000))
    assert ld.problems == []


def test_record_larger_than_chunk(logdir: Path) -> None:
    big = "t" * 20000
    events = [scalar_event(big, 1, 1.0), scalar_event("a", 2, 2.0)]
    write_records(logdir / "events.out.tfevents.1", events)
    ld = Logdir(logdir, chunk_bytes=4096)
    ld.reload()
    assert ld.tags(".")["scalars"] == sorted([big, "a"]) and ld.problems == []


def test_to_pandas(logdir: Path) -> None:
    pd = pytest.importorskip("pandas")
    write_records(
        logdir / "r1" / "events.out.tfevents.1", [scalar_event("a", s, s) for s in range(3)]
    )
    write_records(logdir / "r2" / "events.out.tfevents.1", [scalar_event("b", 7, 0.5, 5.0)])
    ld = Logdir(logdir)
    ld.reload()
    df = ld.to_pandas("scalars")
    assert list(df.columns) == ["run", "tag", "step", "wall_time", "value"]
    assert df["run"].tolist() == ["r1"] * 3 + ["r2"]
    assert df["step"].tolist() == [0, 1, 2, 7] and df["step"].dtype == "int64"
    assert df.iloc[3].to_dict() == {
        "run": "r2",
        "tag": "b",
        "step": 7,
        "wall_time": 5.0,
        "value": 0.5,
    }
    assert isinstance(Logdir(logdir).to_pandas(), pd.DataFrame)


def test_series_handed_out_do_not_change(logdir: Path) -> None:
    path = logdir / "events.out.tfevents.1"
    write_records(path, [scalar_event("a", s, s) for s in range(10)])
    ld = Logdir(logdir)
    ld.reload()
    old = ld.scalars(".", "a")
    write_records(path, [scalar_event("a", s, -1.0) for s in range(3, 20)], append=True)
    ld.reload()
    assert old.value.tolist() == [float(s) for s in range(10)]
    assert ld.scalars(".", "a").value.tolist() == [0.0, 1.0, 2.0] + [-1.0] * 17


def test_symlinked_run_directories_are_followed(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "run"
    write_records(real / "events.out.tfevents.1", [scalar_event("a", 1, 1.0)])
    logdir = tmp_path / "logs"
    logdir.mkdir()
    (logdir / "linked").symlink_to(real, target_is_directory=True)
    (logdir / "loop").symlink_to(logdir, target_is_directory=True)
    ld = Logdir(logdir)
    ld.reload()
    assert ld.runs() == ["linked"]


def test_reload_in_a_thread_while_reading(logdir: Path) -> None:
    import threading

    path = logdir / "events.out.tfevents.1"
    write_records(path, [scalar_event("a", 0, 0.0)])
    ld = Logdir(logdir)
    ld.reload()
    errors: list[BaseException] = []
    done = threading.Event()

    def poll() -> None:
        try:
            while not done.is_set():
                ld.reload()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=poll)
    t.start()
    try:
        for chunk in range(50):
            steps = range(1 + chunk * 20, 1 + (chunk + 1) * 20)
            write_records(path, [scalar_event("a", s, s) for s in steps], append=True)
            s = ld.scalars(".", "a")
            assert len(s.step) == len(s.value) and np.all(np.diff(s.step) > 0)
    finally:
        done.set()
        t.join()
    ld.reload()
    assert not errors and ld.problems == []
    assert ld.scalars(".", "a").step.tolist() == list(range(1001))


def test_parallel_runs_read_the_same(logdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tbnb.events import logdir as logdir_module

    for r in range(6):
        events = [version_event()]
        events += [scalar_event(f"t{i}" * (r + 1), s, s * r) for s in range(300) for i in range(3)]
        write_records(logdir / f"run{r}" / "events.out.tfevents.1", events)
    monkeypatch.setattr(logdir_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(logdir_module, "PARALLEL_RUN_BYTES", 0)
    serial = Logdir(logdir, workers=1)
    serial.reload()
    parallel = Logdir(logdir, workers=3)
    parallel.reload()
    assert parallel.problems == [] and parallel.runs() == serial.runs()
    for run in serial.runs():
        assert parallel.tags(run) == serial.tags(run)
        for tag in serial.tags(run)["scalars"]:
            a, b = serial.scalars(run, tag), parallel.scalars(run, tag)
            assert a.step.tolist() == b.step.tolist() and a.value.tolist() == b.value.tolist()


def test_a_read_with_a_budget_leaves_runs_for_the_next_reads(tmp_path: Path) -> None:
    from tests.board.conftest import write_scalars

    for r in range(9):
        write_scalars(tmp_path, f"run{r}", "loss", range(50), lambda s, r=r: s * r)
    whole = Logdir(tmp_path, workers=2)
    whole.reload()
    parts = Logdir(tmp_path, workers=2)
    # a budget already spent: one group of runs (twice the workers) per read
    first = parts.reload(budget=0)
    assert len(first.new_runs) == 9  # every run is listed at once...
    read = {run for run, _kind, _tag in first.series}
    assert len(read) == 4 and parts.unread_runs == 5  # ...and read in parts
    seen = set(read)
    reads = 1
    while parts.unread_runs:
        changes = parts.reload(budget=0)
        now = {run for run, _kind, _tag in changes.series}
        assert now and not now & seen  # each read goes on where the last stopped
        seen |= now
        reads += 1
    # the third read would have had one run: at most half the second's, read with it
    assert reads == 2 and len(seen) == 9
    for run in whole.runs():
        assert (parts.scalars(run, "loss").value == whole.scalars(run, "loss").value).all()
    assert parts.reload(budget=0).series == {} and parts.unread_runs == 0
