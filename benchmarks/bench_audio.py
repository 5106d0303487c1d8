"""Figures of the Audio tab (issue 17), in JupyterLab in headless Chromium.

    python benchmarks/bench_audio.py

The logdir (benchmarks/.cache/audio_10x10/, git-ignored, written once) holds 100 clips
of 2 s at 44.1 kHz (16-bit mono WAV, 176 KB each: 17.6 MB) written by torch's
``add_audio``: 10 tags x 10 steps.

(a) first drawn: from the click on the Audio tab (on the page's clock) to every card in
    view showing its clip (a player with its Blob, the waveform drawn), and to every
    player there having read the clip's duration; median of 3 fresh pages (goal <= 1 s);
(b) the slider: a step never shown (asked of the kernel) and one already seen (from the
    browser's cache), to the player holding that step's clip (median of 10);
(c) kernel memory for the audio beyond its index: RSS of a process holding a Board that
    made its snapshot and then answered a request for each of the 100 clips, minus one
    holding only the reader's Logdir of the same files (goal <= 10 MB: the clips are
    read from the files when sent, never kept); and the growth from answering the 100
    requests alone; and, for comparison, what a Board of the scalar alone holds (both
    processes import the widget's modules before measuring).

The logdir holds one scalar tag too, so the board opens on Scalars and (a) times the
tab from the click.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Notebook  # noqa: E402

CACHE = REPO / "benchmarks" / ".cache"
TAGS, STEPS, RATE, SECONDS = 10, 10, 44_100, 2.0

CLICK_JS = "el => { const t = performance.now(); el.click(); return t; }"
# every audio card in view shows its clip: player with a Blob, waveform drawn
DRAWN_JS = """
([root, ready]) => {
  const cards = [...root.querySelectorAll('.tbnb-pane[data-tab=audio] .tbnb-audio-card')]
    .filter(c => { const r = c.getBoundingClientRect();
      return r.height > 0 && r.bottom > 0 && r.top < innerHeight; });
  if (!cards.length) return false;
  const ok = cards.every(c => { const a = c.querySelector('audio'), w = c.querySelector('canvas');
    return a && !a.hidden && a.src.startsWith('blob:') && w && !w.hidden && w.width > 0
      && (!ready || a.readyState >= 1); });
  return ok && [performance.now(), cards.length];
}
"""
SLIDE_JS = """
([card, value]) => { const s = card.querySelector('.tbnb-audio-slider');
  const t = performance.now(); s.value = String(value); s.dispatchEvent(new Event('input'));
  return t; }
"""
HOLDS_JS = """
([card, value]) => { const a = card.querySelector('audio');
  return a.dataset.index === String(value) && a.src.startsWith('blob:') && performance.now(); }
"""


def write_logdir() -> Path:
    logdir = CACHE / f"audio_{TAGS}x{STEPS}_v2"
    if (logdir / ".complete").exists():
        return logdir
    import torch
    from torch.utils.tensorboard import SummaryWriter

    t = np.arange(int(RATE * SECONDS)) / RATE
    w = SummaryWriter(str(logdir / "run"), max_queue=1000, flush_secs=3600)
    for s in range(STEPS):
        for k in range(TAGS):
            clip = 0.4 * np.sin(2 * np.pi * (110 * (k + 1) + 20 * s) * t) * np.exp(-t)
            w.add_audio(f"speech/tag{k}", torch.from_numpy(clip.astype(np.float32))[None], s, RATE)
        w.add_scalar("loss", 1 / (s + 1), s)  # the board opens on Scalars
    w.close()
    (logdir / ".complete").write_text("ok")
    return logdir


RSS = """
import gc, json, sys, tbnb
import tbnb.board.widget  # the widget's modules, in both processes: not the audio's cost
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096
gc.collect(); before = rss()
if sys.argv[2] == 'board':
    b = tbnb.Board(sys.argv[1], reload_interval=0)
    b.get_state()  # the snapshot a browser gets, as when displayed
    gc.collect(); shown = rss()
    sent = 0
    for (run, tag), points in b.engine.audio.points().items():
        for i in range(len(points)):
            item = {'run': run, 'tag': tag, 'index': i}
            reply = b.engine.answer({'type': 'audio', 'items': [item]})
            sent += sum(x.nbytes for x in reply[1])
            del reply
    gc.collect(); print(sent, rss() - shown, file=sys.stderr)
else:
    ld = tbnb.Logdir(sys.argv[1]); ld.reload()
gc.collect(); print(rss() - before)
"""


def write_scalars_only(logdir: Path) -> Path:
    """The same scalar tag without the audio: a Board's own memory, for comparison."""
    from tensorboardX import SummaryWriter

    w = SummaryWriter(str(logdir / "run"))
    for s in range(STEPS):
        w.add_scalar("loss", 1 / (s + 1), s)
    w.close()
    return logdir


def rss_growth(logdir: Path, what: str) -> tuple[int, str]:
    out = subprocess.run(
        [sys.executable, "-c", RSS, str(logdir), what], capture_output=True, text=True, check=True
    )
    return int(out.stdout.split()[-1]), out.stderr.strip()


def open_board(jupyter: JupyterServer, page: Page, logdir: Path) -> Any:
    name = jupyter.write_notebook(
        f"bench_audio_{time.time_ns()}.ipynb",
        [f"%load_ext tbnb\n%tbnb --logdir {logdir} --reload_interval 0"],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    root = nb.output(0).locator(".tbnb-root").first
    root.wait_for(timeout=60_000)
    return root.element_handle()


def first_drawn(page: Page, root: Any) -> tuple[float, float, int]:
    tab = root.query_selector(".tbnb-tab[data-tab='audio']")
    t0 = page.evaluate(CLICK_JS, tab)
    drawn = page.wait_for_function(DRAWN_JS, arg=[root, False], polling="raf", timeout=60_000)
    t1, cards = drawn.json_value()
    ready = page.wait_for_function(DRAWN_JS, arg=[root, True], polling="raf", timeout=60_000)
    t2, _ = ready.json_value()
    return (t1 - t0) / 1000, (t2 - t0) / 1000, cards


def slide(page: Page, card: Any, value: int) -> float:
    t0 = page.evaluate(SLIDE_JS, [card, value])
    t1 = page.wait_for_function(HOLDS_JS, arg=[card, value], polling="raf", timeout=60_000)
    return float(t1.json_value() - t0)


def main() -> None:
    logdir = write_logdir()
    disk = sum(p.stat().st_size for p in logdir.rglob("*tfevents*"))
    board_rss, out = rss_growth(logdir, "board")
    sent, answering = (int(x) for x in out.split()[-2:])
    index_rss, _ = rss_growth(logdir, "logdir")
    with tempfile.TemporaryDirectory() as tmp:
        bare_rss, _ = rss_growth(write_scalars_only(Path(tmp)), "board")
    draws: list[tuple[float, float, int]] = []
    asked: list[float] = []
    seen: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        jupyter = JupyterServer.start(Path(tmp) / "jupyter")
        try:
            for _ in range(3):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                root = open_board(jupyter, page, logdir)
                draws.append(first_drawn(page, root))
                if not asked:
                    card = root.query_selector(".tbnb-pane[data-tab=audio] .tbnb-audio-card")
                    for value in range(STEPS - 1):  # never shown: asked of the kernel
                        asked.append(slide(page, card, value))
                    for k in range(10):  # held: from the browser's cache
                        seen.append(slide(page, card, (3 * k) % STEPS))
                page.close()
        finally:
            jupyter.stop()
            browser.close()
    drawn = statistics.median(d[0] for d in draws)
    ready = statistics.median(d[1] for d in draws)
    rows = [
        (
            f"Audio tab first drawn, {TAGS * STEPS} clips of {SECONDS:.0f} s at {RATE:,} Hz",
            f"{drawn:.2f} s",
            "<= 1 s",
        ),
        ("  cards in view", str(draws[0][2]), ""),
        ("  every player there has read its duration", f"{ready:.2f} s", ""),
        ("  runs (drawn, durations read)", "; ".join(f"{a:.2f}, {b:.2f}" for a, b, _ in draws), ""),
        ("Slider to a step never shown (median)", f"{statistics.median(asked):.0f} ms", ""),
        ("Slider to a step already seen (median)", f"{statistics.median(seen):.0f} ms", ""),
        (
            "Kernel memory for the audio beyond its index",
            f"{(board_rss - index_rss) / 1e6:.1f} MB",
            "<= 10 MB",
        ),
        (
            f"  of which answering for all {TAGS * STEPS} clips ({sent / 1e6:.1f} MB sent)",
            f"{answering / 1e6:.1f} MB",
            "",
        ),
        (
            "  a Board of the same scalar without the audio, for comparison",
            f"{bare_rss / 1e6:.1f} MB",
            "",
        ),
        (
            "  (reader's index alone; event files on disk)",
            f"{index_rss / 1e6:.1f} MB; {disk / 1e6:.1f} MB",
            "",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'tbnb':>26}  goal")
    for a, b, c in rows:
        print(f"{a:<{width}}  {b:>26}  {c}")


if __name__ == "__main__":
    main()
