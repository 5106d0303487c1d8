"""Projector configs: hand-written cases beyond what the writers produce."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tbnb.events import Logdir


def _write_tsv(path: Path, rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(str(x) for x in r) + "\n" for r in rows))


def test_paths_leaving_the_logdir_are_refused(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    outside = tmp_path / "secret.tsv"
    _write_tsv(outside, [[1, 2], [3, 4]])
    _write_tsv(logdir / "run" / "ok" / "tensors.tsv", [[1.5, 2.5], [3.5, 4.5]])
    (logdir / "run" / "link.tsv").symlink_to(outside)
    (logdir / "run" / "projector_config.pbtxt").write_text(
        'embeddings { tensor_name: "ok:00002" tensor_path: "ok/tensors.tsv" }\n'
        'embeddings { tensor_name: "up" tensor_path: "../../secret.tsv" }\n'
        f'embeddings {{ tensor_name: "abs" tensor_path: "{outside}" }}\n'
        'embeddings { tensor_name: "link" tensor_path: "link.tsv" }\n'
    )
    ld = Logdir(logdir)
    ld.reload()
    embs = ld.embeddings("run")
    assert [(e.tag, e.step) for e in embs] == [("ok", 2)]
    np.testing.assert_array_equal(embs[0].vectors, [[1.5, 2.5], [3.5, 4.5]])
    refused = [p for p in ld.problems if "leaves the logdir" in p.message]
    assert len(refused) == 3


def test_malformed_config_is_a_problem(logdir: Path) -> None:
    (logdir / "projector_config.pbtxt").write_text("embeddings { tensor_name: ")
    ld = Logdir(logdir)
    changes = ld.reload()
    assert ld.runs() == ["."] and ld.embeddings(".") == []
    assert len(changes.problems) == 1 and "projector" in changes.problems[0].message


def test_missing_and_bad_tensor_files(logdir: Path) -> None:
    _write_tsv(logdir / "bad.tsv", [["x", "y"]])
    (logdir / "projector_config.pbtxt").write_text(
        'embeddings { tensor_name: "gone" tensor_path: "nope.tsv" }\n'
        'embeddings { tensor_name: "bad" tensor_path: "bad.tsv" }\n'
    )
    ld = Logdir(logdir)
    ld.reload()
    assert ld.tags(".")["embeddings"] == ["bad", "gone"]
    assert ld.embeddings(".") == []
    assert len(ld.problems) == 2


def test_config_change_is_picked_up(logdir: Path) -> None:
    _write_tsv(logdir / "a.tsv", [[1, 2]])
    cfg = logdir / "projector_config.pbtxt"
    cfg.write_text('embeddings { tensor_name: "a" tensor_path: "a.tsv" }\n')
    ld = Logdir(logdir)
    ld.reload()
    cfg.write_text(
        'embeddings { tensor_name: "a" tensor_path: "a.tsv" }\n'
        'embeddings { tensor_name: "b:00007" tensor_path: "a.tsv" }\n'
    )
    changes = ld.reload()
    assert changes.new_tags == {".": {"embeddings": ["b"]}}
    assert [(e.tag, e.step) for e in ld.embeddings(".")] == [("a", 0), ("b", 7)]
