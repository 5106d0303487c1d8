// What a scalar chart draws when runs are grouped or a chart has several tags: the
// visible series turned into the lines drawn (chart.ts View.arrange) with their bands
// (a group's spread, a margin chart's lower to upper) and faint members drawn under
// them as plotly's own traces (the band: a lower line, then an upper one filled
// 'tonexty'). The numbers are groups.ts's; this module only lays them out.
import { h } from "./dom";
import { alpha } from "./colors";
import { alignGroup, binWidthOf, groupKey, groupRegex, groupRuns, groupSpecOf, type GroupSpec } from "./groups";
import type { Arranged, DrawnLine } from "./chart";
import { formatCell, nearestIndex } from "./steps";
import type { Model } from "./settings";
import type { ScalarSeries, Store } from "./store";

/** A band drawn around a line: per point of the line, its lower and upper values. */
export interface Band {
  lower: Float64Array;
  upper: Float64Array;
  /** groups: how many members are there at each point, of how many */
  count?: Int32Array;
  members?: number;
  binned?: boolean;
}

/** A series as drawn by a layout or grouped chart: `origin` the (run, tag) it comes from. */
export type Tagged = ScalarSeries & { origin?: { run: string; tag: string }; band?: Band; faint?: Tagged[] };

/** The (run, tag) a drawn series stands for. */
export function originOf(s: Tagged): { run: string; tag: string } {
  return s.origin ?? { run: s.run, tag: s.tag };
}

/** How the runs are put in groups now: their key function, or why none (a bad regex). */
export function groupingOf(model: Model, store: Store): { spec: GroupSpec; keyOf: ((run: string) => string | null) | null; error: string } {
  const spec = groupSpecOf(model.get("run_groups"));
  if (spec.by === "regex") {
    const { re, error } = groupRegex(spec.regex);
    return { spec, keyOf: re ? (run) => groupKey(run, re) : null, error };
  }
  if (spec.by === "hparam" && spec.hparam) {
    const keys = new Map<string, string>();
    for (const s of store.kinds.hparams.sessions()) {
      if (!s.hparams.has(spec.hparam)) continue;
      const key = `${spec.hparam}=${String(s.hparams.get(spec.hparam))}`;
      keys.set(s.run, key);
      if (!keys.has(s.parent)) keys.set(s.parent, key);
    }
    return { spec, keyOf: (run) => keys.get(run) ?? null, error: "" };
  }
  return { spec, keyOf: null, error: "" };
}

/**
 * The series grouped: the members of each (group key, tag) as one line, the others
 * as they are. `named(key, tag)`: a group line's name (its colour comes from it).
 */
export function groupSeries(shown: readonly Tagged[], spec: GroupSpec, keyOf: (run: string) => string | null, named: (key: string, tag: string) => string): Tagged[] {
  const byRun = new Map<string, Tagged[]>();
  const runs: string[] = [];
  for (const s of shown) {
    const run = originOf(s).run;
    if (!byRun.has(run)) {
      byRun.set(run, []);
      runs.push(run);
    }
    byRun.get(run)!.push(s);
  }
  const groups = groupRuns(runs, keyOf);
  const grouped = new Set<string>();
  const out: Tagged[] = [];
  for (const [key, members] of groups) {
    const tags: string[] = [];
    const byTag = new Map<string, Tagged[]>();
    for (const run of members) {
      grouped.add(run);
      for (const s of byRun.get(run)!) {
        const tag = originOf(s).tag;
        if (!byTag.has(tag)) {
          byTag.set(tag, []);
          tags.push(tag);
        }
        byTag.get(tag)!.push(s);
      }
    }
    for (const tag of tags) {
      const ms = byTag.get(tag)!;
      const line = alignGroup(ms, spec.center, spec.band, binWidthOf(ms));
      out.push({
        run: named(key, tag), tag, n: line.n, total: line.n, step: line.step, wall: line.wall, value: line.center, version: 0,
        origin: { run: named(key, tag), tag },
        band: { lower: line.lower, upper: line.upper, count: line.count, members: line.members, binned: line.binned },
        faint: spec.members ? ms : undefined,
      });
    }
  }
  for (const s of shown) if (!grouped.has(originOf(s).run)) out.push(s);
  return out;
}

/** An Arranged of these lines: their bands and faint members drawn under them. */
export function arranged(series: Tagged[], color: (name: string) => string, bandsOn: boolean): Arranged {
  return {
    series,
    under: (ty, lineOf) => {
      const traces: Record<string, unknown>[] = [];
      for (const s of series) {
        const c = color(s.run);
        for (const m of s.faint ?? []) {
          const l = lineOf(m);
          traces.push({
            type: "scatter", mode: "lines", x: l.x, y: ty(l.smoothed), line: { color: c, width: 1 }, opacity: 0.3,
            hoverinfo: "skip", showlegend: false, meta: { run: s.run, member: originOf(m).run, kind: "member" },
          });
        }
        if (!s.band || !bandsOn) continue;
        const lo = lineOf({ n: s.n, step: s.step, wall: s.wall, value: s.band.lower });
        const hi = lineOf({ n: s.n, step: s.step, wall: s.wall, value: s.band.upper });
        const base = { type: "scatter", mode: "lines", x: lo.x, hoverinfo: "skip", showlegend: false, line: { color: c, width: 0 } };
        traces.push({ ...base, y: ty(lo.smoothed), meta: { run: s.run, kind: "band-lower" } });
        traces.push({ ...base, x: hi.x, y: ty(hi.smoothed), fill: "tonexty", fillcolor: alpha(c, 0.2), meta: { run: s.run, kind: "band-upper" } });
      }
      return traces;
    },
  };
}

/** The Arranged of a card's visible series under the board's run groups (undefined: no groups). */
export function groupArrange(model: Model, store: Store, color: (name: string) => string, multiTag: boolean): ((shown: ScalarSeries[]) => Arranged) | undefined {
  const { spec, keyOf } = groupingOf(model, store);
  if (!keyOf) return undefined;
  const named = (key: string, tag: string) => (multiTag ? `${key} · ${tag}` : key);
  return (shown) => arranged(groupSeries(shown, spec, keyOf, named), color, spec.band !== "none");
}

/**
 * The tooltip of a card, after hover.ts drew it: a group's row says how many of its
 * runs are at that step (and that steps are binned), a banded row its band.
 */
export function annotateTip(card: HTMLElement, lines: readonly DrawnLine[]): void {
  const rows = card.querySelectorAll<HTMLElement>(".tbnb-tooltip .tbnb-tip-row");
  if (!rows.length) return;
  const byRun = new Map(lines.map((l) => [l.run, l.series as Tagged]));
  for (const row of rows) {
    const s = byRun.get(row.dataset.run ?? "");
    if (!s?.band) continue;
    const i = nearestIndex(s.step, s.n, Number(row.dataset.step));
    if (i < 0) continue;
    const b = s.band;
    const parts = [`${formatCell(b.lower[i], "number")} to ${formatCell(b.upper[i], "number")}`];
    if (b.count && b.members !== undefined) parts.push(`${b.count[i]} of ${b.members} runs${b.binned ? " (steps binned)" : ""}`);
    row.querySelector(".tbnb-tip-band")?.remove();
    const span = h("span", { class: "tbnb-tip-band" }, parts.join(", "));
    if (b.count) span.dataset.count = String(b.count[i]);
    span.dataset.lower = String(b.lower[i]);
    span.dataset.upper = String(b.upper[i]);
    row.appendChild(span);
  }
}
