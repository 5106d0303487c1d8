// The projector's side panel: the legend of the colouring, the selected point with
// its nearest neighbours (asked of the kernel), and a hint. It shows what the view
// (view.ts) gives it; what a point is called and coloured comes from a PointText.
import { h } from "../dom";
import { DIM_CSS, fmtInt, fmtNum, scaleGradient, type Coloring, type Column, type Sprite } from "./data";
import { WAIT_NOTE, type Embedding } from "./model";
import { field } from "./toolbar";

/** thumbnails in the selection panel, CSS pixels */
const PANEL_THUMB = 64;

/** How the view names, colours and describes the original point i. */
export interface PointText {
  label(i: number): string;
  color(i: number): string;
  /** metadata rows [column, value] (the label's column left out), at most `max` */
  meta(i: number, max: number): [string, string][];
  /** whether point i is among the rows drawn */
  drawn(i: number): boolean;
  sprite: Sprite | null;
}

/** Points named by column `label` (-1: "#index"), coloured by `c`, drawn when `drawn` says. */
export function describePoints(e: Embedding, label: number, c: Coloring | null, drawn: (i: number) => boolean): PointText {
  return {
    label: (i) => (label >= 0 && e.columns[label] ? (e.columns[label].values[i] ?? `#${i}`) : `#${i}`),
    color: (i) => (c ? (c.css[c.of[i]] ?? DIM_CSS) : DIM_CSS),
    meta: (i, max) => {
      const rows: [string, string][] = [];
      e.columns.forEach((col, k) => {
        if (k !== label && rows.length < max) rows.push([col.name, col.values[i] ?? ""]);
      });
      return rows;
    },
    drawn,
    sprite: e.sprite,
  };
}

export interface Neighbors {
  index: Int32Array;
  distance: Float64Array;
  metric: string;
}

export interface SidePanelEvents {
  clear(): void;
  /** the number of neighbours or the distance changed */
  again(): void;
  select(i: number): void;
  /** the pointer is on neighbour i in the list */
  highlight(i: number): void;
}

/** Metadata rows as DOM (text only), then the point's index. */
export function metaRows(rows: [string, string][], index: number): HTMLElement[] {
  return [...rows, ["index", String(index)] as [string, string]].map(([name, value]) =>
    h("div", { class: "tbnb-pj-meta-row" }, h("span", { class: "tbnb-pj-meta-name" }, name), h("span", { class: "tbnb-pj-meta-value" }, value)),
  );
}

export class SidePanel {
  readonly el: HTMLElement;
  private legend: HTMLElement;
  private selectionEl: HTMLElement;
  private selectionInfo: HTMLElement;
  private neighborList: HTMLElement;
  private neighborStatus: HTMLElement;
  private kSelect: HTMLSelectElement;
  private metricSelect: HTMLSelectElement;

  constructor(private on: SidePanelEvents) {
    this.legend = h("div", { class: "tbnb-pj-legend" });
    this.kSelect = h("select", { class: "tbnb-pj-k", "aria-label": "neighbours" });
    for (const k of [5, 10, 20, 50, 100]) this.kSelect.appendChild(h("option", { value: String(k) }, String(k)));
    this.kSelect.value = "10";
    this.metricSelect = h("select", { class: "tbnb-pj-metric", "aria-label": "distance" });
    for (const m of ["cosine", "euclidean"]) this.metricSelect.appendChild(h("option", { value: m }, m));
    this.kSelect.addEventListener("change", () => on.again());
    this.metricSelect.addEventListener("change", () => on.again());
    const clear = h("button", { type: "button", class: "tbnb-pj-clear" }, "Clear selection");
    clear.addEventListener("click", () => on.clear());
    this.selectionInfo = h("div", { class: "tbnb-pj-selection-info" });
    this.neighborStatus = h("div", { class: "tbnb-pj-neighbor-status" });
    this.neighborList = h("ol", { class: "tbnb-pj-neighbors" });
    this.selectionEl = h(
      "div",
      { class: "tbnb-pj-selection" },
      h("div", { class: "tbnb-pj-side-title" }, "Selected point", clear),
      this.selectionInfo,
      h("div", { class: "tbnb-pj-row" }, field("Neighbours", this.kSelect), field("Distance", this.metricSelect)),
      this.neighborStatus,
      this.neighborList,
    );
    this.selectionEl.hidden = true;
    const hint = h("div", { class: "tbnb-pj-hint" }, "Click a point to list its nearest neighbours (in the original space).");
    this.el = h("div", { class: "tbnb-pj-side" }, this.legend, this.selectionEl, hint);
  }

  /** The neighbours to ask for. */
  wanted(): { k: number; metric: "cosine" | "euclidean" } {
    return { k: Number(this.kSelect.value) || 10, metric: this.metricSelect.value === "euclidean" ? "euclidean" : "cosine" };
  }

  /** The legend of colouring `c` by `col` (none for no column or a text column). */
  showLegend(col: Column | null, c: Coloring | null): void {
    if (!col || !c || col.kind === "text") {
      this.legend.replaceChildren();
      this.legend.hidden = true;
      return;
    }
    this.legend.hidden = false;
    const title = h("div", { class: "tbnb-pj-side-title" }, `Colour: ${col.name}`);
    if (col.kind === "category") {
      const items = col.categories.map((cat, i) => {
        const item = h(
          "div",
          { class: "tbnb-pj-legend-item", title: cat },
          h("span", { class: "tbnb-swatch" }),
          h("span", { class: "tbnb-pj-legend-name" }, cat === "" ? "(empty)" : cat),
          h("span", { class: "tbnb-pj-legend-count" }, fmtInt(col.counts[i])),
        );
        (item.firstChild as HTMLElement).style.background = c.css[i];
        item.dataset.category = cat;
        item.dataset.count = String(col.counts[i]);
        return item;
      });
      this.legend.replaceChildren(title, h("div", { class: "tbnb-pj-legend-items" }, ...items));
    } else {
      const bar = h("div", { class: "tbnb-pj-colorbar" });
      bar.style.background = scaleGradient();
      const range = h("div", { class: "tbnb-pj-colorbar-range" }, h("span", {}, fmtNum(col.min)), h("span", {}, fmtNum(col.max)));
      const nan = col.nans
        ? h("div", { class: "tbnb-pj-legend-item" }, h("span", { class: "tbnb-swatch tbnb-pj-nan" }), h("span", { class: "tbnb-pj-legend-name" }, "not a number"), h("span", { class: "tbnb-pj-legend-count" }, fmtInt(col.nans)))
        : null;
      this.legend.replaceChildren(title, bar, range, ...(nan ? [nan] : []));
    }
  }

  /** Point i selected (-1: none) with its neighbours (null: still asked for). */
  showSelection(i: number, text: PointText | null, nb: Neighbors | null): void {
    if (!text || i < 0) {
      this.selectionEl.hidden = true;
      return;
    }
    this.selectionEl.hidden = false;
    const canvas = h("canvas", { class: "tbnb-pj-thumb" });
    const hasThumb = !!text.sprite && text.sprite.draw(canvas, i, PANEL_THUMB);
    const title = h("div", { class: "tbnb-pj-card-title" }, text.label(i));
    title.style.borderLeftColor = text.color(i);
    const meta = h("div", { class: "tbnb-pj-card-meta" }, ...metaRows(text.meta(i, 8), i));
    this.selectionInfo.replaceChildren(h("div", { class: "tbnb-pj-selection-head" }, hasThumb ? canvas : null, h("div", { class: "tbnb-pj-card-text" }, title, meta)));
    this.neighborStatus.classList.remove("tbnb-pj-bad");
    if (!nb) {
      this.neighborStatus.textContent = `Finding neighbours… ${WAIT_NOTE}`;
      this.neighborList.replaceChildren();
      return;
    }
    let outside = 0;
    const items = Array.from(nb.index, (j, k) => {
      const drawn = text.drawn(j);
      if (!drawn) outside++;
      const b = h(
        "button",
        { type: "button", class: "tbnb-pj-neighbor", title: drawn ? "select" : "select (not among the points drawn)" },
        h("span", { class: "tbnb-swatch" }),
        h("span", { class: "tbnb-pj-neighbor-label" }, text.label(j)),
        h("span", { class: "tbnb-pj-neighbor-distance" }, fmtNum(nb.distance[k])),
      );
      (b.firstChild as HTMLElement).style.background = text.color(j);
      b.dataset.index = String(j);
      b.dataset.distance = String(nb.distance[k]);
      b.addEventListener("click", () => this.on.select(j));
      b.addEventListener("mouseenter", () => this.on.highlight(j));
      return h("li", {}, b);
    });
    this.neighborList.replaceChildren(...items);
    this.neighborStatus.textContent = `${nb.index.length} nearest by ${nb.metric} distance${outside ? ` (${outside} not among the points drawn)` : ""}`;
  }

  /** The kernel could not find the neighbours. */
  showNeighborError(text: string): void {
    this.neighborStatus.textContent = text;
    this.neighborStatus.classList.add("tbnb-pj-bad");
  }
}
