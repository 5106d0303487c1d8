// The scalars tab's multi-tag charts: each a regex (the synced trait tag_charts, set
// here or from Python: tbnb.Board(charts=[...]), %tbnb --charts), drawing every run x
// tag it matches on one chart, lines named run and tag (layout-card.ts). Shown above
// the tag sections, under a folded line holding a text box that adds one (each card's
// Remove button takes it away) and the run groups' controls (group-controls.ts), which
// the tab's own cards follow.
import { h } from "./dom";
import { LayoutBoard } from "./layout-board";
import { LayoutCard } from "./layout-card";
import { groupControls } from "./group-controls";
import { tagRegex } from "./tag-match";
import { groupSpecOf } from "./groups";
import { setSetting, type Model } from "./settings";
import type { Store } from "./store";

/** What the keys of multi-tag charts start with in the shared traits (markers, full size). */
export const COMBINED = "tags matching\u241f";

export class CombinedCharts {
  readonly el: HTMLElement;
  private grid: HTMLElement;
  private board: LayoutBoard;
  private cleanups: (() => void)[] = [];

  constructor(
    private model: Model,
    store: Store,
  ) {
    const input = h("input", { type: "search", class: "tbnb-combine-regex", placeholder: "e.g. loss/.*", "aria-label": "Regex of the tags to draw on one chart" });
    const add = h("button", { type: "button", class: "tbnb-combine-add", "aria-label": "Add a chart of the tags matching the regex" }, "Add chart");
    const error = h("div", { class: "tbnb-filter-error", role: "status" });
    error.hidden = true;
    const submit = () => {
      const pattern = input.value.trim();
      if (!pattern) return;
      const { error: bad } = tagRegex(pattern);
      error.textContent = bad;
      error.hidden = bad === "";
      if (bad) return;
      const charts = (model.get("tag_charts") ?? []).filter((p) => p !== pattern);
      setSetting(model, "tag_charts", [...charts, pattern]);
      input.value = "";
    };
    add.addEventListener("click", submit);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") submit();
    });
    const groups = groupControls(model, store);
    // folded, one line above the charts (not in the sidebar, whose height sets the
    // board's: the charts stay near the cell's top); open when the board has multi-tag
    // charts or groups
    const fold: HTMLDetailsElement = h(
      "details",
      { class: "tbnb-group-tools" },
      h("summary", { class: "tbnb-control" }, "Run groups, tags on one chart"),
      h("div", { class: "tbnb-tools-body" }, h("label", { class: "tbnb-control" }, "Tags on one chart (regex)", h("div", { class: "tbnb-row" }, input, add), error), groups.el),
    );
    fold.open = (model.get("tag_charts") ?? []).length > 0 || groupSpecOf(model.get("run_groups")).by !== "";
    this.grid = h("div", { class: "tbnb-grid" });
    this.el = h("section", { class: "tbnb-combined", "aria-label": "Run groups and charts of several tags" }, fold, this.grid);
    this.board = new LayoutBoard(model, store, () => undefined);
    const sync = () => this.sync();
    model.on("change:tag_charts", sync);
    this.cleanups.push(() => model.off("change:tag_charts", sync));
    this.sync();
  }

  private sync(): void {
    const patterns = (this.model.get("tag_charts") ?? []).filter((p) => typeof p === "string");
    const want = new Set(patterns.map((p) => COMBINED + p));
    for (const key of [...this.board.cards.keys()]) if (!want.has(key)) this.board.remove(key);
    for (const p of patterns) {
      const key = COMBINED + p;
      let card = this.board.cards.get(key);
      if (!card) {
        card = new LayoutCard(key, p, { kind: "multiline", patterns: [p] }, false, this.board, this.board.store);
        card.el.classList.add("tbnb-combined-card");
        card.el.querySelector<HTMLElement>(".tbnb-pin")!.hidden = true; // shown first already
        const remove = h("button", { type: "button", class: "tbnb-card-tool tbnb-combine-remove", "aria-label": `Remove the chart of tags matching ${p}`, title: "Remove this chart" }, "✕");
        remove.addEventListener("click", () => setSetting(this.model, "tag_charts", (this.model.get("tag_charts") ?? []).filter((x) => x !== p)));
        card.el.querySelector(".tbnb-card-tools")?.appendChild(remove);
        this.board.add(card);
      }
      this.grid.appendChild(card.el);
    }
    this.grid.hidden = patterns.length === 0;
  }

  destroy(): void {
    for (const fn of this.cleanups) fn();
    this.board.destroy();
  }
}
