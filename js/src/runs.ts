// The runs selector of the sidebar, shared by every tab as in TensorBoard: a
// checkbox and colour per run, a regex filter, and select all / none. Its state
// lives in the synced traits run_filter and hidden_runs.
import { h } from "./dom";
import { FilterField } from "./filter-field";
import { compileFilter, passes } from "./filters";
import { RUN_ROW_CHARS, shortNames, visible } from "./names";
import { runColor } from "./colors";
import { setSetting, type Model } from "./settings";
import type { Store } from "./store";

export class RunSelector {
  readonly el: HTMLElement;
  private list: HTMLElement;
  private filter: FilterField;
  private rows = new Map<string, { row: HTMLElement; box: HTMLInputElement; swatch: HTMLElement; name: HTMLElement }>();

  constructor(
    private model: Model,
    private store: Store,
  ) {
    this.filter = new FilterField({ class: "tbnb-run-filter", placeholder: "Filter runs (regex)", "aria-label": "filter runs" }, (pattern) =>
      setSetting(model, "run_filter", pattern),
    );
    const all = h("button", { type: "button", class: "tbnb-runs-all" }, "all");
    const none = h("button", { type: "button", class: "tbnb-runs-none" }, "none");
    this.list = h("div", { class: "tbnb-runs" });
    this.el = h("div", { class: "tbnb-run-selector" }, h("div", { class: "tbnb-control" }, "Runs", this.filter.el, h("div", { class: "tbnb-row" }, "select", all, none)), this.list);
    const selectMatching = (show: boolean) => {
      const filter = compileFilter(model.get("run_filter"));
      const hidden = new Set(model.get("hidden_runs"));
      for (const run of store.runs) if (passes(filter, run)) (show ? hidden.delete(run) : hidden.add(run));
      setSetting(model, "hidden_runs", [...hidden]);
    };
    all.addEventListener("click", () => selectMatching(true));
    none.addEventListener("click", () => selectMatching(false));
    this.syncRuns();
    this.syncControls();
  }

  /** The model's run_filter and hidden_runs, shown. */
  syncControls(): void {
    const filter = this.filter.show(this.model.get("run_filter"));
    const hidden = new Set(this.model.get("hidden_runs"));
    for (const [run, { row, box }] of this.rows) {
      box.checked = !hidden.has(run);
      row.hidden = !passes(filter, run);
    }
  }

  /** A row per run of the store, in its order (which gives the colours). */
  syncRuns(): void {
    // names sharing a long start are shortened in the middle (the full name on hover)
    const names = shortNames(this.store.runs, RUN_ROW_CHARS);
    this.store.runs.forEach((run, i) => {
      let row = this.rows.get(run);
      if (!row) {
        const box = h("input", { type: "checkbox" });
        box.checked = !this.model.get("hidden_runs").includes(run);
        box.addEventListener("change", () => {
          const hidden = new Set(this.model.get("hidden_runs"));
          if (box.checked) hidden.delete(run);
          else hidden.add(run);
          setSetting(this.model, "hidden_runs", [...hidden]);
        });
        const swatch = h("span", { class: "tbnb-swatch" });
        const name = h("span", { class: "tbnb-run-name" });
        const r = h("label", { class: "tbnb-run", title: visible(run) }, box, swatch, name);
        r.dataset.run = run;
        row = { row: r, box, swatch, name };
        this.rows.set(run, row);
      }
      row.swatch.style.background = runColor(i);
      row.name.textContent = names.get(run) ?? run;
      this.list.appendChild(row.row); // keeps the store's order
    });
    this.syncControls();
  }
}
