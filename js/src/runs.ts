// The runs selector of the sidebar, shared by every tab as in TensorBoard: a
// checkbox and colour per run (a colour picker: the run's colour comes from its name
// unless one is picked), a regex filter, and select all / none. Its state lives in
// the synced traits run_filter, hidden_runs and run_colors.
import { h } from "./dom";
import { FilterField } from "./filter-field";
import { compileFilter, passes } from "./filters";
import { RUN_ROW_CHARS, shortNames, visible } from "./names";
import { colorOfRun } from "./colors";
import { setSetting, type Model } from "./settings";
import type { Store } from "./store";

export class RunSelector {
  readonly el: HTMLElement;
  private list: HTMLElement;
  private filter: FilterField;
  private rows = new Map<string, { wrap: HTMLElement; row: HTMLElement; box: HTMLInputElement; picker: HTMLInputElement; reset: HTMLButtonElement; name: HTMLElement }>();

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
    const picked = this.model.get("run_colors") ?? {};
    for (const [run, { wrap, row, box, picker, reset }] of this.rows) {
      box.checked = !hidden.has(run);
      row.hidden = wrap.hidden = !passes(filter, run);
      picker.value = colorOfRun(run, picked);
      reset.hidden = !Object.prototype.hasOwnProperty.call(picked, run);
    }
  }

  private pick(run: string, color: string | null): void {
    const next = { ...(this.model.get("run_colors") ?? {}) };
    if (color === null) delete next[run];
    else next[run] = color.toLowerCase();
    setSetting(this.model, "run_colors", next);
  }

  /** A row per run of the store, in its order (which gives the colours). */
  syncRuns(): void {
    // names sharing a long start are shortened in the middle (the full name on hover)
    const names = shortNames(this.store.runs, RUN_ROW_CHARS);
    this.store.runs.forEach((run) => {
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
        const name = h("span", { class: "tbnb-run-name" });
        const r = h("label", { class: "tbnb-run", title: visible(run) }, box, name);
        r.dataset.run = run;
        // the native picker: a button that opens with Enter or Space
        const picker = h("input", { type: "color", class: "tbnb-run-color", "aria-label": `Run colour: ${visible(run)}` });
        picker.addEventListener("input", () => this.pick(run, picker.value));
        const reset = h("button", { type: "button", class: "tbnb-run-color-reset", "aria-label": `Reset the colour of ${visible(run)}`, title: "back to the colour of its name" }, "↺");
        reset.addEventListener("click", () => this.pick(run, null));
        const wrap = h("div", { class: "tbnb-run-row" }, picker, r, reset);
        wrap.dataset.run = run;
        row = { wrap, row: r, box, picker, reset, name };
        this.rows.set(run, row);
      }
      row.name.textContent = names.get(run) ?? run;
      this.list.appendChild(row.wrap); // keeps the store's order
    });
    this.syncControls();
  }
}
