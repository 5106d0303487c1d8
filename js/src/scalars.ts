// The scalars dashboard: its settings for the sidebar, one card per tag in
// collapsible sections by tag prefix, and the pinned cards (copies) above them.
// Everything here runs on data already in the browser (CONTRIBUTING.md, principle 1),
// and every tool's state is a synced trait (settings.ts), so a re-opened notebook and
// a second view show the same board: the step markers (step_markers, link_by_step,
// range_selection), the data table (data_table), pins (pinned_cards), full-size cards
// and card width, the tooltip (tooltip_sort, tooltip_rows), linked hover and zoom
// (link_hover_zoom) and the symlog axis (symlog_y).
import { h } from "./dom";
import { visible } from "./names";
import type { View } from "./chart";
import { DEFAULT_SMOOTHING } from "./smoothing";
import { prefix, type Dashboard } from "./dashboard";
import { compileFilter, passes } from "./filters";
import { runView, setSetting, xAxisSelect, type DataTableState, type Model, type TooltipSort } from "./settings";
import { ScalarCard, type CardHost } from "./scalar-card";
import { scalarControls, type ScalarControls } from "./scalar-controls";
import type { Status } from "./protocol";
import type { Store } from "./store";
import { CombinedCharts } from "./combined";
import { annotateTip, groupArrange } from "./arrange";
import { gridColumns, sectionHeight } from "./window";

interface Section {
  el: HTMLDetailsElement;
  grid: HTMLElement;
  count: HTMLElement;
  /** a slot per tag, in the grid: the card while it is made (near the view), else empty */
  slots: Map<string, HTMLElement>;
}

/**
 * From this many tags on, a card is made only when its slot comes within NEAR of the
 * view, and dropped (its height kept) when it leaves: 10,000 tags are 10,000 empty
 * slots and a few dozen cards (issue 18). Fewer tags: every card is made, and drawn
 * while the browser is idle (scheduleIdle).
 */
export const LAZY_FROM = 200;
const NEAR = "1000px 0px";
const KEEP = 150;
const FRAME_BUDGET = 40; // ms of drawing before the browser gets a frame

const SLOT_HEIGHT = 270; // style.css .tbnb-slot:empty, until a card is measured
/** The nearest box around `el` that scrolls (null: the page). */
function scrollRoot(el: HTMLElement): HTMLElement | null {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowY;
    if ((o === "auto" || o === "scroll") && p.scrollHeight > p.clientHeight) return p;
  }
  return null;
}

/** The markers of the card of `tag`: its own, or the board's one when linked by step. */
export function markersOf(model: Model, tag: string): number[] {
  const all = model.get("step_markers") ?? {};
  const key = model.get("link_by_step") ? "" : tag;
  const m = Object.prototype.hasOwnProperty.call(all, key) ? all[key] : undefined;
  return Array.isArray(m) ? m.filter((v) => typeof v === "number" && Number.isFinite(v)) : [];
}

const FULL_HEIGHT = 480;

export class ScalarsDashboard implements Dashboard, CardHost {
  readonly el: HTMLElement;
  readonly settings: HTMLElement;
  private sections = new Map<string, Section>();
  /** every card, by key: the tag, or PIN + tag for a pinned copy */
  private charts = new Map<string, ScalarCard>();
  private pinnedGrid: HTMLElement;
  private pinnedEl: HTMLElement;
  private controls: ScalarControls;
  /** the multi-tag charts and the run groups' controls (combined.ts) */
  private combined: CombinedCharts;
  private observer: IntersectionObserver;
  private onScreen = new Set<ScalarCard>();
  /** makes and drops the cards of slots near the view (when lazy) */
  private near: IntersectionObserver | null = null;
  private lazy = false;
  private slotHeight = 0;
  /** cards to draw at the next frame even when off screen (a new pin) */
  private eager = new Set<ScalarCard>();
  private frame = 0;
  /** the timer that schedules a drawing after a frame was painted */
  private painted = 0;
  private idle = 0;
  /** the series (run x tag) the cards have heard of: a key not in it is a run new to its tag */
  private knownSeries = new Set<string>();
  private cleanups: (() => void)[] = [];
  private relaying = false;
  /** how long the last hover took over every card it drew (ms), for the benchmark */
  lastHoverMs = 0;

  constructor(
    private model: Model,
    private store: Store,
  ) {
    this.controls = scalarControls(model, xAxisSelect(model));
    this.settings = this.controls.el;
    this.combined = new CombinedCharts(model, store);
    this.pinnedGrid = h("div", { class: "tbnb-grid" });
    this.pinnedEl = h("section", { class: "tbnb-pinned", "aria-label": "Pinned cards" }, h("div", { class: "tbnb-pinned-title" }, "Pinned"), this.pinnedGrid);
    this.el = h("div", { class: "tbnb-scalars" }, this.pinnedEl, this.combined.el);

    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const card = this.cardOf(e.target as HTMLElement);
          if (!card) continue;
          card.chart.onScreen = e.isIntersecting;
          if (e.isIntersecting) this.onScreen.add(card);
          else this.onScreen.delete(card);
          if (card.chart.onScreen && (card.chart.dirty || card.toolsDirty)) this.schedule();
        }
      },
      { rootMargin: "200px" },
    );

    const listen = (keys: string[], fn: () => void) => {
      for (const key of keys) {
        model.on(`change:${key}`, fn);
        this.cleanups.push(() => model.off(`change:${key}`, fn));
      }
    };
    listen(["smoothing", "x_axis", "log_y", "ignore_outliers", "run_filter", "hidden_runs", "run_colors", "symlog_y"], () => {
      this.controls.sync();
      this.applyFilters();
      this.invalidateAll(true);
    });
    listen(["run_groups"], () => this.invalidateAll());
    // the first read's last part: the cards off screen are drawn now
    listen(["status"], () => this.scheduleIdle());
    // the tag filter changes which charts show, not what they draw
    listen(["tag_filter"], () => {
      this.applyFilters();
      this.schedule(true);
    });
    listen(["step_markers", "link_by_step", "range_selection", "data_table"], () => {
      this.controls.sync();
      this.toolsAll();
    });
    // a pin draws its new copy only, at once (not a frame later), and what else it
    // made dirty (cards the pinned section moved into view) once that is painted;
    // full size redraws the cards it changed
    listen(["pinned_cards"], () => {
      this.syncPins();
      for (const card of this.eager) {
        if (!card.el.isConnected) continue; // a board not shown yet: drawn when it is
        if (card.chart.dirty) card.draw(this.view(card));
        this.eager.delete(card);
      }
      this.schedule(true);
    });
    listen(["full_size_cards"], () => {
      const full = new Set(this.model.get("full_size_cards") ?? []);
      for (const c of this.charts.values()) {
        if (c.el.classList.contains("tbnb-full-size") !== full.has(c.tag)) c.chart.dirty = true;
      }
      this.syncPins();
      this.schedule();
    });
    // the linked zoom is the board's (a second view follows); other units, other range
    listen(["linked_x_range", "link_hover_zoom"], () => this.applyLinkedZoom());
    listen(["x_axis"], () => {
      if ((this.model.get("linked_x_range") ?? []).length) setSetting(this.model, "linked_x_range", []);
    });
    listen(["card_width", "tooltip_sort", "tooltip_rows", "link_hover_zoom"], () => {
      this.controls.sync();
      this.applyWidth();
      this.applyFilters();
    });
    for (const key of store.kinds.scalars.series.keys()) this.knownSeries.add(key);
    this.cleanups.push(
      store.subscribe((change) => {
        const keys = change.of("scalars");
        if (keys.size === 0 && !change.runs && !change.full) return;
        this.syncCharts();
        for (const key of keys) {
          const tag = store.kinds.scalars.series.get(key)?.tag;
          if (tag === undefined) continue;
          const newRun = !this.knownSeries.has(key);
          if (newRun) this.knownSeries.add(key);
          for (const c of this.cardsOf(tag)) {
            c.chart.dirty = true;
            if (newRun) c.chart.missesRuns = true;
          }
        }
        if (change.runs || change.full) this.invalidateAll();
        this.schedule();
      }),
    );
    this.applyWidth();
    this.syncCharts();
    this.syncPins();
    this.applyFilters();
    this.schedule();
  }

  /** The tags that have a card (a slot), shown or not. */
  get count(): number {
    let n = 0;
    for (const section of this.sections.values()) n += section.slots.size;
    return n;
  }

  /**
   * Watches the slots from the box that scrolls them, once the tab is in the page: a
   * margin around the page's viewport does not reach into a scrolled box (JupyterLab's
   * notebook), whose edges clip what the observer sees.
   */
  private watchSlots(): void {
    if (this.near || !this.el.isConnected) return;
    this.near = new IntersectionObserver(
      (entries) => {
        const far = entries
          .filter((e) => !e.isIntersecting && this.lazy && this.charts.has((e.target as HTMLElement).dataset.tag ?? ""))
          .map((e) => e.target as HTMLElement);
        // heights first, all read in one layout, then the cards go
        const heights = far.map((slot) => slot.offsetHeight);
        this.measureSlot();
        far.forEach((slot, i) => this.drop(slot, heights[i]));
        for (const e of entries) if (e.isIntersecting) this.make((e.target as HTMLElement).dataset.tag ?? "", e.target as HTMLElement);
        this.schedule();
      },
      { root: scrollRoot(this.el), rootMargin: NEAR },
    );
    for (const section of this.sections.values()) for (const slot of section.slots.values()) this.near.observe(slot);
    this.applyFilters(); // the sections' heights, now that the grid's width is known
  }

  /** The card of `tag` in its slot, made now if it is not (a slot near the view, or not lazy). */
  private make(tag: string, slot: HTMLElement): void {
    if (this.charts.has(tag)) return;
    const card = this.makeCard(tag, false);
    card.setState((this.model.get("pinned_cards") ?? []).includes(tag), (this.model.get("full_size_cards") ?? []).includes(tag));
    slot.style.height = "";
    slot.appendChild(card.el);
  }

  /** An empty slot is as high as a card drawn (so that scrolling to a slot finds it where it stays). */
  private measureSlot(): void {
    for (const card of this.charts.values()) {
      if (card.pinned || !card.chart.everDrawn || card.el.classList.contains("tbnb-full-size")) continue;
      const height = card.el.offsetHeight;
      if (height > 0 && height !== this.slotHeight) {
        this.slotHeight = height;
        this.el.style.setProperty("--tbnb-slot-height", `${height}px`);
        this.applyFilters();
      }
      return;
    }
  }

  /**
   * Drops the card of a slot far from the view; the slot keeps its `height`, so nothing
   * moves. A card the tag filter hid is kept while fewer than KEEP are made: clearing
   * the filter shows it again without drawing it anew.
   */
  private drop(slot: HTMLElement, height: number): void {
    const tag = slot.dataset.tag ?? "";
    const card = this.charts.get(tag);
    if (!card || (slot.hidden && this.charts.size < KEEP)) return;
    if (height > 0) slot.style.height = `${height}px`;
    this.observer.unobserve(card.el);
    this.onScreen.delete(card);
    this.eager.delete(card);
    card.destroy();
    card.el.remove();
    this.charts.delete(tag);
  }

  private cardOf(el: HTMLElement): ScalarCard | undefined {
    const tag = el.dataset.tag ?? "";
    return this.charts.get(el.dataset.pinned ? PIN + tag : tag);
  }

  private cardsOf(tag: string): ScalarCard[] {
    return [this.charts.get(tag), this.charts.get(PIN + tag)].filter((c): c is ScalarCard => c !== undefined);
  }

  private view(card: ScalarCard): View {
    const runs = runView(this.model, this.store.runs);
    const full = (this.model.get("full_size_cards") ?? []).includes(card.tag);
    return {
      smoothing: this.model.get("smoothing") ?? DEFAULT_SMOOTHING,
      xAxis: this.model.get("x_axis"),
      logY: this.model.get("log_y"),
      ignoreOutliers: this.model.get("ignore_outliers"),
      visible: runs.visible,
      runIndex: runs.runIndex,
      color: runs.color,
      symlog: this.model.get("symlog_y") === true,
      ownHover: true,
      height: full ? FULL_HEIGHT : undefined,
      xRange: this.linkedRange(),
      arrange: groupArrange(this.model, this.store, runs.color, false),
    };
  }

  private applyWidth(): void {
    const w = this.model.get("card_width") ?? 0;
    if (w > 0) this.el.style.setProperty("--tbnb-card-width", `${w}px`);
    else this.el.style.removeProperty("--tbnb-card-width");
  }

  private makeCard(tag: string, pinned: boolean): ScalarCard {
    const card = new ScalarCard(tag, pinned, this, this.store);
    // a pin is drawn at once, in view or not (the pinned section may be scrolled away)
    if (pinned) this.eager.add(card);
    this.charts.set(pinned ? PIN + tag : tag, card);
    this.observer.observe(card.el);
    return card;
  }

  private syncCharts(): void {
    const tags = this.store.kinds.scalars.tags();
    const lazy = tags.length >= LAZY_FROM;
    const touched = new Set<Section>();
    for (const tag of tags) {
      const name = prefix(tag);
      if (this.sections.get(name)?.slots.has(tag)) continue;
      let section = this.sections.get(name);
      if (!section) {
        const count = h("span", { class: "tbnb-count" });
        const grid = h("div", { class: "tbnb-grid" });
        const el = h("details", { class: "tbnb-section", open: "" }, h("summary", {}, h("span", { class: "tbnb-section-name" }, visible(name)), count), grid);
        el.dataset.section = name;
        section = { el, grid, count, slots: new Map() };
        this.sections.set(name, section);
        const names = [...this.sections.keys()].sort();
        const next = names[names.indexOf(name) + 1];
        this.el.insertBefore(el, next ? this.sections.get(next)!.el : null);
      }
      const slot = h("div", { class: "tbnb-slot" });
      slot.dataset.tag = tag;
      section.slots.set(tag, slot);
      touched.add(section);
      this.near?.observe(slot);
    }
    // the slots of a section in tag order (tags() is sorted), placed once per change
    if (touched.size) {
      const order = new Map([...touched].map((section) => [section, [] as HTMLElement[]]));
      for (const tag of tags) {
        const section = this.sections.get(prefix(tag))!;
        order.get(section)?.push(section.slots.get(tag)!);
      }
      for (const [section, slots] of order) section.grid.append(...slots);
    }
    this.lazy = lazy;
    if (!lazy) for (const section of this.sections.values()) for (const [tag, slot] of section.slots) this.make(tag, slot);
    this.syncPins();
    this.applyFilters();
  }

  /** The pinned copies, in the order pinned (a pin of a tag not held yet waits for it). */
  private syncPins(): void {
    const pins = (this.model.get("pinned_cards") ?? []).filter((t) => typeof t === "string");
    const full = new Set(this.model.get("full_size_cards") ?? []);
    const want = new Set(pins);
    for (const [key, card] of this.charts) {
      if (!card.pinned || want.has(card.tag)) continue;
      this.observer.unobserve(card.el);
      this.onScreen.delete(card);
      this.eager.delete(card);
      card.destroy();
      card.el.remove();
      this.charts.delete(key);
    }
    const held = new Set(this.store.kinds.scalars.tags());
    for (const tag of pins) {
      if (!held.has(tag)) continue;
      const card = this.charts.get(PIN + tag) ?? this.makeCard(tag, true);
      this.pinnedGrid.appendChild(card.el); // keeps the pins' order
    }
    for (const card of this.charts.values()) card.setState(want.has(card.tag), full.has(card.tag));
    for (const section of this.sections.values()) for (const [tag, slot] of section.slots) slot.classList.toggle("tbnb-full-size", full.has(tag));
    this.pinnedEl.hidden = this.pinnedGrid.childElementCount === 0;
  }

  private applyFilters(): void {
    const tags = compileFilter(this.model.get("tag_filter"));
    const cols = this.lazy ? gridColumns(this.el.clientWidth, this.model.get("card_width") ?? 0) : 1;
    for (const section of this.sections.values()) {
      let shown = 0;
      for (const [tag, slot] of section.slots) {
        const ok = passes(tags, tag);
        if (slot.hidden === ok) slot.hidden = !ok;
        if (ok) shown++;
      }
      section.el.hidden = shown === 0;
      section.count.textContent = ` ${shown}`;
      // a section away from the view is not laid out (style.css): its height until it is
      section.el.classList.toggle("tbnb-lazy", this.lazy);
      if (this.lazy) section.el.style.setProperty("contain-intrinsic-size", `auto ${sectionHeight(shown, cols, this.slotHeight || SLOT_HEIGHT)}px`);
    }
  }

  private invalidateAll(afterPaint = false): void {
    for (const c of this.charts.values()) c.chart.dirty = true;
    this.schedule(afterPaint);
  }

  /** Markers or table settings changed: the cards in view now, the others when shown. */
  private toolsAll(): void {
    for (const c of this.charts.values()) {
      if (c.chart.onScreen && !hiddenCard(c) && c.chart.everDrawn) c.updateTools();
      else c.toolsDirty = true;
    }
  }

  /**
   * Draws the cards on screen at the next frame, FRAME_BUDGET ms a frame (a chart of 2,000
   * runs takes plotly hundreds of ms). `afterPaint`: a frame later, so that what a
   * setting changed at once (the run list, the cards a filter shows) is painted first.
   */
  private schedule(afterPaint = false): void {
    if (this.frame || this.painted) return;
    if (afterPaint) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.painted = window.setTimeout(() => {
          this.painted = 0;
          this.schedule();
        }, 0);
      });
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.watchSlots();
      const start = performance.now();
      for (const card of this.eager) if (card.chart.dirty) card.draw(this.view(card));
      this.eager.clear();
      let drew = false;
      for (const card of this.charts.values()) {
        if (!card.chart.onScreen || hiddenCard(card)) continue;
        if (performance.now() - start > FRAME_BUDGET && (card.chart.dirty || card.toolsDirty)) {
          this.schedule();
          return;
        }
        if (card.chart.dirty) {
          card.draw(this.view(card));
          drew = true;
        } else if (card.toolsDirty && card.chart.everDrawn) card.updateTools();
      }
      if (drew) this.store.painted(); // every card in view drawn: the kernel may read on
      this.scheduleIdle();
    });
  }

  /**
   * Charts off screen that were never drawn, or that miss a run that came since, are
   * drawn one at a time while the browser is idle, so that a filter or a scroll that
   * brings one into view shows it at once, every run in it. (New points of charts off
   * screen wait until they come into view.)
   */
  private scheduleIdle(): void {
    if (this.idle) return;
    // off screen: never drawn, or drawn before one of its runs had data (a filter or a
    // scroll would show it without that run until it is drawn again, 0.2-0.5 s later);
    // new points alone wait until the card comes into view. While the kernel still
    // reads a large logdir's first parts, no card off screen is drawn: the kernel reads
    // on the machine's other core, and each part brings runs new to every card. On 100
    // runs x 20 tags the page's CPU time until every run was drawn went from 2.5-2.6 s
    // to 1.1-1.2 s, and every run was drawn at 2.2-2.4 s instead of 2.7-2.9 s. A filter
    // right after the read may then show a card never drawn, or wait for one being drawn
    // on idle: 84-286 ms (16 boards) instead of 130-190 ms, until they are all drawn.
    const reading = this.reading();
    const behind = (c: ScalarCard) => !reading && (!c.chart.everDrawn || c.chart.missesRuns) && !c.chart.onScreen && !hiddenCard(c);
    const next = [...this.charts.values()].find(behind);
    if (!next) return;
    const run = () => {
      this.idle = 0;
      if (behind(next)) next.draw(this.view(next));
      this.scheduleIdle();
    };
    this.idle = typeof requestIdleCallback === "function" ? requestIdleCallback(run, { timeout: 2000 }) : window.setTimeout(run, 50);
  }

  /** Whether the kernel has runs of the first read left to read (status.unread_runs). */
  private reading(): boolean {
    return ((this.model.get("status") as Status | undefined)?.unread_runs ?? 0) > 0;
  }

  // ---- CardHost: the state the cards share -------------------------------------

  markersOf(tag: string): number[] {
    return markersOf(this.model, tag);
  }

  /** While dragging (commit false) the board shows the markers; the kernel gets them on release. */
  setMarkers(tag: string, markers: number[], commit: boolean): void {
    const key = this.model.get("link_by_step") ? "" : tag;
    const next = { ...(this.model.get("step_markers") ?? {}) };
    if (markers.length) next[key] = markers.slice();
    else delete next[key];
    this.model.set("step_markers", next);
    if (commit) this.model.save_changes();
  }

  rangeOn(): boolean {
    return this.model.get("range_selection") === true;
  }

  tableState(): DataTableState {
    return this.model.get("data_table") ?? {};
  }

  setTableState(state: DataTableState): void {
    setSetting(this.model, "data_table", state);
  }

  tooltip(): { sort: TooltipSort; rows: number } {
    return { sort: this.model.get("tooltip_sort") ?? "default", rows: Math.max(0, this.model.get("tooltip_rows") ?? 0) };
  }

  hover(from: ScalarCard, x: number | null, cursorY: number | null, pointer: { x: number; y: number } | null): void {
    const t0 = performance.now();
    from.showHover(x, cursorY, pointer);
    annotateTip(from.el, from.chart.lines);
    if (this.model.get("link_hover_zoom")) {
      for (const card of this.onScreen) if (card !== from && !hiddenCard(card) && card.chart.everDrawn) card.showHover(x, null, null);
    }
    this.lastHoverMs = performance.now() - t0;
  }

  /** The linked zoom's x range while linked ([lo, hi], or null: autorange), else undefined (each card's own). */
  private linkedRange(): [number, number] | null | undefined {
    if (!this.model.get("link_hover_zoom")) return undefined;
    const r = this.model.get("linked_x_range") ?? [];
    return r.length === 2 && r.every(Number.isFinite) && r[0] !== r[1] ? [r[0], r[1]] : null;
  }

  /** One card zoomed: the board's linked range (applyLinkedZoom draws it on the others). */
  zoomed(_from: ScalarCard, range: [number, number] | null): void {
    if (this.relaying || !this.model.get("link_hover_zoom")) return;
    setSetting(this.model, "linked_x_range", range ? range.slice() : []);
  }

  /** The linked range on every card in view that does not show it yet; the others when drawn. */
  private applyLinkedZoom(): void {
    const range = this.linkedRange();
    if (range === undefined) return;
    this.relaying = true;
    const done: Promise<unknown>[] = [];
    for (const card of this.charts.values()) {
      if (card.chart.onScreen && !hiddenCard(card)) {
        if (card.showsRange(range)) continue;
        const p = card.zoomTo(range);
        if (p) done.push(p);
      } else {
        card.chart.dirty = true;
      }
    }
    void Promise.allSettled(done).then(() => {
      this.relaying = false;
    });
  }

  togglePin(tag: string): void {
    const pins = (this.model.get("pinned_cards") ?? []).slice();
    const i = pins.indexOf(tag);
    if (i >= 0) pins.splice(i, 1);
    else pins.push(tag);
    setSetting(this.model, "pinned_cards", pins);
  }

  toggleFull(tag: string): void {
    const full = new Set(this.model.get("full_size_cards") ?? []);
    if (full.has(tag)) full.delete(tag);
    else full.add(tag);
    setSetting(this.model, "full_size_cards", [...full]);
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.painted) clearTimeout(this.painted);
    if (this.idle) (typeof cancelIdleCallback === "function" ? cancelIdleCallback : clearTimeout)(this.idle);
    this.observer.disconnect();
    this.near?.disconnect();
    for (const fn of this.cleanups) fn();
    for (const c of this.charts.values()) c.destroy();
    this.combined.destroy();
  }
}

const PIN = "\u0000pin\u0000";

/** A card the tag filter hides (its slot hidden). */
function hiddenCard(card: ScalarCard): boolean {
  return card.el.hidden || card.el.parentElement?.hidden === true;
}
