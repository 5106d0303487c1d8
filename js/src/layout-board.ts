// The cards of a layout (the Custom Scalars tab, the scalars tab's multi-tag charts):
// what they share, as the scalars tab's own cards share it (scalars.ts): the board's
// smoothing, axes, run selection and colours, run groups, step markers, data table,
// tooltip, linked hover, pins and full size (synced traits, keyed by the card's key),
// and drawing only the cards on screen, once per frame.
import { DEFAULT_SMOOTHING } from "./smoothing";
import { annotateTip, groupArrange } from "./arrange";
import { markersOf } from "./scalars";
import { runView, setSetting, type DataTableState, type Model, type TooltipSort } from "./settings";
import type { View } from "./chart";
import type { CardHost, ScalarCard } from "./scalar-card";
import type { LayoutCard } from "./layout-card";
import type { Store } from "./store";

const FULL_HEIGHT = 480;
/** the settings that change what every card draws */
const DRAW_KEYS = ["smoothing", "x_axis", "log_y", "ignore_outliers", "run_filter", "hidden_runs", "run_colors", "symlog_y", "run_groups", "full_size_cards"];
const TOOL_KEYS = ["step_markers", "link_by_step", "range_selection", "data_table"];

export class LayoutBoard implements CardHost {
  readonly cards = new Map<string, LayoutCard>();
  private observer: IntersectionObserver;
  private frame = 0;
  private cleanups: (() => void)[] = [];
  private linkedRange: [number, number] | null | undefined = undefined;
  /** how long the last draw of every card due took (ms), for the benchmark */
  lastDrawMs = 0;

  constructor(
    private model: Model,
    readonly store: Store,
    /** called before drawing (the holder syncs its cards to the layout) */
    private onChange: () => void,
  ) {
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const card = [...this.cards.values()].find((c) => c.el === e.target);
          if (!card) continue;
          card.chart.onScreen = e.isIntersecting;
          if (e.isIntersecting && (card.chart.dirty || card.toolsDirty)) this.schedule();
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
    listen(DRAW_KEYS, () => this.invalidateAll());
    listen(TOOL_KEYS, () => {
      for (const c of this.cards.values()) c.toolsDirty = true;
      this.schedule();
    });
    listen(["pinned_cards", "tooltip_sort", "tooltip_rows", "link_hover_zoom"], () => this.syncState());
    this.cleanups.push(
      store.subscribe((change) => {
        if (!change.full && !change.runs && change.of("scalars").size === 0 && change.of("custom_scalars").size === 0 && change.of("hparams").size === 0) return;
        this.onChange();
        this.invalidateAll();
      }),
    );
  }

  add(card: LayoutCard): void {
    this.cards.set(card.tag, card);
    this.observer.observe(card.el);
    this.syncState();
    this.schedule();
  }

  remove(key: string): void {
    const card = this.cards.get(key);
    if (!card) return;
    this.observer.unobserve(card.el);
    card.destroy();
    card.el.remove();
    this.cards.delete(key);
  }

  syncState(): void {
    const pins = new Set(this.model.get("pinned_cards") ?? []);
    const full = new Set(this.model.get("full_size_cards") ?? []);
    for (const c of this.cards.values()) c.setState(pins.has(c.tag.replace(PIN, "")), full.has(c.tag.replace(PIN, "")));
  }

  invalidateAll(): void {
    for (const c of this.cards.values()) c.chart.dirty = true;
    this.syncState();
    this.schedule();
  }

  view(card: ScalarCard): View {
    const runs = runView(this.model, this.store.runs);
    const full = (this.model.get("full_size_cards") ?? []).includes(card.tag.replace(PIN, ""));
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
      xRange: this.model.get("link_hover_zoom") ? this.linkedRange : undefined,
      arrange: groupArrange(this.model, this.store, runs.color, true),
    };
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const t0 = performance.now();
      for (const card of this.cards.values()) {
        if (card.el.hidden || card.el.closest("[hidden]") || card.el.closest("details:not([open])")) continue;
        const eager = card.pinned && !card.chart.everDrawn;
        if (!card.chart.onScreen && !eager) continue;
        if (card.chart.dirty) card.draw(this.view(card));
        else if (card.toolsDirty && card.chart.everDrawn) card.updateTools();
      }
      this.lastDrawMs = performance.now() - t0;
    });
  }

  // ---- CardHost ------------------------------------------------------------------

  markersOf(tag: string): number[] {
    return markersOf(this.model, tag.replace(PIN, ""));
  }

  setMarkers(tag: string, markers: number[], commit: boolean): void {
    const key = this.model.get("link_by_step") ? "" : tag.replace(PIN, "");
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
    from.showHover(x, cursorY, pointer);
    annotateTip(from.el, from.chart.lines);
    if (!this.model.get("link_hover_zoom")) return;
    for (const card of this.cards.values()) {
      if (card === from || !card.chart.onScreen || !card.chart.everDrawn) continue;
      card.showHover(x, null, null);
      annotateTip(card.el, card.chart.lines);
    }
  }

  zoomed(from: ScalarCard, range: [number, number] | null): void {
    if (!this.model.get("link_hover_zoom")) return;
    this.linkedRange = range;
    for (const card of this.cards.values()) if (card !== from) void card.zoomTo(range);
  }

  togglePin(tag: string): void {
    const key = tag.replace(PIN, "");
    const pins = (this.model.get("pinned_cards") ?? []).slice();
    const i = pins.indexOf(key);
    if (i >= 0) pins.splice(i, 1);
    else pins.push(key);
    setSetting(this.model, "pinned_cards", pins);
  }

  toggleFull(tag: string): void {
    const key = tag.replace(PIN, "");
    const full = new Set(this.model.get("full_size_cards") ?? []);
    if (full.has(key)) full.delete(key);
    else full.add(key);
    setSetting(this.model, "full_size_cards", [...full]);
  }

  destroy(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.observer.disconnect();
    for (const fn of this.cleanups) fn();
    for (const c of this.cards.values()) c.destroy();
  }
}

/** The key of a pinned copy of the card of key `k`: PIN + k. */
export const PIN = "\u0000pin\u0000";
