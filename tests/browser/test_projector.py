"""The embedding projector in JupyterLab, on embeddings written by torch's and
tensorboardX's `add_embedding` and on `tbnb.Projector`: what the page shows is read
from the DOM and from plotly's trace, and checked against numpy (PCA, neighbours,
search matches) and what was written (labels, thumbnails)."""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import torch
from playwright.sync_api import Locator, Page
from tensorboardX import SummaryWriter as TbxWriter
from torch.utils.tensorboard import SummaryWriter as TorchWriter

from tbnb.compute.projections import sample
from tests.browser.jupyter import JupyterServer, Notebook

CLASSES = ["airplane", "bird", "cat"]
# thumbnail colour of each class (label_img is solid per class)
CLASS_RGB = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
THUMB_H, THUMB_W = 12, 16

# --- what the page shows -----------------------------------------------------------

TRACE_JS = """
root => {
  const plot = root.querySelector('.tbnb-pj-plot');
  const t = plot && plot.data && plot.data[0];
  if (!t) return null;
  const key = c => Array.isArray(c) || ArrayBuffer.isView(c)
    ? Array.from(c, v => Math.round(v * 1000) / 1000).join(',') : String(c);
  return {
    type: t.type, fullType: plot._fullData[0].type, meta: t.meta,
    x: Array.from(t.x), y: Array.from(t.y), z: t.z ? Array.from(t.z) : null,
    color: Array.isArray(t.marker.color) ? t.marker.color.map(key) : [key(t.marker.color)],
  };
}
"""

STATE_JS = """
root => ({...root.dataset,
  text: root.querySelector('.tbnb-pj-state-text').textContent,
  error: root.querySelector('.tbnb-pj-error').hidden ? '' :
    root.querySelector('.tbnb-pj-error').textContent,
  search: root.querySelector('.tbnb-pj-search-info').textContent})
"""

LEGEND_JS = """
root => [...root.querySelectorAll('.tbnb-pj-legend-item')].map(i => ({
  name: i.querySelector('.tbnb-pj-legend-name').textContent,
  category: i.dataset.category, count: i.dataset.count,
  countText: i.querySelector('.tbnb-pj-legend-count').textContent,
  html: i.innerHTML}))
"""

NEIGHBORS_JS = """
root => [...root.querySelectorAll('.tbnb-pj-neighbor')].map(b => ({
  index: Number(b.dataset.index), distance: Number(b.dataset.distance),
  label: b.querySelector('.tbnb-pj-neighbor-label').textContent,
  html: b.innerHTML}))
"""

# the hover card, and the RGBA of its thumbnail's centre pixel
CARD_JS = """
root => {
  const card = root.querySelector('.tbnb-pj-card');
  const canvas = card.querySelector('canvas');
  let pixel = null;
  if (!canvas.hidden && canvas.width) {
    pixel = Array.from(canvas.getContext('2d').getImageData(
      canvas.width >> 1, canvas.height >> 1, 1, 1).data);
  }
  return {hidden: card.hidden, index: card.dataset.index,
    title: card.querySelector('.tbnb-pj-card-title').textContent,
    meta: card.querySelector('.tbnb-pj-card-meta').textContent,
    html: card.innerHTML,
    canvas: {hidden: canvas.hidden, w: canvas.width, h: canvas.height}, pixel};
}
"""

# screen position of drawn point i in a 2D plot (plotly's axes, in page pixels)
POINT_XY_JS = """
([root, i]) => {
  const plot = root.querySelector('.tbnb-pj-plot');
  const fl = plot._fullLayout, t = plot.data[0];
  const box = plot.getBoundingClientRect();
  return [box.left + fl._size.l + fl.xaxis.l2p(t.x[i]),
          box.top + fl._size.t + fl.yaxis.l2p(t.y[i])];
}
"""


def emit(kind: str, point: int, xy: tuple[float, float] | None = None) -> str:
    """JS that makes the plot emit a plotly event for drawn point `point`."""
    event = f", event: {{clientX: {xy[0]}, clientY: {xy[1]}}}" if xy else ""
    return (
        "root => root.querySelector('.tbnb-pj-plot').emit("
        f"'{kind}', {{points: [{{curveNumber: 0, pointNumber: {point}}}]{event}}})"
    )


class Projector:
    """A projector in a notebook output: a board's Projector tab or tbnb.Projector."""

    def __init__(self, page: Page, root: Locator) -> None:
        self.page = page
        self.root = root

    def eval(self, js: str, *args: Any) -> Any:
        handle = self.root.element_handle()
        return self.page.evaluate(js, [handle, *args] if args else handle)

    def until(self, js: str, check: Any, *args: Any, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        got: Any = None
        while time.monotonic() < deadline:
            got = self.eval(js, *args)
            if got is not None and check(got):
                return got
            time.sleep(0.05)
        raise AssertionError(f"condition not met; page shows: {json.dumps(got)[:3000]}")

    def state(self) -> dict[str, Any]:
        return self.eval(STATE_JS)

    def drawn(self, n: int, method: str = "pca", dims: int = 3, timeout: float = 30) -> Any:
        """Waits for n points of `method` in `dims` drawn and the state done."""
        self.until(
            STATE_JS,
            lambda s: (
                s.get("state") == "done"
                and s.get("points") == str(n)
                and s.get("method") == method
                and s.get("dims") == str(dims)
            ),
            timeout=timeout,
        )
        return self.eval(TRACE_JS)

    def click(self, selector: str) -> None:
        self.root.locator(selector).first.click()


def open_notebook(page: Page, jupyter: JupyterServer, name: str, cells: list[str]) -> Notebook:
    nb = Notebook(page, jupyter, jupyter.write_notebook(name, cells)).open()
    for i in range(len(cells)):
        nb.run_cell(i)
    return nb


def open_projector_tab(page: Page, jupyter: JupyterServer, name: str, logdir: Path) -> Projector:
    """A notebook showing a board of ``logdir`` (read once), its Projector tab opened."""
    cells = ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0"]
    board = open_notebook(page, jupyter, name, cells).output(1).locator(".tbnb-root").first
    board.locator(".tbnb-tab[data-tab=projector]").click()
    return Projector(page, board.locator(".tbnb-pane[data-tab=projector] .tbnb-projector"))


# --- data ----------------------------------------------------------------------------


def clustered(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points in d dimensions around 3 class centres; the class of each point."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 6, (3, d))
    lab = rng.permutation(np.arange(n) % 3)
    return (centres[lab] + rng.normal(0, 1, (n, d))).astype(np.float32), lab


def thumbnails(lab: np.ndarray, h: int = THUMB_H, w: int = THUMB_W) -> np.ndarray:
    """NCHW floats in [0, 1], one solid colour per class."""
    imgs = np.zeros((len(lab), 3, h, w), np.float32)
    for i, c in enumerate(lab):
        imgs[i, c] = 1.0
    return imgs


def numpy_pca(x: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    xc = x.astype(np.float64) - x.mean(axis=0)
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    return xc @ vt[:k].T, s**2 / (s**2).sum()


def cosine_neighbors(x: np.ndarray, i: int, k: int) -> list[int]:
    a = x.astype(np.float64)
    sim = (a @ a[i]) / (np.linalg.norm(a, axis=1) * np.linalg.norm(a[i]))
    sim[i] = -np.inf
    return [int(j) for j in np.argsort(-sim, kind="stable")[:k]]


def same_sign(a: list[float], b: np.ndarray) -> np.ndarray:
    """`a` with the sign that matches `b` (a principal component's sign is arbitrary)."""
    arr = np.asarray(a)
    return arr if float(arr @ b) >= 0 else -arr


def groups(keys: list[str]) -> set[frozenset[int]]:
    """The partition of point indices by equal key."""
    by: dict[str, set[int]] = {}
    for i, k in enumerate(keys):
        by.setdefault(k, set()).add(i)
    return {frozenset(g) for g in by.values()}


# --- tests ---------------------------------------------------------------------------


def test_torch_embedding_pca_colours_hover_neighbours_search(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    n = 300
    x, lab = clustered(n, 32)
    labels = [CLASSES[c] for c in lab]
    w = TorchWriter(str(tmp_path / "torch"))
    w.add_embedding(
        torch.tensor(x), metadata=labels, label_img=torch.tensor(thumbnails(lab)), tag="features"
    )
    w.close()
    pj = open_projector_tab(page, jupyter, "projector_torch.ipynb", tmp_path)

    # PCA 3D of every point, on the components numpy finds
    t = pj.drawn(n)
    assert t["type"] == t["fullType"] == "scatter3d"
    assert t["meta"] == {"kind": "points", "method": "pca", "dims": 3}
    assert len(t["x"]) == len(t["y"]) == len(t["z"]) == n
    scores, ratio = numpy_pca(x)
    for axis, c in (("x", 0), ("y", 1)):
        got = same_sign(t[axis], scores[:, c])
        np.testing.assert_allclose(got, scores[:, c], atol=2e-3 * np.abs(scores[:, c]).max())
    options = pj.root.locator(".tbnb-pj-comp-x option").all_text_contents()
    assert len(options) == 10
    assert options[0] == f"PC1 ({ratio[0] * 100:.1f}%)", options
    assert options[1] == f"PC2 ({ratio[1] * 100:.1f}%)", options
    # torch writes no shape in its config: the option says the one received
    option = pj.root.locator(".tbnb-pj-embedding option").first.text_content()
    assert option == "torch / features / step 0 / 300 \u00d7 32", option

    # coloured by label: one colour per class, the legend lists the classes with counts
    assert len(set(t["color"])) == 3
    assert groups(t["color"]) == groups(labels)
    legend = pj.eval(LEGEND_JS)
    assert {item["name"]: int(item["count"]) for item in legend} == Counter(labels)
    assert all(item["countText"] == item["count"] for item in legend)

    # hover: the card shows the label and the point's thumbnail cut from the sprite
    box = pj.root.locator(".tbnb-pj-stage").bounding_box()
    assert box is not None
    xy = (box["x"] + 100, box["y"] + 80)
    for i in (0, 7, n - 1):
        pj.eval(emit("plotly_hover", i, xy))
        card = pj.eval(CARD_JS)
        assert not card["hidden"] and card["index"] == str(i)
        assert card["title"] == labels[i]
        assert card["canvas"] == {"hidden": False, "w": THUMB_W, "h": THUMB_H}
        assert card["pixel"][:3] == list(CLASS_RGB[lab[i]]), (i, card["pixel"])
    pj.eval(emit("plotly_unhover", 0))
    assert pj.eval(CARD_JS)["hidden"]

    # click a point: its 10 nearest neighbours by cosine distance, as numpy finds them
    i = 5
    pj.eval(emit("plotly_click", i))
    pj.until(STATE_JS, lambda s: s.get("neighbors") == "10" and s.get("selected") == str(i))
    near = pj.eval(NEIGHBORS_JS)
    assert [e["index"] for e in near] == cosine_neighbors(x, i, 10)
    assert [e["label"] for e in near] == [labels[e["index"]] for e in near]
    assert all(a["distance"] <= b["distance"] for a, b in itertools.pairwise(near))
    # the point and its neighbours keep their colour, the rest are dimmed
    t2 = pj.eval(TRACE_JS)
    kept = {j for j in range(n) if t2["color"][j] == t["color"][j]}
    assert kept == {i, *(e["index"] for e in near)}
    # 5 neighbours, euclidean
    pj.root.locator(".tbnb-pj-k").select_option("5")
    pj.root.locator(".tbnb-pj-metric").select_option("euclidean")
    d = np.linalg.norm(x - x[i], axis=1)
    d[i] = np.inf
    pj.until(NEIGHBORS_JS, lambda e: [a["index"] for a in e] == list(np.argsort(d)[:5]))
    # a neighbour in the list selects it
    j = pj.eval(NEIGHBORS_JS)[2]["index"]
    pj.root.locator(f".tbnb-pj-neighbor[data-index='{j}']").click()
    pj.until(STATE_JS, lambda s: s.get("selected") == str(j) and s.get("neighbors") == "5")
    pj.click(".tbnb-pj-clear")
    pj.until(TRACE_JS, lambda tr: tr["color"] == t["color"])
    assert "selected" not in pj.state()

    # search: a regex matching one class highlights exactly that class
    pj.click(".tbnb-pj-regex")
    pj.root.locator(".tbnb-pj-search").fill("^b")
    birds = {k for k in range(n) if labels[k] == "bird"}
    pj.until(STATE_JS, lambda s: s.get("matches") == str(len(birds)))
    t3 = pj.eval(TRACE_JS)
    assert {k for k in range(n) if t3["color"][k] == t["color"][k]} == birds
    assert len({t3["color"][k] for k in range(n) if k not in birds}) == 1  # one dim colour
    assert pj.state()["search"] == f"{len(birds)} matches"
    # an invalid regex says so, without an exception
    pj.root.locator(".tbnb-pj-search").fill("(")
    pj.until(STATE_JS, lambda s: "invalid regex" in s["search"] and "matches" not in s)
    assert "tbnb-invalid" in (pj.root.locator(".tbnb-pj-search").get_attribute("class") or "")
    # plain text: case-insensitive substring
    pj.click(".tbnb-pj-regex")
    pj.root.locator(".tbnb-pj-search").fill("CA")
    pj.until(STATE_JS, lambda s: s.get("matches") == str(labels.count("cat")))
    pj.root.locator(".tbnb-pj-search").fill("")
    pj.until(TRACE_JS, lambda tr: tr["color"] == t["color"])

    # 2D: scattergl; a real mouse hover and click on a point
    pj.click(".tbnb-pj-dims [data-value='2']")
    t4 = pj.drawn(n, dims=2)
    assert t4["type"] == t4["fullType"] == "scattergl" and t4["z"] is None
    assert t4["meta"] == {"kind": "points", "method": "pca", "dims": 2}
    np.testing.assert_allclose(t4["x"], t["x"])
    k = int(np.argmax(np.asarray(t4["x"])))  # the rightmost point: none on top of it
    px, py = pj.eval(POINT_XY_JS, k)
    page.mouse.move(px - 30, py)
    page.mouse.move(px, py)
    card = pj.until(CARD_JS, lambda c: not c["hidden"] and c["index"] == str(k))
    assert card["title"] == labels[k]
    page.mouse.click(px, py)
    pj.until(STATE_JS, lambda s: s.get("selected") == str(k) and s.get("neighbors") == "5")
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_tensorboardx_two_embeddings_dropdown_and_columns(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    x1, lab1 = clustered(120, 16, seed=1)
    x2, lab2 = clustered(80, 8, seed=2)
    rng = np.random.default_rng(3)
    score = rng.random(120)
    rows = [[CLASSES[c], f"g{i % 4}", f"{score[i]:.4f}"] for i, c in enumerate(lab1)]
    w = TbxWriter(str(tmp_path / "tbx"))
    w.add_embedding(x1, metadata=rows, metadata_header=["label", "group", "score"], tag="first")
    w.add_embedding(x2, metadata=[CLASSES[c] for c in lab2], tag="second", global_step=10)
    w.close()
    pj = open_projector_tab(page, jupyter, "projector_tbx.ipynb", tmp_path)
    select = pj.root.locator(".tbnb-pj-embedding")
    pj.until(STATE_JS, lambda s: s.get("state") == "done")
    options = select.locator("option").all_text_contents()
    assert sorted(o.split(" / ")[:3] for o in options) == [
        ["tbx", "first", "step 0"],
        ["tbx", "second", "step 10"],
    ], options
    first = next(o for o in options if "/ first /" in o)
    second = next(o for o in options if "/ second /" in o)
    chosen = select.input_value()
    n_chosen = 120 if select.locator(f"option[value='{chosen}']").text_content() == first else 80
    pj.drawn(n_chosen)
    # switching redraws with the other embedding's points
    other, n_other = (second, 80) if n_chosen == 120 else (first, 120)
    select.select_option(label=other)
    t = pj.drawn(n_other)
    assert len(t["x"]) == len(t["z"]) == n_other
    select.select_option(label=first)
    t = pj.drawn(120)
    # each option says the shape once known (the config's, or the points received)
    options = select.locator("option").all_text_contents()
    assert sorted(options) == [
        "tbx / first / step 0 / 120 \u00d7 16",
        "tbx / second / step 10 / 80 \u00d7 8",
    ]

    # the header's columns: colour by any of them, label by any
    colour = pj.root.locator(".tbnb-pj-color")
    assert colour.locator("option").all_text_contents() == [
        "none",
        "label",
        "group",
        "score (numbers)",
    ]
    assert colour.input_value() == "0"  # the first category column: label
    assert groups(t["color"]) == groups([r[0] for r in rows])
    colour.select_option(label="group")
    legend = pj.until(LEGEND_JS, lambda items: [i["name"] for i in items][:1] == ["g0"])
    assert {i["name"]: int(i["count"]) for i in legend} == Counter(r[1] for r in rows)
    t = pj.until(TRACE_JS, lambda tr: groups(tr["color"]) == groups([r[1] for r in rows]))
    # a numeric column: a continuous scale (colours ordered by value) and its colour bar
    colour.select_option(label="score (numbers)")
    pj.root.locator(".tbnb-pj-colorbar").wait_for()
    t = pj.until(TRACE_JS, lambda tr: len(set(tr["color"])) > 20)
    lo, hi = int(np.argmin(score)), int(np.argmax(score))
    assert t["color"][lo] != t["color"][hi]
    ends = pj.root.locator(".tbnb-pj-colorbar-range span").all_text_contents()
    np.testing.assert_allclose([float(v) for v in ends], [score.min(), score.max()], atol=1e-4)
    colour.select_option(label="none")
    pj.until(TRACE_JS, lambda tr: len(set(tr["color"])) == 1)
    assert pj.eval(LEGEND_JS) == []
    # label by "group": the hover card's title; search in all columns
    pj.root.locator(".tbnb-pj-label").select_option(label="group")
    pj.eval(emit("plotly_hover", 3, (400, 400)))
    assert pj.eval(CARD_JS)["title"] == rows[3][1]
    pj.root.locator(".tbnb-pj-search").fill("cat")
    pj.until(STATE_JS, lambda s: s.get("search") == "0 matches")
    pj.click(".tbnb-pj-all-columns")
    cats = sum(r[0] == "cat" for r in rows)
    pj.until(STATE_JS, lambda s: s.get("matches") == str(cats))
    assert page.js_errors == []  # type: ignore[attr-defined]


TRANSITIONS_JS = """
root => {
  window.__pjSeen = [];
  const note = () => window.__pjSeen.push([root.dataset.state, root.dataset.iteration || null]);
  new MutationObserver(note).observe(root, {attributes: true,
    attributeFilter: ['data-state', 'data-iteration']});
}
"""


def test_tsne_streams_pauses_stops_and_draws_2d(page: Page, jupyter: JupyterServer) -> None:
    nb = open_notebook(
        page,
        jupyter,
        "projector_tsne.ipynb",
        [
            "import numpy as np, tbnb\n"
            "rng = np.random.default_rng(0)\n"
            "lab = rng.permutation(np.arange(200) % 3)\n"
            "x = (rng.normal(0, 6, (3, 16))[lab] + rng.normal(0, 1, (200, 16)))"
            ".astype(np.float32)\n"
            "p = tbnb.Projector(x, metadata=[f'c{v}' for v in lab])\np",
            "print(','.join(map(str, lab)))",
        ],
    )
    pj = Projector(page, nb.output(0).locator(".tbnb-projector").first)
    pj.drawn(200)
    lab = np.array([int(v) for v in nb.output(1).text_content().strip().split(",")])

    pj.click(".tbnb-pj-method [data-value=tsne]")
    pj.root.locator(".tbnb-pj-iterations").fill("100000")
    pj.eval(TRANSITIONS_JS)
    pj.click(".tbnb-pj-params[data-method=tsne] .tbnb-pj-run")
    assert pj.state()["state"] == "waiting"
    # frames stream in: the iteration drawn counts up, positions replaced in place
    s = pj.until(
        STATE_JS, lambda s: s.get("state") == "streaming" and int(s.get("iteration", -1)) >= 30
    )
    t = pj.eval(TRACE_JS)
    assert t["meta"] == {"kind": "points", "method": "tsne", "dims": 3} and len(t["z"]) == 200
    pj.click(".tbnb-pj-pause")
    pj.until(STATE_JS, lambda s: s.get("paused") == "true")
    # a frame sent before the pause may still arrive: read until two reads a frame
    # interval apart agree, then it must stay there (paused)
    held, deadline = pj.state()["iteration"], time.monotonic() + 60
    while True:
        time.sleep(0.6)
        now = pj.state()["iteration"]
        if now == held or time.monotonic() > deadline:
            break
        held = now
    time.sleep(0.6)
    assert pj.state()["iteration"] == held  # paused
    pj.click(".tbnb-pj-pause")  # resume
    pj.until(STATE_JS, lambda s: int(s.get("iteration", -1)) > int(held))
    pj.click(".tbnb-pj-stop")
    s = pj.until(STATE_JS, lambda s: s.get("state") == "done")
    assert s.get("stopped") == "true" and "stopped at iteration" in s["text"]
    seen = page.evaluate("() => window.__pjSeen")
    streamed = {int(it) for st, it in seen if st == "streaming" and it is not None}
    assert len(streamed) >= 2, seen
    states = [st for st, _ in seen]
    assert states.index("streaming") < len(states) - 1 - states[::-1].index("done")
    assert pj.root.locator(".tbnb-pj-stop").is_disabled()

    # 2D t-SNE, run to its end: scattergl with 2 coordinates, the classes apart
    pj.click(".tbnb-pj-dims [data-value='2']")
    pj.root.locator(".tbnb-pj-iterations").fill("150")
    pj.click(".tbnb-pj-params[data-method=tsne] .tbnb-pj-run")
    t = pj.drawn(200, method="tsne", dims=2)
    s = pj.state()
    assert "stopped" not in s and s["iteration"] == "400", s  # 250 early + 150
    assert t["type"] == t["fullType"] == "scattergl" and t["z"] is None
    assert t["meta"] == {"kind": "points", "method": "tsne", "dims": 2}
    pos = np.column_stack([t["x"], t["y"]])
    d = np.linalg.norm(pos[:, None] - pos[None], axis=2)
    np.fill_diagonal(d, np.inf)
    nearest = np.argsort(d, axis=1)[:, :5]
    assert (lab[nearest] == lab[:, None]).mean() > 0.95
    assert page.js_errors == []  # type: ignore[attr-defined]


SAMPLED = """
import numpy as np
rng = np.random.default_rng(5)
big_lab = rng.integers(0, 3, 10_050)
big = (rng.normal(0, 6, (3, 8))[big_lab] + rng.normal(0, 1, (10_050, 8))).astype(np.float32)
big_labels = [f"c{v}" for v in big_lab]
"""


def test_sample_beyond_the_limit_maps_rows_to_points(page: Page, jupyter: JupyterServer) -> None:
    """t-SNE runs on 10,000 points at most: the rows drawn are a sample, and colours,
    labels and hover follow the points they are."""
    nb = open_notebook(
        page,
        jupyter,
        "projector_sample.ipynb",
        [SAMPLED + "import tbnb\ntbnb.Projector(big, metadata=big_labels)"],
    )
    here: dict[str, Any] = {}
    exec(SAMPLED, here)
    labels: list[str] = here["big_labels"]
    pj = Projector(page, nb.output(0).locator(".tbnb-projector").first)
    pca = pj.drawn(10_050)
    colour_of = {labels[i]: pca["color"][i] for i in range(10_050)}
    pj.click(".tbnb-pj-method [data-value=tsne]")
    pj.click(".tbnb-pj-params[data-method=tsne] .tbnb-pj-run")
    pj.until(STATE_JS, lambda s: s.get("state") == "streaming", timeout=60)
    pj.click(".tbnb-pj-stop")
    t = pj.drawn(10_000, method="tsne", timeout=60)
    s = pj.state()
    note = pj.root.locator(".tbnb-pj-note")
    assert note.is_visible()
    assert note.text_content() == (
        "t-SNE of a random sample of 10,000 of 10,050 points (the limit for this method)"
    )
    rows = sample(10_050, 10_000)
    assert rows is not None and len(t["x"]) == 10_000
    assert t["color"] == [colour_of[labels[i]] for i in rows]
    for r in (0, 1234, 9999):
        pj.eval(emit("plotly_hover", r, (300, 300)))
        card = pj.eval(CARD_JS)
        assert card["index"] == str(rows[r]) and card["title"] == labels[rows[r]]
    # search counts the points drawn, and says how many of all match
    pj.root.locator(".tbnb-pj-search").fill("c1")
    drawn = sum(labels[i] == "c1" for i in rows)
    s = pj.until(STATE_JS, lambda s: s.get("matches") == str(drawn))
    assert s["search"] == f"{drawn:,} matches ({labels.count('c1'):,} of all points)"
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_projector_widget_alone_and_missing_extra(page: Page, jupyter: JupyterServer) -> None:
    nb = open_notebook(
        page,
        jupyter,
        "projector_alone.ipynb",
        [
            "import numpy as np, tbnb\n"
            "rng = np.random.default_rng(0)\n"
            "lab = np.arange(150) % 3\n"
            "x = (rng.normal(0, 6, (3, 10))[lab] + rng.normal(0, 1, (150, 10)))"
            ".astype(np.float32)\n"
            "thumbs = np.zeros((150, 9, 7, 3), np.uint8)\n"
            "thumbs[np.arange(150), :, :, lab] = 255\n"
            "tbnb.Projector(x, metadata=[f'class {v}' for v in lab], images=thumbs, height=520)",
            "import sys\nsys.modules['openTSNE'] = None\nsys.modules['umap'] = None",
        ],
    )
    root = nb.output(0).locator(".tbnb-projector").first
    pj = Projector(page, root)
    t = pj.drawn(150)
    assert len(t["x"]) == 150 and len(set(t["color"])) == 3
    assert nb.output(0).locator(".tbnb-root").count() == 0  # the projector alone
    box = root.bounding_box()
    assert box is not None and abs(box["height"] - 520) <= 2
    pj.eval(emit("plotly_hover", 4, (500, 500)))
    card = pj.eval(CARD_JS)
    assert card["title"] == "class 1" and card["canvas"] == {"hidden": False, "w": 7, "h": 9}
    assert card["pixel"][:3] == [0, 255, 0]

    # t-SNE without openTSNE: the tab says which extra to install
    pj.click(".tbnb-pj-method [data-value=tsne]")
    pj.click(".tbnb-pj-params[data-method=tsne] .tbnb-pj-run")
    s = pj.until(STATE_JS, lambda s: s.get("state") == "error")
    assert 'pip install "tbnb[projector]"' in s["error"], s
    assert root.locator(".tbnb-pj-error").is_visible()
    # the PCA drawn before stays on screen
    assert pj.eval(TRACE_JS)["meta"]["method"] == "pca"
    pj.click(".tbnb-pj-method [data-value=umap]")
    pj.click(".tbnb-pj-params[data-method=umap] .tbnb-pj-run")
    s = pj.until(STATE_JS, lambda s: s.get("state") == "error" and "umap" in s["error"])
    assert 'pip install "tbnb[projector]"' in s["error"], s
    # back to PCA: drawn again (from the browser's cache), the error gone
    pj.click(".tbnb-pj-method [data-value=pca]")
    s = pj.until(STATE_JS, lambda s: s.get("state") == "done")
    assert s["error"] == ""
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_labels_and_tags_cannot_inject_markup(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    evil = ['<img src=x onerror="window.__pwned=1">', "<b>bold</b>", "plain"]
    x, lab = clustered(60, 6, seed=4)
    labels = [evil[c] for c in lab]
    w = TbxWriter(str(tmp_path / "run"))
    w.add_embedding(x, metadata=labels, label_img=thumbnails(lab, 8, 8), tag="<i>tag</i>")
    w.close()
    pj = open_projector_tab(page, jupyter, "projector_injection.ipynb", tmp_path)
    pj.drawn(60)
    option = pj.root.locator(".tbnb-pj-embedding option").first.text_content()
    assert option is not None and "<i>tag</i>" in option
    legend = pj.eval(LEGEND_JS)
    assert sorted(i["name"] for i in legend) == sorted(evil)
    assert all("<img" not in i["html"] and "<b>" not in i["html"] for i in legend)
    i = labels.index(evil[0])
    pj.eval(emit("plotly_hover", i, (400, 400)))
    card = pj.eval(CARD_JS)
    assert card["title"] == evil[0] and "<img" not in card["html"]
    pj.eval(emit("plotly_click", i))
    near = pj.until(NEIGHBORS_JS, lambda e: len(e) == 10)
    assert {e["label"] for e in near} <= set(evil)
    assert all("<img" not in e["html"] and "<b>" not in e["html"] for e in near)
    assert pj.root.locator("img, b").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert page.js_errors == []  # type: ignore[attr-defined]


NOTES_JS = """
root => {
  const list = root.querySelector('.tbnb-pj-notes');
  return {hidden: list.hidden, label: list.getAttribute('aria-label'),
    items: [...list.querySelectorAll('li')].map(li => li.textContent),
    elements: list.querySelectorAll('li *').length};
}
"""


def test_hostile_projector_files_are_said_on_the_tab(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    """Real writers' embeddings whose files are then made hostile (issue 12): a sprite
    that decodes to 20000 x 20000, a million metadata columns, NaN points, and a
    single_image_dim of 0. The tab draws the points and says what it left out."""
    import re

    from tests.events.test_projector_limits import png_header_only

    x, lab = clustered(40, 6, seed=5)
    x[[4, 9]] = np.nan
    w = TorchWriter(str(tmp_path / "torch"))
    w.add_embedding(
        torch.tensor(x),
        metadata=[CLASSES[c] for c in lab],
        label_img=torch.tensor(thumbnails(lab, 8, 8)),
        tag="feat",
    )
    w.close()
    files = tmp_path / "torch" / "00000" / "feat"
    (files / "sprite.png").write_bytes(png_header_only(20000, 20000, 1_500_000))
    header = "\t".join(f"<b>c{i}</b>" for i in range(1_000_000))
    (files / "metadata.tsv").write_text(
        header + "\n" + "".join(f"{CLASSES[c]}\tp{i}\n" for i, c in enumerate(lab))
    )
    y, lab_y = clustered(30, 5, seed=6)
    tw = TbxWriter(str(tmp_path / "tbx"))
    tw.add_embedding(
        y, metadata=[CLASSES[c] for c in lab_y], label_img=thumbnails(lab_y, 8, 8), tag="other"
    )
    tw.close()
    cfg = tmp_path / "tbx" / "projector_config.pbtxt"
    cfg.write_text(re.sub(r"single_image_dim: \d+", "single_image_dim: 0", cfg.read_text()))

    pj = open_projector_tab(page, jupyter, "projector_hostile.ipynb", tmp_path)
    select = pj.root.locator(".tbnb-pj-embedding")
    pj.until(STATE_JS, lambda s: s.get("state") == "done")
    torch_option = select.locator("option", has_text="/ feat /").get_attribute("value")
    other = select.locator("option", has_text="/ other /").get_attribute("value")
    select.select_option(value=torch_option)
    t = pj.drawn(38)  # 40 points, 2 with NaN left out
    assert np.isfinite(t["x"]).all() and np.isfinite(t["z"]).all()
    notes = pj.until(NOTES_JS, lambda n: len(n["items"]) == 3)
    assert not notes["hidden"] and notes["label"] == "What this embedding leaves out"
    assert notes["elements"] == 0  # text only
    said = " | ".join(notes["items"])
    assert "metadata: showing 50 of 1,000,000 columns" in said
    assert "the sprite (PNG) is 20,000 x 20,000 pixels, larger than the 8,192 x 8,192" in said
    assert "12 NaN or Inf values in 2 of 40 points" in said
    note = pj.root.locator(".tbnb-pj-note").text_content() or ""
    assert "2 points with NaN or Inf values left out" in note
    colour = pj.root.locator(".tbnb-pj-color")
    names = colour.locator("option").all_text_contents()
    assert len(names) == 51 and names[1] == "<b>c0</b>"  # 50 columns, as text
    assert pj.root.locator("b").count() == 0
    pj.eval(emit("plotly_hover", 0, (400, 400)))
    card = pj.eval(CARD_JS)
    assert card["canvas"]["hidden"] and "<b>" not in card["html"]

    # the tensorboardX embedding with single_image_dim 0: points, no thumbnails, said
    select.select_option(value=other)
    pj.drawn(30)
    notes = pj.until(NOTES_JS, lambda n: len(n["items"]) == 1)
    assert "single_image_dim 0 x 0 is not a size" in notes["items"][0]
    pj.eval(emit("plotly_hover", 0, (400, 400)))
    assert pj.eval(CARD_JS)["canvas"]["hidden"]
    # back to a clean state: switching again shows the first embedding's notes only
    select.select_option(value=torch_option)
    pj.drawn(38)
    pj.until(NOTES_JS, lambda n: len(n["items"]) == 3)
    assert page.js_errors == []  # type: ignore[attr-defined]
