// The Graphs tab: a chooser of the graphs listed (kept current as graphs appear), a
// toolbar, the graph drawn as SVG (boxes expand in place; layout.ts lays out each
// box on its own, so only what is shown is laid out and drawn), and in the sidebar
// the node search and the selected item's details. Every step says in a sentence
// what the pane waits for or why it is empty.
import type { Dashboard } from "../dashboard";
import { h } from "../dom";
import type { Model } from "../settings";
import { seriesKey, type GraphModel, type GraphSeries, type Store } from "../store";
import { visible } from "../names";
import { Details } from "./details";
import { GraphCanvas } from "./draw";
import { fileName, pngOf, save, standalone, svgText } from "./export";
import { Hierarchy, ROOT } from "./hierarchy";
import { HEADER, Layouts, place, type Measure, type Scene, type SceneItem } from "./layout";
import { Search } from "./search";
import { Viewport } from "./viewport";

/** "expand all" opens every box of a graph this small; of a larger one, levels while the items shown stay under SHOWN_LIMIT. */
const EXPAND_ALL_NODES = 3000;
const SHOWN_LIMIT = 1500;
/** the svg's font (style.css, .tbnb-graph-svg), which the labels are measured in */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

interface Shown {
  key: string;
  run: string;
  tag: string;
  graph: GraphModel;
  h: Hierarchy;
  layouts: Layouts;
}

function measurer(): Measure {
  const ctx = document.createElement("canvas").getContext("2d");
  const cache = new Map<string, number>();
  const fonts = { label: `12px ${FONT}`, header: `600 12px ${FONT}`, small: `10px ${FONT}` };
  return (text, font) => {
    const key = `${font}\u0000${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      if (ctx) {
        ctx.font = fonts[font];
        w = ctx.measureText(text).width;
      } else w = text.length * 7.2;
      cache.set(key, w);
    }
    return w;
  };
}

export class GraphsDashboard implements Dashboard {
  readonly el: HTMLElement;
  readonly settings: HTMLElement;
  private chooser: HTMLSelectElement;
  private toolbar: HTMLElement;
  private message: HTMLElement;
  private notes: HTMLElement;
  private status: HTMLElement;
  private host: HTMLElement;
  private canvas = new GraphCanvas();
  private viewport: Viewport;
  private search: Search;
  private details: Details;
  private measure = measurer();
  /** the graph shown (its seriesKey): the person's choice, kept while it is listed */
  private key = "";
  private shown: Shown | null = null;
  private scene: Scene | null = null;
  private selected = -1;
  private draws = 0;
  private needFit = false;
  private resize: ResizeObserver;
  private cleanups: (() => void)[] = [];

  constructor(
    _model: Model,
    private store: Store,
  ) {
    this.chooser = h("select", { "aria-label": "graph", class: "tbnb-graph-chooser" });
    this.chooser.addEventListener("change", () => {
      this.key = this.chooser.value;
      this.sync();
    });
    const button = (label: string, text: string, fn: () => void) => {
      const b = h("button", { type: "button", class: "tbnb-graph-tool", "aria-label": label, title: label }, text);
      b.addEventListener("click", fn);
      return b;
    };
    this.toolbar = h(
      "div",
      { class: "tbnb-graph-toolbar", role: "toolbar", "aria-label": "graph tools" },
      button("zoom in", "+", () => this.viewport.zoomBy(1.25)),
      button("zoom out", "−", () => this.viewport.zoomBy(0.8)),
      button("fit to view", "Fit", () => this.fit()),
      button("expand all", "Expand all", () => this.expandAll()),
      button("collapse all", "Collapse all", () => this.collapseAll()),
      button("download SVG", "SVG", () => this.download("svg")),
      button("download PNG", "PNG", () => this.download("png")),
    );
    this.message = h("div", { class: "tbnb-graph-message", role: "status" });
    this.notes = h("div", { class: "tbnb-graph-notes", role: "note" });
    this.status = h("div", { class: "tbnb-graph-status", role: "status" });
    this.host = h("div", { class: "tbnb-graph-canvas", tabindex: "0", "aria-label": "graph: + and - zoom, arrow keys pan, 0 fits the graph to the view" });
    this.host.appendChild(this.canvas.svg);
    this.viewport = new Viewport(this.canvas.svg, this.canvas.viewport);
    this.el = h(
      "div",
      { class: "tbnb-graph" },
      h("div", { class: "tbnb-graph-top" }, h("label", { class: "tbnb-graph-choose" }, h("span", {}, "Graph"), this.chooser), this.toolbar),
      this.message,
      this.notes,
      this.status,
      this.host,
    );
    this.el.dataset.draws = "0";
    this.search = new Search((node) => this.jump(node));
    this.details = new Details((node) => this.jump(node));
    this.settings = h("div", { class: "tbnb-tab-settings tbnb-graph-side" }, this.search.el, this.details.el);
    this.listen();
    this.resize = new ResizeObserver(() => {
      if (this.needFit && this.viewport.width > 0) this.fit();
    });
    this.resize.observe(this.host);
    this.cleanups.push(
      store.subscribe((change) => {
        if (change.full || change.of("graphs").size || change.of("graph_data").size) this.sync();
      }),
    );
    this.sync();
  }

  private listen(): void {
    const svg = this.canvas.svg;
    svg.addEventListener("click", (e) => {
      const g = (e.target as Element).closest?.("g.tbnb-gnode, g.tbnb-gheader");
      const id = g ? this.canvas.itemOf(g) : -1;
      if (id < 0 || !this.shown) return;
      this.activate(id);
    });
    svg.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      const id = this.canvas.itemOf(e.target as Element);
      if (id < 0 || !this.shown) return;
      e.preventDefault();
      this.activate(id);
      this.canvas.drawn.get(id)?.focus({ preventScroll: true });
    });
    // a node reached with Tab: shown in the view by panning (the browser would scroll the
    // canvas' box instead, which hides its overflow and would shift the drawing)
    this.host.addEventListener("focusin", (e) => {
      this.host.scrollTop = 0;
      this.host.scrollLeft = 0;
      const target = e.target as Element;
      // only for the keyboard: a click's own focus must not move what is under the pointer
      if (!target.matches(":focus-visible")) return;
      const id = this.canvas.itemOf(target);
      const it = id >= 0 ? this.scene?.items.find((i) => i.id === id) : undefined;
      if (it) this.reveal(it.expanded ? { ...it, h: HEADER } : it);
    });
    this.host.addEventListener("keydown", (e) => {
      const step = 60;
      const keys: Record<string, () => void> = {
        "+": () => this.viewport.zoomBy(1.25),
        "=": () => this.viewport.zoomBy(1.25),
        "-": () => this.viewport.zoomBy(0.8),
        _: () => this.viewport.zoomBy(0.8),
        "0": () => this.fit(),
        ArrowLeft: () => this.viewport.panBy(step, 0),
        ArrowRight: () => this.viewport.panBy(-step, 0),
        ArrowUp: () => this.viewport.panBy(0, step),
        ArrowDown: () => this.viewport.panBy(0, -step),
      };
      const fn = keys[e.key];
      if (!fn || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      fn();
    });
  }

  /** A click or Enter on an item: a box or series opens or closes (and is selected); an op is selected. */
  private activate(id: number): void {
    if (this.shown!.h.kind(id) !== "op") this.toggle(id);
    this.select(id);
  }

  private select(id: number): void {
    this.selected = id;
    this.canvas.select(id);
    if (this.shown && id >= 0) this.details.show(this.shown.h, this.shown.graph, id);
    else this.details.clear();
  }

  /**
   * Opens or closes a box in place: the middle of its top edge keeps its place on
   * screen; an opened box larger than the view is zoomed out to (down to half size)
   * and moved the least that shows its top left.
   */
  private toggle(id: number): void {
    const s = this.shown!;
    const before = this.scene?.items.find((i) => i.id === id);
    const at = before ? this.viewport.toScreen({ x: before.x + before.w / 2, y: before.y }) : null;
    const opening = !s.layouts.isExpanded(id);
    s.layouts.setExpanded(id, opening);
    this.render();
    const it = this.scene?.items.find((i) => i.id === id);
    if (!at || !it) return;
    const vp = this.viewport;
    const now = vp.toScreen({ x: it.x + it.w / 2, y: it.y });
    vp.panBy(at.x - now.x, at.y - now.y);
    if (!opening) return;
    const fitK = Math.min((vp.width - 32) / it.w, (vp.height - 32) / it.h);
    if (fitK < vp.k) vp.zoomAt(vp.toScreen({ x: it.x + it.w / 2, y: it.y }), Math.max(fitK, Math.min(vp.k, 0.5)));
    this.reveal(it);
  }

  /** Pans the least that shows an item's top left part in the view. */
  private reveal(it: SceneItem): void {
    const vp = this.viewport;
    const m = 16;
    const r = vp.toScreen(it);
    const w = it.w * vp.k;
    const h = it.h * vp.k;
    let dx = 0;
    let dy = 0;
    if (r.x + w > vp.width - m) dx = vp.width - m - (r.x + w);
    if (r.x + dx < m) dx = m - r.x;
    if (r.y + h > vp.height - m) dy = vp.height - m - (r.y + h);
    if (r.y + dy < m) dy = m - r.y;
    vp.panBy(dx, dy);
  }

  /** Shows a node: opens the boxes and series around it, selects, centers and highlights it. */
  private jump(node: number): void {
    const s = this.shown;
    if (!s) return;
    const id = s.h.leaf[node];
    let changed = false;
    for (const a of s.h.ancestors(id)) {
      if (!s.layouts.isExpanded(a)) {
        s.layouts.setExpanded(a, true);
        changed = true;
      }
    }
    if (changed) this.render();
    this.select(id);
    this.canvas.highlight(id);
    const it = this.scene?.items.find((i) => i.id === id);
    if (it) {
      if (this.viewport.k < 0.5) this.viewport.set(this.viewport.x, this.viewport.y, 1);
      this.viewport.center({ x: it.x + it.w / 2, y: it.y + it.h / 2 });
    }
  }

  private expandAll(): void {
    const s = this.shown;
    if (!s) return;
    const hi = s.h;
    if (hi.count[ROOT] <= EXPAND_ALL_NODES) {
      s.layouts.setAll(hi.containers());
      this.say("");
    } else {
      // level by level while what is shown stays drawable
      const open: number[] = [];
      let shown = hi.children[ROOT].length;
      let level = hi.children[ROOT].filter((c) => hi.isContainer(c));
      let depth = 0;
      let stopped = false;
      while (level.length && !stopped) {
        const next: number[] = [];
        for (const c of level) {
          const more = hi.children[c].length - 1;
          if (shown + more > SHOWN_LIMIT) {
            stopped = true;
            break;
          }
          shown += more;
          open.push(c);
          for (const k of hi.children[c]) if (hi.isContainer(k)) next.push(k);
        }
        if (!stopped) depth++;
        level = next;
      }
      s.layouts.setAll(open);
      this.say(`${hi.count[ROOT].toLocaleString("en-US")} nodes are too many to draw at once: opened ${depth} level${depth === 1 ? "" : "s"} of boxes (${open.length.toLocaleString("en-US")} boxes). Open the others by clicking them, or search for a node.`);
    }
    this.render();
    this.fit();
  }

  private collapseAll(): void {
    const s = this.shown;
    if (!s) return;
    s.layouts.setAll([]);
    this.say("");
    this.render();
    this.fit();
  }

  private say(text: string): void {
    this.status.textContent = text;
    this.status.hidden = text === "";
  }

  private fit(): void {
    if (!this.scene) return;
    if (this.viewport.width <= 0) {
      this.needFit = true;
      return;
    }
    this.needFit = false;
    this.viewport.fit(0, 0, this.scene.w, this.scene.h, 1);
  }

  private async download(kind: "svg" | "png"): Promise<void> {
    const s = this.shown;
    if (!s || !this.scene) return;
    const copy = standalone(this.canvas.svg, { x: 0, y: 0, w: this.scene.w, h: this.scene.h }, getComputedStyle(this.host).backgroundColor);
    const name = fileName(s.run, s.tag, kind);
    try {
      save(kind === "svg" ? new Blob([svgText(copy)], { type: "image/svg+xml" }) : await pngOf(copy), name);
    } catch (err) {
      this.say(`The ${kind.toUpperCase()} could not be made: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The chooser's options, one per graph listed; the graph shown follows the person's choice. */
  private sync(): void {
    // in the board's run order (as the run selector lists them), then by tag
    const order = new Map(this.store.runs.map((r, i) => [r, i]));
    const rank = (run: string) => order.get(run) ?? order.size;
    const listed = this.store.kinds.graphs.listed().sort((a, b) => rank(a.run) - rank(b.run) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
    const options = listed.map((s) => ({ value: seriesKey(s.run, s.tag), text: `${visible(s.run)} · ${visible(s.tag)} (${(s.entry?.nodes ?? 0).toLocaleString("en-US")} nodes)` }));
    const same = options.length === this.chooser.options.length && options.every((o, i) => this.chooser.options[i].value === o.value && this.chooser.options[i].text === o.text);
    if (!same) this.chooser.replaceChildren(...options.map((o) => h("option", { value: o.value }, o.text)));
    if (!options.some((o) => o.value === this.key)) {
      // the first graph that can be drawn (a malformed one is still there to choose)
      const good = listed.find((l) => l.entry && !l.entry.error && l.entry.nodes > 0);
      this.key = good ? seriesKey(good.run, good.tag) : (options[0]?.value ?? "");
    }
    this.chooser.value = this.key;
    this.chooser.disabled = options.length < 2;
    this.showCurrent(listed.find((s) => seriesKey(s.run, s.tag) === this.key));
  }

  private showCurrent(series: GraphSeries | undefined): void {
    if (!series || !series.entry) return this.showMessage("No graph in these runs. add_graph writes one; if it raised (tracing failed), nothing was written.");
    const entry = series.entry;
    if (entry.error) return this.showMessage(`This graph could not be read: ${entry.error}`);
    if (entry.nodes === 0) return this.showMessage("The writer wrote an empty graph: add_graph traced nothing.");
    const holder = this.store.kinds.graphs;
    let state = holder.state(series.run, series.tag);
    if (state.state === "none") {
      holder.request(series.run, series.tag);
      state = holder.state(series.run, series.tag);
    }
    if (state.state === "error") return this.showMessage(`The graph could not be shown: ${state.error}`);
    if (state.state !== "ready") {
      return this.showMessage(`Waiting for the kernel to send the graph (${entry.nodes.toLocaleString("en-US")} nodes); while a cell runs it is sent when the cell is done.`);
    }
    if (state.graph.names.length === 0) return this.showMessage("The writer wrote an empty graph: add_graph traced nothing.");
    if (this.shown?.graph !== state.graph) this.build(this.key, state.graph);
    this.message.hidden = true;
    this.toolbar.hidden = false;
    this.host.hidden = false;
  }

  private showMessage(text: string): void {
    // nothing of a graph no longer shown stays searchable or selected
    if (this.shown) {
      this.shown = null;
      this.scene = null;
      this.selected = -1;
      this.details.clear();
      this.search.setGraph([], []);
    }
    const changed = this.message.hidden || this.message.textContent !== text;
    this.message.textContent = text;
    this.message.hidden = false;
    if (changed) {
      // a message shown is what the tab draws now (tests and benchmarks wait on draws)
      this.draws++;
      this.el.dataset.draws = String(this.draws);
    }
    this.toolbar.hidden = true;
    this.host.hidden = true;
    this.notes.hidden = true;
    this.say("");
  }

  private build(key: string, graph: GraphModel): void {
    const t0 = performance.now();
    const previous = this.shown;
    const hi = new Hierarchy(graph);
    const layouts = new Layouts(hi, this.measure);
    // the same graph written again: the boxes open stay open
    let keep = false;
    if (previous && previous.key === key) {
      const names = new Set([...previous.layouts.expanded].map((id) => previous.h.name[id]));
      layouts.setAll(hi.containers().filter((id) => names.has(hi.name[id])));
      keep = true;
    } else {
      // a lone box at the top says nothing: open it (Keras' "sequential")
      for (let id = ROOT; hi.children[id].length === 1 && hi.isContainer(hi.children[id][0]); id = hi.children[id][0]) layouts.setExpanded(hi.children[id][0], true);
    }
    this.shown = { key, run: graph.run, tag: graph.tag, graph, h: hi, layouts };
    this.el.dataset.buildMs = (performance.now() - t0).toFixed(1);
    this.selected = -1;
    this.details.clear();
    this.search.setGraph(graph.names, graph.ops);
    const notes = graph.notes.map((n) => visible(n));
    if (hi.hiddenEdges) {
      const n = hi.hiddenEdges.toLocaleString("en-US");
      notes.push(`${n} edge${hi.hiddenEdges === 1 ? "" : "s"} from constants used in other boxes than their own (torch shares one node per value) are not drawn; the nodes' details list them.`);
    }
    this.notes.replaceChildren(...notes.map((n) => h("div", {}, n)));
    this.notes.hidden = notes.length === 0;
    this.say("");
    this.render();
    if (!keep) this.fit();
  }

  private render(): void {
    const s = this.shown;
    if (!s) return;
    const t0 = performance.now();
    this.scene = place(s.layouts);
    this.canvas.draw(this.scene, s.layouts, this.selected);
    this.draws++;
    this.el.dataset.ms = (performance.now() - t0).toFixed(1);
    this.el.dataset.draws = String(this.draws);
  }

  destroy(): void {
    for (const fn of this.cleanups) fn();
    this.resize.disconnect();
    this.viewport.destroy();
    this.canvas.destroy();
  }
}
