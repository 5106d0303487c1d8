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
import { VirtualList } from "./window";

/** A row's height in px (fixed: the list is virtual, style.css .tbnb-run-row). */
export const RUN_ROW_HEIGHT = 22;

interface Row {
  wrap: HTMLElement;
  box: HTMLInputElement;
  picker: HTMLInputElement;
  reset: HTMLButtonElement;
}

/**
 * Only the rows near the list's view are in the DOM (window.ts), so 2,000 runs cost a
 * few dozen rows; the filter picks the runs listed, and a row is made when it scrolls
 * into the window, with the model's state at that moment.
 */
export class RunSelector {
  readonly el: HTMLElement;
  private list: VirtualList<string>;
  private filter: FilterField;
  private names = new Map<string, string>();
  private listed: string[] = [];

  constructor(
    private model: Model,
    private store: Store,
  ) {
    this.filter = new FilterField({ class: "tbnb-run-filter", placeholder: "Filter runs (regex)", "aria-label": "filter runs" }, (pattern) =>
      setSetting(model, "run_filter", pattern),
    );
    const all = h("button", { type: "button", class: "tbnb-runs-all" }, "all");
    const none = h("button", { type: "button", class: "tbnb-runs-none" }, "none");
    this.list = new VirtualList({ class: "tbnb-runs", "aria-label": "runs" }, RUN_ROW_HEIGHT, (run) => this.makeRow(run));
    this.el = h("div", { class: "tbnb-run-selector" }, h("div", { class: "tbnb-control" }, "Runs", this.filter.el, h("div", { class: "tbnb-row" }, "select", all, none)), this.list.el);
    const selectMatching = (show: boolean) => {
      const filter = compileFilter(model.get("run_filter"));
      const hidden = new Set(model.get("hidden_runs"));
      for (const run of store.runs) if (passes(filter, run)) (show ? hidden.delete(run) : hidden.add(run));
      setSetting(model, "hidden_runs", [...hidden]);
    };
    all.addEventListener("click", () => selectMatching(true));
    none.addEventListener("click", () => selectMatching(false));
    this.syncRuns();
  }

  /** The model's run_filter, hidden_runs and run_colors, shown: the runs listed, and the rows in the DOM. */
  syncControls(): void {
    const filter = this.filter.show(this.model.get("run_filter"));
    const listed = this.store.runs.filter((run) => passes(filter, run));
    if (listed.length !== this.listed.length || listed.some((r, i) => r !== this.listed[i])) {
      this.listed = listed;
      this.list.set(listed);
    }
    const hidden = new Set(this.model.get("hidden_runs"));
    const picked = this.model.get("run_colors") ?? {};
    for (const [run, wrap] of this.list.rows()) this.update(run, wrap, hidden, picked);
  }

  private update(run: string, wrap: HTMLElement, hidden: Set<string>, picked: Record<string, string>): void {
    const row = (wrap as HTMLElement & { tbnbRow?: Row }).tbnbRow;
    if (!row) return;
    row.box.checked = !hidden.has(run);
    row.picker.value = colorOfRun(run, picked);
    row.reset.hidden = !Object.prototype.hasOwnProperty.call(picked, run);
  }

  private pick(run: string, color: string | null): void {
    const next = { ...(this.model.get("run_colors") ?? {}) };
    if (color === null) delete next[run];
    else next[run] = color.toLowerCase();
    setSetting(this.model, "run_colors", next);
  }

  private makeRow(run: string): HTMLElement {
    const shown = visible(run);
    const box = h("input", { type: "checkbox", "aria-label": `Show run ${shown}` });
    box.addEventListener("change", () => {
      const hidden = new Set(this.model.get("hidden_runs"));
      if (box.checked) hidden.delete(run);
      else hidden.add(run);
      setSetting(this.model, "hidden_runs", [...hidden]);
    });
    const name = h("span", { class: "tbnb-run-name" }, this.names.get(run) ?? run);
    const r = h("label", { class: "tbnb-run", title: shown }, box, name);
    r.dataset.run = run;
    // the native picker: a button that opens with Enter or Space
    const picker = h("input", { type: "color", class: "tbnb-run-color", "aria-label": `Run colour: ${shown}` });
    picker.addEventListener("input", () => this.pick(run, picker.value));
    const reset = h("button", { type: "button", class: "tbnb-run-color-reset", "aria-label": `Reset the colour of ${shown}`, title: "back to the colour of its name" }, "↺");
    reset.addEventListener("click", () => this.pick(run, null));
    const wrap: HTMLElement & { tbnbRow?: Row } = h("div", { class: "tbnb-run-row" }, picker, r, reset);
    wrap.dataset.run = run;
    wrap.tbnbRow = { wrap, box, picker, reset };
    this.update(run, wrap, new Set(this.model.get("hidden_runs")), this.model.get("run_colors") ?? {});
    return wrap;
  }

  /** The runs of the store, in its order (which gives the colours). */
  syncRuns(): void {
    // names sharing a long start are shortened in the middle (the full name on hover)
    this.names = shortNames(this.store.runs, RUN_ROW_CHARS);
    for (const [run, wrap] of this.list.rows()) {
      const name = wrap.querySelector(".tbnb-run-name");
      if (name) name.textContent = this.names.get(run) ?? run;
    }
    this.listed = [];
    this.syncControls();
  }
}
