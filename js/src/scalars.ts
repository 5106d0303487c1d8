// The scalars dashboard: controls on the left, one chart per tag in collapsible
// sections by tag prefix. Everything here runs on data already in the browser.
import { h } from "./dom";
import { Chart, type View } from "./chart";
import { compile, runColor, setSetting, type Model, type XAxis } from "./settings";
import type { Store } from "./store";

function prefix(tag: string): string {
  const i = tag.indexOf("/");
  return i < 0 ? tag : tag.slice(0, i);
}

interface Section {
  el: HTMLDetailsElement;
  grid: HTMLElement;
  count: HTMLElement;
  charts: Map<string, Chart>;
}

export class ScalarsDashboard {
  readonly el: HTMLElement;
  private main: HTMLElement;
  private empty: HTMLElement;
  private sections = new Map<string, Section>();
  private charts = new Map<string, Chart>();
  private runList: HTMLElement;
  private runRows = new Map<string, { row: HTMLElement; box: HTMLInputElement }>();
  private controls: {
    smoothing: HTMLInputElement;
    smoothingValue: HTMLElement;
    xAxis: HTMLSelectElement;
    logY: HTMLInputElement;
    outliers: HTMLInputElement;
    tagFilter: HTMLInputElement;
    runFilter: HTMLInputElement;
  };
  private observer: IntersectionObserver;
  private frame = 0;
  private cleanups: (() => void)[] = [];
  onData?: () => void;

  constructor(
    private model: Model,
    private store: Store,
  ) {
    const smoothing = h("input", { type: "range", min: "0", max: "0.999", step: "0.001", class: "tbnb-smoothing", "aria-label": "smoothing" });
    const smoothingValue = h("span", { class: "tbnb-smoothing-value" });
    const xAxis = h("select", { class: "tbnb-xaxis", "aria-label": "horizontal axis" });
    for (const [value, text] of [["step", "Step"], ["relative", "Relative"], ["wall", "Wall"]]) {
      xAxis.appendChild(h("option", { value }, text));
    }
    const logY = h("input", { type: "checkbox", class: "tbnb-logy" });
    const outliers = h("input", { type: "checkbox", class: "tbnb-outliers" });
    const tagFilter = h("input", { type: "search", class: "tbnb-tag-filter", placeholder: "Filter tags (regex)", "aria-label": "filter tags" });
    const runFilter = h("input", { type: "search", class: "tbnb-run-filter", placeholder: "Filter runs (regex)", "aria-label": "filter runs" });
    const all = h("button", { type: "button", class: "tbnb-runs-all" }, "all");
    const none = h("button", { type: "button", class: "tbnb-runs-none" }, "none");
    this.runList = h("div", { class: "tbnb-runs" });
    this.controls = { smoothing, smoothingValue, xAxis, logY, outliers, tagFilter, runFilter };

    const sidebar = h(
      "div",
      { class: "tbnb-sidebar" },
      h("label", { class: "tbnb-control" }, "Smoothing", h("div", { class: "tbnb-row" }, smoothing, smoothingValue)),
      h("label", { class: "tbnb-control" }, "Horizontal axis", xAxis),
      h("label", { class: "tbnb-check" }, logY, "Log-scale y axis"),
      h("label", { class: "tbnb-check" }, outliers, "Ignore outliers"),
      h("div", { class: "tbnb-control" }, "Runs", runFilter, h("div", { class: "tbnb-row" }, "select", all, none)),
      this.runList,
    );
    this.empty = h("div", { class: "tbnb-empty" });
    this.main = h("div", { class: "tbnb-main" }, tagFilter, this.empty);
    this.el = h("div", { class: "tbnb-scalars" }, sidebar, this.main);

    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const chart = this.charts.get((e.target as HTMLElement).dataset.tag ?? "");
        if (!chart) continue;
        chart.onScreen = e.isIntersecting;
        if (chart.onScreen && chart.dirty) this.schedule();
      }
    }, { rootMargin: "200px" });

    smoothing.addEventListener("input", () => {
      smoothingValue.textContent = Number(smoothing.value).toFixed(3);
      setSetting(model, "smoothing", Number(smoothing.value));
    });
    xAxis.addEventListener("change", () => setSetting(model, "x_axis", xAxis.value as XAxis));
    logY.addEventListener("change", () => setSetting(model, "log_y", logY.checked));
    outliers.addEventListener("change", () => setSetting(model, "ignore_outliers", outliers.checked));
    tagFilter.addEventListener("input", () => setSetting(model, "tag_filter", tagFilter.value));
    runFilter.addEventListener("input", () => setSetting(model, "run_filter", runFilter.value));
    const selectMatching = (show: boolean) => {
      const re = compile(model.get("run_filter")) ?? /(?:)/;
      const hidden = new Set(model.get("hidden_runs"));
      for (const run of store.runs) if (re.test(run)) (show ? hidden.delete(run) : hidden.add(run));
      setSetting(model, "hidden_runs", [...hidden]);
    };
    all.addEventListener("click", () => selectMatching(true));
    none.addEventListener("click", () => selectMatching(false));

    const onSettings = () => {
      this.syncControls();
      this.applyFilters();
      this.invalidateAll();
    };
    for (const key of ["smoothing", "x_axis", "log_y", "ignore_outliers", "tag_filter", "run_filter", "hidden_runs"]) {
      model.on(`change:${key}`, onSettings);
      this.cleanups.push(() => model.off(`change:${key}`, onSettings));
    }
    this.cleanups.push(
      store.subscribe((tags, runsChanged) => {
        if (runsChanged) this.syncRuns();
        this.syncCharts();
        for (const tag of tags) {
          const c = this.charts.get(tag);
          if (c) c.dirty = true;
        }
        if (runsChanged) this.invalidateAll();
        this.schedule();
        this.onData?.();
      }),
    );
    this.syncControls();
    this.syncRuns();
    this.syncCharts();
    this.applyFilters();
    this.schedule();
  }

  setEmptyMessage(text: string, kind: "info" | "error"): void {
    this.empty.textContent = text;
    this.empty.className = `tbnb-empty tbnb-${kind}`;
    this.empty.hidden = text === "";
  }

  get chartCount(): number {
    return this.charts.size;
  }

  private view(): View {
    const re = compile(this.model.get("run_filter"));
    const hidden = new Set(this.model.get("hidden_runs"));
    const index = new Map(this.store.runs.map((r, i) => [r, i]));
    return {
      smoothing: this.model.get("smoothing"),
      xAxis: this.model.get("x_axis"),
      logY: this.model.get("log_y"),
      ignoreOutliers: this.model.get("ignore_outliers"),
      visible: (run) => !hidden.has(run) && (re === null || re.test(run)),
      runIndex: (run) => index.get(run) ?? 0,
    };
  }

  private syncControls(): void {
    const c = this.controls;
    const m = this.model;
    c.smoothing.value = String(m.get("smoothing"));
    c.smoothingValue.textContent = Number(m.get("smoothing")).toFixed(3);
    c.xAxis.value = m.get("x_axis");
    c.logY.checked = m.get("log_y");
    c.outliers.checked = m.get("ignore_outliers");
    if (c.tagFilter.value !== m.get("tag_filter")) c.tagFilter.value = m.get("tag_filter");
    if (c.runFilter.value !== m.get("run_filter")) c.runFilter.value = m.get("run_filter");
    c.tagFilter.classList.toggle("tbnb-invalid", compile(m.get("tag_filter")) === null);
    c.runFilter.classList.toggle("tbnb-invalid", compile(m.get("run_filter")) === null);
    const hidden = new Set(m.get("hidden_runs"));
    for (const [run, { box }] of this.runRows) box.checked = !hidden.has(run);
  }

  private syncRuns(): void {
    this.store.runs.forEach((run, i) => {
      let row = this.runRows.get(run);
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
        const r = h("label", { class: "tbnb-run", title: run }, box, swatch, h("span", { class: "tbnb-run-name" }, run));
        r.dataset.run = run;
        row = { row: r, box };
        this.runRows.set(run, row);
      }
      (row.row.querySelector(".tbnb-swatch") as HTMLElement).style.background = runColor(i);
      this.runList.appendChild(row.row); // keeps the store's order
    });
  }

  private syncCharts(): void {
    for (const tag of this.store.tags()) {
      if (this.charts.has(tag)) continue;
      const name = prefix(tag);
      let section = this.sections.get(name);
      if (!section) {
        const count = h("span", { class: "tbnb-count" });
        const grid = h("div", { class: "tbnb-grid" });
        const el = h("details", { class: "tbnb-section", open: "" }, h("summary", {}, h("span", { class: "tbnb-section-name" }, name), count), grid);
        el.dataset.section = name;
        section = { el, grid, count, charts: new Map() };
        this.sections.set(name, section);
        const names = [...this.sections.keys()].sort();
        const next = names[names.indexOf(name) + 1];
        this.main.insertBefore(el, next ? this.sections.get(next)!.el : null);
      }
      const chart = new Chart(tag);
      this.charts.set(tag, chart);
      section.charts.set(tag, chart);
      const tags = [...section.charts.keys()].sort();
      const after = tags[tags.indexOf(tag) + 1];
      section.grid.insertBefore(chart.el, after ? section.charts.get(after)!.el : null);
      this.observer.observe(chart.el);
    }
    this.applyFilters();
  }

  private applyFilters(): void {
    const tagRe = compile(this.model.get("tag_filter"));
    for (const section of this.sections.values()) {
      let shown = 0;
      for (const [tag, chart] of section.charts) {
        const ok = tagRe === null || tagRe.test(tag);
        chart.el.hidden = !ok;
        if (ok) shown++;
      }
      section.el.hidden = shown === 0;
      section.count.textContent = ` ${shown}`;
    }
    const runRe = compile(this.model.get("run_filter"));
    for (const [run, { row }] of this.runRows) row.hidden = runRe !== null && !runRe.test(run);
  }

  private invalidateAll(): void {
    for (const c of this.charts.values()) c.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const view = this.view();
      for (const chart of this.charts.values()) {
        if (chart.dirty && chart.onScreen && !chart.el.hidden) chart.draw(this.store.seriesOf(chart.tag), view);
      }
    });
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.observer.disconnect();
    for (const fn of this.cleanups) fn();
    for (const c of this.charts.values()) c.destroy();
  }
}
