"""The status line says what is true now, and Board(...) names its valid arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

import tbnb
from tests.board.conftest import write_scalars


def test_a_missing_logdir_is_no_longer_a_problem_once_it_exists(tmp_path: Path) -> None:
    logdir = tmp_path / "later"
    board = tbnb.Board(logdir, reload_interval=0)
    try:
        status = board.status
        assert status["state"] == "waiting" and status["problem_count"] == 1
        assert "does not exist" in status["problems"][0]["message"]
        write_scalars(logdir, "exp", "loss", range(3))
        board.refresh()
        status = board.status
        assert status["runs"] == 1 and status["points"] == 3
        assert status["problem_count"] == 0 and status["problems"] == []
        # and it is reported again if it comes back
        for f in (logdir / "exp").iterdir():
            f.unlink()
        (logdir / "exp").rmdir()
        logdir.rmdir()
        board.refresh()
        assert board.status["problem_count"] == 1
    finally:
        board.close()


def test_a_misspelled_keyword_names_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"'smoothin'.*valid: .*smoothing"):
        tbnb.Board(tmp_path, reload_interval=0, smoothin=0.9)
    with pytest.raises(TypeError, match=r"'reload'"):
        tbnb.Board(tmp_path, reload=0)


def test_view_settings_pass_through_by_name(tmp_path: Path) -> None:
    board = tbnb.Board(tmp_path, reload_interval=0, x_axis="wall", log_y=True)
    try:
        assert board.settings.x_axis == "wall" and board.settings.log_y
    finally:
        board.close()


def test_an_unreachable_remote_logdir_is_an_error_saying_what_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s3fs = pytest.importorskip("s3fs")
    from tests.browser.jupyter import free_port

    s3fs.S3FileSystem.clear_instance_cache()  # one made by another test knows its endpoint

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # refused
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    board = tbnb.Board("s3://bucket/runs", reload_interval=0)
    try:
        status = board.status
        assert status["state"] == "error", status
        assert status["message"].startswith("cannot list s3://bucket/runs: ")
        assert "EndpointConnectionError" in status["message"]
        assert "internal error" not in status["message"]
    finally:
        board.close()
