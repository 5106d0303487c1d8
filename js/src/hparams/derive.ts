// What the HParams tab shows, derived from its rows and the person's choices, without
// DOM: the filters offered, which rows pass them and the brushes, in which order, the
// parallel-coordinates axes and the scatter-matrix dimensions.
import type { ExperimentEntry, HParamInfoEntry } from "../protocol";
import {
  axisValues,
  brushPredicate,
  chooseAxis,
  distinctValues,
  emptyFilter,
  filterKind,
  filterPredicate,
  isActive,
  valueKey,
  valueLabel,
  type Axis,
  type FilterState,
  type Scale,
} from "./filtering";
import { sortOrder, type Cell, type Column, type SortKey } from "./model";
import type { RowData } from "./table";
import type { Brushes, SplomDim } from "./views";
import type { FilterSpec } from "./controls";

/** At most this many dimensions in the scatter matrix unless the person picks more. */
export const SPLOM_DIMS = 6;

/** The config of each hparam name (the first experiment that has it). */
export function infoByName(experiments: readonly ExperimentEntry[]): Map<string, HParamInfoEntry> {
  const out = new Map<string, HParamInfoEntry>();
  for (const e of experiments) for (const hp of e.hparams ?? []) if (!out.has(hp.name)) out.set(hp.name, hp);
  return out;
}

export function cellsOf(rows: readonly RowData[], col: string): Cell[] {
  return rows.map((r) => r.cells.get(col) ?? null);
}

/** The filter of every shown column but the start time, with the state the person set. */
export function filterSpecs(columns: readonly Column[], rows: readonly RowData[], filters: Map<string, FilterState>, info: Map<string, HParamInfoEntry>): FilterSpec[] {
  const out: FilterSpec[] = [];
  for (const col of columns) {
    if (col.kind === "start") continue;
    const distinct = col.kind === "metric" || col.kind === "scalar" || col.kind === "name" ? [] : distinctValues(cellsOf(rows, col.id));
    const domain = col.kind === "hparam" ? info.get(col.key) : undefined;
    if (domain?.domain_kind === "discrete") {
      // the domain's values are offered even before a session has them
      const have = new Set(distinct.map(valueKey));
      for (const v of domain.values) if (!have.has(valueKey(v))) distinct.push(v);
      distinct.splice(0, distinct.length, ...distinctValues(distinct));
    }
    let state = filters.get(col.id);
    if (!state) {
      state = emptyFilter();
      filters.set(col.id, state);
    }
    let kind = filterKind(col, distinct, domain);
    // a filter in use keeps its kind when sessions arriving would change it (6 values -> 7)
    if (state.kind && state.kind !== kind && isActive(state, state.kind)) kind = state.kind;
    state.kind = kind;
    out.push({ col, kind, distinct, state });
  }
  return out;
}

/** Per row: whether it passes every active filter. */
export function filterMask(rows: readonly RowData[], specs: readonly FilterSpec[]): boolean[] {
  const tests = specs.flatMap((s) => {
    const p = filterPredicate(s.kind, s.state);
    return p ? [[s.col.id, p] as const] : [];
  });
  return rows.map((r) => tests.every(([col, p]) => p(r.cells.get(col) ?? null)));
}

/** The axes: one per shown hparam, metric and scalar column, in the order the person dragged them to. */
export function axesFor(columns: readonly Column[], rows: readonly RowData[], scales: Map<string, Scale>, order: readonly string[]): Axis[] {
  const cols = columns.filter((c) => c.kind === "hparam" || c.kind === "metric" || c.kind === "scalar");
  const rank = new Map(order.map((id, i) => [id, i]));
  const placed = cols.map((c, i) => ({ c, i, r: rank.get(c.id) }));
  // columns the person placed keep their relative order; new ones go where the table has them
  const known = placed.filter((p) => p.r !== undefined).sort((a, b) => a.r! - b.r!);
  const result: typeof placed = [];
  let k = 0;
  for (const p of placed) result.push(p.r === undefined ? p : known[k++]);
  return result.map(({ c }) => {
    const cells = cellsOf(rows, c.id);
    return chooseAxis(c.id, cells, scales.get(c.id) ?? "linear");
  });
}

/** Per row: whether it passes every brush. */
export function brushMask(rows: readonly RowData[], axes: readonly Axis[], brushes: Brushes): boolean[] {
  const tests = axes.flatMap((a) => {
    const p = brushPredicate(a, brushes.get(a.col) ?? []);
    return p ? [[a.col, p] as const] : [];
  });
  return rows.map((r) => tests.every(([col, p]) => p(r.cells.get(col) ?? null)));
}

/** The indexes of the rows `mask` lets through, in the sort's order (the rows' own order without one). */
export function orderRows(rows: readonly RowData[], mask: readonly boolean[], sort: SortKey | null): number[] {
  const idx = rows.map((_, i) => i).filter((i) => mask[i]);
  if (!sort) return idx;
  return sortOrder(idx.length, (j) => rows[idx[j]].cells.get(sort.col) ?? null, sort.dir).map((j) => idx[j]);
}

/** The axis values of the rows `idx`, per axis. */
export function axisData(rows: readonly RowData[], idx: readonly number[], axes: readonly Axis[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const a of axes) out.set(a.col, axisValues(a, idx.map((i) => rows[i].cells.get(a.col) ?? null)));
  return out;
}

/**
 * The scatter matrix's dimensions: the person's pick, else every axis when there are
 * few, else the first hparams and metrics (hparams first: the bottom rows plot the
 * metrics against them).
 */
export function pickSplom(axes: readonly Axis[], columns: Map<string, Column>, pick: ReadonlySet<string> | null): Axis[] {
  const isMetric = (a: Axis) => columns.get(a.col)?.kind !== "hparam";
  const hp = axes.filter((a) => !isMetric(a));
  const mt = axes.filter(isMetric);
  if (pick) return [...hp, ...mt].filter((a) => pick.has(a.col));
  if (axes.length <= SPLOM_DIMS) return [...hp, ...mt];
  const m = Math.min(mt.length, Math.max(2, SPLOM_DIMS - hp.length));
  return [...hp.slice(0, SPLOM_DIMS - m), ...mt.slice(0, m)];
}

export function splomDims(rows: readonly RowData[], idx: readonly number[], axes: readonly Axis[], columns: Map<string, Column>): SplomDim[] {
  return axes.map((a) => {
    const values = idx.map((i): number | string | null => {
      const c = rows[i].cells.get(a.col) ?? null;
      if (c === null) return null;
      if (a.categories) return valueLabel(c);
      return typeof c === "number" && Number.isFinite(c) && (a.scale !== "log" || c > 0) ? c : null;
    });
    // the axes span every session (not only those shown): a filter moves no point
    const pad = (a.range[1] - a.low) * 0.05;
    const range: [number, number] = a.categories ? [-0.5, a.categories.length - 0.5] : [a.low - pad, a.range[1] + pad];
    const categories = a.categories ? a.categories.filter((c) => c !== null).map(valueLabel) : undefined;
    return { col: a.col, label: columns.get(a.col)?.label ?? a.col, values, type: a.categories ? "category" : a.scale, range, categories };
  });
}

/** The colour values of the rows `idx` (NaN where a row has none). */
export function colourData(rows: readonly RowData[], idx: readonly number[], col: string): number[] {
  return idx.map((i) => {
    const c = rows[i].cells.get(col);
    return typeof c === "number" ? c : NaN;
  });
}

/** Brushes kept over a change of the axes: a category brush follows its values, a scale change converts. */
export function carryBrushes(brushes: Brushes, before: Map<string, Axis>, after: readonly Axis[]): Brushes {
  const out: Brushes = new Map();
  for (const a of after) {
    const ranges = brushes.get(a.col);
    const old = before.get(a.col);
    if (!ranges?.length) continue;
    if (!old) {
      out.set(a.col, ranges);
      continue;
    }
    if (old.categories && a.categories) {
      const keep = new Set(old.categories.filter((_, i) => ranges.some(([lo, hi]) => i >= lo && i <= hi)).map(valueKey));
      const idx = a.categories.map((c, i) => (keep.has(valueKey(c)) ? i : -1)).filter((i) => i >= 0);
      if (idx.length) out.set(a.col, idx.map((i) => [i - 0.25, i + 0.25] as [number, number]));
      continue;
    }
    if (!old.categories && !a.categories) {
      if (old.scale === a.scale) out.set(a.col, ranges);
      else {
        const conv = ranges.map(([lo, hi]) => (a.scale === "log" ? [lo > 0 ? Math.log10(lo) : a.range[0], hi > 0 ? Math.log10(hi) : a.range[0]] : [10 ** lo, 10 ** hi]) as [number, number]);
        out.set(a.col, conv);
      }
    }
    // an axis that turned from numbers to categories (or back) loses its brush
  }
  return out;
}
