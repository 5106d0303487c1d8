// The scalar curves of the selected session: every scalar tag of its run and of its
// parent run (torch's add_hparams writes the metrics in a timestamp sub-run, the
// training curves stay in the parent), one small chart per (run, tag), drawn by the
// Scalars tab's Chart with the board's smoothing and axes.
import { Chart, type View } from "../chart";
import { h } from "../dom";
import { visible } from "../names";
import type { ScalarSeries, Session, Store } from "../store";

interface Curve {
  el: HTMLElement;
  chart: Chart;
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

  /** The series shown for a session: its run's, then its parent's, by tag. */
  private seriesOf(s: Session): [string, ScalarSeries][] {
    const runs = s.parent !== s.run ? [s.run, s.parent] : [s.run];
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
        const el = h("div", { class: "tbnb-hparams-curve" }, h("div", { class: "tbnb-hparams-curve-run", title: visible(series.run) }, visible(series.run)), chart.el);
        el.dataset.run = series.run;
        el.dataset.tag = series.tag;
        c = { el, chart, series, version: -1 };
        this.curves.set(key, c);
      }
      if (this.grid.children[i] !== c.el) this.grid.insertBefore(c.el, this.grid.children[i] ?? null);
      if (force || c.version !== series.version || c.series !== series) {
        c.series = series;
        c.version = series.version;
        c.chart.draw([series], { ...view, visible: () => true });
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
