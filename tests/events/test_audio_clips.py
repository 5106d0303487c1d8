"""Audio clips and videos as the writers record them: torch's and tensorboardX's
``add_audio`` (a WAV in ``Summary.Audio``), TF2's ``[k, 2]`` string tensor of clips and
labels (the corpus, and a labelled one made with TensorBoard's own protos), and
``add_video`` (a GIF image, or a bare tag when the writer made no GIF)."""

from __future__ import annotations

import hashlib
import io
import json
import warnings
import wave
from pathlib import Path

import numpy as np
import pytest
from evhelpers import CORPUS, frame, version_event
from tensorboard.compat.proto import event_pb2
from tensorboard.plugins.audio import metadata as audio_metadata

from tbnb.events import Logdir

torch = pytest.importorskip("torch")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from tensorboardX import SummaryWriter as XWriter
    from torch.utils.tensorboard import SummaryWriter as TWriter


def load(path: Path) -> Logdir:
    ld = Logdir(path)
    ld.reload()
    assert ld.problems == []
    return ld


def wav_frames(data: bytes) -> tuple[int, int, int, np.ndarray]:
    """(rate, channels, sample width, samples as float in [-1, 1]) of a 16-bit WAV."""
    with wave.open(io.BytesIO(data)) as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    assert width == 2
    return rate, channels, width, np.frombuffer(raw, "<i2").astype(np.float64) / 32767


@pytest.mark.parametrize("writer", ["torch", "tensorboardX"])
def test_add_audio_is_a_mono_wav_at_the_given_rate(logdir: Path, writer: str) -> None:
    t = np.arange(22050) / 22050
    snd = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    w = (TWriter if writer == "torch" else XWriter)(str(logdir))
    for step in (0, 5):
        clip = snd if step == 0 else -snd
        # torch wants (1, length), tensorboardX (length, channels)
        tensor = torch.from_numpy(clip[None, :] if writer == "torch" else clip[:, None])
        w.add_audio("voice/a440", tensor, step, sample_rate=22050)
    w.close()
    ld = load(logdir)
    assert ld.tags(".")["audio"] == ["voice/a440"]
    clips = ld.audio(".", "voice/a440")
    assert [(c.step, c.sample_rate, c.label) for c in clips] == [(0, 22050, ""), (5, 22050, "")]
    for c, sign in zip(clips, (1, -1), strict=True):
        rate, channels, _, samples = wav_frames(c.data)
        assert (rate, channels, len(samples)) == (22050, 1, 22050)
        assert np.abs(samples - sign * snd).max() < 1e-3


def test_tf2_audio_of_the_corpus() -> None:
    want = next(
        s
        for s in json.loads((CORPUS / "tf2_dashboards" / "expected.json").read_text())["series"]
        if s["kind"] == "audio"
    )
    ld = load(CORPUS / "tf2_dashboards" / "audio")
    assert ld.tags(".")["audio"] == [want["tag"]]
    clips = ld.audio(".", want["tag"])
    expected = [
        (p, c, label)
        for p in want["points"]
        for c, label in zip(p["clips"], p["written_labels"], strict=True)
    ]
    assert len(clips) == len(expected)
    for got, (p, c, label) in zip(clips, expected, strict=True):
        assert (got.step, got.wall_time, got.label) == (p["step"], p["wall_time"], label)
        assert got.sample_rate == 0  # TF2 writes the rate only in the WAV header
        data = got.data
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (c["sha256"], c["bytes"])
        rate, channels, width, samples = wav_frames(data)
        assert (rate, channels, width, len(samples)) == (
            c["sample_rate"], c["channels"], c["sample_width"], c["frames"],
        )  # fmt: skip


def tf2_audio_event(step: int, clips: list[tuple[bytes, str]]) -> bytes:
    """What tf.summary.audio writes (a [k, 2] string tensor of clip and label, plugin
    audio), here with labels, made with TensorBoard's own protos."""
    ev = event_pb2.Event(wall_time=1.0e9 + step, step=step)
    v = ev.summary.value.add(tag="speech")
    v.metadata.CopyFrom(
        audio_metadata.create_summary_metadata("", "", audio_metadata.Encoding.Value("WAV"))
    )
    v.tensor.dtype = 7  # DT_STRING
    v.tensor.tensor_shape.dim.add(size=len(clips))
    v.tensor.tensor_shape.dim.add(size=2)
    for data, label in clips:
        v.tensor.string_val.extend([data, label.encode("utf-8")])
    return ev.SerializeToString()


def test_tf2_labels_are_kept_per_clip(logdir: Path) -> None:
    a, b = b"RIFF-a", b"RIFF-b"
    records = [version_event(), tf2_audio_event(3, [(a, "**loud** one"), (b, "soft <i>two</i>")])]
    (logdir / "events.out.tfevents.1.host").write_bytes(b"".join(frame(r) for r in records))
    clips = load(logdir).audio(".", "speech")
    assert [(c.step, c.label, c.data) for c in clips] == [
        (3, "**loud** one", a),
        (3, "soft <i>two</i>", b),
    ]


def test_add_video_writes_a_gif_or_a_bare_tag(logdir: Path) -> None:
    """tensorboardX with moviepy (2.x here) writes a GIF; torch 2.x with moviepy 2 (or
    either writer without moviepy) writes the tag with no image: the reader keeps it as
    an image entry of no bytes, so that the board can say the writer wrote no frames."""
    moviepy = pytest.importorskip("moviepy")
    frames = torch.rand(1, 5, 3, 8, 12)
    for name, writer in (("torch", TWriter), ("tbx", XWriter)):
        w = writer(str(logdir / name))
        w.add_video("clip", frames, 7, fps=5)
        w.close()
    ld = load(logdir)
    (gif,) = ld.images("tbx", "clip")
    assert (gif.step, gif.width, gif.height) == (7, 12, 8)
    assert gif.data.startswith(b"GIF89a")
    (bare,) = ld.images("torch", "clip")
    if moviepy.__version__.startswith("1."):  # torch's add_video works with moviepy 1
        assert bare.data.startswith(b"GIF")
    else:
        assert (bare.step, bare.width, bare.height, bare.data) == (7, 0, 0, b"")


def test_a_video_tag_with_no_frames_beside_real_images(logdir: Path) -> None:
    """A bare tag (no value at all) is read as one empty image entry at its step."""
    ev = event_pb2.Event(wall_time=1.0e9, step=2)
    ev.summary.value.add(tag="video")
    (logdir / "events.out.tfevents.1.host").write_bytes(
        frame(version_event()) + frame(ev.SerializeToString())
    )
    ld = load(logdir)
    assert ld.tags(".")["images"] == ["video"]
    (p,) = ld.images(".", "video")
    assert (p.step, p.width, p.height, p.data) == (2, 0, 0, b"")
