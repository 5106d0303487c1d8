"""Figures of the scalars tab's tools (issue 15), in JupyterLab in headless Chromium, on
a board of 100 runs x 20 tags, every figure on the page's clock:

    python benchmarks/bench_scalars_tools.py            # 100 runs x 20 tags
    python benchmarks/bench_scalars_tools.py --quick    # 20 runs x 20 tags, fewer points

The logdir (written once with tensorboardX into benchmarks/.cache/, git-ignored) has 100
runs x 20 tags: tag `big/points` with 10,000 steps per run (the download's card: 100
runs x 10,000 points = 1,000,000 points, held downsampled in the browser, so the kernel
sends them) and 19 tags of 500 steps (writing 20 x 10,000 per run would take this
2-core VM about ten minutes and changes none of the four figures: each works on what
the cards in view hold).

- step marker -> data table: a marker key press (ArrowLeft) on a card's handle, from the
  keydown event to the table's rows replaced (the work is synchronous) and to the next
  frame; 30 presses, alone and with link by step on (every card in view updates). A
  drag: real mouse moves of the handle (Playwright), from each pointermove event to its
  handlers done and to the next frame.
- pinning: a click on "Pin card" to the pinned copy's plot holding 100 runs' lines and
  its tools (step marker overlay) laid over it; 5 times (unpinned in between).
- linked hover: real mouse moves over a card with "Link hover and zoom" on, from each
  mousemove event to every card in view showing its crosshair and tooltip, and to the
  next frame.
- download: "Download CSV" (and JSON) of the 100 x 10,000 card, from the click on the
  format to the file handed to the browser. Opening the menu asks the kernel for every
  point (it answers 10 runs a message) and has workers write the numbers as text as they
  come; a person's 300 ms later the format is clicked. Measured twice: with Playwright
  attached, and with Playwright detached (unobserved.py: its copy of every websocket
  frame to its driver doubles the time of 16 MB from the kernel), the page idle before
  each, 5 times each format, each file then checked for its 1,000,001 rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import Page, sync_playwright
from tensorboardX import SummaryWriter

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.unobserved import UnobservedChromium  # noqa: E402
from tests.browser.drawn import RAW_RUNS  # noqa: E402
from tests.browser.jupyter import JupyterServer, Notebook  # noqa: E402

CACHE = REPO / "benchmarks" / ".cache"
BIG = "big/points"


def _write(args: tuple[Path, list[int], int, int, int]) -> None:
    logdir, runs, tags, big, small = args
    for r in runs:
        rng = np.random.default_rng(r)
        w = SummaryWriter(str(logdir / f"run{r:03d}"), max_queue=10_000, flush_secs=3600)
        walk = np.cumsum(rng.normal(size=big))
        for step in range(big):
            w.add_scalar(BIG, float(walk[step]), step)
        walks = np.cumsum(rng.normal(size=(small, tags - 1)), axis=0)
        for step in range(small):
            for t in range(tags - 1):
                w.add_scalar(f"group{t % 4}/tag{t:02d}", float(walks[step, t]), step * 20)
        w.close()


def write_logdir(runs: int, tags: int, big: int, small: int) -> Path:
    from multiprocessing import Pool

    logdir = CACHE / f"scalars_tools_{runs}x{tags}_{big}_{small}"
    done = logdir / ".complete"
    if done.exists():
        return logdir
    procs = 2
    parts = [(logdir, list(range(runs))[i::procs], tags, big, small) for i in range(procs)]
    with Pool(procs) as pool:
        pool.map(_write, parts)
    done.write_text("ok")
    return logdir


# times of each event of `type` on `target`: its dispatch (window, capture), its handlers
# done (window, bubble: after the board's own on the element), and the next frame
TIMED_JS = """
([type]) => {
  window.__tbnbTimes = [];
  if (window.__tbnbTimed && window.__tbnbTimed.has(type)) return;
  (window.__tbnbTimed = window.__tbnbTimed || new Set()).add(type);
  const start = (e) => { e.__t0 = performance.now(); };
  const end = (e) => {
    if (e.__t0 === undefined) return;
    const t0 = e.__t0, t1 = performance.now();
    const rec = {work: t1 - t0};
    window.__tbnbTimes.push(rec);
    requestAnimationFrame(() => { rec.frame = performance.now() - t0; });
  };
  window.addEventListener(type, start, true);
  window.addEventListener(type, end, false);
}
"""


# a click on "Pin card" to the copy drawn (plotly's promise resolved, the tools laid out)
PIN_JS = """
(el) => new Promise((resolve) => {
  const t0 = performance.now();
  el.querySelector('[aria-label="Pin card"]').click();
  const tag = el.dataset.tag;
  const check = () => {
    const c = [...document.querySelectorAll('.tbnb-chart[data-pinned]')]
      .find(c => c.dataset.tag === tag);
    const p = c && c.querySelector('.js-plotly-plot');
    const tools = c && c.querySelector('.tbnb-overlay');
    if (p && p.data && p.data.length && p._fullLayout && tools && !tools.hidden)
      resolve(performance.now() - t0);
    else requestAnimationFrame(check);
  };
  check();
})
"""


def times(page: Page) -> list[dict[str, float]]:
    page.wait_for_timeout(100)  # the last frames' callbacks
    got: list[dict[str, float]] = page.evaluate("window.__tbnbTimes")
    return [t for t in got if "frame" in t]


def summary(ts: list[dict[str, float]]) -> str:
    work = [t["work"] for t in ts]
    frame = [t["frame"] for t in ts]
    return (
        f"median {statistics.median(work):.1f} ms, max {max(work):.1f} ms "
        f"(to the next frame: median {statistics.median(frame):.1f}, max {max(frame):.1f}) "
        f"over {len(ts)}"
    )


class Rows(list[tuple[str, str]]):
    """The figures, each printed (to stderr) as soon as it is measured."""

    def append(self, row: tuple[str, str]) -> None:
        super().append(row)
        print(f"{row[0]}: {row[1]}", file=sys.stderr, flush=True)


def bench(page: Page, jupyter: JupyterServer, logdir: Path, runs: int) -> list[tuple[str, str]]:
    name = jupyter.write_notebook(
        f"bench_tools_{time.time_ns()}.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0"],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.output(1).locator(".tbnb-root").first
    card = root.locator(f".tbnb-chart[data-tag='{BIG}']:not([data-pinned])")
    page.wait_for_function(
        "([el, n]) => { const p = el.querySelector('.js-plotly-plot');"
        f" return p && p.data && {RAW_RUNS}(p) >= n; }}",
        arg=[card.element_handle(), runs],
        timeout=300_000,
    )
    card.scroll_into_view_if_needed()
    rows = Rows()
    in_view = root.evaluate(
        "r => [...r.querySelectorAll('.tbnb-chart')].filter(c => { const b ="
        " c.getBoundingClientRect(); return b.bottom > 0 && b.top < innerHeight; }).length"
    )
    rows.append(("cards in view", str(in_view)))

    # the step marker by keys: alone, then linked by step
    handle = card.get_by_role("slider", name="Step marker", exact=True)
    for linked in (False, True):
        if linked:
            tools = root.locator("details.tbnb-tools")
            if tools.get_attribute("open") is None:
                tools.locator("summary").click()
            root.get_by_label("Link by step").check()
            card.scroll_into_view_if_needed()
        handle.focus()
        handle.press("End")
        page.evaluate(TIMED_JS, ["keydown"])
        for _ in range(30):
            handle.press("ArrowLeft")
        rows_at = card.locator(".tbnb-data-table tbody tr").count()
        what = "linked by step, every card in view" if linked else "one card"
        rows.append((f"marker key -> table ({what}; {rows_at} rows)", summary(times(page))))

    # a drag of the handle with the mouse
    box = handle.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.evaluate(TIMED_JS, ["pointermove"])
    page.mouse.down()
    page.mouse.move(box["x"] - 300, box["y"] + 4, steps=40)
    page.mouse.up()
    rows.append(("marker drag -> tables (linked by step)", summary(times(page))))

    # linked hover over the cards in view
    root.get_by_label("Link hover and zoom").check()
    card.scroll_into_view_if_needed()
    plot = card.locator(".js-plotly-plot").bounding_box()
    assert plot is not None
    page.mouse.move(plot["x"] + 80, plot["y"] + 100)
    page.evaluate(TIMED_JS, ["mousemove"])
    page.mouse.move(plot["x"] + plot["width"] - 40, plot["y"] + 110, steps=60)
    shown = root.evaluate(
        "r => [...r.querySelectorAll('.tbnb-tooltip')].filter(t => !t.hidden).length"
    )
    rows.append((f"linked hover, per move ({shown} tooltips shown)", summary(times(page))))
    page.mouse.move(2, 2)

    # pinning a card: to the pinned copy drawn by plotly and its tools laid over it (a
    # real card: hover, markers and zoom work at once); unpinned and pinned again, 5 times
    pins: list[float] = []
    for _ in range(5):
        pins.append(card.evaluate(PIN_JS))
        card.evaluate(
            """(el) => new Promise((resolve) => {
              el.querySelector('[aria-label="Pin card"]').click();
              const gone = () => document.querySelector('.tbnb-chart[data-pinned]')
                ? requestAnimationFrame(gone) : requestIdleCallback(() => resolve());
              gone();
            })"""
        )
    rows.append(
        (
            f"pin card -> pinned copy drawn ({runs} runs)",
            f"median {statistics.median(pins):.0f} ms (min {min(pins):.0f}, max {max(pins):.0f})"
            f" over {len(pins)}",
        )
    )

    # downloads of every point: the kernel sends them (the browser holds them downsampled)
    for fmt in ("csv", "json"):
        card.scroll_into_view_if_needed()
        card.get_by_label("Download data").click()
        with page.expect_download() as got:
            card.get_by_role("button", name=f"Download {fmt.upper()}").click()
        path = Path(got.value.path())
        info = json.loads(card.get_attribute("data-downloaded") or "{}")
        size = path.stat().st_size
        rows.append(
            (
                f"download {fmt.upper()}, Playwright attached, {info['runs']} runs x"
                f" {info['points'] // info['runs']:,} points ({size / 1e6:.1f} MB)",
                f"{info['ms']:.0f} ms from the format's click ({info['asked']} series asked of"
                f" the kernel as the menu opened; {info['wait_ms']:.0f} ms of it waiting for"
                f" them; written by {info['workers']} workers)",
            )
        )
    return rows


# a download with Playwright detached: the page idle (the last download's file saved and
# its memory let go, as a person's pause leaves it), the menu opened, a person's 300 ms
# to choose the format, then the click on it; the board's own detail of the download
# (its `ms` from that click to the file handed to the browser)
DETACHED_JS = """
(async () => {
  const card = [...document.querySelectorAll('.tbnb-chart:not([data-pinned])')]
    .find(c => c.dataset.tag === %(tag)s);
  card.scrollIntoView();
  for (let i = 0; i < 3; i++) await new Promise(r => requestIdleCallback(r, {timeout: 2000}));
  const t0 = performance.now();
  card.querySelector('details.tbnb-download > summary').click();
  await new Promise(r => setTimeout(r, 300));
  const done = new Promise(r =>
    card.addEventListener('tbnb-download', e => r(e.detail), {once: true}));
  card.querySelector('[aria-label="Download %(fmt)s"]').click();
  const detail = await done;
  return {...detail, from_menu_ms: performance.now() - t0};
})()
"""


DETACHED_REPEATS = 5


def detached_downloads(chromium: UnobservedChromium, tmp: Path) -> list[tuple[str, str]]:
    rows = Rows()
    for fmt in ("csv", "json"):
        ms: list[float] = []
        menu: list[float] = []
        waits: list[float] = []
        writes: list[float] = []
        saves: list[float] = []
        for i in range(DETACHED_REPEATS):
            where = tmp / f"downloads-{fmt}-{i}"
            where.mkdir()
            chromium.downloads_to(where)
            info = chromium.evaluate(DETACHED_JS % {"tag": json.dumps(BIG), "fmt": fmt.upper()})
            ms.append(info["ms"])
            menu.append(info["from_menu_ms"])
            writes.append(info["write_ms"])
            saves.append(info["save_ms"])
            assert info["prefetched"], info
            waits.append(info["wait_ms"])
            deadline = time.monotonic() + 60
            while not (files := [f for f in where.iterdir() if f.suffix == f".{fmt}"]):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no {fmt} file was saved")
                time.sleep(0.05)
            size = files[0].stat().st_size
            if fmt == "csv":
                with files[0].open("rb") as f:
                    lines = sum(1 for _ in f)
                assert lines == 1 + info["points"], (lines, info)
            else:
                data = json.loads(files[0].read_text())
                assert sum(len(r["value"]) for r in data["runs"]) == info["points"], info
        rows.append(
            (
                f"download {fmt.upper()}, Playwright detached ({info['runs']} runs x"
                f" {info['points'] // info['runs']:,} points, {size / 1e6:.1f} MB)",
                f"median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f})"
                f" over {len(ms)} from the format's click, written by {info['workers']}"
                f" workers, waiting for the kernel's points {statistics.median(waits):.0f} ms"
                f" of it, the last rows {statistics.median(writes):.0f} ms, the Blob"
                f" {statistics.median(saves):.0f} ms; from the menu's click"
                f" {statistics.median(menu):.0f} ms (300 ms of it the person choosing the"
                " format, the points on their way)",
            )
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    runs, big, small = (20, 2_000, 200) if args.quick else (100, 10_000, 500)
    t0 = time.perf_counter()
    logdir = write_logdir(runs, 20, big, small)
    print(f"logdir {logdir} ({time.perf_counter() - t0:.0f} s to have it)", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        chromium = UnobservedChromium(Path(tmp) / "profile")
        jupyter = JupyterServer.start(Path(tmp) / "jupyter")
        try:
            page = chromium.attach(pw)
            rows = bench(page, jupyter, logdir, runs)
            chromium.detach()
            rows += detached_downloads(chromium, Path(tmp))
        finally:
            jupyter.stop()
            chromium.stop()
    print(f"\nscalars tools, {runs} runs x 20 tags ({BIG}: {big:,} points per run)")
    width = max(len(r[0]) for r in rows)
    for a, b in rows:
        print(f"{a:<{width}}  {b}")


if __name__ == "__main__":
    main()
