// Which sessions the HParams tab shows, without DOM: the kind of filter a column gets
// (checkboxes of values, a min/max range, a regex), whether a cell passes it, the
// axes of the parallel coordinates (categorical or numeric, linear or log) and what a
// brush on one of them (plotly's constraintrange, in axis units) lets through.
import { compileFilter, passes, type CompiledFilter } from "../filters";
import type { HParamInfoEntry } from "../protocol";
import { compareCells, formatNumber, type Cell, type Column } from "./model";

/** At most this many distinct integers get checkboxes; more (or any fractions) get a min/max range. */
export const FEW_NUMBERS = 6;
/** At most this many distinct strings get checkboxes; more get a regex. */
export const FEW_STRINGS = 12;

export type FilterKind = "set" | "range" | "regex";

/** What the person set on one column (each kind keeps its part, so a kind change loses nothing). */
export interface FilterState {
  excluded: Set<string>; // valueKey of the values unchecked
  min: number | null;
  max: number | null;
  pattern: string;
  kind?: FilterKind; // the kind last offered (kept while it filters: sessions arriving do not change it)
}

export const emptyFilter = (): FilterState => ({ excluded: new Set(), min: null, max: null, pattern: "" });

export function isActive(f: FilterState | undefined, kind: FilterKind): boolean {
  if (!f) return false;
  if (kind === "set") return f.excluded.size > 0;
  if (kind === "range") return f.min !== null || f.max !== null;
  return f.pattern !== "";
}

/** A cell as a key of the set of values (the type is part of it: "1" and 1 differ). */
export function valueKey(c: Cell): string {
  if (c === null) return "-";
  if (typeof c === "number") return `n:${String(c)}`;
  return typeof c === "boolean" ? `b:${c}` : `s:${c}`;
}

/** The distinct values of a column, in sort order (missing last). */
export function distinctValues(cells: Iterable<Cell>): Cell[] {
  const seen = new Map<string, Cell>();
  for (const c of cells) {
    const k = valueKey(c);
    if (!seen.has(k)) seen.set(k, c);
  }
  return [...seen.values()].sort(compareCells);
}

/**
 * The filter a column gets: checkboxes for booleans, statuses, a discrete domain and
 * few distinct values; a min/max range for numbers (metrics and scalar columns always);
 * a regex for many distinct strings (and the session name).
 */
export function filterKind(col: Column, distinct: readonly Cell[], info?: HParamInfoEntry): FilterKind {
  if (col.kind === "status") return "set";
  if (col.kind === "name") return "regex";
  if (col.kind === "metric" || col.kind === "scalar" || col.kind === "start") return "range";
  if (info && info.domain_kind === "discrete") return "set";
  const present = distinct.filter((c) => c !== null);
  const numbers = present.filter((c) => typeof c === "number") as number[];
  const strings = present.filter((c) => typeof c === "string").length;
  if (strings === 0 && numbers.length > 0) return numbers.length <= FEW_NUMBERS && numbers.every(Number.isInteger) ? "set" : "range";
  if (strings > FEW_STRINGS) return "regex";
  return "set";
}

/** A column's filter, compiled once per change: a predicate on its cells. */
export function filterPredicate(kind: FilterKind, f: FilterState): ((c: Cell) => boolean) | null {
  if (!isActive(f, kind)) return null;
  if (kind === "set") return (c) => !f.excluded.has(valueKey(c));
  if (kind === "range") {
    const lo = f.min ?? -Infinity;
    const hi = f.max ?? Infinity;
    return (c) => typeof c === "number" && c >= lo && c <= hi;
  }
  const re: CompiledFilter = compileFilter(f.pattern);
  return (c) => c !== null && passes(re, String(c));
}

/** A label for a value in a checkbox list or on a categorical axis. */
export function valueLabel(c: Cell): string {
  if (c === null) return "(none)";
  return typeof c === "number" ? formatNumber(c) : String(c);
}

// ---- axes and brushes ---------------------------------------------------------------

export type Scale = "linear" | "log";

/** An axis of the parallel coordinates: categorical (one tick per value) or numeric. */
export interface Axis {
  col: string;
  categories: Cell[] | null; // the values of a categorical axis, in order (null: numeric)
  canLog: boolean; // every value > 0 (a log scale is offered)
  scale: Scale; // what is drawn (linear when log is not possible)
  range: [number, number]; // in axis units (log10 of the values on a log axis), `missing` included
  /**
   * Where a numeric axis draws the sessions without a value (missing, NaN, or <= 0 on
   * a log axis), below its values, ticked "(none)": plotly draws no line through NaN,
   * so they would vanish from the view. null: every session has a value.
   */
  missing: number | null;
  low: number; // the lowest value's position (above `missing`)
}

/** How far below the values (a fraction of their span) the "(none)" position is. */
const MISSING_GAP = 0.12;

/**
 * A column's axis: numeric when every present value is a number, else categorical
 * over its distinct values (booleans and strings; missing as its own value last).
 */
export function chooseAxis(col: string, cells: readonly Cell[], scale: Scale): Axis {
  const present = cells.filter((c) => c !== null);
  const numeric = present.length > 0 && present.every((c) => typeof c === "number");
  if (!numeric) {
    const categories = distinctValues(cells);
    return { col, categories, canLog: false, scale: "linear", range: [0, Math.max(categories.length - 1, 1)], missing: null, low: 0 };
  }
  let lo = Infinity;
  let hi = -Infinity;
  let gaps = present.length < cells.length;
  for (const c of present as number[]) {
    if (!Number.isFinite(c)) {
      gaps = true;
      continue;
    }
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  }
  const canLog = lo > 0;
  const log = canLog && scale === "log";
  let range: [number, number] = log ? [Math.log10(lo), Math.log10(hi)] : [lo, hi];
  if (range[0] === range[1]) range = [range[0] - (log ? 0.5 : Math.abs(range[0]) * 0.1 || 1), range[1] + (log ? 0.5 : Math.abs(range[1]) * 0.1 || 1)];
  const low = range[0];
  const missing = gaps ? low - (range[1] - low) * MISSING_GAP : null;
  if (missing !== null) range = [missing, range[1]];
  return { col, categories: null, canLog, scale: log ? "log" : "linear", range, missing, low };
}

/** A cell in axis units (NaN when it cannot be drawn on the axis). */
export function axisValue(axis: Axis, c: Cell): number {
  if (axis.categories) {
    const k = valueKey(c);
    return axis.categories.findIndex((x) => valueKey(x) === k);
  }
  const v = typeof c !== "number" || !Number.isFinite(c) ? NaN : axis.scale === "log" ? (c > 0 ? Math.log10(c) : NaN) : c;
  return Number.isNaN(v) && axis.missing !== null ? axis.missing : v;
}

/** The axis values of many cells at once (a categorical axis indexes its values once). */
export function axisValues(axis: Axis, cells: readonly Cell[]): number[] {
  if (!axis.categories) return cells.map((c) => axisValue(axis, c));
  const index = new Map(axis.categories.map((c, i) => [valueKey(c), i]));
  return cells.map((c) => index.get(valueKey(c)) ?? NaN);
}

/** About `count` round numbers (1, 2 or 5 times a power of ten apart) from lo to hi. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  // the round step nearest the raw one (by ratio)
  const step = [1, 2, 5, 10].map((m) => m * p).reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks of an axis: categories by name, a log axis at powers of ten, "(none)" where missing values are (null: plotly's own). */
export function axisTicks(axis: Axis): { tickvals: number[]; ticktext: string[] } | null {
  if (axis.categories) return { tickvals: axis.categories.map((_, i) => i), ticktext: axis.categories.map(valueLabel) };
  if (axis.scale !== "log" && axis.missing === null) return null;
  const lo = axis.low;
  const hi = axis.range[1];
  let tickvals: number[] = [];
  if (axis.scale === "log") {
    // decades; over fewer than three, 1, 2 and 5 times them; within one, round numbers
    const inside = (v: number) => v >= lo - 1e-9 && v <= hi + 1e-9;
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) if (inside(e)) tickvals.push(e);
    if (tickvals.length < 3) {
      tickvals = [];
      for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) for (const m of [1, 2, 5]) if (inside(e + Math.log10(m))) tickvals.push(e + Math.log10(m));
    }
    if (tickvals.length < 2) tickvals = niceTicks(10 ** lo, 10 ** hi, 4).filter((v) => v > 0).map(Math.log10);
  } else tickvals = niceTicks(lo, hi);
  const ticktext = tickvals.map((v) => formatNumber(axis.scale === "log" ? Number((10 ** v).toPrecision(3)) : v));
  if (axis.missing !== null) {
    tickvals.unshift(axis.missing);
    ticktext.unshift(valueLabel(null));
  }
  return { tickvals, ticktext };
}

/** plotly's constraintrange ([a, b], [[a, b], ...] or nothing) as a list of ranges. */
export function normalizeRanges(cr: unknown): [number, number][] {
  if (!Array.isArray(cr) || cr.length === 0) return [];
  const pairs = Array.isArray(cr[0]) ? (cr as unknown[]) : [cr];
  const out: [number, number][] = [];
  for (const p of pairs) {
    if (!Array.isArray(p) || p.length < 2) continue;
    const a = Number(p[0]);
    const b = Number(p[1]);
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    out.push(a <= b ? [a, b] : [b, a]);
  }
  return out;
}

/** What a brush lets through: cells whose axis value lies in one of the ranges. */
export function brushPredicate(axis: Axis, ranges: readonly [number, number][]): ((c: Cell) => boolean) | null {
  if (!ranges.length) return null;
  const inside = (v: number) => ranges.some(([a, b]) => v >= a && v <= b);
  if (axis.categories) {
    const keep = new Set(axis.categories.filter((_, i) => inside(i)).map(valueKey));
    return (c) => keep.has(valueKey(c));
  }
  return (c) => {
    const v = axisValue(axis, c);
    return !Number.isNaN(v) && inside(v);
  };
}

/** A brush in words, in the values' units: "0.001 – 0.01", "adam, sgd". */
export function describeBrush(axis: Axis, ranges: readonly [number, number][]): string {
  if (axis.categories) {
    const cats = axis.categories;
    return cats.filter((_, i) => ranges.some(([a, b]) => i >= a && i <= b)).map(valueLabel).join(", ") || "nothing";
  }
  const unit = (v: number) => formatNumber(axis.scale === "log" ? 10 ** v : v);
  const m = axis.missing;
  const parts = ranges.map(([a, b]) => {
    const none = m !== null && a <= m && m <= b;
    const lo = m !== null ? Math.max(a, axis.low) : a;
    if (none && lo > b) return valueLabel(null);
    return `${none ? `${valueLabel(null)}, ` : ""}${unit(lo)} \u2013 ${unit(b)}`;
  });
  return parts.join(", ");
}
