"""Files that could stall, empty or exhaust a read (issue 12): a FIFO where a file is
expected, a config linked to /dev/zero, a config nested too deeply. Each is reported,
and the rest of the logdir is read."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tbnb.events import Logdir
from tests.board.conftest import write_scalars

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")


def _reload_within(ld: Logdir, seconds: float = 60.0) -> None:
    """reload() in a thread; fails the test if it blocks (a FIFO opened for reading)."""
    t = threading.Thread(target=ld.reload, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "reload() blocked"


def test_fifo_projector_config_is_skipped_and_the_rest_is_read(tmp_path: Path) -> None:
    write_scalars(tmp_path, "run", "loss", range(5))
    os.mkfifo(tmp_path / "run" / "projector_config.pbtxt")
    ld = Logdir(tmp_path)
    _reload_within(ld)
    assert len(ld.scalars("run", "loss")) == 5
    assert any("not a regular file" in p.message for p in ld.problems)


def test_fifo_event_file_is_skipped(tmp_path: Path) -> None:
    write_scalars(tmp_path, "ok", "loss", range(3))
    (tmp_path / "bad").mkdir()
    os.mkfifo(tmp_path / "bad" / "events.out.tfevents.1.fifo")
    ld = Logdir(tmp_path)
    _reload_within(ld)
    assert len(ld.scalars("ok", "loss")) == 3
    assert any("not a regular file" in p.message for p in ld.problems)


def test_config_linked_to_dev_zero_is_refused(tmp_path: Path) -> None:
    write_scalars(tmp_path, "run", "loss", range(2))
    (tmp_path / "run" / "projector_config.pbtxt").symlink_to("/dev/zero")
    ld = Logdir(tmp_path)
    _reload_within(ld)
    assert len(ld.scalars("run", "loss")) == 2
    assert any("not a regular file" in p.message for p in ld.problems)


def test_fifo_tensors_do_not_hang_the_projector(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    os.mkfifo(tmp_path / "run" / "tensors.tsv")
    (tmp_path / "run" / "projector_config.pbtxt").write_text(
        'embeddings { tensor_name: "e" tensor_path: "tensors.tsv" }\n'
    )
    ld = Logdir(tmp_path)
    _reload_within(ld)
    got: list[object] = []
    t = threading.Thread(target=lambda: got.append(ld.embeddings("run")), daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), "embeddings() blocked on a FIFO"
    assert got == [[]]
    assert any("cannot read tensors" in p.message for p in ld.problems)


def test_deeply_nested_config_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    write_scalars(tmp_path, "run", "loss", range(4))
    depth = 5000
    text = "embeddings { " + "a { " * depth + "}" * depth + " }\n"
    (tmp_path / "run" / "projector_config.pbtxt").write_text(text)
    ld = Logdir(tmp_path)
    ld.reload()
    assert len(ld.scalars("run", "loss")) == 4
    assert any("projector config" in p.message for p in ld.problems)
