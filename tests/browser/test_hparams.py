"""The HParams tab in JupyterLab (issue 14), on sweeps written by torch's and
tensorboardX's ``add_hparams`` (with and without ``run_name``; a bool, a string, a float
and an int hparam) and TF2's hparams API (the shared corpus): the table has a row per
session with the values written, sorts and filters, the parallel coordinates brush the
table, a session leads to its curves (its parent run's training curves included), the
run selection is the board's, the CSV downloads, and a session written while a cell
runs appears."""

from __future__ import annotations

import csv
import io
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from tensorboardX import SummaryWriter as XWriter

from tests.browser.jupyter import Hold, JupyterServer
from tests.browser.test_board_tabs import CORPUS, Board, open_board

torch = pytest.importorskip("torch")
from torch.utils.tensorboard import SummaryWriter  # noqa: E402

# (parent run, hparams, accuracy) written by torch without run_name
TORCH = [
    ("exp0", {"lr": 0.1, "optimizer": "adam", "batchnorm": True, "layers": 2}, 0.61),
    ("exp1", {"lr": 0.01, "optimizer": "sgd", "batchnorm": False, "layers": 4}, 0.72),
    ("exp2", {"lr": 0.001, "optimizer": "adam", "batchnorm": False, "layers": 1}, 0.93),
    ("exp3", {"lr": 0.05, "optimizer": "sgd", "batchnorm": True, "layers": 2}, 0.55),
]

TABLE_JS = """
root => {
  const t = root.querySelector('.tbnb-pane[data-tab=hparams] table.tbnb-hparams-table');
  const hp = root.querySelector('.tbnb-pane[data-tab=hparams] .tbnb-hparams');
  if (!t || !hp) return null;
  return {
    draws: Number(hp.dataset.draws || 0),
    rows: [...t.querySelectorAll('tbody tr[data-run]')].filter(r => !r.hidden
        && getComputedStyle(r).display !== 'none').map(r => {
      const cells = {};
      for (const td of r.querySelectorAll('td[data-col]'))
        cells[td.dataset.col] = td.textContent.trim();
      return {run: r.dataset.run, selected: r.getAttribute('aria-selected') === 'true', cells};
    }),
    cols: [...t.querySelectorAll('thead th[data-col]')].map(th => th.dataset.col),
  };
}
"""


def write_sweeps(logdir: Path) -> None:
    for parent, hp, acc in TORCH:
        w = SummaryWriter(str(logdir / parent))
        for s in range(20):
            w.add_scalar("Loss/train", 1.0 / (s + 1) + hp["lr"], s)
        w.add_hparams(hp, {"hparam/accuracy": acc})
        w.close()
    w = SummaryWriter(str(logdir / "named"))
    w.add_hparams({"lr": 0.2, "optimizer": "adam"}, {"hparam/accuracy": 0.4}, run_name="trial")
    w.close()
    xw = XWriter(str(logdir / "tbx"))
    xw.add_hparams({"lr": 0.3, "optimizer": "rmsprop", "batchnorm": True}, {"hparam/accuracy": 0.5})
    xw.add_hparams(
        {"lr": 0.4, "optimizer": "rmsprop", "batchnorm": False}, {"hparam/accuracy": 0.6}
    )
    xw.close()
    src = CORPUS / "tf2_dashboards"
    for part in ("hparams_a", "hparams_b", "hparams_c"):
        shutil.copytree(src / part, logdir / "tf2" / part)
    for f in src.glob("events.out.tfevents*"):
        shutil.copy(f, logdir / "tf2" / f.name)


LIVE = """
from tensorboardX import SummaryWriter as _W
_w = _W({path!r})
_w.add_hparams({{"lr": 0.7, "optimizer": "live"}}, {{"hparam/accuracy": 0.99}})
_w.close()
while held():
    _time.sleep(0.05)
"""


class HParams:
    def __init__(self, board: Board) -> None:
        self.b = board
        self.pane = board.pane("hparams")

    def table(self) -> Any:
        return self.b.eval(TABLE_JS)

    def until(self, check: Any) -> Any:
        return self.b.until(TABLE_JS, check)

    def after(self, draws: int, check: Any = lambda t: True) -> Any:
        return self.until(lambda t: t["draws"] > draws and check(t))


def number(text: str) -> float:
    return float(text.replace(",", ""))


# records each HParams view's note as it enters the page: its data-drawing, the text
# its ::before shows, and aria-busy
NOTES_JS = """
(root) => {
  root.__notes = {busy: []};
  const seen = (el) => {
    for (const cls of ['tbnb-hparams-parcoords', 'tbnb-hparams-splom']) {
      const v = el.classList && el.classList.contains(cls) ? el
        : el.querySelector && el.querySelector('.' + cls);
      if (!v || root.__notes[cls]) continue;
      const before = getComputedStyle(v, '::before').content.replace(/^"|"$/g, '');
      root.__notes[cls] = [v.dataset.drawing, before];
      root.__notes.busy.push(v.getAttribute('aria-busy'));
    }
  };
  new MutationObserver((muts) => muts.forEach((m) => m.addedNodes.forEach(seen)))
    .observe(root, {childList: true, subtree: true});
}
"""

# both views drawn: no note left, not busy
DRAWN_VIEWS_JS = """
(root) => [...root.querySelectorAll('.tbnb-hparams-parcoords, .tbnb-hparams-splom')]
  .filter((v) => v.getAttribute('aria-busy') === 'false' && !v.dataset.drawing
    && getComputedStyle(v, '::before').content === 'none').length === 2
"""


def test_hparams_tab(page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold) -> None:
    logdir = tmp_path / "runs"
    write_sweeps(logdir)
    nb, b = open_board(
        page,
        jupyter,
        "hparams.ipynb",
        [
            "%load_ext tbnb",
            f"%tbnb --logdir {logdir} --reload_interval 0.5",
            hold.code + LIVE.format(path=str(logdir / "live")),
        ],
    )
    b.root.locator(".tbnb-tab[data-tab=hparams]").wait_for()
    b.root.scroll_into_view_if_needed()
    b.root.evaluate(NOTES_JS)
    b.tab("hparams")
    hp = HParams(b)
    t = hp.until(lambda t: len(t["rows"]) == 4 + 1 + 2 + 3)
    # each WebGL view said what it was doing from its first appearance until drawn
    page.wait_for_function(DRAWN_VIEWS_JS, arg=b.root.element_handle(), timeout=60_000)
    seen = b.root.evaluate("r => r.__notes")
    assert seen["tbnb-hparams-parcoords"] == ["Drawing the parallel coordinates (WebGL)\u2026"] * 2
    assert seen["tbnb-hparams-splom"] == ["Drawing the scatter matrix (WebGL)\u2026"] * 2
    assert seen["busy"] == ["true", "true"]
    by_parent: dict[str, list[dict[str, Any]]] = {}
    for r in t["rows"]:
        by_parent.setdefault(
            r["run"].rsplit("/", 1)[0] if "/" in r["run"] else r["run"], []
        ).append(r)
    for parent, values, acc in TORCH:
        (row,) = by_parent[parent]
        assert parent in row["cells"]["name"]  # named by the training run, not the timestamp
        cells = row["cells"]
        assert math.isclose(number(cells["hparam:lr"]), values["lr"], rel_tol=1e-3)
        assert cells["hparam:optimizer"] == values["optimizer"]
        assert math.isclose(number(cells["hparam:layers"]), values["layers"])
        assert math.isclose(number(cells["metric:hparam/accuracy"]), acc, rel_tol=1e-3)
    assert [r["run"] for r in t["rows"] if "named" in r["run"]] == ["named/trial"]
    assert len(by_parent["tbx"]) == 2
    tf2 = [r for r in t["rows"] if r["run"].startswith("tf2/")]
    assert sorted(r["cells"]["hparam:optimizer"] for r in tf2) == ["adam", "adam", "sgd"]
    assert {"name", "status", "hparam:lr", "metric:hparam/accuracy"} <= set(t["cols"])

    # sort by lr: ascending, then descending
    before = t["draws"]
    hp.pane.locator('th[data-col="hparam:lr"] button').click()
    t = hp.after(before)
    lrs = [number(r["cells"]["hparam:lr"]) for r in t["rows"] if r["cells"]["hparam:lr"]]
    assert lrs == sorted(lrs), lrs
    before = t["draws"]
    hp.pane.locator('th[data-col="hparam:lr"] button').click()
    t = hp.after(before)
    lrs = [number(r["cells"]["hparam:lr"]) for r in t["rows"] if r["cells"]["hparam:lr"]]
    assert lrs == sorted(lrs, reverse=True), lrs

    # a discrete filter: sgd unchecked hides its sessions
    box = hp.pane.locator('.tbnb-hparams-filters [data-col="hparam:optimizer"]')
    before = t["draws"]
    box.get_by_label("sgd", exact=True).uncheck()
    t = hp.after(before)
    assert all(r["cells"]["hparam:optimizer"] != "sgd" for r in t["rows"]) and len(t["rows"]) == 7
    before = t["draws"]
    box.get_by_label("sgd", exact=True).check()
    t = hp.after(before, lambda t: len(t["rows"]) == 10)

    # brushing the accuracy axis of the parallel coordinates filters the table
    par = hp.pane.locator(".tbnb-hparams-parcoords")
    dims = par.evaluate("d => d.data[0].dimensions.map(x => x.label)")
    i = next(k for k, label in enumerate(dims) if "accuracy" in label)
    before = t["draws"]
    par.evaluate(
        """(d, i) => { const key = `dimensions[${i}].constraintrange`;
          d.data[0].dimensions[i].constraintrange = [0.7, 1.0];
          d.emit('plotly_restyle', [{[key]: [[0.7, 1.0]]}, [0]]); }""",
        i,
    )
    t = hp.after(before)
    accs = [number(r["cells"]["metric:hparam/accuracy"]) for r in t["rows"]]
    assert accs and all(0.7 <= a <= 1.0 for a in accs), accs
    # the scatter matrix shows the brushed sessions only
    n = hp.pane.locator(".tbnb-hparams-splom").evaluate(
        "d => d.data[0].dimensions[0].values.length"
    )
    assert n == len(t["rows"])
    # the CSV is the table as filtered
    with page.expect_download() as dl:
        hp.pane.locator('button[aria-label="download the table as CSV"]').click()
    table = list(csv.reader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert len(table) == 1 + len(t["rows"]) and any("lr" in h for h in table[0])
    hp.pane.locator("button", has_text="clear brushes").click()
    t = hp.until(lambda t: len(t["rows"]) == 10)

    # a session leads to its curves: the parent run's training loss too
    row = next(r for r in t["rows"] if r["run"].startswith("exp2/"))
    hp.pane.locator(f'tr[data-run="{row["run"]}"] td[data-col=name]').click()
    hp.pane.locator('.tbnb-hparams-curve[data-run="exp2"][data-tag="Loss/train"]').wait_for()

    # the row's checkbox is the board's run selection: hidden on every tab
    hp.pane.locator(f'tr[data-run="{row["run"]}"] input[type=checkbox]').uncheck()
    b.until(
        "r => [...r.querySelectorAll('.tbnb-runs input[type=checkbox]')].filter(c => !c.checked)"
        ".map(c => c.closest('[data-run]') && c.closest('[data-run]').dataset.run)",
        lambda hidden: "exp2" in hidden,
    )

    # a session written while a cell runs appears
    nb.run_cell(2, wait=False)
    hold.started()
    t = hp.until(lambda t: any(r["cells"].get("hparam:optimizer") == "live" for r in t["rows"]))
    assert len(t["rows"]) == 11
    hold.release()
    nb.wait_done(2)
