// The HParams tab: the sessions table (sortable, filterable, columns shown or added),
// parallel coordinates (brushable) and a scatter-plot matrix of the sessions shown,
// the selected session's scalar curves, and a link to the board's run selection.
// Everything runs on data already in the browser (CONTRIBUTING.md, principle 1): an
// update recomputes what its change touched, keeps the table's rows (reordering and
// hiding them) and redraws a plotly view only when what it shows changed. The table is
// updated first, the plotly views in the frame after. The root's data-draws counts
// completed updates (the table's, then the views') and data-ms says how long the last
// one took. (Over the 500-line guideline: the scheduling of those updates and what each
// recomputes are one piece, kept together.)
import type { Dashboard } from "../dashboard";
import { h } from "../dom";
import { visible } from "../names";
import { runView, setSetting, type Model } from "../settings";
import { DEFAULT_SMOOTHING } from "../smoothing";
import { seriesKey, type Session, type Store } from "../store";
import { ColumnChooser, FilterPanel, type FilterSpec } from "./controls";
import { SessionCurves } from "./curves";
import { axesFor, axisData, brushMask, carryBrushes, colourData, filterMask, filterSpecs, infoByName, orderRows, pickSplom, splomDims } from "./derive";
import { describeBrush, type Axis, type FilterState, type Scale } from "./filtering";
import { buildColumns, cellOf, csvCell, scalarColumnId, scalarTagsOf, toCsv, type Cell, type Column, type ScalarColumn, type SortKey } from "./model";
import { SessionTable, type RowData } from "./table";
import { ViewControls } from "./view-controls";
import { ParcoordsView, SplomView, type Brushes } from "./views";

/** Live updates wait at least this long after the last one, and LIVE_FACTOR times its cost. */
const LIVE_WAIT = 250;
const TABLE_NEEDS = ["rows", "scalars", "columns", "filters", "brushes", "sort"] as const;
// sessions listed in the table at first, and added by "list more"
const PAGE_ROWS = 100;
const LIVE_FACTOR = 4;

type Need = "rows" | "scalars" | "columns" | "filters" | "brushes" | "sort" | "parcoords" | "splom" | "curves";

export class HParamsDashboard implements Dashboard {
  readonly el: HTMLElement;
  readonly settings: HTMLElement;
  private table: SessionTable;
  private filterPanel: FilterPanel;
  private chooser: ColumnChooser;
  private parcoords: ParcoordsView;
  private splom: SplomView;
  private curves: SessionCurves;
  private count = h("span", { class: "tbnb-hparams-count", role: "status" });
  /** rows listed in the table (the views and the CSV have every session that passes) */
  private listed = PAGE_ROWS;
  private moreButton: HTMLButtonElement;
  private notes = h("ul", { class: "tbnb-hparams-notes" });
  private tip = h("div", { class: "tbnb-hparams-tooltip", role: "tooltip" });
  private controls: ViewControls;

  private rowList: RowData[] = [];
  private rows = new Map<string, RowData>();
  private columns: Column[] = [];
  private colsSig = "";
  private scalarCols: ScalarColumn[] = [];
  private hiddenCols = new Set<string>();
  private sort: SortKey | null = null;
  private filters = new Map<string, FilterState>();
  private specs: FilterSpec[] = [];
  private passFilters: boolean[] = [];
  private brushes: Brushes = new Map();
  private scales = new Map<string, Scale>();
  private axisOrder: string[] = [];
  private axes: Axis[] = [];
  private colourBy: string | null = null; // null: the first metric; "": none
  private splomPick: Set<string> | null = null;
  private selected: string | null = null;
  private shownIdx: number[] = [];

  private need = new Set<Need>(["rows", "columns", "filters", "brushes", "sort", "parcoords", "splom", "curves"]);
  private curvesForce = false;
  private scalarRuns = new Set<string>();
  private draws = 0;
  private frame = 0;
  private timer = 0;
  private running = false;
  private again = false;
  private lastEnd = -Infinity;
  private lastCost = 0;
  private observer: IntersectionObserver;
  private onScreen = false;
  private cleanups: (() => void)[] = [];

  constructor(
    private model: Model,
    private store: Store,
  ) {
    this.table = new SessionTable({
      sort: (col) => this.toggleSort(col),
      select: (run) => this.select(this.selected === run ? null : run),
      showRun: (s, show) => this.showRuns([s], show),
      note: (marker, text) => this.showTip(marker, text),
    });
    this.filterPanel = new FilterPanel(
      () => this.touch("filters"),
      (col) => {
        this.brushes.delete(col);
        this.touch("brushes", "parcoords");
      },
    );
    this.chooser = new ColumnChooser(
      {
        toggle: (col, show) => {
          if (show) this.hiddenCols.delete(col);
          else this.hiddenCols.add(col);
          this.touch("columns");
        },
        add: (c) => {
          if (!this.scalarCols.some((x) => scalarColumnId(x) === scalarColumnId(c))) this.scalarCols.push(c);
          this.hiddenCols.delete(scalarColumnId(c));
          this.touch("columns");
        },
        remove: (col) => {
          this.scalarCols = this.scalarCols.filter((x) => scalarColumnId(x) !== col);
          this.touch("columns");
        },
      },
      () => scalarTagsOf(this.store.kinds.hparams.sessions(), this.store.kinds.scalars.series.values()),
    );
    this.parcoords = new ParcoordsView((brushes, order) => {
      this.brushes = brushes;
      this.axisOrder = order;
      this.touch("brushes");
    });
    this.splom = new SplomView((run) => this.select(run));
    this.curves = new SessionCurves(store);
    this.tip.hidden = true;
    this.controls = new ViewControls({
      colour: (col) => {
        this.colourBy = col;
        this.touch("parcoords", "splom");
      },
      scale: (col, scale) => {
        this.scales.set(col, scale);
        this.touch("parcoords");
      },
      pick: (cols) => {
        this.splomPick = cols;
        this.touch("splom");
      },
    });

    const button = (text: string, attrs: Record<string, string>, fn: () => void) => {
      const b = h("button", { type: "button", ...attrs }, text);
      b.addEventListener("click", fn);
      return b;
    };
    this.moreButton = button(`list ${PAGE_ROWS} more`, { class: "tbnb-hparams-more", "aria-label": `list ${PAGE_ROWS} more sessions in the table` }, () => {
      this.listed += PAGE_ROWS;
      this.touch("sort");
    });
    this.moreButton.hidden = true;
    const bar = h(
      "div",
      { class: "tbnb-hparams-bar" },
      this.count,
      this.moreButton,
      button("show only the filtered sessions' runs", { class: "tbnb-hparams-only" }, () => this.showOnlyFiltered()),
      button("show all", { class: "tbnb-hparams-show-all", "aria-label": "show all runs" }, () => setSetting(this.model, "hidden_runs", [])),
      button("clear brushes", { class: "tbnb-hparams-clear" }, () => {
        this.brushes = new Map();
        this.touch("brushes", "parcoords");
      }),
      button("CSV", { class: "tbnb-hparams-csv", "aria-label": "download the table as CSV" }, () => this.downloadCsv()),
    );
    const section = (title: string, open: boolean, ...body: HTMLElement[]) =>
      h("details", { class: "tbnb-hparams-section", ...(open ? { open: "" } : {}) }, h("summary", {}, title), ...body);
    this.el = h(
      "div",
      { class: "tbnb-hparams" },
      bar,
      this.notes,
      section("Filters", true, this.filterPanel.el),
      section("Columns", false, this.chooser.el),
      h("div", { class: "tbnb-hparams-table-wrap" }, this.table.el),
      h("div", { class: "tbnb-hparams-view-bar" }, h("span", { class: "tbnb-hparams-view-title" }, "Parallel coordinates"), h("label", { class: "tbnb-row" }, "Colour by", this.controls.colour)),
      this.controls.scales,
      this.parcoords.el,
      h("div", { class: "tbnb-hparams-view-bar" }, h("span", { class: "tbnb-hparams-view-title" }, "Scatter-plot matrix")),
      this.controls.picker,
      this.splom.el,
      this.curves.el,
      this.tip,
    );
    this.el.dataset.draws = "0";
    this.settings = h("div", { class: "tbnb-tab-settings" });

    // plotly draws only while the tab shows (a hidden div has no size)
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) this.onScreen = e.isIntersecting;
      if (this.onScreen && (this.need.has("parcoords") || this.need.has("splom") || this.need.has("curves"))) this.schedule(false);
    });
    this.observer.observe(this.el);

    const onRuns = () => this.table.syncShown((s) => this.shows(s));
    for (const key of ["hidden_runs", "run_filter"]) {
      model.on(`change:${key}`, onRuns);
      this.cleanups.push(() => model.off(`change:${key}`, onRuns));
    }
    const onView = () => {
      this.curvesForce = true;
      this.touch("curves");
    };
    for (const key of ["smoothing", "x_axis", "log_y", "ignore_outliers"]) {
      model.on(`change:${key}`, onView);
      this.cleanups.push(() => model.off(`change:${key}`, onView));
    }
    this.cleanups.push(
      store.subscribe((change) => {
        let live = false;
        if (change.full || change.of("hparams").size || change.of("hparams_info").size) {
          this.need.add("rows");
          live = true;
        }
        const scalars = change.of("scalars");
        if (scalars.size) {
          const curveRuns = this.curves.runs();
          for (const k of scalars) {
            const run = (JSON.parse(k) as [string, string])[0];
            if (this.scalarCols.length) {
              this.scalarRuns.add(run);
              this.need.add("scalars");
              live = true;
            }
            if (curveRuns.has(run)) {
              this.need.add("curves");
              live = true;
            }
          }
        }
        if (change.runs) {
          this.curvesForce = true;
          this.need.add("curves");
          live = true;
        }
        if (live) this.schedule(true);
      }),
    );
    this.schedule(false);
  }

  /** Marks what an interaction changed and redraws at the next frame. */
  private touch(...what: Need[]): void {
    for (const w of what) this.need.add(w);
    this.schedule(false);
  }

  private schedule(live: boolean): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (live) {
      if (this.timer || this.frame) return;
      const wait = this.lastEnd + Math.max(LIVE_WAIT, this.lastCost * LIVE_FACTOR) - performance.now();
      if (wait > 0) {
        this.timer = window.setTimeout(() => {
          this.timer = 0;
          this.schedule(false);
        }, wait);
        return;
      }
    }
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.timer) clearTimeout(this.timer);
      this.timer = 0;
      void this.update();
    });
  }

  private async update(): Promise<void> {
    this.running = true;
    const t0 = performance.now();
    const table = TABLE_NEEDS.some((w) => this.need.has(w));
    if (table) {
      // the start of the frame after this update: the table laid out and painted
      requestAnimationFrame(() => (this.el.dataset.tableDrawn = String(performance.now())));
    }
    try {
      await this.compute();
    } catch (err) {
      console.error("tbnb hparams:", err);
    } finally {
      this.running = false;
      this.lastEnd = performance.now();
      this.lastCost = this.lastEnd - t0;
      this.el.dataset.ms = String(Math.round(this.lastCost));
      this.el.dataset.draws = String(++this.draws);
      if (this.again) {
        this.again = false;
        this.schedule(false);
      }
    }
  }

  private async compute(): Promise<void> {
    const need = this.need;
    // what the person or the kernel changed of the table (the views' needs follow from it)
    const tableDone = TABLE_NEEDS.some((w) => need.has(w));
    const data = need.has("rows") || need.has("scalars") || need.has("columns") ? this.syncRows() : false;
    const shownCols = this.columns.filter((c) => !this.hiddenCols.has(c.id));
    const colById = new Map(this.columns.map((c) => [c.id, c]));
    if (data || need.has("filters")) {
      this.specs = filterSpecs(shownCols, this.rowList, this.filters, infoByName(this.store.kinds.hparams.experiments));
      this.filterPanel.update(this.specs);
      this.passFilters = filterMask(this.rowList, this.specs);
      need.add("parcoords").add("splom").add("brushes");
    }
    if (data || need.has("parcoords")) {
      const before = new Map(this.axes.map((a) => [a.col, a]));
      this.axes = axesFor(shownCols, this.rowList, this.scales, this.axisOrder);
      this.brushes = carryBrushes(this.brushes, before, this.axes);
      need.add("brushes").add("splom");
    }
    if (need.has("splom")) {
      const picked = new Set(pickSplom(this.axes, colById, this.splomPick).map((a) => a.col));
      this.controls.sync(this.columns, this.axes, this.colourColumn(colById)?.id ?? "", picked, this.splomPick !== null);
    }
    if (need.has("brushes") || need.has("sort")) {
      const brushed = brushMask(this.rowList, this.axes, this.brushes);
      const mask = this.passFilters.map((ok, i) => ok && brushed[i]);
      this.shownIdx = orderRows(this.rowList, mask, this.sort);
      this.table.arrange(
        this.shownIdx.map((i) => this.rowList[i].session.run),
        this.listed,
      );
      this.table.setSort(this.sort);
      const n = this.shownIdx.length;
      const more = n > this.listed;
      this.count.textContent = `${n} of ${this.rowList.length} sessions shown${more ? ` (the first ${this.listed} listed)` : ""}`;
      this.moreButton.hidden = !more;
      const byCol = new Map(this.axes.map((a) => [a.col, a]));
      for (const spec of this.specs) {
        const axis = byCol.get(spec.col.id);
        const ranges = this.brushes.get(spec.col.id);
        this.filterPanel.showBrush(spec.col.id, axis && ranges?.length ? describeBrush(axis, ranges) : null);
      }
      if (need.has("brushes")) need.add("splom");
    }
    for (const done of TABLE_NEEDS) need.delete(done);
    if (!this.onScreen && this.el.getClientRects().length === 0) return; // drawn when the tab shows
    if (tableDone && (need.has("parcoords") || need.has("splom"))) {
      // the table shows now; the plotly views (WebGL) are drawn in the next frame
      this.again = true;
      return;
    }
    const draws: Promise<void>[] = [];
    const colour = this.colourColumn(colById);
    if (need.has("parcoords")) {
      need.delete("parcoords");
      const idx = this.rowList.map((_, i) => i).filter((i) => this.passFilters[i]);
      draws.push(
        this.parcoords.draw({
          axes: this.axes,
          labels: new Map(this.axes.map((a) => [a.col, visible(colById.get(a.col)?.label ?? a.col)])),
          values: axisData(this.rowList, idx, this.axes),
          colour: colour ? { label: visible(colour.label), values: colourData(this.rowList, idx, colour.id) } : null,
          brushes: this.brushes,
        }),
      );
    }
    if (need.has("splom")) {
      need.delete("splom");
      const idx = this.shownIdx;
      const dims = pickSplom(this.axes, colById, this.splomPick);
      draws.push(
        this.splom.draw({
          dims: splomDims(this.rowList, idx, dims, colById).map((d) => ({ ...d, label: visible(d.label) })),
          names: idx.map((i) => visible(this.rowList[i].session.name)),
          runs: idx.map((i) => this.rowList[i].session.run),
          colour: colour ? { label: visible(colour.label), values: colourData(this.rowList, idx, colour.id) } : null,
        }),
      );
    }
    if (need.has("curves")) {
      need.delete("curves");
      const runs = runView(this.model, this.store.runs);
      const view = {
        smoothing: this.model.get("smoothing") ?? DEFAULT_SMOOTHING,
        xAxis: this.model.get("x_axis"),
        logY: this.model.get("log_y"),
        ignoreOutliers: this.model.get("ignore_outliers"),
        visible: () => true,
        runIndex: runs.runIndex,
      };
      this.curves.update(this.selected === null ? null : (this.rows.get(this.selected)?.session ?? null), view, this.curvesForce);
      this.curvesForce = false;
    }
    await Promise.all(draws);
  }

  /** The columns and every row's cells, from the store; returns whether anything shown changed. */
  private syncRows(): boolean {
    const holder = this.store.kinds.hparams;
    const sessions = holder.sessions();
    const columns = buildColumns(holder.experiments, sessions, this.scalarCols);
    const sig = columns.map((c) => `${c.id}\u0000${c.label}`).join("\u0001") + `\u0002${[...this.hiddenCols].join("\u0001")}`;
    const colsChanged = sig !== this.colsSig;
    this.colsSig = sig;
    this.columns = columns;
    const scalars = this.store.kinds.scalars.series;
    const lookup = (run: string, tag: string) => scalars.get(seriesKey(run, tag));
    let changed = colsChanged;
    const next = new Map<string, RowData>();
    for (const s of sessions) {
      const old = this.rows.get(s.run);
      const stale = !old || old.session !== s || colsChanged || (this.scalarRuns.has(s.run) || this.scalarRuns.has(s.parent));
      if (!stale) {
        next.set(s.run, old);
        continue;
      }
      const cells = new Map<string, Cell>();
      for (const col of columns) cells.set(col.id, cellOf(s, col, lookup));
      const same = old !== undefined && old.session.name === s.name && old.session.notes.join("\n") === s.notes.join("\n") && columns.every((c) => Object.is(cells.get(c.id), old.cells.get(c.id)));
      const row = same ? { session: s, cells: old.cells } : { session: s, cells };
      next.set(s.run, row);
      if (!same) {
        changed = true;
        this.table.upsert(row);
      } else old.session = s;
    }
    for (const run of this.rows.keys()) {
      if (next.has(run)) continue;
      this.table.remove(run);
      changed = true;
    }
    if (next.size !== this.rows.size) changed = true;
    this.rows = next;
    this.rowList = [...next.values()];
    this.scalarRuns.clear();
    if (colsChanged) {
      this.table.setColumns(columns.filter((c) => !this.hiddenCols.has(c.id)), this.sort);
      this.chooser.update(columns, this.hiddenCols);
    }
    if (changed) {
      this.table.syncShown((s) => this.shows(s));
      this.showNotes(holder.notes);
      if (this.selected !== null && !this.rows.has(this.selected)) this.select(null);
      this.need.add("curves");
    }
    return changed;
  }

  private colourColumn(colById: Map<string, Column>): Column | null {
    if (this.colourBy === "") return null;
    if (this.colourBy !== null && colById.has(this.colourBy)) return colById.get(this.colourBy)!;
    return this.columns.find((c) => c.kind === "metric") ?? null;
  }

  private toggleSort(col: string): void {
    this.sort = this.sort?.col === col ? { col, dir: this.sort.dir === "ascending" ? "descending" : "ascending" } : { col, dir: "ascending" };
    this.touch("sort");
  }

  private select(run: string | null): void {
    this.selected = run;
    this.table.setSelected(run);
    this.touch("curves");
  }

  /** Whether a session's runs show on every tab (its run and its parent, by hidden_runs). */
  private shows(s: Session): boolean {
    const hidden = this.model.get("hidden_runs") ?? [];
    return !hidden.includes(s.run) && !hidden.includes(s.parent);
  }

  private showRuns(sessions: Session[], show: boolean): void {
    const hidden = new Set(this.model.get("hidden_runs") ?? []);
    for (const s of sessions) for (const r of [s.run, s.parent]) (show ? hidden.delete(r) : hidden.add(r));
    setSetting(this.model, "hidden_runs", [...hidden]);
  }

  /** Hides every run but the filtered sessions' runs and their parents. */
  private showOnlyFiltered(): void {
    const keep = new Set<string>();
    for (const i of this.shownIdx) {
      const s = this.rowList[i].session;
      keep.add(s.run);
      keep.add(s.parent);
    }
    setSetting(this.model, "hidden_runs", this.store.runs.filter((r) => !keep.has(r)));
  }

  private showNotes(notes: readonly string[]): void {
    this.notes.replaceChildren(...notes.map((n) => h("li", {}, visible(n))));
    this.notes.hidden = notes.length === 0;
  }

  /** The notes of a session, next to its marker (fixed: the table's scroll box would clip it). */
  private showTip(marker: HTMLElement | null, text: string): void {
    if (!marker || !text) {
      this.tip.hidden = true;
      return;
    }
    this.tip.textContent = text.split("\n").map(visible).join("\n");
    const r = marker.getBoundingClientRect();
    this.tip.style.left = `${Math.round(r.left)}px`;
    this.tip.style.top = `${Math.round(r.bottom + 4)}px`;
    this.tip.hidden = false;
  }

  /** The filtered, sorted table with its shown columns, as hparams.csv. */
  private downloadCsv(): void {
    const cols = this.columns.filter((c) => !this.hiddenCols.has(c.id));
    const csv = toCsv(
      cols.map((c) => c.label),
      this.shownIdx.map((i) => cols.map((c) => csvCell(this.rowList[i].cells.get(c.id) ?? null, c.kind))),
    );
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const a = h("a", { href: url, download: "hparams.csv", class: "tbnb-hparams-download" });
    a.hidden = true;
    this.el.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer) clearTimeout(this.timer);
    this.observer.disconnect();
    for (const fn of this.cleanups) fn();
    this.parcoords.destroy();
    this.splom.destroy();
    this.curves.destroy();
    this.table.destroy();
  }
}
