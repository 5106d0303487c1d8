// The points a chart draws from a series held in the store, as pure functions (no
// plotly, no DOM): the horizontal values in the board's x-axis mode, the smoothed
// values, and the markers standing for NaN and +-Inf.
import { relativeUnit, wallSpan, type RelativeUnit } from "./axes";
import type { XAxis } from "./settings";
import { smooth } from "./smoothing";

/** What a series has that its points are made of. */
export interface TimedValues {
  n: number;
  step: ArrayLike<number>;
  wall: ArrayLike<number>;
  value: ArrayLike<number>;
}

/** The unit of relative time of a chart: from the longest span of its series. */
export function chartUnit(series: readonly { n: number; wall: ArrayLike<number> }[]): RelativeUnit {
  let span = 0;
  for (const s of series) span = Math.max(span, wallSpan(s.wall, s.n));
  return relativeUnit(span);
}

/**
 * The x of points `order` (indexes into the series): steps, dates, or time since the
 * first of them (the earliest wall time) divided by `scale`.
 */
export function xValues(s: { step: ArrayLike<number>; wall: ArrayLike<number> }, order: readonly number[], mode: XAxis, scale: number): (number | Date)[] {
  if (mode === "step") return order.map((i) => s.step[i]);
  if (mode === "wall") return order.map((i) => new Date(s.wall[i] * 1000));
  let t0 = Infinity;
  for (const i of order) t0 = Math.min(t0, s.wall[i]);
  return order.map((i) => (s.wall[i] - t0) / scale);
}

/** 0 .. n-1 */
export function allPoints(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A scalar series' line: x, the raw values, and the smoothed ones (the raw when weight 0). */
export interface Line {
  x: (number | Date)[];
  raw: number[];
  smoothed: number[];
}

export function scalarLine(s: TimedValues, mode: XAxis, scale: number, weight: number): Line {
  const x = xValues(s, allPoints(s.n), mode, scale);
  const raw = Array.from({ length: s.n }, (_, i) => s.value[i]);
  const smoothed = weight > 0 ? Array.from(smooth(s.value, s.n, weight)) : raw;
  return { x, raw, smoothed };
}

/** Markers for NaN and +-Inf: at the last finite smoothed value before them (0 if none). */
export interface NonFiniteMarkers {
  x: (number | Date)[];
  y: number[];
  text: string[]; // "NaN", "+Inf", "-Inf"
  symbol: string[];
}

export function nonFiniteMarkers(line: Line): NonFiniteMarkers {
  const out: NonFiniteMarkers = { x: [], y: [], text: [], symbol: [] };
  let lastFinite = NaN;
  for (let i = 0; i < line.raw.length; i++) {
    const v = line.raw[i];
    if (Number.isFinite(v)) {
      lastFinite = line.smoothed[i];
      continue;
    }
    out.x.push(line.x[i]);
    out.y.push(Number.isFinite(lastFinite) ? lastFinite : 0);
    out.text.push(Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
    out.symbol.push(Number.isNaN(v) ? "x" : v > 0 ? "triangle-up" : "triangle-down");
  }
  return out;
}

// one formatter for every note: toLocaleString makes one a call (10 ms for a card of 100 runs)
const THOUSANDS = new Intl.NumberFormat("en-US");

/** "640 of 50,000 points drawn" when the kernel sent fewer points than it holds, else "". */
export function drawnNote(held: number, total: number, what = "points"): string {
  if (total <= held) return "";
  return `${THOUSANDS.format(held)} of ${THOUSANDS.format(total)} ${what} drawn`;
}
