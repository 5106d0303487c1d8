// The step marker's arithmetic, as pure functions (no DOM): which point of a series
// stands at a step, the steps a marker moves over, and the data table's rows at a
// step (run, smoothed, value, step, relative and wall time) or over a range of steps
// (min, max, mean, start, end, change, % change), as TensorBoard's data table has them.
// The values are those the browser holds: every point of a series the kernel sent
// whole; its downsampled copy otherwise (the card says so).

/** What a row is made from: one drawn run (chart.ts DrawnLine). */
export interface StepLine {
  run: string;
  color: string;
  name: string;
  series: { n: number; step: ArrayLike<number>; wall: ArrayLike<number> };
  raw: ArrayLike<number>;
  smoothed: ArrayLike<number>;
}

/** A wall time (seconds since the epoch) as the page's locale writes a date and time; "" for none. */
export function wallTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "";
  return new Date(seconds * 1000).toLocaleString();
}

/**
 * The index of the point nearest `step` among `n` steps in ascending order (the
 * earlier one on a tie), -1 when there are none.
 */
export function nearestIndex(steps: ArrayLike<number>, n: number, step: number): number {
  if (n <= 0 || !Number.isFinite(step)) return -1;
  let lo = 0;
  let hi = n - 1;
  if (step <= steps[0]) return 0;
  if (step >= steps[hi]) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] <= step) lo = mid;
    else hi = mid;
  }
  return step - steps[lo] <= steps[hi] - step ? lo : hi;
}

/** Every step held by the lines, ascending, without repeats. */
export function stepsOf(lines: readonly { series: { n: number; step: ArrayLike<number> } }[]): Float64Array {
  let total = 0;
  for (const l of lines) total += l.series.n;
  const all = new Float64Array(total);
  let k = 0;
  for (const l of lines) for (let i = 0; i < l.series.n; i++) all[k++] = l.series.step[i];
  all.sort();
  let m = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[m - 1]) all[m++] = all[i];
  return all.slice(0, m);
}

/**
 * Where a step is on the chart's x axis, and back: the identity on the step axis; on
 * relative or wall time, through the line holding the most points (its x at the
 * nearest step it holds; from an x, the step of its nearest point), as the marker is a
 * step and each run reached it at its own time.
 */
export interface StepAxis {
  toX(step: number): number;
  toStep(x: number): number;
}

export const STEP_AXIS: StepAxis = { toX: (s) => s, toStep: (x) => x };

export function stepAxis(lines: readonly { x: ArrayLike<number>; series: { n: number; step: ArrayLike<number> } }[], onSteps: boolean): StepAxis {
  if (onSteps || !lines.length) return STEP_AXIS;
  let ref = lines[0];
  for (const l of lines) if (l.x.length > ref.x.length) ref = l;
  const n = Math.min(ref.x.length, ref.series.n);
  const { x, series } = ref;
  return {
    toX: (step) => {
      const i = nearestIndex(series.step, n, step);
      return i < 0 ? NaN : x[i];
    },
    toStep: (v) => {
      const i = nearestIndex(x, n, v);
      return i < 0 ? NaN : series.step[i];
    },
  };
}

/** The held step nearest `step`, moved by `by` places (the arrow keys: -1, +1), clamped. */
export function moveStep(steps: Float64Array, step: number, by: number): number {
  if (!steps.length) return step;
  const i = nearestIndex(steps, steps.length, step);
  return steps[Math.max(0, Math.min(steps.length - 1, i + by))];
}

export type Column = { key: string; label: string; kind: "run" | "number" | "step" | "seconds" | "date" | "percent" };

export const STEP_COLUMNS: readonly Column[] = [
  { key: "run", label: "Run", kind: "run" },
  { key: "smoothed", label: "Smoothed", kind: "number" },
  { key: "value", label: "Value", kind: "number" },
  { key: "step", label: "Step", kind: "step" },
  { key: "relative", label: "Relative", kind: "seconds" },
  { key: "wall", label: "Wall time", kind: "date" },
];

export const RANGE_COLUMNS: readonly Column[] = [
  { key: "run", label: "Run", kind: "run" },
  { key: "min", label: "Min", kind: "number" },
  { key: "max", label: "Max", kind: "number" },
  { key: "mean", label: "Mean", kind: "number" },
  { key: "start", label: "Start value", kind: "number" },
  { key: "end", label: "End value", kind: "number" },
  { key: "change", label: "Change", kind: "number" },
  { key: "pct", label: "% change", kind: "percent" },
];

/** One row of the table: the run, and a number per column key (NaN: none). */
export interface Row {
  run: string;
  color: string;
  name: string;
  order: number; // the run's place on the chart
  values: Record<string, number>;
}

/** The rows at `step`: each line's point nearest it. */
export function stepRows(lines: readonly StepLine[], step: number): Row[] {
  const out: Row[] = [];
  lines.forEach((l, order) => {
    const s = l.series;
    const i = nearestIndex(s.step, s.n, step);
    if (i < 0) return;
    let t0 = Infinity;
    for (let j = 0; j < s.n; j++) if (s.wall[j] < t0) t0 = s.wall[j];
    out.push({
      run: l.run, color: l.color, name: l.name, order,
      values: { smoothed: l.smoothed[i], value: l.raw[i], step: s.step[i], relative: s.wall[i] - t0, wall: s.wall[i] },
    });
  });
  return out;
}

/** The rows over the steps [a, b] (either order): statistics of the finite values in it. */
export function rangeRows(lines: readonly StepLine[], a: number, b: number): Row[] {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const out: Row[] = [];
  lines.forEach((l, order) => {
    const s = l.series;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let count = 0;
    let start = NaN;
    let end = NaN;
    for (let i = 0; i < s.n; i++) {
      const st = s.step[i];
      const v = l.raw[i];
      if (st < lo || st > hi || !Number.isFinite(v)) continue;
      if (count === 0) start = v;
      end = v;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      count++;
    }
    if (count === 0) {
      out.push({ run: l.run, color: l.color, name: l.name, order, values: { min: NaN, max: NaN, mean: NaN, start: NaN, end: NaN, change: NaN, pct: NaN } });
      return;
    }
    const change = end - start;
    out.push({
      run: l.run, color: l.color, name: l.name, order,
      values: { min, max, mean: sum / count, start, end, change, pct: start === 0 ? NaN : (change / Math.abs(start)) * 100 },
    });
  });
  return out;
}

/** Rows sorted by a column ("" or unknown: the chart's order); NaN last either way. */
export function sortRows(rows: Row[], key: string, descending: boolean): Row[] {
  const sign = descending ? -1 : 1;
  const byOrder = (a: Row, b: Row) => a.order - b.order;
  if (key === "run") return rows.sort((a, b) => sign * (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || byOrder(a, b));
  if (!key || !rows.some((r) => key in r.values)) return rows.sort(byOrder);
  return rows.sort((a, b) => {
    const x = a.values[key];
    const y = b.values[key];
    const xn = Number.isNaN(x);
    const yn = Number.isNaN(y);
    if (xn || yn) return xn === yn ? byOrder(a, b) : xn ? 1 : -1;
    return sign * (x - y) || byOrder(a, b);
  });
}

/** A number as the table shows it (5 significant digits; NaN and infinities named). */
export function formatCell(v: number, kind: Column["kind"]): string {
  if (Number.isNaN(v)) return kind === "number" || kind === "percent" ? "NaN" : "";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  switch (kind) {
    case "step":
      return Number.isInteger(v) ? String(v) : v.toPrecision(6);
    case "seconds":
      return v < 120 ? `${Number(v.toFixed(3))} s` : v < 7200 ? `${Number((v / 60).toFixed(2))} min` : `${Number((v / 3600).toFixed(2))} h`;
    case "date":
      return v > 0 ? new Date(v * 1000).toLocaleString() : "";
    case "percent":
      return `${Number(v.toPrecision(4))}%`;
    default:
      return String(Number(v.toPrecision(5)));
  }
}
