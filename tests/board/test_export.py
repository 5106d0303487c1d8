"""`tbnb export`: CSV of every scalar, and the standalone HTML file's make-up (the page
is opened in Chromium by tests/browser/test_export.py)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tensorboardX import SummaryWriter

from tbnb.cli import main

EVIL = "</script><script>window.__pwned=1</script>"


def write(logdir: Path) -> None:
    w = SummaryWriter(str(logdir / "exp"))
    for s in range(30):
        w.add_scalar("loss", 1.0 / (s + 1), s)
    w.add_text("note", EVIL, 0)
    w.add_image("img", np.full((3, 4, 4), 0.5), 0)
    w.close()


def test_csv_has_every_point(tmp_path: Path) -> None:
    write(tmp_path / "logs")
    assert main(["export", str(tmp_path / "logs"), "--csv", str(tmp_path / "out.csv")]) == 0
    with (tmp_path / "out.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 30 and rows[0]["run"] == "exp" and rows[0]["tag"] == "loss"
    assert [int(r["step"]) for r in rows] == list(range(30))
    np.testing.assert_allclose([float(r["value"]) for r in rows], 1.0 / (np.arange(30) + 1))


def test_html_keeps_data_out_of_markup(tmp_path: Path) -> None:
    write(tmp_path / "logs")
    out = tmp_path / "report.html"
    proc = subprocess.run(
        [sys.executable, "-m", "tbnb.cli", "export", str(tmp_path / "logs"), "-o", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "read 1 runs, 30 scalar points" in proc.stderr and "wrote" in proc.stderr
    html = out.read_text()
    # three <script> elements of ours with data and code, none from the logdir
    assert len(re.findall(r"<script\b", html)) == 5
    assert EVIL not in html
    blob = re.search(r'id="tbnb-snapshot">(.*?)</script>', html, re.S)
    assert blob is not None
    message = json.loads(blob.group(1))["message"]
    assert message["texts"][0]["texts"][0]["text"] == EVIL


def test_export_needs_an_output(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["export", str(tmp_path)])


def _traits(html: str) -> dict[str, object]:
    blob = re.search(r'id="tbnb-traits">(.*?)</script>', html, re.S)
    assert blob is not None
    traits: dict[str, object] = json.loads(blob.group(1))
    return traits


def test_exported_page_shows_the_problems_and_says_what_is_left_out(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    write(logs)
    (f,) = (logs / "exp").iterdir()
    with f.open("ab") as fh:  # a record whose length CRC fails, then the writer's next one
        fh.write(b"\x07" * 40)
    w = SummaryWriter(str(logs / "emb"))
    w.add_embedding(np.eye(5), metadata=list("abcde"), tag="vecs")
    w.close()
    out = tmp_path / "r.html"
    assert main(["export", str(logs), "-o", str(out)]) == 0
    status = _traits(out.read_text())["status"]
    assert isinstance(status, dict)
    assert status["problem_count"] >= 1 and status["problems"], status
    assert "1 embedding(s) of the Projector are not included" in status["message"]
