"""The Audio tab and videos in the Images tab, in JupyterLab, on files written by
torch.utils.tensorboard, tensorboardX and TF2 (the shared corpus): clips play to their
end in the page, their waveform and format are what was written, a clip that cannot be
decoded says so; an add_video GIF steps through its frames, and a video the writer wrote
no frames for says so."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from playwright.sync_api import Page
from tensorboardX import SummaryWriter as TbxWriter
from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboardX.proto.tensor_pb2 import TensorProto
from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto

from tests.browser.jupyter import Hold, JupyterServer
from tests.browser.test_board_tabs import CORPUS, card, open_board

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

AUDIO_JS = """
root => [...root.querySelectorAll('.tbnb-pane[data-tab=audio] .tbnb-audio-card')].map(c => {
  const slider = c.querySelector('.tbnb-audio-slider');
  return {
    run: c.dataset.run, tag: c.dataset.tag, step: c.dataset.step,
    max: Number(slider.max), value: Number(slider.value),
    clips: [...c.querySelectorAll('.tbnb-audio-slot')].map(s => {
      const a = s.querySelector('audio'), w = s.querySelector('canvas');
      let inked = 0;
      if (!w.hidden && w.width) {
        const px = w.getContext('2d').getImageData(0, 0, w.width, w.height).data;
        for (let i = 3; i < px.length; i += 4) inked += px[i] > 0;
      }
      const shown = e => e && !e.hidden;
      return {
        caption: s.querySelector('.tbnb-image-caption').textContent,
        src: shown(a) && a.src.startsWith('blob:'), step: a.dataset.step,
        about: s.querySelector('.tbnb-audio-about').textContent, inked,
        label: shown(s.querySelector('.tbnb-audio-label'))
          ? s.querySelector('.tbnb-audio-label').innerHTML : null,
        message: shown(s.querySelector('.tbnb-audio-loading, .tbnb-audio-error'))
          ? s.querySelector('.tbnb-audio-loading, .tbnb-audio-error').textContent : '',
      };
    }),
  };
})
"""

# plays a card's first clip to its end (muted: headless Chromium plays muted audio
# without a gesture), and says what the element read of it
PLAY_JS = """
async card => {
  const a = card.querySelector('audio');
  a.muted = true;
  const ended = new Promise(r => a.addEventListener('ended', r, {once: true}));
  await a.play();
  await ended;
  return {duration: a.duration, at: a.currentTime, ended: a.ended,
          playhead: card.querySelector('.tbnb-audio-playhead').style.left};
}
"""


def tone(seconds: float, rate: int, freq: float) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def raw_audio(tag: str, data: bytes) -> Summary:
    """A Summary.Audio as torch and tensorboardX frame it, with these bytes."""
    audio = Summary.Audio(
        sample_rate=8000, num_channels=1, length_frames=100, encoded_audio_string=data,
        content_type="audio/wav",
    )  # fmt: skip
    return Summary(value=[Summary.Value(tag=tag, audio=audio)])


def labelled_audio(tag: str, clips: list[tuple[bytes, str]]) -> Summary:
    """tf.summary.audio's [k, 2] string tensor of (clip, label)."""
    dims = [TensorShapeProto.Dim(size=len(clips)), TensorShapeProto.Dim(size=2)]
    tensor = TensorProto(
        dtype=7, tensor_shape=TensorShapeProto(dim=dims),
        string_val=[x for data, label in clips for x in (data, label.encode())],
    )  # fmt: skip
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="audio"))
    return Summary(value=[Summary.Value(tag=tag, tensor=tensor, metadata=meta)])


def write_audio(logdir: Path) -> bytes:
    t = TorchWriter(str(logdir / "torch"))
    for step in range(3):
        t.add_audio(
            "speech/tone",
            torch.from_numpy(tone(0.5, 8000, 200 * (step + 1)))[None],
            step,
            sample_rate=8000,
        )
    t.close()
    x = TbxWriter(str(logdir / "tbx"))
    x.add_audio("speech/tone", tone(0.25, 16000, 440)[:, None], 0, sample_rate=16000)
    x.close()
    shutil.copytree(CORPUS / "tf2_dashboards" / "audio", logdir / "tf2")
    # what cannot be decoded, and a TF2-style clip with a markdown label
    good = torch.from_numpy(tone(0.1, 8000, 300))
    from torch.utils.tensorboard.summary import audio as torch_audio

    wav = torch_audio("x", good[None], sample_rate=8000).value[0].audio.encoded_audio_string
    b = TbxWriter(str(logdir / "odd"))
    fw = b._get_file_writer()
    fw.add_summary(raw_audio("broken/garbage", b"this is not audio at all"), 0)
    fw.add_summary(raw_audio("broken/truncated", wav[: len(wav) // 2]), 0)
    label = "**loud** <img src=x onerror=alert(1)> [a](javascript:alert(1))"
    fw.add_summary(labelled_audio("labelled", [(wav, label)]), 0)
    b.close()
    return wav


def test_audio_tab(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    write_audio(tmp_path)
    requests: list[str] = []

    def sent(payload: str | bytes) -> None:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        if '"type":"audio"' in text:
            requests.append(text)

    page.on("websocket", lambda ws: ws.on("framesent", sent))
    _, b = open_board(
        page,
        jupyter,
        "audio.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {tmp_path} --reload_interval 0"],
    )
    b.tab("audio")
    b.pane("audio").locator(".tbnb-audio-card").nth(5).wait_for()
    cards = b.pane("audio").locator(".tbnb-audio-card")
    for i in range(cards.count()):
        cards.nth(i).scroll_into_view_if_needed()

    def drawn(items: list[dict[str, Any]]) -> bool:
        return len(items) == 6 and all(
            c["clips"] and all(x["message"] != "" or x["inked"] for x in c["clips"])
            and not any("waiting for the kernel" in x["message"] for x in c["clips"])
            for c in items
        )  # fmt: skip

    items = b.until(AUDIO_JS, drawn)
    # torch: the newest of 3 steps first (pushed: nothing asked), its format as written
    t = card(items, "torch", "speech/tone")
    assert (t["max"], t["value"], t["step"]) == (2, 2, "2")
    (clip,) = t["clips"]
    assert clip["src"] and clip["about"] == "0.50 s · 8,000 Hz · mono · 16-bit PCM"
    assert clip["inked"] > 100 and clip["message"] == ""
    x = card(items, "tbx", "speech/tone")["clips"][0]
    assert x["about"] == "0.25 s · 16,000 Hz · mono · 16-bit PCM"
    # TF2: two clips at each step (rate in the WAV header only)
    tf2 = card(items, "tf2", "tone")
    assert (tf2["max"], tf2["step"]) == (1, "1")
    assert [c["caption"] for c in tf2["clips"]] == ["clip 1 of 2", "clip 2 of 2"]
    assert {c["about"] for c in tf2["clips"]} == {"0.10 s · 16,000 Hz · mono · 16-bit PCM"}
    # what cannot be decoded says so on its card
    garbage = card(items, "odd", "broken/garbage")["clips"][0]
    assert garbage["message"].startswith("this clip cannot be decoded: not a WAV file"), garbage
    cut = card(items, "odd", "broken/truncated")["clips"][0]
    assert "cannot be decoded: the WAV is truncated" in cut["message"], cut
    # a label is markdown, sanitized: HTML in it is text, no script link
    label = card(items, "odd", "labelled")["clips"][0]["label"]
    assert "<strong>loud</strong>" in label and "&lt;img src=x" in label, label
    assert "<img" not in label and "href" not in label, label
    assert requests == []

    # a clip plays to its end in the page; the element reads the duration written
    torch_card = b.pane("audio").locator(".tbnb-audio-card[data-run='torch']")
    played = page.evaluate(PLAY_JS, torch_card.element_handle())
    assert played["ended"] and played["duration"] == pytest.approx(0.5, abs=0.01), played
    assert played["at"] == pytest.approx(played["duration"], abs=0.01)
    assert played["playhead"] == "100%"

    # an older step is asked of the kernel once, then held
    torch_card.locator(".tbnb-audio-slider").evaluate(
        "s => { s.value = '0'; s.dispatchEvent(new Event('input')); }"
    )
    items = b.until(
        AUDIO_JS, lambda it: card(it, "torch", "speech/tone")["clips"][0]["step"] == "0"
    )
    assert card(items, "torch", "speech/tone")["clips"][0]["inked"] > 100
    assert len(requests) == 1 and '"index":0' in requests[0], requests
    played = page.evaluate(PLAY_JS, torch_card.element_handle())
    assert played["duration"] == pytest.approx(0.5, abs=0.01)
    for value in ("2", "0"):  # held: no new request
        torch_card.locator(".tbnb-audio-slider").evaluate(
            f"s => {{ s.value = '{value}'; s.dispatchEvent(new Event('input')); }}"
        )
    assert len(requests) == 1
    # the tf2 clip plays too, to the end of what TF wrote (1,600 frames at 16 kHz)
    tf2_card = b.pane("audio").locator(".tbnb-audio-card[data-run='tf2']")
    played = page.evaluate(PLAY_JS, tf2_card.element_handle())
    assert played["ended"] and played["duration"] == pytest.approx(0.1, abs=0.01)


TRAIN = """
import numpy as np, torch
from torch.utils.tensorboard import SummaryWriter
w = SummaryWriter({logdir!r})
t = np.arange(4000) / 8000
step = 0
while held():
    clip = (0.3 * np.sin(2 * np.pi * (100 + 20 * step) * t)).astype(np.float32)
    w.add_audio('live/voice', torch.from_numpy(clip)[None], step, sample_rate=8000)
    w.flush()
    step += 1
    _time.sleep(0.25)
w.close()
"""


def test_audio_follows_a_live_run(
    page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold
) -> None:
    logdir = tmp_path / "runs"
    w = TbxWriter(str(logdir / "old"))
    w.add_scalar("loss", 1.0, 0)
    w.close()
    nb, b = open_board(
        page,
        jupyter,
        "live_audio.ipynb",
        [
            "%load_ext tbnb",
            f"%tbnb --logdir {logdir} --reload_interval 0.4",
            hold.code + TRAIN.format(logdir=str(logdir / "live")),
        ],
    )
    assert b.root.locator(".tbnb-tab[data-tab=audio]").is_hidden()
    nb.run_cell(2, wait=False)
    hold.started()
    b.root.locator(".tbnb-tab[data-tab=audio]").wait_for(timeout=30_000)  # appears live
    b.root.scroll_into_view_if_needed()
    b.tab("audio")

    def newest(items: list[dict[str, Any]]) -> bool:
        c = items[0]
        return c["max"] >= 3 and c["value"] == c["max"] and c["clips"][0]["step"] == c["step"]

    # while following, the card shows the newest step with its clip (pushed, not asked)
    first = b.until(AUDIO_JS, newest)[0]
    assert nb.running(2)
    later = b.until(AUDIO_JS, lambda it: newest(it) and it[0]["max"] > first["max"])[0]
    assert later["clips"][0]["src"] and later["clips"][0]["about"].startswith("0.50 s")
    # moved back, the slider stays; moved to the end, it follows again
    slider = b.pane("audio").locator(".tbnb-audio-slider")
    slider.evaluate("s => { s.value = '1'; s.dispatchEvent(new Event('input')); }")
    held_max = later["max"]
    back = b.until(AUDIO_JS, lambda it: it[0]["max"] > held_max + 1)[0]
    assert (back["value"], back["step"], back["clips"][0]["step"]) == (1, "1", "1")
    slider.evaluate("s => { s.value = s.max; s.dispatchEvent(new Event('input')); }")
    b.until(AUDIO_JS, lambda it: newest(it) and it[0]["max"] > back["max"])
    assert nb.running(2)
    hold.release()
    nb.wait_done(2)


# --- video ---------------------------------------------------------------------------

COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]

VIDEO_JS = """
root => [...root.querySelectorAll('.tbnb-pane[data-tab=images] .tbnb-image-slot')].map(s => {
  const c = s.closest('.tbnb-image-card'), v = s.querySelector('.tbnb-video-controls');
  const canvas = s.querySelector('canvas');
  const px = canvas && !canvas.hidden && canvas.width
    ? Array.from(canvas.getContext('2d').getImageData(2, 2, 1, 1).data) : null;
  const msg = s.querySelector('.tbnb-image-loading, .tbnb-image-error');
  return {run: c.dataset.run, tag: c.dataset.tag, frames: v.dataset.frames || null,
          frame: v.dataset.frame ?? null, playing: v.dataset.playing, px,
          imgShown: !s.querySelector('img').hidden, text: v.textContent,
          message: msg && !msg.hidden ? msg.textContent : ''};
})
"""


def test_video_frames_step_and_no_frames(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    pytest.importorskip("moviepy")
    frames = np.zeros((1, len(COLOURS), 3, 12, 16), dtype=np.uint8)  # N T C H W
    for i, colour in enumerate(COLOURS):
        frames[0, i] = np.array(colour, dtype=np.uint8)[:, None, None]
    x = TbxWriter(str(tmp_path / "tbx"))
    x.add_video("clips/video", frames, 3, fps=5)
    x.close()
    t = TorchWriter(str(tmp_path / "torch"))
    t.add_video("clips/video", torch.from_numpy(frames), 3, fps=5)  # no GIF with moviepy 2
    t.close()
    _, b = open_board(
        page,
        jupyter,
        "video.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {tmp_path} --reload_interval 0"],
    )
    b.tab("images")
    items = b.until(
        VIDEO_JS,
        lambda it: len(it) == 2 and card(it, "tbx", "clips/video")["px"] is not None
        and card(it, "torch", "clips/video")["message"] != "",
    )  # fmt: skip
    gif = card(items, "tbx", "clips/video")
    assert gif["frames"] == str(len(COLOURS)) and not gif["imgShown"]
    assert "video · 4 frames · 0.80 s" in gif["text"]
    assert gif["playing"] == "true"  # it plays as a GIF does
    nothing = card(items, "torch", "clips/video")
    assert nothing["message"].startswith("the writer wrote no frames here"), nothing
    assert "pytorch#147317" in nothing["message"] and nothing["frames"] is None

    slot = b.pane("images").locator(".tbnb-image-card[data-run='tbx'] .tbnb-image-slot")
    slot.get_by_role("button", name="pause the video").click()

    def at_frame(i: int) -> dict[str, Any]:
        return card(
            b.until(VIDEO_JS, lambda it: card(it, "tbx", "clips/video")["frame"] == str(i)),
            "tbx",
            "clips/video",
        )

    start = int(card(b.eval(VIDEO_JS), "tbx", "clips/video")["frame"])
    assert card(b.eval(VIDEO_JS), "tbx", "clips/video")["playing"] == "false"
    # each step shows the next frame's pixels, and wraps around at the end
    for k in range(1, len(COLOURS) + 2):
        slot.get_by_role("button", name="next frame").click()
        i = (start + k) % len(COLOURS)
        got = at_frame(i)
        assert got["px"][:3] == pytest.approx(list(COLOURS[i]), abs=8), (i, got)
        assert f"frame {i + 1} / {len(COLOURS)}" in got["text"]
    slot.get_by_role("button", name="previous frame").click()
    i = (start + len(COLOURS)) % len(COLOURS)
    assert at_frame(i)["px"][:3] == pytest.approx(list(COLOURS[i]), abs=8)
    # play again from the keyboard: the frames move on by themselves
    slot.get_by_role("button", name="play the video").focus()
    page.keyboard.press("Enter")
    b.until(VIDEO_JS, lambda it: card(it, "tbx", "clips/video")["frame"] != str(i))
    assert card(b.eval(VIDEO_JS), "tbx", "clips/video")["playing"] == "true"


def test_export_plays_clips_offline(tmp_path: Path, page: Page) -> None:
    """`tbnb export`: the newest clip travels in the snapshot, older ones among the
    page's answers; both play in a file:// page with no kernel."""
    from tbnb.cli import main

    logs = tmp_path / "logs"
    t = TorchWriter(str(logs / "torch"))
    for step in range(3):
        clip = torch.from_numpy(tone(0.2, 8000, 200 * (step + 1)))[None]
        t.add_audio("voice", clip, step, sample_rate=8000)
    t.close()
    out = tmp_path / "report.html"
    assert main(["export", str(logs), "-o", str(out)]) == 0
    page.goto(out.as_uri())
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=30_000)
    root = page.locator(".tbnb-root")
    root.wait_for()
    root.locator(".tbnb-tab[data-tab=audio]").click()  # the only tab with data: open already
    handle = root.element_handle()

    def shown() -> dict[str, Any]:
        items: list[dict[str, Any]] = page.evaluate(AUDIO_JS, handle)
        return items[0] if items else {}

    page.wait_for_function(
        "r => { const a = r.querySelector('.tbnb-audio-card audio');"
        " return a && a.src.startsWith('blob:'); }",
        arg=handle,
        timeout=30_000,
    )
    assert (shown()["step"], shown()["clips"][0]["about"]) == (
        "2",
        "0.20 s · 8,000 Hz · mono · 16-bit PCM",
    )
    card_el = root.locator(".tbnb-audio-card").element_handle()
    root.locator(".tbnb-audio-slider").evaluate(
        "s => { s.value = '0'; s.dispatchEvent(new Event('input')); }"
    )
    page.wait_for_function(
        "c => c.querySelector('audio').dataset.step === '0'", arg=card_el, timeout=30_000
    )
    played = page.evaluate(PLAY_JS, card_el)
    assert played["ended"] and played["duration"] == pytest.approx(0.2, abs=0.01)
