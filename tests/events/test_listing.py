"""The local listing (issue 12): a reload with nothing new lists no folder again and
reads nothing; new runs and files still appear; one rule for linked folders and files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from evhelpers import scalar_file

from tbnb.events import Logdir
from tbnb.events.source import LocalSource

NAME = "events.out.tfevents.1"


def _age(*paths: Path) -> None:
    """Make folders look listed long ago (their mtime an hour old)."""
    old = time.time() - 3600
    for p in paths:
        os.utime(p, (old, old))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    count = {"scandir": 0, "stat": 0, "read": 0}
    real_scandir, real_stat, real_read = os.scandir, os.stat, LocalSource.read

    def scandir(path: str) -> object:
        count["scandir"] += 1
        return real_scandir(path)

    def stat(*args: object, **kwargs: object) -> os.stat_result:
        count["stat"] += 1
        return real_stat(*args, **kwargs)  # type: ignore[arg-type]

    def read(self: LocalSource, run: str, name: str, start: int, end: int) -> bytes:
        count["read"] += 1
        return real_read(self, run, name, start, end)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(LocalSource, "read", read)
    return count


def test_reload_with_nothing_new_stats_only_the_event_files(
    logdir: Path, calls: dict[str, int]
) -> None:
    runs = [logdir / f"run{i}" for i in range(20)]
    for run in runs:
        scalar_file(run / NAME, "loss", range(5))
    _age(logdir, *runs)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.runs()) == 20
    for k in calls:
        calls[k] = 0
    assert not ld.reload()
    # each folder (for its mtime) and each event file (for its size); no folder listed
    # again, nothing read
    assert calls == {"scandir": 0, "stat": 1 + 20 + 20, "read": 0}


def test_new_runs_and_new_files_in_old_runs_appear_at_the_next_reload(logdir: Path) -> None:
    old = logdir / "old"
    scalar_file(old / NAME, "loss", range(3))
    _age(logdir, old)
    ld = Logdir(logdir)
    ld.reload()
    scalar_file(logdir / "new" / NAME, "loss", range(4))  # changes the logdir's mtime
    assert ld.reload().new_runs == ["new"]
    _age(logdir, logdir / "new")
    ld.reload()
    scalar_file(old / "events.out.tfevents.2", "acc", range(2))  # changes old's mtime
    ld.reload()
    assert ld.tags("old")["scalars"] == ["acc", "loss"]


def test_a_folder_changed_recently_is_listed_again(logdir: Path) -> None:
    scalar_file(logdir / "run" / NAME, "loss", range(3))
    ld = Logdir(logdir)
    ld.reload()
    scalar_file(logdir / "run" / "events.out.tfevents.2", "acc", range(2))
    ld.reload()
    assert ld.tags("run")["scalars"] == ["acc", "loss"]


# ---- symbolic links: one rule for events and projector files -------------------------


def _projector_run(folder: Path, tensors: str = "tensors.tsv") -> None:
    scalar_file(folder / NAME, "loss", range(3))
    (folder / "tensors.tsv").write_text("1\t2\n3\t4\n")
    (folder / "projector_config.pbtxt").write_text(
        f'embeddings {{ tensor_name: "e" tensor_path: "{tensors}" }}\n'
    )


def test_linked_run_folder_is_read_with_its_embeddings(tmp_path: Path) -> None:
    logdir, elsewhere = tmp_path / "logs", tmp_path / "elsewhere"
    logdir.mkdir()
    _projector_run(elsewhere / "run")
    (logdir / "linked").symlink_to(elsewhere / "run", target_is_directory=True)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.scalars("linked", "loss")) == 3
    (emb,) = ld.embeddings("linked")
    np.testing.assert_array_equal(emb.vectors, [[1, 2], [3, 4]])
    assert ld.problems == []


def test_files_linking_out_of_a_linked_run_are_refused(tmp_path: Path) -> None:
    logdir, elsewhere = tmp_path / "logs", tmp_path / "elsewhere"
    logdir.mkdir()
    _projector_run(elsewhere / "run", tensors="secret.tsv")
    (tmp_path / "secret.tsv").write_text("5\t6\n")
    scalar_file(tmp_path / "secret-events" / NAME, "stolen", range(2))
    (elsewhere / "run" / "secret.tsv").symlink_to(tmp_path / "secret.tsv")
    (elsewhere / "run" / "events.out.tfevents.9").symlink_to(tmp_path / "secret-events" / NAME)
    (logdir / "linked").symlink_to(elsewhere / "run", target_is_directory=True)
    ld = Logdir(logdir)
    ld.reload()
    assert ld.tags("linked")["scalars"] == ["loss"]  # the linked-out event file refused
    assert ld.embeddings("linked") == []
    messages = [p.message for p in ld.problems]
    assert len(messages) == 2
    assert any("links outside its run folder and the logdir" in m for m in messages)
    assert any("secret.tsv: path leaves the logdir" in m for m in messages)


def test_event_file_linked_inside_the_logdir_is_read(logdir: Path) -> None:
    scalar_file(logdir / "a" / NAME, "loss", range(3))
    (logdir / "b").mkdir()
    (logdir / "b" / NAME).symlink_to(logdir / "a" / NAME)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.scalars("b", "loss")) == 3 and ld.problems == []
