// The Custom Scalars tab: the layout written by add_custom_scalars (torch,
// tensorboardX) or TF's custom_scalar summary, merged over the runs by the kernel.
// Each category is a collapsible section (closed if the layout says so) of charts: a
// multiline chart draws every run x tag matching one of its regexes, a margin chart a
// value line with a band from lower to upper (layout-card.ts). The board's smoothing,
// axes, run selection, colours and run groups apply; pinned charts are shown first.
import { h } from "./dom";
import { visible } from "./names";
import type { Dashboard } from "./dashboard";
import { LayoutBoard, PIN } from "./layout-board";
import { LayoutCard, type CardSpec } from "./layout-card";
import { groupControls } from "./group-controls";
import { groupSpecOf } from "./groups";
import { scalarControls } from "./scalar-controls";
import { xAxisSelect, type Model } from "./settings";
import type { LayoutChartEntry } from "./protocol";
import type { Store } from "./store";

/** What the keys of custom charts start with in the shared traits (pins, markers, full size). */
export const CUSTOM = "custom scalars\u241f";

interface Category {
  el: HTMLDetailsElement;
  grid: HTMLElement;
  count: HTMLElement;
}

function specOf(c: LayoutChartEntry): CardSpec {
  return c.kind === "margin" ? { kind: "margin", margins: Array.isArray(c.margins) ? c.margins : [] } : { kind: "multiline", patterns: Array.isArray(c.tags) ? c.tags.map(String) : [] };
}

export class CustomScalarsDashboard implements Dashboard {
  readonly el: HTMLElement;
  readonly settings: HTMLElement;
  private board: LayoutBoard;
  private categories = new Map<string, Category>();
  private notes: HTMLElement;
  private pinnedEl: HTMLElement;
  private pinnedGrid: HTMLElement;
  /** each chart's title and spec, by key (pins are made from it) */
  private specs = new Map<string, { title: string; spec: CardSpec }>();
  private version = -1;
  private cleanups: (() => void)[] = [];

  constructor(
    private model: Model,
    private store: Store,
  ) {
    const controls = scalarControls(model, xAxisSelect(model));
    const groups = groupControls(model, store);
    const fold: HTMLDetailsElement = h("details", { class: "tbnb-group-tools" }, h("summary", { class: "tbnb-control" }, "Run groups"), h("div", { class: "tbnb-tools-body" }, groups.el));
    fold.open = groupSpecOf(model.get("run_groups")).by !== "";
    this.settings = h("div", { class: "tbnb-tab-settings" }, controls.el, fold);
    for (const key of ["smoothing", "x_axis", "log_y", "symlog_y", "ignore_outliers", "link_by_step", "range_selection", "link_hover_zoom", "card_width", "tooltip_sort", "tooltip_rows"]) {
      const fn = () => controls.sync();
      model.on(`change:${key}`, fn);
      this.cleanups.push(() => model.off(`change:${key}`, fn));
    }
    const width = () => {
      const w = model.get("card_width") ?? 0;
      if (w > 0) this.el.style.setProperty("--tbnb-card-width", `${w}px`);
      else this.el.style.removeProperty("--tbnb-card-width");
    };
    model.on("change:card_width", width);
    this.cleanups.push(() => model.off("change:card_width", width));
    this.notes = h("div", { class: "tbnb-custom-notes", role: "status" });
    this.notes.hidden = true;
    this.pinnedGrid = h("div", { class: "tbnb-grid" });
    this.pinnedEl = h("section", { class: "tbnb-pinned", "aria-label": "Pinned custom charts" }, h("div", { class: "tbnb-pinned-title" }, "Pinned"), this.pinnedGrid);
    this.el = h("div", { class: "tbnb-custom-scalars" }, this.notes, this.pinnedEl);
    this.board = new LayoutBoard(model, store, () => this.sync());
    const pins = () => this.syncPins();
    model.on("change:pinned_cards", pins);
    this.cleanups.push(() => model.off("change:pinned_cards", pins));
    width();
    this.sync();
  }

  /** The cards follow the layout: new charts added, charts gone removed. */
  private sync(): void {
    const layout = this.store.kinds.custom_scalars.layout();
    const version = layout ? layout.version : 0;
    if (version === this.version) return;
    this.version = version;
    const cats = layout ? layout.categories : [];
    this.notes.textContent = layout && layout.notes.length ? `Layout notes: ${layout.notes.join("; ")}` : "";
    this.notes.hidden = this.notes.textContent === "";
    const want = new Set<string>();
    const wantCats = new Set<string>();
    for (const cat of cats) {
      const title = String(cat.title);
      wantCats.add(title);
      let c = this.categories.get(title);
      if (!c) {
        const count = h("span", { class: "tbnb-count" });
        const grid = h("div", { class: "tbnb-grid" });
        const el: HTMLDetailsElement = h("details", { class: "tbnb-section tbnb-category" }, h("summary", {}, h("span", { class: "tbnb-section-name" }, visible(title) || "(untitled)"), count), grid);
        el.open = !cat.closed;
        el.dataset.category = title;
        el.addEventListener("toggle", () => this.board.invalidateAll());
        c = { el, grid, count };
        this.categories.set(title, c);
      }
      this.el.appendChild(c.el); // in the layout's order
      const seen = new Map<string, number>();
      const charts = Array.isArray(cat.charts) ? cat.charts : [];
      for (const chart of charts) {
        const base = `${CUSTOM}${title}/${chart.title}`;
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        const key = n > 1 ? `${base}#${n}` : base;
        want.add(key);
        const spec = specOf(chart);
        const old = this.specs.get(key);
        if (old && JSON.stringify(old.spec) !== JSON.stringify(spec)) this.board.remove(key);
        this.specs.set(key, { title: chart.title || "untitled", spec });
        let card = this.board.cards.get(key);
        if (!card) {
          card = new LayoutCard(key, chart.title || "untitled", spec, false, this.board, this.store);
          this.board.add(card);
        }
        c.grid.appendChild(card.el);
      }
      c.count.textContent = ` ${charts.length}`;
    }
    for (const key of [...this.board.cards.keys()]) if (!key.startsWith(PIN) && !want.has(key)) this.board.remove(key);
    for (const [title, c] of this.categories) {
      if (wantCats.has(title)) continue;
      c.el.remove();
      this.categories.delete(title);
    }
    for (const key of [...this.specs.keys()]) if (!want.has(key)) this.specs.delete(key);
    this.syncPins();
  }

  /** Pinned copies of the custom charts pinned (pinned_cards, in the order pinned). */
  private syncPins(): void {
    const pins = (this.model.get("pinned_cards") ?? []).filter((k) => typeof k === "string" && this.specs.has(k));
    for (const key of [...this.board.cards.keys()]) if (key.startsWith(PIN) && !pins.includes(key.slice(PIN.length))) this.board.remove(key);
    for (const key of pins) {
      let card = this.board.cards.get(PIN + key);
      if (!card) {
        const { title, spec } = this.specs.get(key)!;
        card = new LayoutCard(PIN + key, title, spec, true, this.board, this.store);
        this.board.add(card);
      }
      this.pinnedGrid.appendChild(card.el);
    }
    this.pinnedEl.hidden = this.pinnedGrid.childElementCount === 0;
    this.board.syncState();
  }

  destroy(): void {
    for (const fn of this.cleanups) fn();
    this.board.destroy();
  }
}
