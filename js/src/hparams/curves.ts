// The scalar curves of the selected session: every scalar tag of its run and of its
// parent run (torch's add_hparams writes the metrics in a timestamp sub-run, the
// training curves stay in the parent), one small chart per (run, tag), drawn by the
// Scalars tab's Chart with the board's smoothing and axes. A series of one point (the
// metric add_hparams writes) is shown as its value: a line of one point draws nothing.
import { Chart, type View } from "../chart";
import { h } from "../dom";
import { visible } from "../names";
import type { ScalarSeries, Session, Store } from "../store";
import { formatNumber } from "./model";

interface Curve {
  el: HTMLElement;
  chart: Chart;
  value: HTMLElement;
  series: ScalarSeries;
  version: number;
}

export class SessionCurves {
  readonly el: HTMLElement;
  private title: HTMLElement;
  private grid: HTMLElement;
  private curves = new Map<string, Curve>(); // by series key
  private session: Session | null = null;

  constructor(private store: Store) {
    this.title = h("div", { class: "tbnb-hparams-curves-title" });
    this.grid = h("div", { class: "tbnb-grid" });
    this.el = h("div", { class: "tbnb-hparams-curves" }, this.title, this.grid);
  }

  /** The series shown for a session: its parent run's (the training curves), then its own, by tag. */
  private seriesOf(s: Session): [string, ScalarSeries][] {
    const runs = s.parent !== s.run ? [s.parent, s.run] : [s.run];
    const out: [string, ScalarSeries][] = [];
    for (const run of runs) {
      const mine = [...this.store.kinds.scalars.series].filter(([, x]) => x.run === run);
      mine.sort((a, b) => (a[1].tag < b[1].tag ? -1 : a[1].tag > b[1].tag ? 1 : 0));
      out.push(...mine);
    }
    return out;
  }

  /** Which runs the curves of the selected session read (to know when they change). */
  runs(): Set<string> {
    const s = this.session;
    return new Set(s ? [s.run, s.parent] : []);
  }

  /**
   * Shows the curves of `session` (null: none selected). Charts of series that did
   * not change since they were drawn are left alone; `force` redraws all (settings).
   */
  update(session: Session | null, view: View, force = false): void {
    if (session?.run !== this.session?.run || session?.parent !== this.session?.parent) this.clear();
    this.session = session;
    if (!session) {
      this.title.textContent = "Select a session (click a row) to see its scalar curves.";
      return;
    }
    const wanted = this.seriesOf(session);
    this.title.textContent = wanted.length
      ? `Scalars of ${visible(session.name)}`
      : `No scalars in the runs of ${visible(session.name)} yet.`;
    const keep = new Set(wanted.map(([k]) => k));
    for (const [k, c] of this.curves) {
      if (keep.has(k)) continue;
      c.chart.destroy();
      c.el.remove();
      this.curves.delete(k);
    }
    wanted.forEach(([key, series], i) => {
      let c = this.curves.get(key);
      if (!c) {
        const chart = new Chart(series.tag);
        const value = h("div", { class: "tbnb-hparams-curve-value" });
        const el = h("div", { class: "tbnb-hparams-curve" }, h("div", { class: "tbnb-hparams-curve-run", title: visible(series.run) }, visible(series.run)), chart.el, value);
        el.dataset.run = series.run;
        el.dataset.tag = series.tag;
        c = { el, chart, value, series, version: -1 };
        this.curves.set(key, c);
      }
      if (this.grid.children[i] !== c.el) this.grid.insertBefore(c.el, this.grid.children[i] ?? null);
      if (force || c.version !== series.version || c.series !== series) {
        c.series = series;
        c.version = series.version;
        const one = series.n === 1;
        c.el.classList.toggle("tbnb-hparams-one-point", one);
        c.value.hidden = !one;
        if (one) c.value.replaceChildren(h("span", { class: "tbnb-chart-title" }, visible(series.tag)), ` ${formatNumber(series.value[0])} at step ${series.step[0]}`);
        else c.chart.draw([series], { ...view, visible: () => true });
      }
    });
  }

  private clear(): void {
    for (const c of this.curves.values()) c.chart.destroy();
    this.curves.clear();
    this.grid.replaceChildren();
  }

  destroy(): void {
    this.clear();
  }
}
