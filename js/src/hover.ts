// The scalar charts' tooltip and crosshair, drawn by tbnb instead of plotly's hover:
// the rows can be ordered (by value, nearest to the pointer, alphabetically), limited
// to a number of rows for boards of many runs, and shown at the same x on every card
// in view when hover is linked. tooltipRows is the pure part (tested with node).
import { h } from "./dom";
import { formatCell, nearestIndex } from "./steps";
import type { TooltipSort, XAxis } from "./settings";
import { xToPx, type PlotArea } from "./marker";

export interface HoverLine {
  run: string;
  name: string;
  color: string;
  x: ArrayLike<number>;
  raw: ArrayLike<number>;
  smoothed: ArrayLike<number>;
  series: { n: number; step: ArrayLike<number> };
}

export interface TipRow {
  run: string;
  name: string;
  color: string;
  smoothed: number;
  raw: number;
  step: number;
  x: number;
}

/**
 * The tooltip's rows at `x`: each line's point nearest it, ordered by `sort`
 * ("nearest" by the distance of the smoothed value to `cursorY`; without one, the
 * chart's order), at most `limit` of them (0: all); `more` says how many were left out.
 */
export function tooltipRows(lines: readonly HoverLine[], x: number, sort: TooltipSort, limit: number, cursorY: number | null): { rows: TipRow[]; more: number } {
  const rows: TipRow[] = [];
  for (const l of lines) {
    const i = nearestIndex(l.x, l.series.n, x);
    if (i < 0) continue;
    rows.push({ run: l.run, name: l.name, color: l.color, smoothed: l.smoothed[i], raw: l.raw[i], step: l.series.step[i], x: l.x[i] });
  }
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
  if (sort === "descending") rows.sort((a, b) => key(-a.smoothed) - key(-b.smoothed));
  else if (sort === "ascending") rows.sort((a, b) => key(a.smoothed) - key(b.smoothed));
  else if (sort === "alphabetical") rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  else if (sort === "nearest" && cursorY !== null) rows.sort((a, b) => key(Math.abs(a.smoothed - cursorY)) - key(Math.abs(b.smoothed - cursorY)));
  const n = limit > 0 ? Math.min(limit, rows.length) : rows.length;
  return { rows: rows.slice(0, n), more: rows.length - n };
}

/** The tooltip's x, as its first line says it. */
function xText(x: number, mode: XAxis): string {
  if (mode === "wall") return new Date(x).toLocaleString();
  if (mode === "relative") return `${Number(x.toPrecision(5))}`;
  return `step ${formatCell(x, "step")}`;
}

export class Crosshair {
  readonly line: HTMLElement;
  readonly tip: HTMLElement;

  constructor(overlay: HTMLElement) {
    this.line = h("div", { class: "tbnb-crosshair" });
    this.tip = h("div", { class: "tbnb-tooltip", role: "tooltip" });
    this.line.hidden = true;
    this.tip.hidden = true;
    overlay.append(this.line, this.tip);
  }

  /** Shows the values at `x`; `pointer`: where the pointer is in the plot element (this card only). */
  show(a: PlotArea, lines: readonly HoverLine[], x: number, mode: XAxis, sort: TooltipSort, limit: number, cursorY: number | null, pointer: { x: number; y: number } | null, width: number): void {
    const px = xToPx(a, x);
    if (px < a.l - 1 || px > a.l + a.w + 1) {
      this.hide();
      return;
    }
    this.line.hidden = false;
    this.line.style.cssText = `left:${px}px;top:${a.t}px;height:${a.h}px`;
    const { rows, more } = tooltipRows(lines, x, sort, limit, cursorY);
    if (!rows.length) {
      this.tip.hidden = true;
      return;
    }
    const body = rows.map((r) => {
      const swatch = h("span", { class: "tbnb-swatch" });
      swatch.style.background = r.color;
      const same = Object.is(r.smoothed, r.raw);
      const value = formatCell(r.smoothed, "number") + (same ? "" : ` (raw ${formatCell(r.raw, "number")})`);
      const row = h("div", { class: "tbnb-tip-row" }, swatch, h("span", { class: "tbnb-tip-run" }, r.name), h("span", { class: "tbnb-tip-value" }, value));
      row.dataset.run = r.run;
      row.dataset.value = String(r.smoothed);
      row.dataset.step = String(r.step);
      return row;
    });
    const head = h("div", { class: "tbnb-tip-x" }, xText(rows[0].x, mode));
    const tail = more > 0 ? h("div", { class: "tbnb-tip-more" }, `… ${more} more`) : null;
    this.tip.replaceChildren(head, ...body, ...(tail ? [tail] : []));
    this.tip.hidden = false;
    this.tip.dataset.x = String(x);
    // beside the pointer (or the crosshair), kept inside the card
    const top = pointer ? pointer.y + 12 : a.t + 4;
    const left = px + 12;
    this.tip.style.top = `${top}px`;
    this.tip.style.left = "";
    this.tip.style.right = "";
    if (left + 240 > width) this.tip.style.right = `${Math.max(0, width - px + 12)}px`;
    else this.tip.style.left = `${left}px`;
  }

  hide(): void {
    this.line.hidden = true;
    this.tip.hidden = true;
  }
}
