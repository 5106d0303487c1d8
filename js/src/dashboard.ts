// What every tab of the board is, and the layout the Images, Histograms,
// Distributions and Text tabs share: a card per (run, tag), the cards of one tag
// side by side in a group, groups in collapsible sections by tag prefix (the part
// before the first '/'), as TensorBoard lays them out. Cards draw only while on
// screen, and only when what they show changed.
import { h } from "./dom";
import { compileFilter, passes } from "./filters";
import { CARD_TITLE_CHARS, shortNames, visible } from "./names";
import { drawnNote } from "./points";
import { colorOfRun } from "./colors";
import { linkedStep, runView, type Model, type RunView } from "./settings";
import type { Change, ChangeName, SeriesRef, Store } from "./store";
import type { DeltaField } from "./store/holder";

/** One tab's content: `el` goes in the main area, `settings` in the sidebar. */
export interface Dashboard {
  readonly el: HTMLElement;
  readonly settings: HTMLElement;
  destroy(): void;
}

export function prefix(tag: string): string {
  const i = tag.indexOf("/");
  return i < 0 ? tag : tag.slice(0, i);
}

/** A card's header: the run's colour and name (the tag is its group's title; the full name on hover). */
export function runHeader(run: string, color: string): { el: HTMLElement; swatch: HTMLElement; name: HTMLElement } {
  const swatch = h("span", { class: "tbnb-swatch" });
  swatch.style.background = color;
  const name = h("span", { class: "tbnb-card-run" }, visible(run));
  const el = h("div", { class: "tbnb-card-title", title: visible(run) }, swatch, name);
  return { el, swatch, name };
}

export abstract class Card {
  readonly el: HTMLElement;
  protected swatch: HTMLElement;
  private runName: HTMLElement;
  /** how many of the kernel's entries the card draws, when it holds more */
  private note: HTMLElement;
  dirty = true;
  /** redraw without the live throttle (a setting the person changed) */
  urgent = false;
  onScreen = false;
  /** when it was last drawn, and how long that took (ms) */
  drawnAt = -Infinity;
  cost = 0;

  constructor(
    readonly key: string,
    readonly run: string,
    readonly tag: string,
    kind: string,
  ) {
    const header = runHeader(run, colorOfRun(run));
    this.swatch = header.swatch;
    this.runName = header.name;
    this.note = h("div", { class: "tbnb-card-note" });
    this.note.hidden = true;
    this.el = h("div", { class: `tbnb-card tbnb-${kind}-card` }, header.el, this.note);
    this.el.dataset.run = run;
    this.el.dataset.tag = tag;
  }

  setColor(color: string): void {
    this.swatch.style.background = color;
  }

  /** The run's name as shown (shortened among its group's runs when they share a long start). */
  setRunName(shown: string): void {
    if (this.runName.textContent !== shown) this.runName.textContent = shown;
  }

  abstract draw(view: RunView): void;

  /** Says "500 of 2,000 histograms drawn" when the browser holds fewer than the kernel. */
  protected showCounts(held: number, total: number, what: string): void {
    const note = drawnNote(held, total, what);
    if (this.note.textContent !== note) this.note.textContent = note;
    this.note.hidden = note === "";
  }

  destroy(): void {}
}

interface Group {
  el: HTMLElement;
  grid: HTMLElement;
  cards: Map<string, Card>; // by run
}

interface Section {
  el: HTMLDetailsElement;
  body: HTMLElement;
  count: HTMLElement;
  groups: Map<string, Group>; // by tag
}

const FRAME_BUDGET = 40; // ms of drawing before the browser gets a frame
const LIVE_THROTTLE = 4;

/**
 * A tab of cards, one per series of one kind of the store (`kind`, an UpdateMessage
 * field): a subclass says how a card is made, and may add change sets to redraw on.
 */
export abstract class CardDashboard<C extends Card> implements Dashboard {
  readonly el: HTMLElement;
  readonly settings: HTMLElement;
  protected cards = new Map<string, C>();
  private sections = new Map<string, Section>();
  private byElement = new WeakMap<Element, C>();
  private observer: IntersectionObserver;
  private frame = 0;
  private timer = 0;
  protected cleanups: (() => void)[] = [];

  constructor(
    protected model: Model,
    protected store: Store,
    private kind: DeltaField,
    cssName: string,
  ) {
    this.el = h("div", { class: `tbnb-cards tbnb-${cssName}` });
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
  }

  protected abstract makeCard(key: string, run: string, tag: string): C;

  /** The series of the store this tab shows. */
  protected series(): ReadonlyMap<string, SeriesRef> {
    return this.store.kinds[this.kind].series;
  }

  /** The change sets this tab redraws on (its kind's; images add their bytes). */
  protected changeNames(): ChangeName[] {
    return [this.kind];
  }

  /** The keys of the series an update changed, for this tab. */
  private changed(change: Change): string[] {
    return this.changeNames().flatMap((name) => [...change.of(name)]);
  }

  /** Call at the end of the subclass's constructor. */
  protected start(): void {
    const onSettings = () => {
      this.applyFilters();
      this.schedule();
    };
    for (const key of ["tag_filter", "run_filter", "hidden_runs"]) {
      this.model.on(`change:${key}`, onSettings);
      this.cleanups.push(() => this.model.off(`change:${key}`, onSettings));
    }
    // a colour picked in the run list: swatches and plots take it
    const onColors = () => {
      this.syncCards();
      this.invalidateAll();
    };
    this.model.on("change:run_colors", onColors);
    this.cleanups.push(() => this.model.off("change:run_colors", onColors));
    // the scalars' step marker, linked by step: the cards follow it (linkedStep)
    let followed = linkedStep(this.model);
    const onStep = () => {
      const step = linkedStep(this.model);
      if (step === followed) return;
      followed = step;
      this.followStep(step);
    };
    for (const key of ["step_markers", "link_by_step"]) {
      this.model.on(`change:${key}`, onStep);
      this.cleanups.push(() => this.model.off(`change:${key}`, onStep));
    }
    this.cleanups.push(
      this.store.subscribe((change) => {
        const keys = this.changed(change);
        if (!keys.length && !change.runs && !change.full) return;
        if (change.full || change.runs || keys.some((k) => !this.cards.has(k))) this.syncCards();
        for (const k of keys) {
          const c = this.cards.get(k);
          if (c) c.dirty = true;
        }
        if (change.runs) this.invalidateAll(); // run indexes (and names shown) follow the runs
        this.schedule();
      }),
    );
    this.syncCards();
  }

  get count(): number {
    return this.cards.size;
  }

  /** The linked step marker moved (null: unlinked or removed): by default, redraw. */
  protected followStep(_step: number | null): void {
    this.invalidateAll();
  }

  /** Adds cards for new series, drops those of series gone, orders and colours by run. */
  private syncCards(): void {
    const series = this.series();
    const runs = runView(this.model, this.store.runs);
    for (const [key, card] of this.cards) {
      if (series.has(key)) continue;
      this.removeCard(key, card);
    }
    for (const [key, { run, tag }] of series) {
      if (this.cards.has(key)) continue;
      const card = this.makeCard(key, run, tag);
      this.cards.set(key, card);
      this.byElement.set(card.el, card);
      this.groupOf(tag).cards.set(run, card);
      this.observer.observe(card.el);
    }
    for (const section of this.sections.values()) {
      for (const group of section.groups.values()) {
        const ordered = [...group.cards.values()].sort(
          (a, b) => runs.runIndex(a.run) - runs.runIndex(b.run) || (a.run < b.run ? -1 : a.run > b.run ? 1 : 0),
        );
        const names = shortNames(ordered.map((c) => c.run), CARD_TITLE_CHARS);
        ordered.forEach((card, i) => {
          card.setColor(runs.color(card.run));
          card.setRunName(names.get(card.run) ?? card.run);
          if (group.grid.children[i] !== card.el) group.grid.insertBefore(card.el, group.grid.children[i] ?? null);
        });
      }
    }
    this.applyFilters();
  }

  private groupOf(tag: string): Group {
    const name = prefix(tag);
    let section = this.sections.get(name);
    if (!section) {
      const count = h("span", { class: "tbnb-count" });
      const body = h("div", { class: "tbnb-section-body" });
      const el = h("details", { class: "tbnb-section", open: "" }, h("summary", {}, h("span", { class: "tbnb-section-name" }, visible(name)), count), body);
      el.dataset.section = name;
      section = { el, body, count, groups: new Map() };
      this.sections.set(name, section);
      const names = [...this.sections.keys()].sort();
      const next = names[names.indexOf(name) + 1];
      this.el.insertBefore(el, next ? this.sections.get(next)!.el : null);
    }
    let group = section.groups.get(tag);
    if (!group) {
      const grid = h("div", { class: "tbnb-card-grid" });
      const el = h("div", { class: "tbnb-tag-group" }, h("div", { class: "tbnb-group-title", title: visible(tag) }, visible(tag)), grid);
      el.dataset.tag = tag;
      group = { el, grid, cards: new Map() };
      section.groups.set(tag, group);
      const tags = [...section.groups.keys()].sort();
      const next = tags[tags.indexOf(tag) + 1];
      section.body.insertBefore(el, next ? section.groups.get(next)!.el : null);
    }
    return group;
  }

  private removeCard(key: string, card: C): void {
    this.observer.unobserve(card.el);
    card.destroy();
    card.el.remove();
    this.cards.delete(key);
    const name = prefix(card.tag);
    const section = this.sections.get(name);
    const group = section?.groups.get(card.tag);
    if (!section || !group) return;
    group.cards.delete(card.run);
    if (group.cards.size === 0) {
      group.el.remove();
      section.groups.delete(card.tag);
    }
    if (section.groups.size === 0) {
      section.el.remove();
      this.sections.delete(name);
    }
  }

  /** The tag regex hides groups, the run selection hides cards; empty sections hide. */
  protected applyFilters(): void {
    const tags = compileFilter(this.model.get("tag_filter"));
    const runs = runView(this.model, this.store.runs);
    for (const section of this.sections.values()) {
      let shown = 0;
      for (const [tag, group] of section.groups) {
        let cards = 0;
        if (passes(tags, tag)) {
          for (const card of group.cards.values()) {
            const ok = runs.visible(card.run);
            card.el.hidden = !ok;
            if (ok) cards++;
          }
        }
        group.el.hidden = cards === 0;
        if (cards) shown++;
      }
      section.el.hidden = shown === 0;
      section.count.textContent = ` ${shown}`;
    }
  }

  protected invalidateAll(): void {
    for (const c of this.cards.values()) {
      c.dirty = true;
      c.urgent = true;
    }
    this.schedule();
  }

  protected schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawSome();
    });
  }

  /**
   * Draws the dirty cards on screen, those in view first, yielding to the browser
   * after FRAME_BUDGET ms. A chart of 500 histograms takes plotly ~300 ms: while
   * data streams in, a card is redrawn at most every LIVE_THROTTLE times its last
   * drawing time, so a live board leaves the page responsive.
   */
  private drawSome(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = 0;
    const now = performance.now();
    const due: C[] = [];
    let wait = Infinity;
    for (const card of this.cards.values()) {
      if (!card.dirty || !card.onScreen || card.el.hidden) continue;
      const ready = card.urgent ? 0 : card.drawnAt + card.cost * LIVE_THROTTLE;
      if (ready > now) wait = Math.min(wait, ready - now);
      else due.push(card);
    }
    if (due.length > 1) {
      const height = window.innerHeight;
      const rank = new Map<C, number>();
      for (const card of due) {
        const r = card.el.getBoundingClientRect();
        rank.set(card, (r.bottom > 0 && r.top < height ? 0 : 1e7) + Math.abs(r.top));
      }
      due.sort((a, b) => rank.get(a)! - rank.get(b)!);
    }
    const view = runView(this.model, this.store.runs);
    const start = performance.now();
    for (const card of due) {
      if (performance.now() - start > FRAME_BUDGET) {
        this.schedule();
        return;
      }
      const t0 = performance.now();
      card.dirty = false;
      card.urgent = false;
      card.draw(view);
      card.drawnAt = performance.now();
      card.cost = card.drawnAt - t0;
    }
    if (due.length) this.store.painted(); // every card in view drawn: the kernel may read on
    if (wait < Infinity) this.timer = window.setTimeout(() => this.schedule(), wait);
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer) clearTimeout(this.timer);
    this.observer.disconnect();
    for (const fn of this.cleanups) fn();
    for (const c of this.cards.values()) c.destroy();
  }
}
