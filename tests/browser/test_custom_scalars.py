"""The Custom Scalars tab in JupyterLab, on layouts written by torch's, tensorboardX's and
TF's writers (../shared/corpus/tf2_dashboards): the categories once each (closed as the
layout says), multiline charts drawing every run x tag their regexes match, margin charts
with the band between lower and upper, a bad regex and missing margin tags said on the
card, a garbled layout counted as a problem; then the scalars tab's multi-tag charts
(from Python and from the board's control) and run groups (means and bands as numpy
computes them, a step some members lack computed over those present)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Page
from tensorboard.compat.proto import event_pb2
from tensorboardX import SummaryWriter as XWriter

from tests.browser.jupyter import JupyterServer, Notebook
from tests.browser.test_scalars_tools import kernel_says, until
from tests.events.evhelpers import CORPUS, write_records

STEPS = np.arange(8) * 10

# every trace of a chart found by a CSS selector: run, kind, x, y
TRACES_JS = """
([root, sel]) => {
  const chart = root.querySelector(sel);
  const plot = chart && chart.querySelector('.js-plotly-plot');
  if (!plot || !plot.data) return null;
  return plot.data.map(t => ({run: t.meta.run, kind: t.meta.kind, member: t.meta.member || null,
    fill: t.fill || null, x: Array.from(t.x), y: Array.from(t.y, v => v === null ? NaN : v)}));
}
"""


def write_torch(run: Path) -> dict[str, np.ndarray]:
    from torch.utils.tensorboard import SummaryWriter

    w = SummaryWriter(str(run))
    w.add_custom_scalars(
        {
            "losses": {"torch loss": ["Multiline", ["loss/train"]]},
            "problems": {
                "bad regex": ["Multiline", ["loss/("]],
                "missing": ["Margin", ["nope/mean", "nope/lower", "nope/upper"]],
            },
        }
    )
    vals = {"loss/train": 2.0 / (STEPS + 1) + 0.1}
    for i, s in enumerate(STEPS):
        w.add_scalar("loss/train", float(vals["loss/train"][i]), int(s))
    w.close()
    return vals


def write_tbx(run: Path) -> dict[str, np.ndarray]:
    w = XWriter(str(run))
    w.add_custom_scalars(
        {
            "losses": {"torch loss": ["Multiline", ["loss/train"]]},  # as torch's: once
            "bands": {"score band": ["Margin", ["score/mid", "score/lo", "score/hi"]]},
        }
    )
    mid = np.sin(STEPS / 10.0)
    vals = {
        "score/mid": mid,
        "score/lo": mid - 0.25,
        "score/hi": mid + 0.5,
        "loss/train": 1.0 / (STEPS + 2),
    }
    for i, s in enumerate(STEPS):
        for tag, v in vals.items():
            w.add_scalar(tag, float(v[i]), int(s))
    w.close()
    return vals


def write_garbled(run: Path) -> None:
    ev = event_pb2.Event(wall_time=1.0e9, step=0)
    v = ev.summary.value.add(tag="custom_scalars__config__")
    v.metadata.plugin_data.plugin_name = "custom_scalars"
    v.tensor.dtype = 7
    v.tensor.string_val.append(b"\x12\xff\xff\xff\x0f")
    write_records(run / "events.out.tfevents.1.garbled", [ev.SerializeToString()])


def tf_series() -> dict[str, dict[str, Any]]:
    expected = json.loads((CORPUS / "tf2_dashboards" / "expected.json").read_text())
    return {
        s["tag"]: s
        for s in expected["series"]
        if s["run"] == "tf2_dashboards/custom_scalars" and s["kind"] == "scalars"
    }


def open_board(
    page: Page, jupyter: JupyterServer, name: str, board: str, extra: list[str]
) -> tuple[Notebook, Any]:
    name = jupyter.write_notebook(name, ["import tbnb", board, *extra])
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    return nb, nb.output(1).locator(".tbnb-root").first


def traces(page: Page, root: Any, sel: str, check: Any = bool) -> list[dict[str, Any]]:
    return until(  # type: ignore[no-any-return]
        lambda: (t := page.evaluate(TRACES_JS, [root.element_handle(), sel])) and check(t) and t,
        f"{sel} drawn",
    )


def close(got: list[float], want: Any) -> None:
    np.testing.assert_allclose(
        np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-6, atol=1e-7
    )


def test_custom_scalars_tab(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    torch_vals = write_torch(tmp_path / "torch_run")
    tbx_vals = write_tbx(tmp_path / "tbx_run")
    shutil.copytree(CORPUS / "tf2_dashboards" / "custom_scalars", tmp_path / "tf_run")
    write_garbled(tmp_path / "zz_garbled")
    tf = tf_series()
    _nb, root = open_board(
        page,
        jupyter,
        "custom-scalars.ipynb",
        f"tbnb.Board({str(tmp_path)!r}, reload_interval=0, smoothing=0)",
        [],
    )
    root.get_by_role("tab", name="Custom Scalars").click()
    cats = root.locator(".tbnb-custom-scalars details.tbnb-category")
    until(lambda: cats.count() == 4, "four categories")
    # each category once, in the order first seen over the runs by name (tbx_run, tf_run,
    # torch_run; zz_garbled's layout cannot be read)
    titles = [cats.nth(i).get_attribute("data-category") for i in range(4)]
    assert titles == ["losses", "bands", "accuracy", "problems"]
    # the TF layout closes "accuracy"; the others are open
    opened = {t: cats.nth(i).get_attribute("open") is not None for i, t in enumerate(titles)}
    assert opened["accuracy"] is False and opened["losses"] is True

    # "losses" holds torch's chart once (written by torch and tensorboardX) and TF's
    losses = root.locator("details[data-category='losses'] .tbnb-layout-card")
    assert sorted(losses.nth(i).get_attribute("data-title") for i in range(losses.count())) == [
        "loss",
        "torch loss",
    ]

    # multiline "loss/.*" (TF's): every run x tag it matches, values as written
    t = traces(page, root, ".tbnb-layout-card[data-title='loss']", lambda t: len(t) == 4)
    got = {x["run"]: x for x in t}
    assert set(got) == {
        "tbx_run · loss/train",
        "tf_run · loss/test",
        "tf_run · loss/train",
        "torch_run · loss/train",
    }
    close(got["tf_run · loss/test"]["y"], [p["value"] for p in tf["loss/test"]["points"]])
    close(got["tf_run · loss/train"]["x"], [p["step"] for p in tf["loss/train"]["points"]])
    close(got["torch_run · loss/train"]["y"], torch_vals["loss/train"])
    close(got["tbx_run · loss/train"]["y"], tbx_vals["loss/train"])

    # margin (tensorboardX's): the value line and the band from lower to upper
    t = traces(page, root, ".tbnb-layout-card[data-title='score band']", lambda t: len(t) == 3)
    kinds = {x["kind"]: x for x in t}
    assert kinds["band-upper"]["fill"] == "tonexty"
    close(kinds["raw"]["y"], tbx_vals["score/mid"])
    close(kinds["band-lower"]["y"], tbx_vals["score/lo"])
    close(kinds["band-upper"]["y"], tbx_vals["score/hi"])

    # TF's margin chart, in its closed category: drawn once opened
    root.locator("details[data-category='accuracy'] > summary").click()
    t = traces(
        page, root, ".tbnb-layout-card[data-title='accuracy with bounds']", lambda t: len(t) == 3
    )
    kinds = {x["kind"]: x for x in t}
    close(kinds["raw"]["y"], [p["value"] for p in tf["acc/mean"]["points"]])
    close(kinds["band-lower"]["y"], [p["value"] for p in tf["acc/lower"]["points"]])
    close(kinds["band-upper"]["y"], [p["value"] for p in tf["acc/upper"]["points"]])

    # what is wrong is said on the card
    bad = root.locator(".tbnb-layout-card[data-title='bad regex'] .tbnb-card-problem")
    until(lambda: "invalid regex" in bad.inner_text(), "bad regex said")
    missing = root.locator(".tbnb-layout-card[data-title='missing'] .tbnb-card-problem")
    missing.locator("xpath=..").scroll_into_view_if_needed()
    until(lambda: "no run holds the value tag" in missing.inner_text(), "missing tags said")
    # the garbled layout is a problem of its run, in the status line
    until(
        lambda: "problem" in root.locator(".tbnb-problems-toggle").inner_text(), "problem counted"
    )

    # the scalar cards' tools: a pin makes a pinned copy; the download writes every line
    card = root.locator(".tbnb-layout-card[data-title='score band']:not([data-pinned])")
    card.scroll_into_view_if_needed()
    card.get_by_role("button", name="Pin card").click()
    pinned = root.locator(
        ".tbnb-custom-scalars .tbnb-pinned .tbnb-layout-card[data-title='score band']"
    )
    until(lambda: pinned.count() == 1, "pinned copy")
    with page.expect_download() as dl:
        card.locator(".tbnb-download summary").click()
        card.get_by_role("button", name="Download CSV").click()
    text = Path(dl.value.path()).read_text()
    assert text.splitlines()[0] == "run,step,wall_time,value"
    assert len(text.splitlines()) == 1 + len(STEPS)


# runs of a sweep: two learning rates, seeds; seed3 stopped early (steps 50-70 missing)
SWEEP_STEPS = np.arange(8) * 10


def sweep_values(run: str, tag: str) -> np.ndarray:
    rng = np.random.default_rng(abs(hash((run, tag))) % 2**32)
    base = 1.0 / (SWEEP_STEPS + 5) + (0.3 if tag == "loss/test" else 0.0)
    return base + rng.normal(0, 0.05, len(SWEEP_STEPS))


def write_sweep(logdir: Path) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    runs = [
        "lr_0.1_seed1",
        "lr_0.1_seed2",
        "lr_0.1_seed3",
        "lr_0.01_seed1",
        "lr_0.01_seed2",
        "baseline",
    ]
    out = {}
    for run in runs:
        w = XWriter(str(logdir / run))
        for tag in ("loss/train", "loss/test"):
            steps = SWEEP_STEPS[:5] if run == "lr_0.1_seed3" else SWEEP_STEPS
            vals = sweep_values(run, tag)[: len(steps)]
            for s, v in zip(steps, vals, strict=True):
                w.add_scalar(tag, float(v), int(s))
            out[(run, tag)] = (steps, vals.astype(np.float32).astype(np.float64))
        w.close()
    return out


def numpy_group(
    data: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]],
    members: list[str],
    tag: str,
    center: str,
    band: str,
) -> dict[str, np.ndarray]:
    """The group line as numpy computes it: per step, over the members present."""
    rows = []
    for step in SWEEP_STEPS:
        vals = np.array(
            [
                data[(m, tag)][1][list(data[(m, tag)][0]).index(step)]
                for m in members
                if step in data[(m, tag)][0]
            ]
        )
        mid = np.median(vals) if center == "median" else vals.mean()
        if band == "minmax":
            lo, hi = vals.min(), vals.max()
        elif band == "std":
            sd = vals.std(ddof=1)
            lo, hi = mid - sd, mid + sd
        else:
            lo, hi = np.quantile(vals, [0.025, 0.975])
        rows.append((mid, lo, hi, len(vals)))
    a = np.array(rows)
    return {"center": a[:, 0], "lower": a[:, 1], "upper": a[:, 2], "count": a[:, 3]}


def test_multi_tag_charts_and_run_groups(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    data = write_sweep(tmp_path)
    nb, root = open_board(
        page,
        jupyter,
        "groups.ipynb",
        f"board = tbnb.Board({str(tmp_path)!r}, reload_interval=0, smoothing=0, "
        "charts=['loss/.*']); board",
        ["print(board.tag_charts)"],
    )
    # the chart asked for from Python: every run x tag matching, named run and tag
    combined = ".tbnb-combined-card[data-title='loss/.*']"
    t = traces(page, root, combined, lambda t: len(t) == 12)
    got = {x["run"]: x for x in t}
    close(got["lr_0.1_seed3 · loss/test"]["y"], data[("lr_0.1_seed3", "loss/test")][1])
    close(got["baseline · loss/train"]["y"], data[("baseline", "loss/train")][1])

    # one more from the board's control; a bad regex is said, not added
    box = root.get_by_label("Regex of the tags to draw on one chart").first
    box.fill("loss/(")
    box.press("Enter")
    until(lambda: "invalid regex" in root.locator(".tbnb-combined").inner_text(), "bad regex said")
    box.fill("loss/test")
    box.press("Enter")
    traces(page, root, ".tbnb-combined-card[data-title='loss/test']", lambda t: len(t) == 6)
    # the kernel holds it too (a synced trait)
    kernel_says(nb, 2, lambda out: out == "['loss/.*', 'loss/test']")

    # run groups by a regex over the run names: one line per group, a band, aligned by step
    root.locator(".tbnb-group-by:visible").select_option("regex")
    root.locator(".tbnb-group-regex:visible").fill(r"lr_(.*)_seed\d+")
    card = ".tbnb-chart[data-tag='loss/train']:not([data-pinned])"
    groups = {
        "0.1": ["lr_0.1_seed1", "lr_0.1_seed2", "lr_0.1_seed3"],
        "0.01": ["lr_0.01_seed1", "lr_0.01_seed2"],
    }

    def drawn_with(t: list[dict[str, Any]], center: str, band: str) -> bool:
        """The card drew these settings: its groups, and group 0.1's line and upper band."""
        if {x["run"] for x in t if x["kind"] == "raw"} != {"0.1", "0.01", "baseline"}:
            return False
        want = numpy_group(data, groups["0.1"], "loss/train", center, band)
        by = {x["kind"]: x["y"] for x in t if x["run"] == "0.1"}
        return (
            "band-upper" in by
            and np.allclose(by["raw"], want["center"])
            and np.allclose(by["band-upper"], want["upper"])
        )

    def check(center: str, band: str) -> None:
        root.locator(card).scroll_into_view_if_needed()  # cards off screen wait to redraw
        t = traces(page, root, card, lambda t: drawn_with(t, center, band))
        for key, members in groups.items():
            want = numpy_group(data, members, "loss/train", center, band)
            by = {x["kind"]: x for x in t if x["run"] == key}
            close(by["raw"]["x"], SWEEP_STEPS)
            close(by["raw"]["y"], want["center"])
            close(by["band-lower"]["y"], want["lower"])
            close(by["band-upper"]["y"], want["upper"])
        base = next(x for x in t if x["run"] == "baseline" and x["kind"] == "raw")
        close(base["y"], data[("baseline", "loss/train")][1])

    check("mean", "minmax")
    root.locator(".tbnb-group-band:visible").select_option("std")
    check("mean", "std")
    root.locator(".tbnb-group-center:visible").select_option("median")
    root.locator(".tbnb-group-band:visible").select_option("ci95")
    check("median", "ci95")

    # members shown faintly on demand
    root.locator(".tbnb-group-members:visible").check()
    t = traces(page, root, card, lambda t: len([x for x in t if x["kind"] == "member"]) == 5)
    assert sorted(x["member"] for x in t if x["kind"] == "member") == sorted(
        groups["0.1"] + groups["0.01"]
    )

    # the tooltip says how many runs are at a step: 2 of 3 where seed3 stopped
    plot = root.locator(card).locator(".js-plotly-plot")
    plot.scroll_into_view_if_needed()
    size = page.evaluate(
        "([r, sel]) => { const p = r.querySelector(sel + ' .js-plotly-plot');"
        " const fl = p._fullLayout; return {s: fl._size, x: fl.xaxis.range}; }",
        [root.element_handle(), card],
    )
    tip = root.locator(card).locator(".tbnb-tip-row[data-run='0.1'] .tbnb-tip-band")
    box2 = plot.bounding_box()
    assert box2 is not None
    s, (x0, x1) = size["s"], size["x"]
    for step, want in ((60, "2"), (20, "3")):
        px = box2["x"] + s["l"] + (step - x0) / (x1 - x0) * s["w"]
        page.mouse.move(px, box2["y"] + s["t"] + s["h"] / 2)
        until(
            lambda w=want: tip.count() == 1 and tip.get_attribute("data-count") == w, f"at {step}"
        )
    assert "of 3 runs" in tip.inner_text()

    # a grouped card's download holds each group's line as drawn (no run of the board:
    # nothing is asked of the kernel) and the ungrouped runs' points
    grouped = root.locator(card)
    with page.expect_download() as dl:
        grouped.locator(".tbnb-download summary").click()
        grouped.get_by_role("button", name="Download CSV").click()
    rows = Path(dl.value.path()).read_text().splitlines()
    assert rows[0] == "run,step,wall_time,value"
    by_run: dict[str, list[float]] = {}
    for row in rows[1:]:
        run, _step, _wall, value = row.rsplit(",", 3)
        by_run.setdefault(run, []).append(float(value))
    want = numpy_group(data, groups["0.1"], "loss/train", "median", "ci95")
    close(by_run["0.1"], want["center"])
    close(by_run["baseline"], data[("baseline", "loss/train")][1])

    # the multi-tag chart groups too: a line per group and tag
    root.locator(combined).scroll_into_view_if_needed()
    traces(
        page,
        root,
        combined,
        lambda t: (
            {x["run"] for x in t if x["kind"] == "raw"}
            == {
                "0.1 · loss/train",
                "0.1 · loss/test",
                "0.01 · loss/train",
                "0.01 · loss/test",
                "baseline · loss/train",
                "baseline · loss/test",
            }
        ),
    )


def test_run_groups_by_an_hparam(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    data = write_sweep(tmp_path)
    lrs = {"lr_0.1_seed1": 0.1, "lr_0.1_seed2": 0.1, "lr_0.1_seed3": 0.1}
    lrs |= {"lr_0.01_seed1": 0.01, "lr_0.01_seed2": 0.01}
    for run, lr in lrs.items():  # tensorboardX's add_hparams: a session in a sub-run
        w = XWriter(str(tmp_path / run), filename_suffix=".hp")
        w.add_hparams({"lr": lr, "seed": run[-1]}, {"hparam/loss": 1.0}, name="hp")
        w.close()
    _nb, root = open_board(
        page,
        jupyter,
        "groups-hparam.ipynb",
        f"board = tbnb.Board({str(tmp_path)!r}, reload_interval=0, smoothing=0); board",
        [],
    )
    root.locator("details.tbnb-group-tools:visible > summary").click()  # folded at first
    root.locator(".tbnb-group-by:visible").select_option("hparam")
    hparam = root.get_by_label("Group by hparam").first
    until(lambda: "lr" in hparam.evaluate("s => [...s.options].map(o => o.value)"), "lr offered")
    hparam.select_option("lr")
    card = ".tbnb-chart[data-tag='loss/train']:not([data-pinned])"
    root.locator(card).scroll_into_view_if_needed()
    # a line per value of lr over the runs that have it; the run without one as it is
    t = traces(
        page,
        root,
        card,
        lambda t: {x["run"] for x in t if x["kind"] == "raw"} == {"lr=0.1", "lr=0.01", "baseline"},
    )
    for key, members in (("lr=0.1", [r for r, v in lrs.items() if v == 0.1]),
                         ("lr=0.01", [r for r, v in lrs.items() if v == 0.01])):  # fmt: skip
        want = numpy_group(data, members, "loss/train", "mean", "minmax")
        by = {x["kind"]: x for x in t if x["run"] == key}
        close(by["raw"]["x"], SWEEP_STEPS)
        close(by["raw"]["y"], want["center"])
        close(by["band-lower"]["y"], want["lower"])
        close(by["band-upper"]["y"], want["upper"])
