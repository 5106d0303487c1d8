"""The Images, Histograms, Distributions and Text tabs in JupyterLab, on logs written
by tensorboardX, torch.utils.tensorboard and TF2 (the shared corpus): what the page
shows is checked through the DOM and plotly's data, against what was written."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, WebSocket
from tensorboardX import SummaryWriter as TbxWriter
from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboardX.proto.tensor_pb2 import TensorProto
from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboardX.summary import image as image_summary
from tensorboardX.summary import text as text_summary
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import tbnb
from tbnb.compute.histograms import BASIS_POINTS, percentiles
from tbnb.compute.timeaxis import relative_unit
from tests.browser.jupyter import Hold, JupyterServer, Notebook

CORPUS = Path("/work/shared/corpus")
if not CORPUS.is_dir():  # CI's clone has shared/ beside the repository
    CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# --- what the page shows ---------------------------------------------------------

IMAGES_JS = """
root => [...root.querySelectorAll('.tbnb-pane[data-tab=images] .tbnb-image-card')].map(c => {
  const slider = c.querySelector('.tbnb-image-slider');
  const msg = [...c.querySelectorAll('.tbnb-image-loading, .tbnb-image-error')]
    .filter(m => !m.hidden).map(m => m.className + ': ' + m.textContent);
  return {
    run: c.dataset.run, tag: c.dataset.tag, step: c.dataset.step,
    max: Number(slider.max), value: Number(slider.value), sliderShown: !slider.closest('[hidden]'),
    info: c.querySelector('.tbnb-image-info').textContent,
    imgs: [...c.querySelectorAll('img')].filter(i => !i.hidden).map(i => ({
      w: i.naturalWidth, h: i.naturalHeight, complete: i.complete, step: i.dataset.step,
      blob: i.src.startsWith('blob:'), cw: i.clientWidth,
      filter: getComputedStyle(i).filter})),
    messages: msg,
  };
})
"""

# the RGBA of an image's pixel (x, y), read back through a canvas
PIXEL_JS = """
([img, x, y]) => {
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return Array.from(ctx.getImageData(x, y, 1, 1).data);
}
"""

PLOTS_JS = """
([root, tab]) => [...root.querySelectorAll(`.tbnb-pane[data-tab=${tab}] .tbnb-card`)].map(c => {
  const plot = c.querySelector('.js-plotly-plot');
  return {
    run: c.dataset.run, tag: c.dataset.tag, mode: c.dataset.mode || null,
    xaxis: plot && plot.layout && plot.layout.xaxis ? plot.layout.xaxis.type : null,
    // dates (a wall-time axis) as seconds since the epoch
    traces: plot && plot.data ? plot.data.map(t => ({meta: t.meta,
      x: Array.from(t.x, v => v instanceof Date ? v.getTime() / 1000 : v), y: Array.from(t.y)}))
      : null,
  };
})
"""

TEXTS_JS = """
root => [...root.querySelectorAll('.tbnb-pane[data-tab=text] .tbnb-text-card')].map(c => ({
  run: c.dataset.run, tag: c.dataset.tag,
  title: c.querySelector('.tbnb-card-title').textContent,
  entries: [...c.querySelectorAll('.tbnb-text-entry')].map(e => ({
    step: e.dataset.step, meta: e.querySelector('.tbnb-text-meta').textContent,
    text: e.querySelector('.tbnb-text-body').textContent,
    html: e.querySelector('.tbnb-text-body').innerHTML})),
}))
"""

# draws a tab and times it: from the click until every card in view has its plot
# (in view: inside the window and every scrolling box around it)
TAB_TIMING_JS = """
async ([root, tab]) => {
  const inView = el => {
    const r = el.getBoundingClientRect();
    let top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (!['auto', 'scroll'].includes(getComputedStyle(p).overflowY)) continue;
      const pr = p.getBoundingClientRect();
      top = Math.max(top, pr.top);
      bottom = Math.min(bottom, pr.bottom);
    }
    return r.height > 0 && bottom > top;
  };
  const t0 = performance.now();
  root.querySelector(`.tbnb-tab[data-tab=${tab}]`).click();
  const frame = () => new Promise(r => requestAnimationFrame(r));
  for (;;) {
    await frame();
    const cards = [...root.querySelectorAll(`.tbnb-pane[data-tab=${tab}] .tbnb-card`)]
      .filter(inView);
    const plots = cards.map(c => c.querySelector('.js-plotly-plot'));
    if (cards.length && plots.every(p => p && p.data && p._fullLayout)) {
      await frame();
      return {ms: performance.now() - t0, cards: cards.length,
              // histograms drawn: in meta.steps, or along the median of a distribution
              steps: plots.map(p => p.data.reduce((n, t) => n + (t.meta.steps
                ? t.meta.steps.length : t.meta.kind === 'median' ? t.x.length : 0), 0))};
    }
    if (performance.now() - t0 > 20000) return {ms: -1, cards: cards.length, steps: []};
  }
}
"""

# sets a slider and times until the image of the new step is decoded and shown
SLIDE_JS = """
async ([card, value]) => {
  const slider = card.querySelector('.tbnb-image-slider');
  const t0 = performance.now();
  slider.value = String(value);
  slider.dispatchEvent(new Event('input'));
  const img = [...card.querySelectorAll('img')].find(i => !i.hidden);
  if (!img || Number(card.dataset.index) !== Number(img.dataset.index)) return {ms: -1};
  await img.decode();
  return {ms: performance.now() - t0, step: img.dataset.step};
}
"""


# a card shows what it holds: a plot, a decoded image, or a text entry
CARD_DRAWN_JS = """
c => { const p = c.querySelector('.js-plotly-plot');
  return !!((p && p.data && p._fullLayout) || c.querySelector('.tbnb-text-entry')
    || [...c.querySelectorAll('img')].some(i => !i.hidden && i.complete && i.naturalWidth)); }
"""


# the lazy tabs (board.ts) whose chunk the page asked for, by the marks it leaves
TAB_CODE_JS = """() => performance.getEntriesByType('mark').map(m => m.name)
  .filter(n => n.startsWith('tbnb:tab-code:')).map(n => n.slice('tbnb:tab-code:'.length))"""


class Board:
    """A board's output in the notebook, and what was sent to the kernel."""

    def __init__(self, page: Page, nb: Notebook, cell: int) -> None:
        self.page = page
        self.nb = nb
        self.root = nb.output(cell).locator(".tbnb-root").first

    def tab(self, name: str) -> None:
        self.root.locator(f".tbnb-tab[data-tab={name}]").click()

    def pane(self, name: str) -> Locator:
        return self.root.locator(f".tbnb-pane[data-tab={name}]")

    def eval(self, js: str, *args: Any) -> Any:
        handle = self.root.element_handle()
        return self.page.evaluate(js, [handle, *args] if args else handle)

    def until(self, js: str, check: Any, *args: Any, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        got: Any = None
        while time.monotonic() < deadline:
            got = self.eval(js, *args)
            if got and check(got):
                return got
            time.sleep(0.1)
        raise AssertionError(f"condition not met; page shows: {json.dumps(got)[:3000]}")

    def show_cards(self, tab: str, timeout: float = 30) -> None:
        """Scrolls every card of a tab into view until it is drawn (cards draw when on
        screen, and not when scrolled away before their turn came)."""
        cards = self.pane(tab).locator(".tbnb-card")
        for i in range(cards.count()):
            cards.nth(i).scroll_into_view_if_needed()
            self.page.wait_for_function(
                CARD_DRAWN_JS, arg=cards.nth(i).element_handle(), timeout=timeout * 1000
            )


class KernelMessages:
    """The image requests the page sent to the kernel (read from the websocket)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        page.on("websocket", self._attach)

    def wait(self, n: int, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < n and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)  # lets playwright deliver the frames seen
        assert len(self.requests) == n, self.requests

    def _attach(self, ws: WebSocket) -> None:
        ws.on("framesent", self._sent)

    def _sent(self, payload: str | bytes) -> None:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        if '"type":"image"' in text:
            self.requests.append(text)


def open_board(
    page: Page, jupyter: JupyterServer, name: str, cells: list[str], board_cell: int = 1
) -> tuple[Notebook, Board]:
    nb = Notebook(page, jupyter, jupyter.write_notebook(name, cells)).open()
    for i in range(board_cell + 1):
        nb.run_cell(i)
    board = Board(page, nb, board_cell)
    board.root.wait_for()
    return nb, board


def card(items: list[dict[str, Any]], run: str, tag: str) -> dict[str, Any]:
    found = [c for c in items if c["run"] == run and c["tag"] == tag]
    assert found, f"no card for {run}/{tag}: {[(c['run'], c['tag']) for c in items]}"
    return found[0]


# --- images ------------------------------------------------------------------------

GRID_STEPS = [0, 10, 20, 30, 40]


def grid_image(i: int) -> np.ndarray:
    """A make_grid-like CHW float image; step i is red, green or blue all over."""
    img = np.zeros((3, 40, 70), dtype=np.float32)
    img[i % 3] = 1.0
    return img


def write_images(logdir: Path) -> None:
    w = TbxWriter(str(logdir / "tbx"))
    for i, step in enumerate(GRID_STEPS):
        w.add_image("grid/make_grid", grid_image(i), step)
    rng = np.random.default_rng(0)
    w.add_images("grid/batch", rng.random((4, 3, 16, 16)), 0)  # NCHW: a 1 x 4 grid
    w.close()
    t = TorchWriter(str(logdir / "torch"))
    t.add_image("grid/make_grid", grid_image(0), 0)
    gray = np.full((20, 30), 77, dtype=np.uint8)
    t.add_image("gray", gray, 0, dataformats="HW")
    rgba = np.zeros((4, 10, 12), dtype=np.float32)
    rgba[1] = 1.0
    rgba[3] = 0.5  # half transparent green
    t.add_image("rgba", rgba, 0)
    t.close()
    # TF2's tf.summary.image: two samples at one step, and a grayscale one
    shutil.copytree(CORPUS / "tf2", logdir / "tf2")


def test_images_tab(page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold) -> None:
    write_images(tmp_path)
    sent = KernelMessages(page)
    nb, b = open_board(
        page,
        jupyter,
        "images.ipynb",
        [
            "%load_ext tbnb",
            f"%tbnb --logdir {tmp_path} --reload_interval 0",
            hold.code + "while held():\n    _time.sleep(0.05)",  # a busy kernel
        ],
    )
    b.tab("images")
    b.pane("images").locator(".tbnb-image-card").nth(6).wait_for()
    b.show_cards("images")
    written = {
        ("tbx", "grid/make_grid"): [(70, 40)],
        ("torch", "grid/make_grid"): [(70, 40)],
        ("tbx", "grid/batch"): [(64, 16)],
        ("torch", "gray"): [(30, 20)],
        ("torch", "rgba"): [(12, 10)],
        ("tf2/run_a", "samples"): [(12, 8), (12, 8)],
        ("tf2/run_a", "gray"): [(6, 6)],
    }

    def all_loaded(items: list[dict[str, Any]]) -> bool:
        return len(items) == len(written) and all(
            len(c["imgs"]) == len(written[c["run"], c["tag"]])
            and all(i["complete"] and i["w"] for i in c["imgs"])
            for c in items
        )

    items = b.until(IMAGES_JS, all_loaded)
    for c in items:
        # natural sizes are what was written; several images of one step side by side
        assert [(i["w"], i["h"]) for i in c["imgs"]] == written[c["run"], c["tag"]], c
        assert all(i["blob"] for i in c["imgs"])
    # the runs of a tag side by side in one group, sections by prefix, collapsible
    group = b.pane("images").locator(".tbnb-tag-group[data-tag='grid/make_grid']")
    assert group.locator(".tbnb-image-card").count() == 2
    grid_card = group.locator(".tbnb-image-card[data-run='tbx']")
    boxes = [c.bounding_box() for c in group.locator(".tbnb-image-card").all()]
    assert boxes[0] and boxes[1] and boxes[0]["y"] == boxes[1]["y"]
    b.pane("images").locator(".tbnb-section[data-section='grid'] > summary").click()
    assert grid_card.is_hidden()
    b.pane("images").locator(".tbnb-section[data-section='grid'] > summary").click()

    # pixels as written: grayscale (R = G = B), RGBA keeps its alpha, RGB per step
    gray = b.pane("images").locator(".tbnb-image-card[data-run='torch'][data-tag='gray'] img")
    r, g, bl, a = page.evaluate(PIXEL_JS, [gray.element_handle(), 3, 3])
    assert r == g == bl == 77 and a == 255
    rgba = b.pane("images").locator(".tbnb-image-card[data-run='torch'][data-tag='rgba'] img")
    assert 120 <= page.evaluate(PIXEL_JS, [rgba.element_handle(), 1, 1])[3] <= 135

    # the slider: the newest step shown first (pushed, no request), with its wall time
    tbx = card(items, "tbx", "grid/make_grid")
    assert (tbx["max"], tbx["value"], tbx["step"]) == (4, 4, "40")
    assert "step 40" in tbx["info"]
    assert str(time.localtime().tm_year) in tbx["info"]
    assert card(items, "torch", "gray")["sliderShown"] is False
    # every image of a series' newest step is pushed (TF2's two samples at one step
    # included): the first view asked the kernel for nothing
    assert sent.requests == []
    grid_el = grid_card.element_handle()
    page.evaluate(SLIDE_JS, [grid_el, 0])  # not held: asked of the kernel
    sent.wait(1)
    assert '"index":0' in sent.requests[0]
    # (while the bytes are on their way the card shows no image)
    b.until(
        IMAGES_JS,
        lambda it: [i["step"] for i in card(it, "tbx", "grid/make_grid")["imgs"]] == ["0"],
    )
    img = grid_card.locator("img")
    img.evaluate("i => i.decode()")
    assert page.evaluate(PIXEL_JS, [img.element_handle(), 5, 5])[:3] == [255, 0, 0]
    # seen steps come back from the browser's cache: fast, no kernel message
    times = []
    for value, step in ((4, "40"), (0, "0"), (4, "40")):
        got = page.evaluate(SLIDE_JS, [grid_el, value])
        assert got["step"] == step
        times.append(got["ms"])
    assert len(sent.requests) == 1
    # (ms -1: the image was not swapped in the input event itself; how fast is for
    # benchmarks/bench_tabs.py)
    assert min(times) >= 0, times

    # while a cell runs, a cached step still shows at once; another one waits
    nb.run_cell(2, wait=False)
    hold.started()
    got = page.evaluate(SLIDE_JS, [grid_el, 0])
    assert got["step"] == "0" and got["ms"] >= 0
    grid_card.locator(".tbnb-image-slider").evaluate(
        "s => { s.value = '2'; s.dispatchEvent(new Event('input')); }"
    )
    shown = b.eval(IMAGES_JS)
    msg = card(shown, "tbx", "grid/make_grid")["messages"]
    assert msg and "waiting for the kernel" in msg[0], msg
    assert "step 20" in card(shown, "tbx", "grid/make_grid")["info"]
    assert nb.running(2)  # (so the kernel could not have answered yet)
    hold.release()  # the kernel is free again: the image it was asked for comes
    nb.wait_done(2)
    grid_card.scroll_into_view_if_needed()  # running the cell scrolled to it
    b.until(
        IMAGES_JS,
        lambda it: [i["step"] for i in card(it, "tbx", "grid/make_grid")["imgs"]] == ["20"],
    )

    # brightness and contrast are CSS filters; actual size shows the natural pixels
    b.root.locator(".tbnb-img-brightness").evaluate(
        "s => { s.value = '150'; s.dispatchEvent(new Event('input')); }"
    )
    b.root.locator(".tbnb-img-contrast").evaluate(
        "s => { s.value = '80'; s.dispatchEvent(new Event('input')); }"
    )
    f = card(b.eval(IMAGES_JS), "torch", "gray")["imgs"][0]["filter"]
    assert "brightness(1.5)" in f and "contrast(0.8)" in f, f
    b.root.locator(".tbnb-img-reset").click()
    assert card(b.eval(IMAGES_JS), "torch", "gray")["imgs"][0]["filter"] == "none"
    assert card(b.eval(IMAGES_JS), "torch", "gray")["imgs"][0]["cw"] > 30  # fit the card
    b.root.locator(".tbnb-img-actual").check()
    assert card(b.eval(IMAGES_JS), "torch", "gray")["imgs"][0]["cw"] == 30
    # bytes the kernel cannot read any more: its error shows in the card
    for f in (tmp_path / "tbx").iterdir():
        f.unlink()
    grid_card.scroll_into_view_if_needed()
    page.evaluate(SLIDE_JS, [grid_el, 1])  # step 10: never shown, so not held
    shown = b.until(IMAGES_JS, lambda it: card(it, "tbx", "grid/make_grid")["messages"] != [])
    shown = b.until(
        IMAGES_JS, lambda it: "error" in card(it, "tbx", "grid/make_grid")["messages"][0]
    )
    assert "could not read the image" in card(shown, "tbx", "grid/make_grid")["messages"][0]
    # the tag filter and the runs selector apply here as on the scalars tab
    b.root.locator(".tbnb-tag-filter").fill("^gr")
    b.root.locator(".tbnb-run[data-run='torch'] input").uncheck()
    visible = [
        (c.get_attribute("data-run"), c.get_attribute("data-tag"))
        for c in b.pane("images").locator(".tbnb-image-card:visible").all()
    ]
    assert sorted(visible) == [
        ("tbx", "grid/batch"),
        ("tbx", "grid/make_grid"),
        ("tf2/run_a", "gray"),
    ]


# --- histograms and distributions -------------------------------------------------

HIST_STEPS = {"tbx": list(range(0, 400, 10)), "torch": list(range(0, 30))}


def hist_values(run: str, step: int) -> np.ndarray:
    rng = np.random.default_rng(step + (1000 if run == "torch" else 0))
    return rng.normal(loc=step / 40, scale=1 + step / 100, size=2000)


def write_histograms(logdir: Path) -> None:
    w = TbxWriter(str(logdir / "tbx"))
    for step in HIST_STEPS["tbx"]:
        w.add_histogram("weights/w1", hist_values("tbx", step), step)
    w.close()
    t = TorchWriter(str(logdir / "torch"))
    for step in HIST_STEPS["torch"]:
        t.add_histogram("weights/w1", hist_values("torch", step), step)
    t.close()


def write_many_histograms(logdir: Path, tags: int = 5, steps: int = 500) -> None:
    w = TbxWriter(str(logdir / "big"))
    rng = np.random.default_rng(1)
    for step in range(steps):
        for t in range(tags):
            w.add_histogram(f"layer{t}/weights", rng.normal(step / steps, 1, 200), step)
    w.add_scalar("loss", 1.0, 0)  # the board opens on Scalars
    w.close()


def test_histograms_and_distributions(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    write_histograms(tmp_path / "small")
    write_many_histograms(tmp_path / "big")
    nb, b = open_board(
        page,
        jupyter,
        "histograms.ipynb",
        [
            "%load_ext tbnb",
            f"%tbnb --logdir {tmp_path / 'small'} --reload_interval 0",
            f"%tbnb --logdir {tmp_path / 'big'} --reload_interval 0",
        ],
    )
    nb.run_cell(2)
    assert b.root.locator(".tbnb-tab[data-tab=histograms]").is_visible()
    assert b.root.locator(".tbnb-tab[data-tab=images]").is_hidden()
    assert b.root.locator(".tbnb-tab[data-tab=text]").is_hidden()
    b.tab("histograms")
    b.show_cards("histograms")

    def drawn(plots: list[dict[str, Any]]) -> bool:
        return len(plots) == 2 and all(p["traces"] for p in plots)

    plots = b.until(PLOTS_JS, drawn, "histograms")
    for p in plots:
        hist = [t for t in p["traces"] if t["meta"]["kind"] == "histogram"]
        # one trace per histogram written (<= 100 held), in step order
        assert len(hist) == len(HIST_STEPS[p["run"]])
        assert [t["meta"]["step"] for t in hist] == HIST_STEPS[p["run"]]
        assert [t["meta"]["steps"] for t in hist] == [[s] for s in HIST_STEPS[p["run"]]]
        assert p["mode"] == "offset"
        for t in hist:
            ys = [y for y in t["y"] if y is not None]
            step = t["meta"]["step"]
            # a ridge rising from its step (the axis is reversed: up is smaller)
            assert t["y"][0] == step and t["y"][-1] == step and min(ys) < step
    b.root.locator(".tbnb-hist-mode").select_option("overlay")
    plots = b.until(PLOTS_JS, lambda ps: all(p["mode"] == "overlay" for p in ps), "histograms")
    for p in plots:
        for t in p["traces"]:
            # re-binned counts keep every sample: each histogram sums to what was written
            assert sum(t["y"]) == pytest.approx(2000, rel=1e-9)

    # distributions: the bands are the percentiles of what was written
    ld = tbnb.Logdir(str(tmp_path / "small"))
    ld.reload()
    b.tab("distributions")
    b.show_cards("distributions")
    plots = b.until(PLOTS_JS, drawn, "distributions")
    for p in plots:
        points = ld.histograms(p["run"], "weights/w1")
        expected = np.array([percentiles(pt.buckets) for pt in points])
        steps = [pt.step for pt in points]
        bands = {
            (t["meta"]["lo"], t["meta"]["hi"]): t
            for t in p["traces"]
            if t["meta"]["kind"] == "band"
        }
        assert sorted(bands) == [(0, 10000), (668, 9332), (1587, 8413), (3085, 6915)]
        for (lo, hi), t in bands.items():
            n = len(steps)
            assert t["x"] == steps + steps[::-1]
            np.testing.assert_allclose(t["y"][:n], expected[:, BASIS_POINTS.index(hi)], rtol=1e-9)
            np.testing.assert_allclose(
                t["y"][n:][::-1], expected[:, BASIS_POINTS.index(lo)], rtol=1e-9
            )
        median = next(t for t in p["traces"] if t["meta"]["kind"] == "median")
        assert median["x"] == steps
        # and close to numpy's percentiles of the raw data, within the written buckets
        for i, pt in enumerate(points):
            data = hist_values(p["run"], pt.step)
            for bp, got in ((0, bands[0, 10000]["y"][-1 - i]), (5000, median["y"][i])):
                want = float(np.percentile(data, bp / 100))
                # (the writers keep the edges in float32)
                eps = 1e-6 * max(1.0, abs(want))
                b_ = pt.buckets
                inside = b_[(b_[:, 0] <= want + eps) & (want - eps <= b_[:, 1])]
                width = float((inside[:, 1] - inside[:, 0]).max())
                assert abs(got - want) <= width + eps, (p["run"], pt.step, bp, got, want)

    # the horizontal axis: wall time (dates) and relative time, as on the scalars
    for mode, axis in (("wall", "date"), ("relative", "linear")):
        b.root.locator(".tbnb-sidebar .tbnb-xaxis:visible").select_option(mode)
        plots = b.until(
            PLOTS_JS,
            lambda ps, axis=axis, mode=mode: (
                drawn(ps)
                and all(p["xaxis"] == axis for p in ps)
                and all(p["traces"][-1]["x"][-1] != HIST_STEPS[p["run"]][-1] for p in ps)
            ),
            "distributions",
        )
        for p in plots:
            walls = np.array([pt.wall_time for pt in ld.histograms(p["run"], "weights/w1")])
            # relative: in the unit of the one rule (tbnb.compute.timeaxis, js/src/axes.ts)
            scale, _ = relative_unit(float(walls.max() - walls.min()))
            want = walls if mode == "wall" else (walls - walls.min()) / scale
            median = next(t for t in p["traces"] if t["meta"]["kind"] == "median")
            np.testing.assert_allclose(median["x"], want, atol=1e-3 if mode == "wall" else 1e-9)
    b.root.locator(".tbnb-sidebar .tbnb-xaxis:visible").select_option("step")

    # 5 tags x 500 histograms: the tab draws the charts in view within a second
    big = Board(page, nb, 2)
    big.root.evaluate("el => el.scrollIntoView({block: 'start'})")
    timing = big.eval(TAB_TIMING_JS, "histograms")
    assert timing["cards"] >= 1 and all(s == 500 for s in timing["steps"]), timing
    timing = big.eval(TAB_TIMING_JS, "distributions")
    assert timing["cards"] >= 1 and all(s == 500 for s in timing["steps"]), timing


# --- text and injection -------------------------------------------------------------

MARKDOWN = """## Results

| model | acc |
|-------|-----|
| small | 0.91 |
| large | 0.95 |

```python
def f(x):
    return x < 3 and "<b>"
```

- one *emphasis*
- two **strong**

[docs](https://example.org/docs) and [bad](javascript:alert(1))
"""

EVIL_TEXT = '<img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script>'
EVIL_RUN = "<img src=x onerror=window.__pwned=3>"
EVIL_TAG = "<script>window.__pwned=4</script>"


def string_table(tag: str, rows: list[list[str]]) -> Summary:
    """A 2-D string tensor for the text plugin (what tf.summary.text writes for one)."""
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="text"))
    tensor = TensorProto(
        dtype="DT_STRING",
        string_val=[c.encode() for row in rows for c in row],
        tensor_shape=TensorShapeProto(
            dim=[TensorShapeProto.Dim(size=len(rows)), TensorShapeProto.Dim(size=len(rows[0]))]
        ),
    )
    return Summary(value=[Summary.Value(tag=tag, metadata=meta, tensor=tensor)])


def write_texts(logdir: Path) -> None:
    w = TbxWriter(str(logdir / "tbx"))
    w.add_text("notes/md", MARKDOWN, 0)
    w.add_text("notes/md", "second **note**", 5)
    w.add_text("notes/md", "third note", 9)
    rows = [["**a**", "b", "<i>c</i>"], ["1", "`2`", "3"]]
    w._get_file_writer().add_summary(string_table("notes/table", rows), 1)
    w.close()
    t = TorchWriter(str(logdir / "torch"))
    t.add_text("notes/md", "from *torch*", 3)
    t.close()
    e = TbxWriter(str(logdir / EVIL_RUN))
    e.add_text("evil", EVIL_TEXT, 0)
    e._get_file_writer().add_summary(text_summary(EVIL_TAG, "tag with markup"), 0)
    img = np.zeros((3, 4, 4), dtype=np.float32)
    # tensorboardX cleans an image's tag: event files from elsewhere need not be clean
    png = image_summary("x", img).value[0].image
    e._get_file_writer().add_summary(Summary(value=[Summary.Value(tag=EVIL_TAG, image=png)]), 0)
    e.close()


def test_text_tab_and_injection(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    write_texts(tmp_path)
    shutil.copytree(CORPUS / "tf2" / "run_a", tmp_path / "tf2")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _, b = open_board(
        page,
        jupyter,
        "text.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir '{tmp_path}' --reload_interval 0"],
    )
    b.tab("text")
    b.pane("text").locator(".tbnb-text-card").nth(4).wait_for()
    b.show_cards("text")
    texts = b.until(TEXTS_JS, lambda ts: len(ts) == 6 and all(t["entries"] for t in ts))
    md = card(texts, "tbx", "notes/md/text_summary")
    # newest first, each with its step and wall time
    assert [e["step"] for e in md["entries"]] == ["9", "5", "0"]
    assert md["entries"][0]["meta"].startswith("step 9")
    assert str(time.localtime().tm_year) in md["entries"][0]["meta"]
    assert md["entries"][1]["text"].strip() == "second note"
    body = (
        b.pane("text")
        .locator(
            ".tbnb-text-card[data-run='tbx'][data-tag='notes/md/text_summary'] .tbnb-text-entry"
        )
        .nth(2)
    )
    # markdown: heading, table, fenced code (as text), list, emphasis, links
    assert body.locator("h2").inner_text() == "Results"
    assert body.locator("table th").all_inner_texts() == ["model", "acc"]
    assert body.locator("table td").all_inner_texts() == ["small", "0.91", "large", "0.95"]
    assert body.locator("pre code").inner_text() == 'def f(x):\n    return x < 3 and "<b>"\n'
    assert body.locator("li em").inner_text() == "emphasis"
    assert body.locator("li strong").inner_text() == "strong"
    links = body.locator("a")
    assert links.count() == 1  # javascript: is no link: it stays text
    assert links.get_attribute("href") == "https://example.org/docs"
    assert links.get_attribute("target") == "_blank"
    assert "noopener" in (links.get_attribute("rel") or "")
    assert "[bad](javascript:alert(1))" in body.inner_text()
    # a 2-D string tensor is a table built cell by cell, each cell inline markdown
    table = b.pane("text").locator(".tbnb-text-card[data-tag='notes/table'] .tbnb-text-table")
    assert table.locator("tr").count() == 2
    assert table.locator("td").all_inner_texts() == ["a", "b", "<i>c</i>", "1", "2", "3"]
    assert table.locator("td strong").inner_text() == "a"
    assert table.locator("td code").inner_text() == "2"
    assert (
        card(texts, "torch", "notes/md/text_summary")["entries"][0]["text"].strip() == "from torch"
    )
    # TF2's tf.summary.text (the corpus): markdown with a table
    notes = card(texts, "tf2", "notes")
    assert [e["step"] for e in notes["entries"]] == ["3", "0"]
    assert (
        "<table>" in notes["entries"][1]["html"]
        and "<strong>bold</strong>" in notes["entries"][1]["html"]
    )

    # untrusted text, tag and run names are shown as text and run nothing
    evil = card(texts, EVIL_RUN, "evil/text_summary")
    assert evil["title"] == EVIL_RUN
    assert evil["entries"][0]["text"].strip() == EVIL_TEXT
    assert b.pane("text").locator(".tbnb-group-title", has_text=EVIL_TAG).count() == 1
    b.tab("images")
    b.show_cards("images")
    images = b.until(IMAGES_JS, lambda cs: any(c["tag"] == EVIL_TAG and c["imgs"] for c in cs))
    assert card(images, EVIL_RUN, EVIL_TAG)["imgs"][0]["w"] == 4
    assert b.pane("images").locator(".tbnb-group-title", has_text=EVIL_TAG).count() == 1
    # no markup was made of them (so nothing could run later either)
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert b.root.locator("script, img[src='x'], img:not([src^='blob:'])").count() == 0
    assert EVIL_RUN in b.root.locator(".tbnb-run-name").all_inner_texts()


# --- live ------------------------------------------------------------------------------

# a training cell that writes a step every 0.25 s until the test releases it (Hold)
TRAIN = """
import numpy as np
from torch.utils.tensorboard import SummaryWriter
w = SummaryWriter({logdir!r})
rng = np.random.default_rng(0)
step = 0
while held():
    w.add_image('live/img', rng.random((3, 8, 8)), step)
    w.add_histogram('live/hist', rng.normal(step / 10, 1, 500), step)
    w.add_text('live/text', f'step **{{step}}**', step)
    w.flush()
    step += 1
    _time.sleep(0.25)
w.close()
"""


def test_tabs_appear_and_grow_while_training_cell_runs(
    page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold
) -> None:
    logdir = tmp_path / "runs"
    w = TbxWriter(str(logdir / "old"))
    w.add_scalar("loss", 1.0, 0)
    w.close()
    nb, b = open_board(
        page,
        jupyter,
        "live_tabs.ipynb",
        [
            "%load_ext tbnb",
            f"%tbnb --logdir {logdir} --reload_interval 0.4",
            hold.code + TRAIN.format(logdir=str(logdir / "live")),
        ],
    )
    for tab in ("images", "histograms", "distributions", "text"):
        assert b.root.locator(f".tbnb-tab[data-tab={tab}]").is_hidden()
    nb.run_cell(2, wait=False)
    hold.started()
    # the tabs appear live, with their first data
    b.root.locator(".tbnb-tab[data-tab=images]").wait_for(timeout=30_000)
    b.root.scroll_into_view_if_needed()

    def grows(tab: str, measure: Any, times: int = 3) -> list[int]:
        b.tab(tab)
        seen: list[int] = []
        deadline = time.monotonic() + 60  # a safety net: the cell runs until released
        while len(seen) < times:
            assert nb.running(2), f"{tab}: the training cell ended while held; seen {seen}"
            assert time.monotonic() < deadline, f"{tab}: grew only {seen} in 60 s"
            n = measure()
            if n and (not seen or n > seen[-1]):
                seen.append(n)
            time.sleep(0.1)
        return seen

    def image_steps() -> int:
        c = b.eval(IMAGES_JS)
        if not c or not c[0]["imgs"]:
            return 0
        # while following, the card shows the newest step held, with its bytes
        assert c[0]["value"] == c[0]["max"]
        return int(c[0]["max"]) + 1

    grows("images", image_steps)
    # moved back, the slider stays; moved to the end, it follows again
    slider = b.pane("images").locator(".tbnb-image-slider")
    slider.evaluate("s => { s.value = '0'; s.dispatchEvent(new Event('input')); }")
    before = b.eval(IMAGES_JS)[0]["max"]
    after = b.until(IMAGES_JS, lambda c: c[0]["max"] > before + 1)[0]
    assert after["value"] == 0 and after["step"] == "0"
    assert [i["step"] for i in after["imgs"]] == ["0"]  # pushed while newest: cached
    slider.evaluate("s => { s.value = s.max; s.dispatchEvent(new Event('input')); }")
    b.until(IMAGES_JS, lambda c: c[0]["value"] == c[0]["max"] > after["max"])

    def histograms() -> int:
        p = b.eval(PLOTS_JS, "histograms")
        return sum(len(t["meta"]["steps"]) for t in p[0]["traces"]) if p and p[0]["traces"] else 0

    grows("histograms", histograms)

    def medians() -> int:
        p = b.eval(PLOTS_JS, "distributions")
        if not p or not p[0]["traces"]:
            return 0
        return len(next(t for t in p[0]["traces"] if t["meta"]["kind"] == "median")["x"])

    grows("distributions", medians)

    def texts() -> int:
        t = b.eval(TEXTS_JS)
        if not t or not t[0]["entries"]:
            return 0
        steps = [int(e["step"]) for e in t[0]["entries"]]
        assert steps == sorted(steps, reverse=True)  # newest first
        return len(steps)

    grows("text", texts)
    hold.release()
    nb.wait_done(2)
