// The one rule for "relative" time on every chart (scalars, distributions; the
// Python side's Board.figure and snapshots follow the same cases, in
// tests/fixtures/relative_time.json): x is seconds since the series' first point,
// shown in hours when the longest span on the chart exceeds 2 hours, in minutes
// when it exceeds 120 seconds, else in seconds.

export type TimeUnit = "seconds" | "minutes" | "hours";

export interface RelativeUnit {
  scale: number; // seconds per unit
  unit: TimeUnit;
}

export function relativeUnit(spanSeconds: number): RelativeUnit {
  if (spanSeconds > 2 * 3600) return { scale: 3600, unit: "hours" };
  if (spanSeconds > 120) return { scale: 60, unit: "minutes" };
  return { scale: 1, unit: "seconds" };
}

/** The axis title of relative time in `unit`. */
export function relativeTitle(unit: TimeUnit): string {
  return `relative (${unit})`;
}

/** The span (last - first) of wall times, 0 when fewer than two. */
export function wallSpan(wall: ArrayLike<number>, n: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const w = wall[i];
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  }
  return n > 1 && hi > lo ? hi - lo : 0;
}

/** A plot's margins in px, as plotly's layout.margin and its drawn `_fullLayout._size` name them. */
export interface Margin {
  l: number;
  r: number;
  t: number;
  b: number;
}

/**
 * A card's plot margins: room for what plotly draws at the edges (the last x tick's
 * label, centred on the right end; a date axis' second line of labels). Smaller ones
 * make plotly's automargin push them and draw the whole chart a second time (0.1 s of a
 * board's first paint, and of every card's first drawing).
 */
export function cardMargin(dateX = false): Margin {
  return { l: 50, r: 20, t: 8, b: dateX ? 48 : 36 };
}
