"""Many runs and many tags (issue 18): the run list and the scalar cards hold only what is
near the view, yet every run and every tag can be reached, by filtering, by scrolling and
from the keyboard (JupyterLab, real kernel, files written by tensorboardX)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page
from tensorboardX import SummaryWriter

from tests.browser.drawn import DRAWN_RUNS
from tests.browser.jupyter import JupyterServer, Notebook

RUNS = 300  # far more than the rows a list of 22 px rows shows with its overscan
TAGS = 300  # more than LAZY_FROM (js/src/scalars.ts): cards made near the view only

PLOT_RUNS = """
([root, tag]) => {
  const chart = [...root.querySelectorAll('.tbnb-pane[data-tab=scalars] .tbnb-chart')]
    .find((c) => c.dataset.tag === tag && !c.dataset.pinned);
  const plot = chart && chart.querySelector('.js-plotly-plot');
  if (!plot || !plot.data) return null;
  return DRAWN_RUNS(plot).sort();
}
""".replace("DRAWN_RUNS", DRAWN_RUNS)

SHOWN_CARDS = """
(root) => [...root.querySelectorAll('.tbnb-pane[data-tab=scalars] .tbnb-chart')]
  .filter((c) => c.offsetParent && !c.dataset.pinned).map((c) => c.dataset.tag)
"""


def open_board(page: Page, jupyter: JupyterServer, logdir: Path, name: str) -> Locator:
    nb_name = jupyter.write_notebook(
        name, ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0"]
    )
    nb = Notebook(page, jupyter, nb_name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.output(1).locator(".tbnb-root").first
    root.wait_for(timeout=60_000)
    return root


def test_many_runs_few_rows_every_run_reachable(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    for r in range(RUNS):
        with SummaryWriter(str(tmp_path / f"run{r:03d}")) as w:
            w.add_scalar("loss", r * 0.01, 0)
            w.add_scalar("loss", r * 0.01 + 1, 1)
    root = open_board(page, jupyter, tmp_path, "many_runs.ipynb")
    rows = root.locator(".tbnb-run-row")
    rows.first.wait_for()
    assert root.locator(".tbnb-runs").get_attribute("aria-label") == "runs"
    # the chart draws every run; the list holds a window of them
    page.wait_for_function(
        f"([root]) => ({PLOT_RUNS})([root, 'loss'])?.length === {RUNS}", arg=[root.element_handle()]
    )
    assert 0 < rows.count() < RUNS / 3, rows.count()
    last = f"run{RUNS - 1:03d}"
    assert root.locator(f".tbnb-run-row[data-run='{last}']").count() == 0

    # filtering: the one run left is listed, and the chart draws only it
    root.locator(".tbnb-run-filter").fill(f"{last}$")
    page.wait_for_function(
        "([root, last]) => [...root.querySelectorAll('.tbnb-run-row')]"
        ".map((r) => r.dataset.run).join() === last",
        arg=[root.element_handle(), last],
    )
    page.wait_for_function(
        f"([root]) => ({PLOT_RUNS})([root, 'loss'])?.join() === '{last}'",
        arg=[root.element_handle()],
    )
    root.locator(".tbnb-run-filter").fill("run1[0-4]")
    page.wait_for_function(
        f"([root]) => ({PLOT_RUNS})([root, 'loss'])?.length === 50", arg=[root.element_handle()]
    )
    listed = root.locator(".tbnb-run-row").evaluate_all("rs => rs.map((r) => r.dataset.run)")
    assert listed and all(
        r.startswith(("run10", "run11", "run12", "run13", "run14")) for r in listed
    )
    root.locator(".tbnb-run-filter").fill("")

    # the keyboard: End on the first row's checkbox goes to the last run, which is made
    first = page.get_by_role("checkbox", name="Show run run000")
    first.focus()
    page.keyboard.press("End")
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == f"Show run {last}"
    page.keyboard.press("Space")  # hides it: the chart draws the others
    page.wait_for_function(
        f"([root]) => ({PLOT_RUNS})([root, 'loss'])?.length === {RUNS - 1}",
        arg=[root.element_handle()],
    )
    page.keyboard.press("ArrowUp")
    assert (
        page.evaluate("() => document.activeElement.getAttribute('aria-label')")
        == f"Show run run{RUNS - 2:03d}"
    )
    page.keyboard.press("Home")
    assert (
        page.evaluate("() => document.activeElement.getAttribute('aria-label')")
        == "Show run run000"
    )
    assert rows.count() < RUNS / 3, rows.count()

    # scrolling the list to its end shows the last row (and not the first)
    root.locator(".tbnb-runs").evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    root.locator(f".tbnb-run-row[data-run='{last}']").wait_for()
    page.get_by_role("checkbox", name=f"Show run {last}").wait_for()
    assert not page.get_by_role("checkbox", name=f"Show run {last}").is_checked()
    # every control of a row has a name
    unnamed = root.locator(".tbnb-run-row").evaluate_all(
        "rs => rs.flatMap((r) => [...r.querySelectorAll('input, button')])"
        ".filter((c) => !c.getAttribute('aria-label')).length"
    )
    assert unnamed == 0


def test_many_tags_cards_made_near_the_view(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    with SummaryWriter(str(tmp_path / "run")) as w:
        for i in range(TAGS):
            w.add_scalar(f"sec{i // 30:02d}/tag{i:03d}", float(i), 0)
            w.add_scalar(f"sec{i // 30:02d}/tag{i:03d}", float(i) + 1, 1)
    root = open_board(page, jupyter, tmp_path, "many_tags.ipynb")
    handle = root.element_handle()
    first, last = "sec00/tag000", f"sec{(TAGS - 1) // 30:02d}/tag{TAGS - 1:03d}"
    page.wait_for_function(f"([root]) => !!({PLOT_RUNS})([root, '{first}'])", arg=[handle])
    # every tag has its slot; only those near the view have a card
    assert root.locator(".tbnb-pane[data-tab=scalars] .tbnb-slot").count() == TAGS
    cards = root.locator(".tbnb-pane[data-tab=scalars] .tbnb-chart")
    assert 0 < cards.count() < TAGS / 3, cards.count()
    assert root.locator(f".tbnb-chart[data-tag='{last}']").count() == 0

    # scrolled to, a tag far down shows its card, drawn; the first cards are dropped
    # (scrolled again while cards above it are made: their height may differ a little
    # from an empty slot's, which moves it)
    page.wait_for_function(
        f"""([root]) => {{
          root.querySelector(".tbnb-slot[data-tag='{last}']").scrollIntoView({{block: 'center'}});
          return ({PLOT_RUNS})([root, '{last}'])?.join() === 'run';
        }}""",
        arg=[handle],
        polling=100,
    )
    page.wait_for_function(
        f"(root) => !root.querySelector(\".tbnb-chart[data-tag='{first}']\")", arg=handle
    )
    assert cards.count() < TAGS / 3, cards.count()

    # the tag filter shows the matching cards only, drawn
    root.locator(".tbnb-tag-filter").fill("tag15[0-2]$")
    want = ["sec05/tag150", "sec05/tag151", "sec05/tag152"]
    page.wait_for_function(
        f"(root) => ({SHOWN_CARDS})(root).sort().join() === '{','.join(want)}'", arg=handle
    )
    for tag in want:
        page.wait_for_function(
            f"([root]) => ({PLOT_RUNS})([root, '{tag}'])?.join() === 'run'", arg=[handle]
        )
    visible_slots = root.locator(".tbnb-pane[data-tab=scalars] .tbnb-slot:not([hidden])")
    assert visible_slots.count() == 3
    root.locator(".tbnb-tag-filter").fill("")
    assert root.locator(".tbnb-pane[data-tab=scalars] .tbnb-slot:not([hidden])").count() == TAGS
