"""The installed ``tbnb`` command fails loudly: one line on standard error and a non-zero
exit for every way an export can fail (issue 12), checked before reading where it can."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.board.conftest import write_scalars
from tests.browser.jupyter import free_port

TBNB = shutil.which("tbnb") or ""
pytestmark = pytest.mark.skipif(not TBNB, reason="the tbnb command is installed by pip")


def run(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TBNB, *args], capture_output=True, text=True, timeout=120, check=False, **kw
    )  # type: ignore[call-overload, no-any-return]


def one_line_failure(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode != 0, proc
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("tbnb export: ")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_missing_logdir(tmp_path: Path) -> None:
    proc = run("export", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html"))
    assert "does not exist" in one_line_failure(proc)
    assert not (tmp_path / "r.html").exists()


def test_logdir_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("not a logdir")
    proc = run("export", str(f), "--csv", str(tmp_path / "o.csv"))
    assert "not a directory" in one_line_failure(proc)


def test_empty_logdir(tmp_path: Path) -> None:
    proc = run("export", str(tmp_path), "-o", str(tmp_path / "r.html"))
    assert "nothing to export" in one_line_failure(proc)


def test_unwritable_output_is_checked_before_reading(tmp_path: Path) -> None:
    write_scalars(tmp_path / "logs", "exp", "loss", range(3))
    proc = run("export", str(tmp_path / "logs"), "-o", str(tmp_path / "no" / "r.html"))
    line = one_line_failure(proc)
    assert "does not exist" in line and "read " not in proc.stderr  # nothing was read
    proc = run("export", str(tmp_path / "logs"), "-o", str(tmp_path))
    assert "is a directory" in one_line_failure(proc)


def test_s3_endpoint_refused(tmp_path: Path) -> None:
    env = dict(os.environ, AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y")
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env["AWS_ENDPOINT_URL"] = url
    env["AWS_MAX_ATTEMPTS"] = "1"
    proc = run("export", "s3://bucket/runs", "-o", str(tmp_path / "r.html"), env=env)
    line = one_line_failure(proc)
    assert "s3://bucket/runs" in line or "cannot" in line
    assert not (tmp_path / "r.html").exists()


def test_csv_into_a_closed_pipe(tmp_path: Path) -> None:
    write_scalars(tmp_path, "exp", "loss", range(20_000))
    proc = subprocess.run(
        f"'{TBNB}' export '{tmp_path}' --csv - | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.stdout == "run,tag,step,wall_time,value\n"
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "the output was closed" in proc.stderr


def test_ctrl_c(tmp_path: Path) -> None:
    hold = tmp_path / "export-started"
    script = (
        # a shell that starts a job in the background ignores SIGINT for it, and a
        # Python started ignoring it never raises KeyboardInterrupt: as in a terminal
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import sys, time, pathlib\n"
        "import tbnb.board.export as ex\n"
        "real = ex.read_logdir\n"
        "def slow(path, progress):\n"
        f"    pathlib.Path({str(hold)!r}).write_text('reading')\n"
        "    while True: time.sleep(0.05)\n"
        "ex.read_logdir = slow\n"
        "from tbnb.cli import main\n"
        f"sys.exit(main(['export', {str(tmp_path)!r}, '-o', {str(tmp_path / 'r.html')!r}]))\n"
    )
    p = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not hold.exists():
            assert p.poll() is None and time.monotonic() < deadline, "export never started"
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:  # the test failed with the export still running
            p.kill()
            p.wait()
    assert p.returncode == 130
    assert "Traceback" not in err and "tbnb export: interrupted" in err
