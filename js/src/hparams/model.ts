// The HParams table as data, without DOM: its columns (from the experiment configs and
// the sessions), each session's cell values, how a value is shown, how rows sort
// (missing and NaN last, either direction) and the CSV of what the table shows.
// Names, values and tags come from event files: nothing here builds markup.
import type { ExperimentEntry } from "../protocol";
import type { ScalarSeries, Session } from "../store";

/** A cell: null is a missing value; a number may be NaN (a metric that was NaN). */
export type Cell = boolean | number | string | null;

export type ColumnKind = "name" | "status" | "start" | "hparam" | "metric" | "scalar";
export type Stat = "last" | "min" | "max";
export const STATS: readonly Stat[] = ["last", "min", "max"];

export interface Column {
  id: string; // name, status, start, hparam:<name>, metric:<key>, scalar:<tag>:<stat>
  kind: ColumnKind;
  key: string; // the hparam name, metric key or scalar tag ("" for the fixed columns)
  label: string; // the header (a display name when the config gives one)
  description: string;
  stat?: Stat;
}

/** A column the person added: a scalar tag of the session's run (or its parent), as one statistic. */
export interface ScalarColumn {
  tag: string;
  stat: Stat;
}

export const scalarColumnId = (c: ScalarColumn): string => `scalar:${c.tag}:${c.stat}`;

/**
 * The table's columns: name, status, start time, then one per hparam name over every
 * experiment (the configs' order first, then names only sessions have, sorted), one
 * per metric key likewise, then the added scalar columns.
 */
export function buildColumns(experiments: readonly ExperimentEntry[], sessions: readonly Session[], scalars: readonly ScalarColumn[] = []): Column[] {
  const cols: Column[] = [
    { id: "name", kind: "name", key: "", label: "Session", description: "" },
    { id: "status", kind: "status", key: "", label: "Status", description: "" },
    { id: "start", kind: "start", key: "", label: "Started", description: "" },
  ];
  const hparams = new Map<string, Column>();
  const metrics = new Map<string, Column>();
  const add = (into: Map<string, Column>, kind: "hparam" | "metric", key: string, display: string, description: string) => {
    const have = into.get(key);
    if (!have) into.set(key, { id: `${kind}:${key}`, kind, key, label: display || key, description });
    else {
      if (have.label === key && display) have.label = display;
      if (!have.description && description) have.description = description;
    }
  };
  for (const e of experiments) {
    for (const hp of e.hparams ?? []) add(hparams, "hparam", String(hp.name), String(hp.display_name ?? ""), String(hp.description ?? ""));
    for (const m of e.metrics ?? []) add(metrics, "metric", String(m.key), String(m.display_name ?? ""), String(m.description ?? ""));
  }
  const extraH = new Set<string>();
  const extraM = new Set<string>();
  for (const s of sessions) {
    for (const k of s.hparams.keys()) if (!hparams.has(k)) extraH.add(k);
    for (const k of s.metrics.keys()) if (!metrics.has(k)) extraM.add(k);
  }
  for (const k of [...extraH].sort()) add(hparams, "hparam", k, "", "");
  for (const k of [...extraM].sort()) add(metrics, "metric", k, "", "");
  cols.push(...hparams.values(), ...metrics.values());
  const seen = new Set<string>();
  for (const s of scalars) {
    const id = scalarColumnId(s);
    if (seen.has(id)) continue;
    seen.add(id);
    cols.push({ id, kind: "scalar", key: s.tag, label: `${s.tag} (${s.stat})`, description: "", stat: s.stat });
  }
  return cols;
}

/** The last, min or max of a scalar series (min and max over its finite values; NaN when none). */
export function scalarStat(values: ArrayLike<number>, n: number, stat: Stat): number {
  if (n <= 0) return NaN;
  if (stat === "last") return values[n - 1];
  let best = NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(best) || (stat === "min" ? v < best : v > best)) best = v;
  }
  return best;
}

export type ScalarLookup = (run: string, tag: string) => ScalarSeries | undefined;

/** The value of `col` for a session (a scalar column reads the session's run, else its parent's). */
export function cellOf(s: Session, col: Column, scalar: ScalarLookup): Cell {
  switch (col.kind) {
    case "name":
      return s.name;
    case "status":
      return s.status;
    case "start":
      return s.startTime;
    case "hparam": {
      const v = s.hparams.get(col.key);
      return v === undefined ? null : v;
    }
    case "metric": {
      const v = s.metrics.get(col.key);
      return v === undefined ? null : v;
    }
    case "scalar": {
      const series = scalar(s.run, col.key) ?? (s.parent !== s.run ? scalar(s.parent, col.key) : undefined);
      return series && series.n > 0 ? scalarStat(series.value, series.n, col.stat ?? "last") : null;
    }
  }
}

/** Scalar tags a session's columns can be added from: its run's and its parent run's. */
export function scalarTagsOf(sessions: readonly Session[], series: Iterable<{ run: string; tag: string }>): string[] {
  const runs = new Set<string>();
  for (const s of sessions) {
    runs.add(s.run);
    runs.add(s.parent);
  }
  const tags = new Set<string>();
  for (const { run, tag } of series) if (runs.has(run)) tags.add(tag);
  return [...tags].sort();
}

/** A number in at most 5 significant digits (integers whole): 0.00012346, 1.2346e-7, 12346. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return String(Number.parseFloat(v.toPrecision(5)));
}

/** A start time (seconds since the epoch) as local "YYYY-MM-DD HH:MM:SS". */
export function formatTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return "";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** How a cell reads in the table ("" when missing). */
export function formatCell(c: Cell, kind: ColumnKind): string {
  if (c === null) return "";
  if (typeof c === "number") return kind === "start" ? formatTime(c) : formatNumber(c);
  return String(c);
}

/** 0 numbers, 1 booleans, 2 strings, 3 NaN, 4 missing. */
function rank(c: Cell): number {
  if (c === null) return 4;
  if (typeof c === "number") return Number.isNaN(c) ? 3 : 0;
  return typeof c === "boolean" ? 1 : 2;
}

/** Compares two cells ascending (numbers numerically, then booleans, then strings; NaN, then missing, last). */
export function compareCells(a: Cell, b: Cell): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra >= 3) return 0;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 1) return Number(a) - Number(b);
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}

export type Direction = "ascending" | "descending";

export interface SortKey {
  col: string;
  dir: Direction;
}

/**
 * The indexes 0..n-1 sorted by `cellAt(i)`: descending reverses the values only, NaN
 * and missing stay last; ties keep the given order (the store's run order).
 */
export function sortOrder(n: number, cellAt: (i: number) => Cell, dir: Direction): number[] {
  const cells = Array.from({ length: n }, (_, i) => cellAt(i));
  const sign = dir === "descending" ? -1 : 1;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((i, j) => {
    const a = cells[i];
    const b = cells[j];
    const ra = rank(a);
    const rb = rank(b);
    if (ra >= 3 || rb >= 3) return ra - rb || i - j;
    return sign * compareCells(a, b) || i - j;
  });
  return idx;
}

// ---- CSV ---------------------------------------------------------------------------

/**
 * One CSV field: numbers as numbers (full precision), booleans as true/false, missing
 * empty; text quoted when it holds a comma, quote or line break, and a text starting
 * with = + - @ (or a tab or carriage return) gets a leading apostrophe so that a
 * spreadsheet does not run it as a formula: names and values come from anywhere.
 */
export function csvField(c: Cell): string {
  if (c === null) return "";
  if (typeof c === "number") return Number.isNaN(c) ? "NaN" : String(c);
  if (typeof c === "boolean") return c ? "true" : "false";
  let s = c;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV of a header and rows (CRLF line ends, as RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header.map(csvField).join(",")];
  for (const r of rows) lines.push(r.map(csvField).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** A start time's CSV value: ISO 8601 in UTC (the table shows local time). */
export function csvCell(c: Cell, kind: ColumnKind): Cell {
  if (kind === "start" && typeof c === "number") {
    const d = new Date(c * 1000);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  return c;
}
