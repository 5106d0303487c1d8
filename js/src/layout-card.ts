// A scalar card whose lines are chosen by a layout rather than one tag: a multiline
// chart (every run x tag whose tag matches one of its regexes, lines named run and
// tag) or a margin chart (a value line per run with a band from its lower to its upper
// tag). Used by the Custom Scalars tab and the scalars tab's multi-tag charts. It is a
// ScalarCard (scalar-card.ts): the step markers, the data table, the tooltip, pins and
// full size are the scalar cards' own; only what it draws and downloads differs.
import { h } from "./dom";
import { colorOfRun } from "./colors";
import { visible } from "./names";
import { ScalarCard, WAITING_TEXT, type CardHost } from "./scalar-card";
import type { View } from "./chart";
import { arranged, originOf, type Tagged } from "./arrange";
import { matchTags } from "./tag-match";
import { fileName, saveFile, type FullSeries } from "./download";
import { writeFile, type Written } from "./download-pool";
import type { MarginEntry } from "./protocol";
import type { ScalarSeries, Store } from "./store";

export type CardSpec = { kind: "multiline"; patterns: string[] } | { kind: "margin"; margins: MarginEntry[] };

/** The value of `s` at each of `at`'s steps (NaN where `s` has no point at that step). */
export function atSteps(at: { n: number; step: ArrayLike<number> }, s: ScalarSeries | undefined): Float64Array {
  const out = new Float64Array(at.n).fill(NaN);
  if (!s) return out;
  const index = new Map<number, number>();
  for (let i = 0; i < s.n; i++) index.set(s.step[i], i);
  for (let i = 0; i < at.n; i++) {
    const j = index.get(at.step[i]);
    if (j !== undefined) out[i] = s.value[j];
  }
  return out;
}

export class LayoutCard extends ScalarCard {
  private problem: HTMLElement;
  private held: Store;
  /** the drawn lines' colours, by their name */
  private colors = new Map<string, string>();

  constructor(
    key: string,
    readonly title: string,
    readonly spec: CardSpec,
    pinned: boolean,
    host: CardHost,
    store: Store,
  ) {
    super(key, pinned, host, store);
    this.held = store;
    const t = this.el.querySelector<HTMLElement>(".tbnb-chart-title");
    if (t) {
      t.textContent = visible(title);
      t.title = [title, ...(spec.kind === "multiline" ? spec.patterns : [])].map(visible).join("\n");
    }
    this.el.classList.add("tbnb-layout-card");
    this.el.dataset.title = title;
    this.el.dataset.chartKind = spec.kind;
    this.problem = h("div", { class: "tbnb-card-problem", role: "status" });
    this.problem.hidden = true;
    this.el.querySelector(".tbnb-chart-head")?.after(this.problem);
  }

  /** The series this card draws, for the visible runs, and what is wrong (said on the card). */
  private sources(view: View): { series: Tagged[]; problems: string[] } {
    const scalars = this.held.kinds.scalars;
    const problems: string[] = [];
    const out: Tagged[] = [];
    const order = (a: ScalarSeries, b: ScalarSeries) => view.runIndex(a.run) - view.runIndex(b.run);
    if (this.spec.kind === "multiline") {
      const { tags, errors } = matchTags(this.spec.patterns, scalars.tags());
      problems.push(...errors);
      if (!tags.length && !errors.length) problems.push(`no scalar tag matches ${this.spec.patterns.map((p) => JSON.stringify(p)).join(", ")} yet`);
      for (const tag of tags) {
        for (const s of scalars.seriesOf(tag).filter((x) => view.visible(x.run) && x.n > 0).sort(order)) {
          out.push({ ...s, run: `${s.run} · ${tag}`, origin: { run: s.run, tag } });
        }
      }
    } else {
      for (const m of this.spec.margins) {
        const several = this.spec.margins.length > 1;
        const values = scalars.seriesOf(m.value);
        if (!values.length) problems.push(`no run holds the value tag ${JSON.stringify(m.value)} yet`);
        for (const s of values.filter((x) => view.visible(x.run) && x.n > 0).sort(order)) {
          const lo = scalars.series.get(JSON.stringify([s.run, m.lower]));
          const hi = scalars.series.get(JSON.stringify([s.run, m.upper]));
          const missing = [lo ? "" : m.lower, hi ? "" : m.upper].filter(Boolean);
          if (missing.length) problems.push(`run ${s.run} lacks ${missing.map((t) => JSON.stringify(t)).join(" and ")}: its band is not drawn`);
          const label = several ? `${s.run} · ${m.value}` : s.run;
          out.push({ ...s, run: label, origin: { run: s.run, tag: m.value }, band: lo && hi ? { lower: atSteps(s, lo), upper: atSteps(s, hi) } : undefined });
        }
      }
    }
    // a run with one line keeps its colour; several lines of a run: a colour per line
    const perRun = new Map<string, number>();
    for (const s of out) perRun.set(originOf(s).run, (perRun.get(originOf(s).run) ?? 0) + 1);
    this.colors.clear();
    for (const s of out) {
      const run = originOf(s).run;
      this.colors.set(s.run, perRun.get(run) === 1 && view.color ? view.color(run) : colorOfRun(s.run));
    }
    return { series: out, problems };
  }

  draw(view: View): void {
    const { series, problems } = this.sources(view);
    this.problem.textContent = problems.join("; ");
    this.problem.hidden = problems.length === 0;
    const color = (name: string) => this.colors.get(name) ?? (view.color ? view.color(name) : colorOfRun(name));
    const arrange = this.spec.kind === "margin" ? (shown: ScalarSeries[]) => arranged(shown as Tagged[], color, true) : view.arrange;
    this.chart.draw(series, { ...view, visible: () => true, runIndex: () => 0, color, arrange });
  }

  /** Every point of every line drawn: a (run, tag)'s from the browser or the kernel, a group's as drawn. */
  async download(format: "csv" | "json"): Promise<void> {
    const t0 = performance.now();
    const scalars = this.held.kinds.scalars;
    const status = this.el.querySelector<HTMLElement>(".tbnb-card-status");
    const lines = this.chart.lines.map((l) => ({ name: l.run, s: l.series as Tagged }));
    const real = (s: Tagged) => scalars.series.get(JSON.stringify([originOf(s).run, originOf(s).tag]));
    const asked = lines.filter(({ s }) => {
      const held = real(s);
      return held !== undefined && held.n < held.total;
    }).length;
    if (asked && status) {
      status.hidden = false;
      status.textContent = WAITING_TEXT;
    }
    const sources = lines.map(async ({ name, s }): Promise<FullSeries> => {
      if (!real(s)) return { run: name, n: s.n, step: s.step, wall: s.wall, value: s.value };
      const [asked] = scalars.fullOf([originOf(s).run], originOf(s).tag);
      return { ...(await asked), run: name };
    });
    let file: Written;
    try {
      file = await writeFile(format, this.title, sources);
    } catch (err) {
      if (status) {
        status.hidden = false;
        status.textContent = `download failed: ${(err as Error).message}`;
      }
      return;
    }
    saveFile(fileName(this.title, format), file.parts, format === "csv" ? "text/csv" : "application/json");
    if (status) status.hidden = true;
    const detail = { format, runs: lines.length, points: file.points, ms: performance.now() - t0, asked };
    this.el.dataset.downloaded = JSON.stringify(detail);
    this.el.dispatchEvent(new CustomEvent("tbnb-download", { detail }));
  }
}
