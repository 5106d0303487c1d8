// The PR Curves tab, as TensorBoard's: a chart per tag, precision against recall, one
// line per run at the step its slider picks (the newest by default, following a live
// run until the person moves it back). Hover gives threshold, precision, recall, TP,
// FP, TN and FN. Every point is held in the browser (store/pr-curves.ts): a slider
// redraws its card without asking the kernel. The board's run selection, colours, tag
// filter and linked step marker apply.
import { h } from "./dom";
import type { Dashboard } from "./dashboard";
import { compileFilter, passes } from "./filters";
import { visible } from "./names";
import Plotly from "./plotly";
import { curvePoints } from "./pr-curve-data";
import { linkedStep, plotlyText, runView, type Model, type RunView } from "./settings";
import { nearestIndex } from "./steps";
import { seriesKey, type PRCurveSeries, type Store } from "./store";

interface RunRow {
  el: HTMLElement;
  swatch: HTMLElement;
  slider: HTMLInputElement;
  stepText: HTMLElement;
  /** the point shown, an index into the series; follows the newest while `follow` */
  pos: number;
  follow: boolean;
  /** the trace last drawn and what it was made of: unchanged, plotly skips its data */
  trace: Record<string, unknown> | null;
  made: string;
}

const HOVER =
  "<b>%{fullData.name}</b> %{meta}<br>threshold %{customdata[0]:.3f}<br>precision %{y:.4f}<br>recall %{x:.4f}" +
  "<br>TP %{customdata[1]}, FP %{customdata[2]}<br>TN %{customdata[3]}, FN %{customdata[4]}<extra></extra>";

class PRCard {
  readonly el: HTMLElement;
  private chart: HTMLElement;
  private rows: HTMLElement;
  private errors: HTMLElement;
  private runs = new Map<string, RunRow>();
  private drawn = false;
  private font = "";
  dirty = true;
  onScreen = false;
  draws = 0;

  constructor(
    readonly tag: string,
    private store: Store,
    private onSlide: (card: PRCard) => void,
  ) {
    this.chart = h("div", { class: "tbnb-pr-chart" });
    this.rows = h("div", { class: "tbnb-pr-runs" });
    this.errors = h("div", { class: "tbnb-pr-errors", role: "status" });
    this.el = h("div", { class: "tbnb-card tbnb-pr-card" }, h("div", { class: "tbnb-card-title", title: visible(tag) }, visible(tag)), this.chart, this.rows, this.errors);
    this.el.dataset.tag = tag;
  }

  /** The series of this tag, of the runs shown, in the board's run order. */
  private series(view: RunView): PRCurveSeries[] {
    const out: PRCurveSeries[] = [];
    for (const s of this.store.kinds.pr_curves.series.values()) if (s.tag === this.tag && view.visible(s.run)) out.push(s);
    return out.sort((a, b) => view.runIndex(a.run) - view.runIndex(b.run));
  }

  private row(run: string): RunRow {
    let row = this.runs.get(run);
    if (row) return row;
    const swatch = h("span", { class: "tbnb-swatch" });
    const slider = h("input", { type: "range", min: "0", max: "0", step: "1", value: "0", class: "tbnb-pr-slider", "aria-label": `step of run ${visible(run)}` });
    const stepText = h("span", { class: "tbnb-pr-step" });
    const el = h("div", { class: "tbnb-pr-run" }, swatch, h("span", { class: "tbnb-pr-run-name", title: visible(run) }, visible(run)), slider, stepText);
    el.dataset.run = run;
    const made: RunRow = { el, swatch, slider, stepText, pos: -1, follow: true, trace: null, made: "" };
    slider.addEventListener("input", () => {
      const last = Number(slider.max);
      made.pos = Math.max(0, Math.min(last, Number(slider.value)));
      made.follow = made.pos === last; // back at the newest: follows a live run again
      this.dirty = true;
      this.onSlide(this);
    });
    this.runs.set(run, made);
    return made;
  }

  /** The page's text colour, read once (reading it forces a style recalculation). */
  private fontColor(): string {
    if (!this.font) this.font = getComputedStyle(this.el).color || "#444";
    return this.font;
  }

  /** Every run's slider to the point nearest `step` (the board's linked step marker). */
  followStep(step: number): void {
    for (const [run, row] of this.runs) {
      const s = this.store.kinds.pr_curves.series.get(seriesKey(run, this.tag));
      if (!s || s.n === 0) continue;
      row.pos = nearestIndex(s.step, s.n, step);
      row.follow = row.pos === s.n - 1;
    }
    this.dirty = true;
  }

  draw(view: RunView): void {
    this.dirty = false;
    const series = this.series(view);
    const traces: Record<string, unknown>[] = [];
    const rows: HTMLElement[] = [];
    const errors: string[] = [];
    for (const s of series) {
      const row = this.row(s.run);
      const last = s.n - 1;
      if (row.follow || row.pos > last || row.pos < 0) row.pos = last;
      row.slider.max = String(Math.max(0, last));
      row.slider.value = String(Math.max(0, row.pos));
      row.slider.disabled = last <= 0;
      const color = view.color(s.run);
      row.swatch.style.background = color;
      const step = s.step[row.pos];
      row.stepText.textContent = `step ${step}`;
      row.el.dataset.step = String(step);
      rows.push(row.el);
      const curve = s.curves[row.pos];
      if (!curve) {
        errors.push(`${visible(s.run)}: ${s.errors[row.pos] || "no PR curve at this step"}`);
        continue;
      }
      // the same point of the same series in the same colour: the same trace object,
      // so a slider's move recomputes only its own run's line
      const made = `${s.version}|${row.pos}|${color}`;
      if (!row.trace || row.made !== made) {
        const pts = curvePoints(curve, curve.length / 6);
        row.trace = {
          type: "scatter",
          mode: "lines",
          name: plotlyText(visible(s.run)),
          meta: `step ${step}`,
          x: pts.recall,
          y: pts.precision,
          customdata: pts.info,
          hovertemplate: HOVER,
          line: { color, width: 2 },
        };
        row.made = made;
      }
      traces.push(row.trace);
    }
    // rows move only when the runs shown change (a slider keeps the keyboard's focus)
    const kids = this.rows.children;
    if (kids.length !== rows.length || rows.some((r, i) => kids[i] !== r)) this.rows.replaceChildren(...rows);
    this.errors.textContent = errors.join("\n");
    this.errors.hidden = errors.length === 0;
    const layout = {
      height: 300,
      margin: { l: 52, r: 12, t: 8, b: 40 },
      showlegend: false,
      hovermode: "closest",
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { size: 11, color: this.fontColor() },
      xaxis: { title: { text: "Recall" }, range: [0, 1.02], zeroline: false },
      yaxis: { title: { text: "Precision" }, range: [0, 1.05], zeroline: false },
      uirevision: this.tag,
    };
    const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };
    void Plotly.react(this.chart, traces as never, layout as never, config as never);
    this.drawn = true;
    this.el.dataset.draws = String(++this.draws);
  }

  destroy(): void {
    if (this.drawn) Plotly.purge(this.chart);
  }
}

export class PRCurvesDashboard implements Dashboard {
  readonly el: HTMLElement;
  readonly settings: HTMLElement;
  private grid: HTMLElement;
  private cards = new Map<string, PRCard>();
  private byElement = new WeakMap<Element, PRCard>();
  private observer: IntersectionObserver;
  private frame = 0;
  private cleanups: (() => void)[] = [];

  constructor(
    private model: Model,
    private store: Store,
  ) {
    this.grid = h("div", { class: "tbnb-pr-grid" });
    this.el = h("div", { class: "tbnb-cards tbnb-pr-curves" }, this.grid);
    this.settings = h("div", { class: "tbnb-tab-settings" });
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const card = this.byElement.get(e.target);
          if (!card) continue;
          card.onScreen = e.isIntersecting;
          if (card.onScreen && card.dirty) this.schedule();
        }
      },
      { rootMargin: "200px" },
    );
    const all = () => {
      this.sync();
      for (const c of this.cards.values()) c.dirty = true;
      this.schedule();
    };
    for (const key of ["tag_filter", "run_filter", "hidden_runs", "run_colors"]) {
      this.model.on(`change:${key}`, all);
      this.cleanups.push(() => this.model.off(`change:${key}`, all));
    }
    let followed = linkedStep(model);
    const onStep = () => {
      const step = linkedStep(this.model);
      if (step === followed) return;
      followed = step;
      if (step === null) return; // the sliders stay where the marker left them
      for (const c of this.cards.values()) c.followStep(step);
      this.schedule();
    };
    for (const key of ["step_markers", "link_by_step"]) {
      this.model.on(`change:${key}`, onStep);
      this.cleanups.push(() => this.model.off(`change:${key}`, onStep));
    }
    this.cleanups.push(
      store.subscribe((change) => {
        const keys = change.of("pr_curves");
        if (!keys.size && !change.full && !change.runs) return;
        this.sync();
        const tags = new Set([...keys].map((k) => (JSON.parse(k) as [string, string])[1]));
        for (const c of this.cards.values()) if (change.full || change.runs || tags.has(c.tag)) c.dirty = true;
        this.schedule();
      }),
    );
    this.el.dataset.draws = "0";
    this.sync();
    this.schedule();
  }

  /** One card per tag that passes the tag filter, in tag order. */
  private sync(): void {
    const filter = compileFilter(this.model.get("tag_filter"));
    const tags = new Set<string>();
    for (const s of this.store.kinds.pr_curves.series.values()) if (passes(filter, s.tag)) tags.add(s.tag);
    for (const [tag, card] of this.cards) {
      if (tags.has(tag)) continue;
      this.observer.unobserve(card.el);
      card.destroy();
      card.el.remove();
      this.cards.delete(tag);
    }
    const order = [...tags].sort();
    for (const tag of order) {
      if (this.cards.has(tag)) continue;
      const card = new PRCard(tag, this.store, () => this.drawNow(card));
      this.cards.set(tag, card);
      this.byElement.set(card.el, card);
      this.observer.observe(card.el);
    }
    const els = order.map((t) => this.cards.get(t)!.el);
    if (els.some((el, i) => this.grid.children[i] !== el) || this.grid.children.length !== els.length) this.grid.replaceChildren(...els);
  }

  private view(): RunView {
    return runView(this.model, this.store.runs);
  }

  /** A slider moved: its card redraws now (the person is dragging it). */
  private drawNow(card: PRCard): void {
    card.draw(this.view());
    this.el.dataset.draws = String(Number(this.el.dataset.draws) + 1);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.el.getClientRects().length === 0) return; // drawn when the tab shows
      const view = this.view();
      let drew = false;
      for (const c of this.cards.values()) {
        if (!c.dirty || !c.onScreen) continue;
        c.draw(view);
        drew = true;
      }
      if (drew) this.el.dataset.draws = String(Number(this.el.dataset.draws) + 1);
    });
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.observer.disconnect();
    for (const fn of this.cleanups) fn();
    for (const c of this.cards.values()) c.destroy();
  }
}
