// The scalars dashboard: its settings for the sidebar, one chart per tag in
// collapsible sections by tag prefix. Everything here runs on data already in the browser.
import { h } from "./dom";
import { visible } from "./names";
import { Chart, type View } from "./chart";
import { DEFAULT_SMOOTHING } from "./smoothing";
import { prefix, type Dashboard } from "./dashboard";
import { compileFilter, passes } from "./filters";
import { runView, setSetting, xAxisSelect, type Model } from "./settings";
import type { Store } from "./store";

interface Section {
  el: HTMLDetailsElement;
  grid: HTMLElement;
  count: HTMLElement;
  charts: Map<string, Chart>;
}

export class ScalarsDashboard implements Dashboard {
  readonly el: HTMLElement;
  readonly settings: HTMLElement;
  private sections = new Map<string, Section>();
  private charts = new Map<string, Chart>();
  private controls: {
    smoothing: HTMLInputElement;
    smoothingValue: HTMLElement;
    xAxis: HTMLSelectElement;
    logY: HTMLInputElement;
    outliers: HTMLInputElement;
  };
  private observer: IntersectionObserver;
  private frame = 0;
  private idle = 0;
  private cleanups: (() => void)[] = [];

  constructor(
    private model: Model,
    private store: Store,
  ) {
    const smoothing = h("input", { type: "range", min: "0", max: "0.999", step: "0.001", class: "tbnb-smoothing", "aria-label": "smoothing" });
    const smoothingValue = h("span", { class: "tbnb-smoothing-value" });
    const xAxis = xAxisSelect(model);
    const logY = h("input", { type: "checkbox", class: "tbnb-logy" });
    const outliers = h("input", { type: "checkbox", class: "tbnb-outliers" });
    this.controls = { smoothing, smoothingValue, xAxis, logY, outliers };

    this.settings = h(
      "div",
      { class: "tbnb-tab-settings" },
      h("label", { class: "tbnb-control" }, "Smoothing", h("div", { class: "tbnb-row" }, smoothing, smoothingValue)),
      h("label", { class: "tbnb-control" }, "Horizontal axis", xAxis),
      h("label", { class: "tbnb-check" }, logY, "Log-scale y axis"),
      h("label", { class: "tbnb-check" }, outliers, "Ignore outliers"),
    );
    this.el = h("div", { class: "tbnb-scalars" });

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
    logY.addEventListener("change", () => setSetting(model, "log_y", logY.checked));
    outliers.addEventListener("change", () => setSetting(model, "ignore_outliers", outliers.checked));

    const onSettings = () => {
      this.syncControls();
      this.applyFilters();
      this.invalidateAll();
    };
    for (const key of ["smoothing", "x_axis", "log_y", "ignore_outliers", "run_filter", "hidden_runs", "run_colors"]) {
      model.on(`change:${key}`, onSettings);
      this.cleanups.push(() => model.off(`change:${key}`, onSettings));
    }
    // the tag filter changes which charts show, not what they draw
    const onTagFilter = () => {
      this.applyFilters();
      this.schedule();
    };
    model.on("change:tag_filter", onTagFilter);
    this.cleanups.push(() => model.off("change:tag_filter", onTagFilter));
    this.cleanups.push(
      store.subscribe((change) => {
        const keys = change.of("scalars");
        if (keys.size === 0 && !change.runs && !change.full) return;
        this.syncCharts();
        for (const key of keys) {
          const tag = store.kinds.scalars.series.get(key)?.tag;
          const c = tag === undefined ? undefined : this.charts.get(tag);
          if (c) c.dirty = true;
        }
        if (change.runs || change.full) this.invalidateAll();
        this.schedule();
      }),
    );
    this.syncControls();
    this.syncCharts();
    this.applyFilters();
    this.schedule();
  }

  get count(): number {
    return this.charts.size;
  }

  private view(): View {
    const runs = runView(this.model, this.store.runs);
    return {
      smoothing: this.model.get("smoothing") ?? DEFAULT_SMOOTHING,
      xAxis: this.model.get("x_axis"),
      logY: this.model.get("log_y"),
      ignoreOutliers: this.model.get("ignore_outliers"),
      visible: runs.visible,
      runIndex: runs.runIndex,
      color: runs.color,
    };
  }

  private syncControls(): void {
    const c = this.controls;
    const m = this.model;
    const smoothing = m.get("smoothing") ?? DEFAULT_SMOOTHING;
    c.smoothing.value = String(smoothing);
    c.smoothingValue.textContent = Number(smoothing).toFixed(3);
    c.xAxis.value = m.get("x_axis");
    c.logY.checked = m.get("log_y");
    c.outliers.checked = m.get("ignore_outliers");
  }

  private syncCharts(): void {
    for (const tag of this.store.kinds.scalars.tags()) {
      if (this.charts.has(tag)) continue;
      const name = prefix(tag);
      let section = this.sections.get(name);
      if (!section) {
        const count = h("span", { class: "tbnb-count" });
        const grid = h("div", { class: "tbnb-grid" });
        const el = h("details", { class: "tbnb-section", open: "" }, h("summary", {}, h("span", { class: "tbnb-section-name" }, visible(name)), count), grid);
        el.dataset.section = name;
        section = { el, grid, count, charts: new Map() };
        this.sections.set(name, section);
        const names = [...this.sections.keys()].sort();
        const next = names[names.indexOf(name) + 1];
        this.el.insertBefore(el, next ? this.sections.get(next)!.el : null);
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
    const tags = compileFilter(this.model.get("tag_filter"));
    for (const section of this.sections.values()) {
      let shown = 0;
      for (const [tag, chart] of section.charts) {
        const ok = passes(tags, tag);
        chart.el.hidden = !ok;
        if (ok) shown++;
      }
      section.el.hidden = shown === 0;
      section.count.textContent = ` ${shown}`;
    }
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
        if (chart.dirty && chart.onScreen && !chart.el.hidden) chart.draw(this.store.kinds.scalars.seriesOf(chart.tag), view);
      }
      this.scheduleIdle();
    });
  }

  /**
   * Charts off screen that were never drawn are drawn one at a time while the browser
   * is idle, so that a filter or a scroll that brings one into view shows it at once.
   * (Later changes to charts off screen wait until they come into view.)
   */
  private scheduleIdle(): void {
    if (this.idle) return;
    const next = [...this.charts.values()].find((c) => !c.everDrawn && !c.onScreen && !c.el.hidden);
    if (!next) return;
    const run = () => {
      this.idle = 0;
      if (!next.everDrawn && !next.onScreen && !next.el.hidden) next.draw(this.store.kinds.scalars.seriesOf(next.tag), this.view());
      this.scheduleIdle();
    };
    this.idle = typeof requestIdleCallback === "function" ? requestIdleCallback(run, { timeout: 2000 }) : window.setTimeout(run, 50);
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.idle) (typeof cancelIdleCallback === "function" ? cancelIdleCallback : clearTimeout)(this.idle);
    this.observer.disconnect();
    for (const fn of this.cleanups) fn();
    for (const c of this.charts.values()) c.destroy();
  }
}
