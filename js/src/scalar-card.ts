// One card of the scalars tab: a Chart with its tools. Over the plot, the step
// markers (marker.ts) and the crosshair with its tooltip (hover.ts); under it, the
// data table (table.ts); in its title bar, Pin card, Full size and Download data.
// Everything here runs on what the browser holds, except a download of series held
// downsampled, which asks the kernel for every point and says it waits.
import { h } from "./dom";
import { Chart, type DrawnLine, type View } from "./chart";
import { Crosshair } from "./hover";
import { plotArea, pxToX, StepMarkers } from "./marker";
import { rangeRows, stepAxis, stepRows, stepsOf } from "./steps";
import { DataTable } from "./table";
import { fileName, saveFile, type FullSeries } from "./download";
import { JOB_POINTS, pool, writeFile, type Written } from "./download-pool";
import { symexp } from "./symlog";
import type { DataTableState, TooltipSort } from "./settings";
import type { Store } from "./store";

/** points of a card asked of the kernel as its download menu opens, at most (16 bytes each) */
const PREFETCH_POINTS = 4_000_000;

export const WAITING_TEXT = "waiting for the kernel for every point (it answers once a running cell finishes)…";

/** What a card asks of its dashboard (shared state: markers, hover, zoom, pins). */
export interface CardHost {
  markersOf(tag: string): number[];
  setMarkers(tag: string, markers: number[], commit: boolean): void;
  hover(from: ScalarCard, x: number | null, cursorY: number | null, pointer: { x: number; y: number } | null): void;
  zoomed(from: ScalarCard, range: [number, number] | null): void;
  togglePin(tag: string): void;
  toggleFull(tag: string): void;
  tableState(): DataTableState;
  setTableState(state: DataTableState): void;
  tooltip(): { sort: TooltipSort; rows: number };
  rangeOn(): boolean;
}

function toggle(label: string, text: string, cls: string): HTMLButtonElement {
  return h("button", { type: "button", class: `tbnb-card-tool ${cls}`, "aria-label": label, "aria-pressed": "false", title: label }, text);
}

export class ScalarCard {
  readonly chart: Chart;
  readonly el: HTMLElement;
  private markers: StepMarkers;
  private crosshair: Crosshair;
  private table: DataTable;
  private pin: HTMLButtonElement;
  private full: HTMLButtonElement;
  private status: HTMLElement;
  private steps: Float64Array = new Float64Array(0);
  private stepsOfLines: unknown = null;
  /** the kernel's points asked for as the download menu opened (what they were asked for: `key`) */
  private prefetched: { key: string; sources: Promise<FullSeries>[] } | null = null;
  /** the tools need updating when the card next shows (markers moved while off screen) */
  toolsDirty = true;

  constructor(
    readonly tag: string,
    readonly pinned: boolean,
    private host: CardHost,
    private store: Store,
  ) {
    this.chart = new Chart(tag);
    this.el = this.chart.el;
    if (pinned) this.el.dataset.pinned = "true";
    const wrap = h("div", { class: "tbnb-plot-wrap" });
    this.chart.plot.replaceWith(wrap);
    this.markers = new StepMarkers(this.chart.plot, (m, commit) => host.setMarkers(tag, m, commit));
    wrap.append(this.chart.plot, this.markers.overlay);
    this.crosshair = new Crosshair(this.markers.overlay);
    this.table = new DataTable((state) => host.setTableState(state));
    this.status = h("div", { class: "tbnb-card-status", role: "status" });
    this.status.hidden = true;
    this.el.append(this.status, this.table.el);

    this.pin = toggle("Pin card", "☆", "tbnb-pin");
    this.pin.addEventListener("click", () => host.togglePin(tag));
    this.full = toggle("Full size", "⤢", "tbnb-full");
    this.full.addEventListener("click", () => host.toggleFull(tag));
    const csv = h("button", { type: "button", class: "tbnb-download-csv", "aria-label": "Download CSV" }, "CSV");
    const json = h("button", { type: "button", class: "tbnb-download-json", "aria-label": "Download JSON" }, "JSON");
    const download: HTMLDetailsElement = h(
      "details",
      { class: "tbnb-download" },
      h("summary", { class: "tbnb-card-tool", "aria-label": "Download data", title: "Download data (every point of every visible run)" }, "⤓"),
      h("div", { class: "tbnb-download-menu" }, csv, json),
    );
    // as the menu opens, the writers start and the points the browser does not hold
    // are asked of the kernel: they come while the person chooses a format (a menu
    // closed without a choice lets them go)
    download.addEventListener("toggle", () => {
      if (download.open) {
        pool.warm();
        const { runs, key, askedPoints } = this.downloadPlan();
        // a card of more points than that is asked for only when a format is chosen
        if (askedPoints > PREFETCH_POINTS) return;
        this.prefetched = { key, sources: this.store.kinds.scalars.fullOf(runs, this.tag) };
        for (const p of this.prefetched.sources) p.catch(() => undefined); // met in download()
        // and the workers write their numbers as text meanwhile: the chosen format is
        // then put together from it
        pool.prepare(key, this.prefetched.sources).catch(() => undefined);
      } else {
        this.prefetched = null;
      }
    });
    for (const [button, format] of [[csv, "csv"], [json, "json"]] as const) {
      button.addEventListener("click", () => {
        const prefetched = this.prefetched;
        this.prefetched = null;
        download.open = false;
        void this.download(format, prefetched);
      });
    }
    const title = this.el.querySelector(".tbnb-chart-title")!;
    const head = h("div", { class: "tbnb-chart-head" });
    title.replaceWith(head);
    head.append(title, h("div", { class: "tbnb-card-tools" }, this.pin, this.full, download));

    const plot = this.chart.plot;
    plot.addEventListener("mousemove", (e) => this.onMove(e));
    plot.addEventListener("mouseleave", () => host.hover(this, null, null, null));
    this.chart.onDrawn = () => {
      const p = plot as unknown as { on?: (name: string, fn: (e: Record<string, unknown>) => void) => void; __tbnbHooked?: boolean };
      if (p.on && !p.__tbnbHooked) {
        p.__tbnbHooked = true;
        p.on("plotly_relayout", (e) => this.onRelayout(e));
      }
      this.updateTools();
    };
  }

  /** Pin and full-size buttons show their state. */
  setState(pinnedToo: boolean, fullSize: boolean): void {
    this.pin.setAttribute("aria-pressed", String(pinnedToo));
    this.pin.classList.toggle("tbnb-on", pinnedToo);
    this.pin.textContent = pinnedToo ? "★" : "☆";
    this.full.setAttribute("aria-pressed", String(fullSize));
    this.full.classList.toggle("tbnb-on", fullSize);
    this.el.classList.toggle("tbnb-full-size", fullSize);
  }

  draw(view: View): void {
    this.chart.draw(this.store.kinds.scalars.seriesOf(this.tag), view);
  }

  /** Markers and table from the state and what the chart drew (no plotly redraw). */
  updateTools(): void {
    this.toolsDirty = false;
    const lines = this.chart.lines;
    const view = this.chart.lastView;
    if (!view) return;
    if (this.stepsOfLines !== lines) {
      this.steps = stepsOf(lines);
      this.stepsOfLines = lines;
    }
    const range = this.host.rangeOn();
    const m = this.host.markersOf(this.tag);
    this.markers.set(m, this.steps, range, stepAxis(lines, view.xAxis === "step"));
    if (!m.length) {
      this.table.show(null, null, this.host.tableState());
      return;
    }
    if (range && m.length >= 2) {
      const lo = Math.min(m[0], m[1]);
      const hi = Math.max(m[0], m[1]);
      this.table.show(rangeRows(lines, lo, hi), [lo, hi], this.host.tableState());
    } else {
      this.table.show(stepRows(lines, m[0]), null, this.host.tableState());
    }
  }

  /** The pointer over the plot area: its x (and y, in the data's units) to the dashboard. */
  private onMove(e: MouseEvent): void {
    const a = plotArea(this.chart.plot);
    if (!a) return;
    const box = this.chart.plot.getBoundingClientRect();
    const px = e.clientX - box.left;
    const py = e.clientY - box.top;
    if (px < a.l || px > a.l + a.w || py < a.t || py > a.t + a.h) {
      this.host.hover(this, null, null, null);
      return;
    }
    this.host.hover(this, pxToX(a, px), this.yAt(py, a), { x: px, y: py });
  }

  private yAt(py: number, a: { t: number; h: number }): number | null {
    const fl = (this.chart.plot as unknown as { _fullLayout?: { yaxis?: { range?: number[]; type?: string } } })._fullLayout;
    const r = fl?.yaxis?.range;
    if (!r) return null;
    const t = r[0] + ((a.t + a.h - py) / a.h) * (r[1] - r[0]);
    if (fl?.yaxis?.type === "log") return Math.pow(10, t);
    return this.chart.symlogC ? symexp(t, this.chart.symlogC) : t;
  }

  /** Shows (x) or hides (null) the crosshair and tooltip; `pointer` only on the card hovered. */
  showHover(x: number | null, cursorY: number | null, pointer: { x: number; y: number } | null): void {
    const a = x === null ? null : plotArea(this.chart.plot);
    const view = this.chart.lastView;
    if (x === null || !a || !view) {
      this.crosshair.hide();
      return;
    }
    const { sort, rows } = this.host.tooltip();
    this.crosshair.show(a, this.chart.lines, x, view.xAxis, sort, rows, cursorY, pointer, this.chart.plot.clientWidth);
  }

  private onRelayout(e: Record<string, unknown>): void {
    this.markers.layout();
    if (e["xaxis.autorange"] === true) {
      this.host.zoomed(this, null);
      return;
    }
    if (!Object.keys(e).some((k) => k.startsWith("xaxis.range"))) return;
    // as numbers (a date axis says dates): what plotly shows now
    const a = plotArea(this.chart.plot);
    if (a) this.host.zoomed(this, [a.x0, a.x1]);
  }

  /** Whether the plot shows `range` on x now (null: autoranged). */
  showsRange(range: [number, number] | null): boolean {
    if (!this.chart.everDrawn) return false;
    const fl = (this.chart.plot as unknown as { _fullLayout?: { xaxis?: { autorange?: unknown } } })._fullLayout;
    if (range === null) return fl?.xaxis?.autorange === true;
    const a = plotArea(this.chart.plot);
    if (!a) return false;
    const eps = Math.abs(range[1] - range[0]) * 1e-9;
    return Math.abs(a.x0 - range[0]) <= eps && Math.abs(a.x1 - range[1]) <= eps;
  }

  /** Zooms the x axis to `range` (null: all), as another card was zoomed. */
  zoomTo(range: [number, number] | null): Promise<unknown> | undefined {
    if (!this.chart.everDrawn) return undefined;
    return this.chart.relayout(range === null ? { "xaxis.autorange": true } : { "xaxis.range": range.slice() });
  }

  /** What a download of the card holds now: the runs of the board, the lines drawn only (a group's), and `key`, which changes with them or with a run's points. */
  private downloadPlan(): { runs: string[]; drawnOnly: DrawnLine[]; askedSeries: number; askedPoints: number; key: string } {
    const series = this.store.kinds.scalars.series;
    const of = (run: string) => series.get(JSON.stringify([run, this.tag]));
    // a group's line (arrange.ts) is no run of the board: written as drawn, never asked for
    const drawnOnly = this.chart.lines.filter((l) => !of(l.run));
    const runs = this.chart.lines.filter((l) => of(l.run)).map((l) => l.run);
    // the series held downsampled, which the kernel sends, and their points
    let askedSeries = 0;
    let askedPoints = 0;
    for (const run of runs) {
      const s = of(run);
      if (s && s.n >= s.total) continue;
      askedSeries++;
      askedPoints += s?.total ?? 0;
    }
    return { runs, drawnOnly, askedSeries, askedPoints, key: JSON.stringify(runs.map((run) => [run, of(run)?.total])) };
  }

  /**
   * A file of every point of every visible run: from the browser if held whole, else
   * from the kernel (`prefetched`: asked as the menu opened, used if the runs and
   * their points are still those).
   */
  async download(format: "csv" | "json", prefetched: { key: string; sources: Promise<FullSeries>[] } | null = null): Promise<void> {
    const t0 = performance.now();
    const reused = pool.reused;
    const { runs, drawnOnly, askedSeries, key } = this.downloadPlan();
    if (askedSeries) {
      this.status.hidden = false;
      this.status.textContent = WAITING_TEXT;
    }
    // each run's rows written as its points arrive (the kernel answers in parts), by workers
    const fresh = prefetched?.key === key ? prefetched : null;
    const sources = fresh ? [...fresh.sources] : this.store.kinds.scalars.fullOf(runs, this.tag);
    for (const l of drawnOnly) {
      sources.push(Promise.resolve({ run: l.run, n: l.series.n, step: l.series.step, wall: l.series.wall, value: l.series.value }));
    }
    let file: Written;
    try {
      file = await writeFile(format, this.tag, sources, pool, JOB_POINTS, fresh?.key);
    } catch (err) {
      this.status.hidden = false;
      this.status.textContent = `download failed: ${(err as Error).message}`;
      return;
    }
    const { points, waitMs, writeMs } = file;
    const t1 = performance.now();
    saveFile(fileName(this.tag, format), file.parts, format === "csv" ? "text/csv" : "application/json");
    const ms = performance.now() - t0;
    this.status.hidden = true;
    this.status.textContent = "";
    // wait_ms: waiting for the kernel's points (the rows are written by workers meanwhile)
    const detail = { format, runs: runs.length + drawnOnly.length, points, ms, wait_ms: waitMs, asked: askedSeries, workers: pool.size, prefetched: fresh !== null,
      prepared: pool.reused - reused, write_ms: writeMs, save_ms: performance.now() - t1 };
    this.el.dataset.downloaded = JSON.stringify(detail);
    this.el.dispatchEvent(new CustomEvent("tbnb-download", { detail }));
  }

  destroy(): void {
    this.chart.destroy();
  }
}
