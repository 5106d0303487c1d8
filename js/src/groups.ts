// Run groups: runs put together by a regex over their names (the capture groups make
// the key: `lr_(.*)_seed\d+` puts lr_0.1_seed1 and lr_0.1_seed2 in group "0.1") or by
// an hparam's value, each group drawn as one line (the mean or median of its members)
// with a band (min-max, +-1 std, or the central 95% of the members' values), aligned by
// step. Pure functions (tested with node against numpy: tests/fixtures/groups.json).
//
// Alignment: the members' points are put together by step. A step that some members
// lack is computed over the members present there (`count` says how many). Where a
// member is held downsampled (the kernel sends at most ~2,000 points of a series, its
// extremes: tbnb/compute/downsample.py) its steps are not those of the others, so the
// steps are put in bins of the coarsest member's downsampling width and a member's
// value in a bin is the mean of its points held there (`binned` says so).
import { quantile } from "./smoothing";

export type Center = "mean" | "median";
export type BandKind = "minmax" | "std" | "ci95" | "none";

export const CENTERS: readonly [Center, string][] = [
  ["mean", "Mean"],
  ["median", "Median"],
];
export const BANDS: readonly [BandKind, string][] = [
  ["minmax", "Min to max"],
  ["std", "±1 standard deviation"],
  ["ci95", "Central 95% of the runs"],
  ["none", "No band"],
];

/** One member: a series as the browser holds it (`total`: points in the kernel). */
export interface Member {
  n: number;
  total?: number;
  step: ArrayLike<number>;
  wall: ArrayLike<number>;
  value: ArrayLike<number>;
}

/** A group's line: per aligned step, the center, the band and how many members are there. */
export interface GroupLine {
  n: number;
  step: Float64Array;
  wall: Float64Array;
  center: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  count: Int32Array;
  /** members in the group */
  members: number;
  /** steps were put in bins (a member held downsampled) */
  binned: boolean;
}

/** Steps per bin that aligns these members (0: every member held whole, exact steps). */
export function binWidthOf(members: readonly Member[]): number {
  let w = 0;
  for (const m of members) {
    if (m.total === undefined || m.total <= m.n || m.n < 2) continue;
    // two points (a bucket's min and max) per bucket of the downsampler
    const span = ((m.step[m.n - 1] - m.step[0]) * 2) / m.n;
    if (span > w) w = span;
  }
  return w > 0 ? Math.ceil(w) : 0;
}

function uniqueSorted(a: Float64Array): Float64Array {
  a.sort();
  let k = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[k - 1]) a[k++] = a[i];
  return a.slice(0, k);
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The group line of `members`: at each aligned step the center (mean or median) of
 * the finite values of the members present and the band; NaN where none is.
 * `width` > 0: steps in bins of that many steps from the smallest step (binWidthOf).
 */
export function alignGroup(members: readonly Member[], center: Center, band: BandKind, width = 0): GroupLine {
  let first = Infinity;
  let total = 0;
  for (const m of members) {
    total += m.n;
    if (m.n > 0 && m.step[0] < first) first = m.step[0];
    for (let i = 0; i < m.n; i++) if (m.step[i] < first) first = m.step[i];
  }
  const keyOf = width > 0 ? (s: number) => Math.floor((s - first) / width) : (s: number) => s;
  const all = new Float64Array(total);
  let k = 0;
  for (const m of members) for (let i = 0; i < m.n; i++) all[k++] = keyOf(m.step[i]);
  const keys = uniqueSorted(all);
  const K = keys.length;
  const M = members.length;
  // per (bin, member): the sum and count of its finite values there, and of steps and walls
  const vsum = new Float64Array(K * M);
  const vcnt = new Int32Array(K * M);
  const ssum = new Float64Array(K);
  const wsum = new Float64Array(K);
  const pts = new Int32Array(K);
  members.forEach((m, j) => {
    for (let i = 0; i < m.n; i++) {
      const b = lowerBound(keys, keyOf(m.step[i]));
      ssum[b] += m.step[i];
      wsum[b] += m.wall[i];
      pts[b]++;
      const v = m.value[i];
      if (!Number.isFinite(v)) continue;
      vsum[b * M + j] += v;
      vcnt[b * M + j]++;
    }
  });
  const out: GroupLine = {
    n: K, step: new Float64Array(K), wall: new Float64Array(K), center: new Float64Array(K),
    lower: new Float64Array(K), upper: new Float64Array(K), count: new Int32Array(K), members: M, binned: width > 0,
  };
  const vals = new Float64Array(M);
  for (let b = 0; b < K; b++) {
    out.step[b] = ssum[b] / pts[b];
    out.wall[b] = wsum[b] / pts[b];
    let c = 0;
    for (let j = 0; j < M; j++) if (vcnt[b * M + j] > 0) vals[c++] = vsum[b * M + j] / vcnt[b * M + j];
    out.count[b] = c;
    if (c === 0) {
      out.center[b] = out.lower[b] = out.upper[b] = NaN;
      continue;
    }
    // sorted only for the quantiles (median, 95%): a mean with min-max or std needs none
    const v = center === "median" || band === "ci95" ? vals.subarray(0, c).sort() : vals.subarray(0, c);
    let mean = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < c; i++) {
      mean += v[i];
      if (v[i] < lo) lo = v[i];
      if (v[i] > hi) hi = v[i];
    }
    mean /= c;
    const mid = center === "median" ? quantile(v, 0.5) : mean;
    out.center[b] = mid;
    if (band === "minmax") {
      out.lower[b] = lo;
      out.upper[b] = hi;
    } else if (band === "std") {
      let ss = 0;
      for (let i = 0; i < c; i++) ss += (v[i] - mean) * (v[i] - mean);
      const sd = c > 1 ? Math.sqrt(ss / (c - 1)) : 0;
      out.lower[b] = mid - sd;
      out.upper[b] = mid + sd;
    } else if (band === "ci95") {
      out.lower[b] = quantile(v, 0.025);
      out.upper[b] = quantile(v, 0.975);
    } else {
      out.lower[b] = out.upper[b] = mid;
    }
  }
  return out;
}

/** How runs are grouped (the synced trait run_groups). */
export interface GroupSpec {
  /** "": no groups; "regex": by `regex` over run names; "hparam": by the value of `hparam` */
  by: "" | "regex" | "hparam";
  regex: string;
  hparam: string;
  center: Center;
  band: BandKind;
  /** draw the members too, faintly */
  members: boolean;
}

export const NO_GROUPS: GroupSpec = { by: "", regex: "", hparam: "", center: "mean", band: "minmax", members: false };

/** The spec a trait holds, with every field checked (anything odd: its default). */
export function groupSpecOf(x: unknown): GroupSpec {
  const o = (x && typeof x === "object" ? x : {}) as Record<string, unknown>;
  const pick = <T extends string>(v: unknown, allowed: readonly T[], d: T): T => (allowed.includes(v as T) ? (v as T) : d);
  return {
    by: pick(o.by, ["", "regex", "hparam"] as const, ""),
    regex: typeof o.regex === "string" ? o.regex : "",
    hparam: typeof o.hparam === "string" ? o.hparam : "",
    center: pick(o.center, ["mean", "median"] as const, "mean"),
    band: pick(o.band, ["minmax", "std", "ci95", "none"] as const, "minmax"),
    members: o.members === true,
  };
}

/** A compiled group regex, or why it cannot be. */
export function groupRegex(pattern: string): { re: RegExp | null; error: string } {
  if (!pattern) return { re: null, error: "" };
  try {
    return { re: new RegExp(pattern, "u"), error: "" };
  } catch (e) {
    return { re: null, error: `invalid group regex: ${(e as Error).message}` };
  }
}

/**
 * The group key of a run name: the regex's capture groups joined by " · " (none: the
 * whole match); null when the run does not match (it stays a line of its own).
 */
export function groupKey(run: string, re: RegExp): string | null {
  const m = re.exec(run);
  if (!m) return null;
  if (m.length > 1) return m.slice(1).map((g) => g ?? "").join(" · ");
  return m[0];
}

/** Runs by group key, in the runs' order; runs with no key are left out. */
export function groupRuns(runs: readonly string[], keyOf: (run: string) => string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const run of runs) {
    const key = keyOf(run);
    if (key === null) continue;
    const list = out.get(key);
    if (list) list.push(run);
    else out.set(key, [run]);
  }
  return out;
}
