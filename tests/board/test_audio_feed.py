"""Audio clips and add_video's entries on the board's data path: the clip index as
deltas, the newest step's clips pushed, others read from the event file when asked
for, the export's answers within its budget, and a video that wrote no frames."""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import shutil
import warnings
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tensorboardX import SummaryWriter

import tbnb
from tbnb.board.feeds.audio import AudioFeed, sniff_audio
from tbnb.board.feeds.images import NO_FRAMES
from tbnb.board.protocol import decode
from tests.board.conftest import Recorder

CORPUS = Path("/work/shared/corpus")
if not CORPUS.is_dir():  # CI's clone has shared/ beside the repository
    CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

_FILES = itertools.count()
RATE = 8000


def tone(step: int) -> np.ndarray:
    t = np.arange(RATE // 4) / RATE
    return (0.5 * np.sin(2 * np.pi * (200 + 100 * step) * t)).astype(np.float32)


def write_audio(logdir: Path, steps: range, run: str = "exp") -> None:
    w = SummaryWriter(str(logdir / run), filename_suffix=f".a{next(_FILES)}")
    for s in steps:
        w.add_audio("voice", tone(s)[:, None], s, sample_rate=RATE)
    w.close()


def wav_samples(data: bytes) -> tuple[int, np.ndarray]:
    with wave.open(io.BytesIO(data)) as w:
        rate, raw = w.getframerate(), w.readframes(w.getnframes())
    return rate, np.frombuffer(raw, "<i2") / 32767


def one(items: list[dict[str, Any]], run: str, tag: str) -> dict[str, Any]:
    (found,) = [d for d in items if d["run"] == run and d["tag"] == tag]
    return found


def test_snapshot_holds_the_index_and_the_newest_clip(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    write_audio(tmp_path, range(4))
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    snap = board.get_state()["data_snapshot"]
    msg, bufs = snap["message"], snap["buffers"]
    idx = one(msg["audio"], "exp", "voice")
    assert (idx["start"], idx["total"]) == (0, 4)
    assert decode(idx["step"], bufs).tolist() == [0, 1, 2, 3]
    assert decode(idx["sample_rate"], bufs).tolist() == [RATE] * 4
    assert idx["labels"] == [""] * 4
    (data,) = msg["audio_data"]  # the newest step only
    assert (data["index"], data["step"], data["mime"], data["error"]) == (3, 3, "audio/wav", "")
    rate, samples = wav_samples(bytes(decode(data["data"], bufs)))
    assert rate == RATE and np.abs(samples - tone(3)).max() < 1e-3


def test_a_clip_is_read_from_the_file_when_asked_for(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    write_audio(tmp_path, range(3))
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    items = [
        {"run": "exp", "tag": "voice", "index": 0},
        {"run": "exp", "tag": "voice", "index": 7},
        {"run": "exp", "tag": "voice", "index": "0"},
        "garbage",
    ]
    board._on_browser_message(board, {"type": "audio", "items": items}, [])
    message, bufs = rec.messages[-1]
    assert message["type"] == "audio_data"
    first, missing = message["items"]
    assert (first["step"], first["error"]) == (0, "")
    assert np.abs(wav_samples(bytes(decode(first["data"], bufs)))[1] - tone(0)).max() < 1e-3
    assert missing["data"] is None and "no longer" in missing["error"]
    # the kernel holds no clip: with the file gone, the card is told why there is none
    for f in (tmp_path / "exp").iterdir():
        f.unlink()
    board._on_browser_message(board, {"type": "audio", "items": items[:1]}, [])
    (gone,) = rec.messages[-1][0]["items"]
    assert gone["data"] is None and "could not read the clip" in gone["error"]
    # (an image request is not answered with clips)
    board._on_browser_message(board, {"type": "image", "items": items[:1]}, [])
    assert rec.messages[-1][0]["type"] == "image_data"


def test_clips_new_in_a_live_read_are_pushed(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    write_audio(tmp_path, range(1))
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    write_audio(tmp_path, range(1, 3))
    board.refresh()
    message, bufs = rec.messages[-1]
    delta = one(message["audio"], "exp", "voice")
    assert delta["start"] == 1 and decode(delta["step"], bufs).tolist() == [1, 2]
    assert [d["index"] for d in message["audio_data"]] == [2, 1]  # newest first
    assert board.engine.audio.count == 3


def test_tf2_clips_and_labels_of_the_corpus(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    shutil.copytree(CORPUS / "tf2_dashboards" / "audio", tmp_path / "tf2")
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    snap = board.get_state()["data_snapshot"]
    msg, bufs = snap["message"], snap["buffers"]
    idx = one(msg["audio"], "tf2", "tone")
    assert decode(idx["step"], bufs).tolist() == [0, 0, 1, 1]
    assert decode(idx["sample_rate"], bufs).tolist() == [0] * 4  # in the WAV header only
    assert idx["labels"] == [""] * 4
    # both clips of the newest step are pushed
    pushed = [(d["index"], d["mime"]) for d in msg["audio_data"]]
    assert pushed == [(2, "audio/wav"), (3, "audio/wav")]


def test_the_export_carries_clips_within_its_budget(tmp_path: Path) -> None:
    write_audio(tmp_path, range(4))
    engine = tbnb.Board(tmp_path, reload_interval=0).engine
    clip = len(engine.audio.points()[("exp", "voice")][0].data)
    offline = engine.audio.offline(int(2.5 * clip))
    assert (offline.request, offline.reply) == ("audio", "audio_data")
    keys = sorted(offline.replies)
    assert [offline.replies[k]["index"] for k in keys] == [2, 3]  # newest first, 2 fit
    reply = offline.replies['{"run":"exp","tag":"voice","index":3}']
    assert bytes(offline.blobs[reply["data"]["buffer"]]).startswith(b"RIFF")


def test_sniff_audio() -> None:
    assert sniff_audio(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "audio/wav"
    assert sniff_audio(b"OggS\x00") == "audio/ogg"
    assert sniff_audio(b"fLaC") == "audio/flac"
    assert sniff_audio(b"ID3\x04") == "audio/mpeg"
    assert sniff_audio(b"RIFF\x00\x00\x00\x00AVI ") == ""
    assert sniff_audio(b"") == ""
    assert AudioFeed().count == 0


def test_a_video_with_no_frames_says_so(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    torch = pytest.importorskip("torch")
    moviepy = pytest.importorskip("moviepy")
    if moviepy.__version__.startswith("1."):
        pytest.skip("torch's add_video writes a GIF with moviepy 1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.utils.tensorboard import SummaryWriter as TorchWriter
    w = TorchWriter(str(tmp_path / "torch"))
    w.add_video("video", torch.rand(1, 3, 3, 6, 6), 4)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    msg = board.get_state()["data_snapshot"]["message"]
    (data,) = msg["image_data"]
    assert (data["step"], data["data"], data["error"]) == (4, None, NO_FRAMES)
    offline = board.engine.images.offline(1 << 20)
    assert next(iter(offline.replies.values()))["error"] == NO_FRAMES


def test_the_static_snapshot_lists_the_audio_tags(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    write_audio(tmp_path, range(3))
    evil = "<script>window.__pwned=1</script>"
    w = SummaryWriter(str(tmp_path / evil), filename_suffix=f".a{next(_FILES)}")
    w.add_audio("voice", tone(0)[:, None], 0, sample_rate=RATE)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    html = board.static_html()
    assert "<summary>Audio</summary>" in html
    assert "voice · exp · 3 clips at 3 steps, newest step 2, 8,000 Hz" in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html and evil not in html
    assert "<audio" not in html  # listed, not embedded: a saved notebook stays small


def test_tbnb_export_embeds_the_clips(tmp_path: Path) -> None:
    from tbnb.cli import main

    write_audio(tmp_path / "logs", range(3))
    out = tmp_path / "report.html"
    assert main(["export", str(tmp_path / "logs"), "-o", str(out)]) == 0
    html = out.read_text()
    found = re.search(r'id="tbnb-offline">(.*?)</script>', html, re.S)
    assert found is not None
    table = json.loads(found.group(1))["audio"]
    assert table["reply"] == "audio_data"
    assert sorted(r["index"] for r in table["replies"].values()) == [0, 1, 2]
    for reply in table["replies"].values():
        data = base64.b64decode(table["blobs"][reply["data"]["buffer"]])
        assert wav_samples(data)[0] == RATE


def test_the_front_end_fixture_is_what_the_writers_write() -> None:
    """js/test/media.test.ts reads tests/fixtures/media.json: a torch WAV and a
    tensorboardX GIF; here they are read back with the standard library and Pillow."""
    from PIL import Image

    fixture = json.loads(
        (Path(__file__).resolve().parents[1] / "fixtures" / "media.json").read_text()
    )
    rate, samples = wav_samples(base64.b64decode(fixture["wav"]))
    t = np.arange(100) / 1000
    assert rate == 1000 and np.abs(samples - 0.5 * np.sin(2 * np.pi * 50 * t)).max() < 1e-3
    gif = Image.open(io.BytesIO(base64.b64decode(fixture["gif"])))
    assert (gif.format, gif.size, gif.n_frames) == ("GIF", (8, 6), 3)
    colours = []
    for i in range(3):
        gif.seek(i)
        colours.append(gif.convert("RGB").getpixel((2, 2)))
    assert colours == [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
