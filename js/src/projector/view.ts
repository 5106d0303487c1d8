// The embedding projector's view (protocol: the last section of protocol.ts), as a
// Board's Projector tab or alone for tbnb.Projector.
//
// The kernel keeps the vectors; the browser asks for an embedding's metadata and
// sprite, for projections (PCA: 10 components at once, so 2D/3D and the components
// shown change here; t-SNE streamed frame by frame; UMAP) and for a point's nearest
// neighbours (requests.ts matches the replies). Colour, labels, search, hover and
// selection are done here on what was received (CONTRIBUTING.md, principle 1). The parts:
// toolbar.ts (controls), side-panel.ts (legend, selection), hover-card.ts, plot.ts
// (plotly), points.ts and data.ts (pure functions over the points).
//
// Contract for tests and tools, on the root .tbnb-projector:
//   data-state     idle | waiting | streaming | done | error
//   data-method    the method of the points drawn; data-dims their dimensions
//   data-points    points drawn; data-iteration the t-SNE iteration last drawn
//   data-stopped   "true" when a t-SNE run was stopped before its end
//   data-paused    "true" while a t-SNE run is paused
//   data-matches   points the search highlights (absent without a search)
//   data-selected  the selected point's index; data-neighbors its neighbours listed
// The plot: see plot.ts. Legend items .tbnb-pj-legend-item[data-category],
// neighbour entries .tbnb-pj-neighbor[data-index], the hover card .tbnb-pj-card.
//
// Longer than the other modules (under 600 lines) because it is the projector's one
// piece of state: which requests are pending, what is drawn, selected, searched,
// and how each reply or control changes that. Whatever needs none of this state
// lives in the modules named above.
import { ensureStyle, h } from "../dom";
import { decodeArray, type EmbeddingEntry, type EmbeddingMessage, type NeighborsMessage, type ProjectionMessage, type ProjectorErrorMessage, type ProjectorRequest } from "../protocol";
import { coloring, defaultColorColumn, dimColor, fmtInt, isLight, search, type Coloring, type SearchResult } from "./data";
import { HoverCard } from "./hover-card";
import { asProjectorModel, embeddingOf, embeddingsOf, METHOD_NAMES, projectionOf, WAIT_NOTE, type Embedding, type Method, type PModel, type PointsDrawn, type Projection, type State } from "./model";
import { pointSize, PointsPlot, type Style } from "./plot";
import { pointOfRow, searchSummary, projectionPoints, rowOfPoint, rowStyle } from "./points";
import { Requests, type RequestKind } from "./requests";
import { describePoints, SidePanel, type Neighbors, type PointText } from "./side-panel";
import { doneText, ProjectorStatus } from "./status";
import { Toolbar } from "./toolbar";
import css from "./projector.css";

const STYLE_ID = "tbnb-projector-style";
/** height of the projector inside a Board whose height is automatic */
const BOARD_HEIGHT = 640;

export class ProjectorView {
  readonly el: HTMLElement;
  private model: PModel;
  private standalone: boolean;
  private cleanups: (() => void)[] = [];
  private requests: Requests;
  private toolbar: Toolbar;
  private side: SidePanel;
  private card: HoverCard;
  private status = new ProjectorStatus();
  private stage: HTMLElement;
  private plot: PointsPlot;

  // state
  private method: Method = "pca";
  private dims: 2 | 3 = 3;
  private embeddingId = "";
  private embedding: Embedding | null = null;
  private projection: Projection | null = null;
  private pcaCache = new Map<string, Projection>();
  private shapes = new Map<string, number[]>();
  private paused = false;
  private colorCol = -1; // -1: none
  private labelCol = -1; // -1: the point's index
  private colors: Coloring | null = null;
  private searchResult: SearchResult = { mask: null, count: 0, error: "" };
  private selected = -1;
  private neighbors: Neighbors | null = null;
  private state: State = "idle";
  private requestedMethod: Method | null = null;
  private requestedIterations = 0;

  constructor(model: object, options: { standalone?: boolean } = {}) {
    ensureStyle(STYLE_ID, css);
    this.model = asProjectorModel(model);
    this.standalone = options.standalone ?? false;
    this.requests = new Requests((req: ProjectorRequest) => this.model.send(req));

    this.toolbar = new Toolbar({
      embedding: (id) => this.chooseEmbedding(id),
      method: (m) => this.chooseMethod(m),
      dims: (d) => this.chooseDims(d),
      sphereize: () => (this.method === "pca" ? this.runPca() : this.showHint()),
      components: () => this.redraw(false),
      runTsne: () => this.project("tsne", this.toolbar.tsneParams()),
      runUmap: () => this.project("umap", this.toolbar.umapParams()),
      pause: () => this.control(this.paused ? "resume" : "pause"),
      stop: () => this.control("stop"),
      resetView: () => this.plot.resetView(),
      colorBy: (c) => {
        this.colorCol = c;
        this.recolor();
      },
      labelBy: (c) => {
        this.labelCol = c;
        this.runSearch();
        this.showSelection();
      },
      search: () => this.runSearch(),
    });
    this.side = new SidePanel({
      clear: () => this.clearSelection(),
      again: () => {
        if (this.selected >= 0) this.select(this.selected);
      },
      select: (i) => this.select(i),
      highlight: (i) => this.highlightPoint(i),
    });
    this.card = new HoverCard();

    this.plot = new PointsPlot({
      hover: (row, x, y) => this.hover(row, x, y),
      unhover: () => this.card.hide(),
      click: (row) => this.select(this.pointOf(row)),
    });
    this.plot.onDrawn = (p) => this.drawn(p as PointsDrawn);
    this.stage = h("div", { class: "tbnb-pj-stage" }, this.plot.el, this.status.placeholder, this.card.el);

    this.el = h(
      "div",
      { class: "tbnb-projector" },
      this.toolbar.projectionRow,
      this.toolbar.pointsRow,
      this.status.line,
      this.status.note,
      this.status.notes,
      this.status.error,
      h("div", { class: "tbnb-pj-body" }, this.stage, this.side.el),
    );
    if (this.standalone) this.el.classList.add("tbnb-pj-standalone");
    this.el.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.clearSelection();
    });

    const onMsg = (msg: unknown, buffers: DataView[]) => this.onMessage(msg, buffers ?? []);
    this.model.on("msg:custom", onMsg);
    this.cleanups.push(() => this.model.off("msg:custom", onMsg));
    const onEmbeddings = () => this.syncEmbeddings();
    this.model.on("change:embeddings", onEmbeddings);
    this.cleanups.push(() => this.model.off("change:embeddings", onEmbeddings));
    const onHeight = () => this.syncHeight();
    this.model.on("change:height", onHeight);
    this.cleanups.push(() => this.model.off("change:height", onHeight));

    this.toolbar.showMethod(this.method);
    this.toolbar.showDims(this.dims);
    this.syncHeight();
    this.setState("idle", "No embeddings yet.");
    this.syncEmbeddings();
  }

  // -- traits -------------------------------------------------------------------

  private syncHeight(): void {
    const height = this.model.get("height") ?? 0;
    // standalone: the widget's height; in a board with a fixed height the tab fills it (CSS)
    this.el.style.height = this.standalone ? `${height > 0 ? height : BOARD_HEIGHT}px` : "";
    this.el.style.setProperty("--tbnb-pj-height", `${BOARD_HEIGHT}px`);
  }

  /** run / tag / step / shape (the shape the config says, or the one received) */
  private optionText(e: EmbeddingEntry): string {
    const shape = e.shape.length ? e.shape : (this.shapes.get(e.id) ?? []);
    return [e.run, e.tag, `step ${e.step}`, shape.length ? shape.map(fmtInt).join(" × ") : ""].filter(Boolean).join(" / ");
  }

  private syncEmbeddings(): void {
    const list = embeddingsOf(this.model);
    const keep = this.toolbar.embSelect.value;
    this.toolbar.setEmbeddings(list, (e) => this.optionText(e));
    if (list.length === 0) {
      this.embeddingId = "";
      this.embedding = null;
      this.projection = null;
      this.plot.clear();
      this.setState("idle", "No embeddings yet.");
      return;
    }
    const still = list.find((e) => e.id === this.embeddingId);
    if (still) {
      this.toolbar.embSelect.value = still.id;
      return;
    }
    const first = list.find((e) => e.id === keep) ?? list[0];
    this.toolbar.embSelect.value = first.id;
    this.chooseEmbedding(first.id);
  }

  // -- requests -----------------------------------------------------------------

  private chooseEmbedding(id: string): void {
    if (!id) return;
    this.embeddingId = id;
    this.embedding?.sprite?.close();
    this.embedding = null;
    this.status.showNotes([]);
    this.projection = null;
    this.colors = null;
    this.searchResult = { mask: null, count: 0, error: "" };
    this.selected = -1;
    this.neighbors = null;
    this.requests.done("neighbors");
    this.plot.clear();
    this.card.hide();
    this.showSelection();
    this.renderLegend();
    this.toolbar.clearColumns();
    this.requests.ask("embedding", (request) => ({ type: "embedding", request, id }));
    // the first view of an embedding: PCA (fast; 2D/3D and components change here)
    this.method = "pca";
    this.toolbar.showMethod("pca");
    this.runPca();
  }

  private project(method: Method, extra: Partial<Extract<ProjectorRequest, { type: "project" }>> = {}): void {
    if (!this.embeddingId) return;
    this.requestedMethod = method;
    this.requestedIterations = method === "tsne" ? 250 + (extra.n_iter ?? 500) : 0;
    this.paused = false;
    const id = this.embeddingId;
    this.requests.ask("project", (request) => ({ type: "project", request, id, method, dims: this.dims, sphereize: this.toolbar.sphereize.checked, ...extra }));
    this.setState("waiting", `Computing ${METHOD_NAMES[method]}… ${WAIT_NOTE}`);
    this.showError("");
  }

  private runPca(): void {
    const cached = this.pcaCache.get(`${this.embeddingId}|${this.toolbar.sphereize.checked}`);
    if (cached) {
      this.stopRunning();
      this.requests.done("project");
      this.showError("");
      this.projection = cached;
      this.toolbar.fillComponents(cached.stride, cached.variance);
      this.redraw(true);
      return;
    }
    this.project("pca");
  }

  /** Stops a t-SNE run whose frames this view no longer wants (the kernel keeps one). */
  private stopRunning(): void {
    const request = this.requests.waiting("project");
    if (request >= 0 && this.requestedMethod === "tsne") this.requests.send({ type: "project_control", request, action: "stop" });
  }

  private control(action: "pause" | "resume" | "stop"): void {
    const request = this.requests.waiting("project");
    if (request < 0) return;
    this.requests.send({ type: "project_control", request, action });
    this.paused = action === "pause";
    if (this.state === "streaming") {
      const text = this.status.text.replace(" (paused)", "");
      this.status.say(this.paused ? text.replace(/( iteration \d+)/, "$1 (paused)") : text);
    }
    if (action === "stop") this.status.say("Stopping t-SNE…");
    this.updateControls();
  }

  // -- controls -----------------------------------------------------------------

  private chooseMethod(m: Method): void {
    this.method = m;
    this.toolbar.showMethod(m);
    if (m === "pca") this.runPca();
    else this.showHint();
  }

  private chooseDims(d: 2 | 3): void {
    this.dims = d;
    this.toolbar.showDims(d);
    const p = this.projection;
    if (p && p.method === "pca" && this.method === "pca") this.redraw(true);
    else this.showHint();
  }

  /** Says what Run will do when the points drawn are not of the method and dims chosen. */
  private showHint(): void {
    const p = this.projection;
    if (this.state === "waiting" || this.state === "streaming") return;
    if (this.method === "pca") return;
    const what = `${METHOD_NAMES[this.method]} ${this.dims}D`;
    if (!p || p.method !== this.method || p.dims !== this.dims || p.sphereize !== this.toolbar.sphereize.checked) {
      const shown = p ? `Showing ${METHOD_NAMES[p.method]}. ` : "";
      this.status.say(`${shown}Press Run for ${what}.`);
    }
  }

  private setState(state: State, text: string): void {
    this.state = state;
    this.el.dataset.state = state;
    this.status.show(text, this.plot.current !== null);
    this.updateControls();
  }

  private showError(text: string): void {
    this.status.showError(text);
  }

  private updateControls(): void {
    const running = this.requests.waiting("project") >= 0 && this.requestedMethod === "tsne";
    this.toolbar.showRunning(running, this.paused);
    if (this.paused) this.el.dataset.paused = "true";
    else delete this.el.dataset.paused;
  }

  // -- messages -----------------------------------------------------------------

  private onMessage(msg: unknown, buffers: readonly DataView[]): void {
    try {
      this.requests.route(msg, {
        embedding: (m) => this.onEmbedding(m, buffers),
        projection: (m) => this.onProjection(m, buffers),
        neighbors: (m) => this.onNeighbors(m, buffers),
        error: (m, kind) => this.onError(m, kind),
      });
    } catch (err) {
      // never an exception out of a message handler: the tab says what failed
      this.showError(`The projector could not show this: ${err instanceof Error ? err.message : String(err)}`);
      this.setState("error", "Error.");
    }
  }

  private onError(e: ProjectorErrorMessage, kind: RequestKind | null): void {
    if (kind === "neighbors") {
      this.side.showNeighborError(e.error);
      return;
    }
    if (kind === "project") this.requests.done("project");
    this.showError(e.error);
    this.setState("error", "The kernel could not answer.");
  }

  private onEmbedding(msg: EmbeddingMessage, buffers: readonly DataView[]): void {
    this.requests.done("embedding");
    const embedding: Embedding = embeddingOf(msg, buffers, () => {
      const error = embedding.sprite?.error;
      if (error) this.status.note.textContent = [this.projection?.note ?? "", error].filter(Boolean).join(" · ");
      this.showSelection();
    });
    this.embedding = embedding;
    this.status.showNotes(msg.notes ?? []);
    const { n, columns } = embedding;
    // torch writes no shape in the projector config: the option says it once known
    this.shapes.set(msg.id, [n, msg.dim]);
    const entry = embeddingsOf(this.model).find((e) => e.id === msg.id);
    if (entry) this.toolbar.renameEmbedding(msg.id, this.optionText(entry));
    // colour by the first category (add_embedding(metadata=labels) shows the classes)
    this.colorCol = defaultColorColumn(columns);
    this.labelCol = columns.length ? 0 : -1;
    this.toolbar.setColumns(columns, this.colorCol, this.labelCol);
    this.colors = null;
    this.runSearch(false);
    this.renderLegend();
    if (this.plot.current) void this.plot.restyle(this.style());
  }

  private onProjection(msg: ProjectionMessage, buffers: readonly DataView[]): void {
    if (msg.error) {
      this.requests.done("project");
      this.paused = false;
      this.showError(msg.error);
      this.setState("error", `${METHOD_NAMES[msg.method] ?? msg.method} failed.`);
      return;
    }
    if (!msg.positions) return;
    const prev = this.projection && this.projection.request === msg.request ? this.projection : null;
    const p = projectionOf(msg, buffers, prev, this.toolbar.sphereize.checked, this.requestedIterations);
    const newProjection = !prev;
    this.projection = p;
    if (msg.done) {
      this.requests.done("project");
      this.paused = false;
    }
    if (p.method === "pca" && p.done) {
      const key = `${p.id}|${p.sphereize}`;
      this.pcaCache.set(key, p);
      if (this.pcaCache.size > 4) this.pcaCache.delete(this.pcaCache.keys().next().value as string);
    }
    if (p.method === "pca") this.toolbar.fillComponents(p.stride, p.variance);
    this.redraw(newProjection || p.method !== "tsne");
  }

  private onNeighbors(msg: NeighborsMessage, buffers: readonly DataView[]): void {
    this.requests.done("neighbors");
    if (msg.index !== this.selected) return;
    this.neighbors = {
      index: Int32Array.from(decodeArray(msg.neighbors, buffers)),
      distance: Float64Array.from(decodeArray(msg.distances, buffers)),
      metric: msg.metric,
    };
    this.showSelection();
    void this.plot.restyle(this.style());
  }

  // -- drawing ------------------------------------------------------------------

  /** Draws the projection held: a new plot, or (t-SNE frames) new positions in place. */
  private redraw(full: boolean): void {
    const p = this.projection;
    if (!p) return;
    const pts = projectionPoints(p, this.dims, this.toolbar.components());
    if (!pts) return;
    if (p.method === "pca") this.toolbar.showComponentsDrawn(pts.dims);
    if (full) this.card.hide();
    if (!full && this.plot.current && this.plot.current.dims === pts.dims && this.plot.current.key === pts.key && p.method !== "pca") {
      this.plot.frame(pts);
    } else {
      void this.plot.draw(pts, this.style(pts.x.length, pts.dims));
    }
    this.status.showVariance(p, pts);
  }

  /** Called once points are on the screen. */
  private drawn(pts: PointsDrawn): void {
    const p = pts.projection;
    this.el.dataset.points = String(pts.x.length);
    this.el.dataset.method = pts.method;
    this.el.dataset.dims = String(pts.dims);
    this.status.placeholder.hidden = true;
    if (p.method === "tsne") this.el.dataset.iteration = String(pts.iteration);
    else delete this.el.dataset.iteration;
    // a frame of a projection since replaced (a newer frame or a new request) says no more
    if (p !== this.projection) return;
    this.status.showNote(p.note);
    if (p.stopped) this.el.dataset.stopped = "true";
    else delete this.el.dataset.stopped;
    if (!pts.final) {
      this.setState("streaming", `${METHOD_NAMES[p.method]} iteration ${pts.iteration}${this.paused ? " (paused)" : ""} · ${fmtInt(pts.x.length)} points`);
      return;
    }
    // a request sent since (a t-SNE run after this PCA) is what the state is about
    if (this.requests.waiting("project") >= 0) return;
    const text = doneText(p, pts, this.embedding?.dim ?? null);
    this.showError("");
    this.setState("done", text);
    this.showHint();
  }

  /** The original point of a drawn row, and back. */
  private pointOf(row: number): number {
    return pointOfRow(this.projection?.indices ?? null, row);
  }

  private rowOf(point: number): number {
    const p = this.projection;
    return p ? rowOfPoint(p.indices, p.m, point) : -1;
  }

  private coloringNow(): Coloring | null {
    const e = this.embedding;
    if (!e) return null;
    if (!this.colors) {
      const col = this.colorCol >= 0 ? (e.columns[this.colorCol] ?? null) : null;
      this.colors = coloring(col, e.n);
    }
    return this.colors;
  }

  /** Colours and sizes of the rows drawn: colour-by, then a selection or a search. */
  private style(m = this.projection?.m ?? 0, dims: 2 | 3 = this.plot.current?.dims ?? this.dims): Style {
    return rowStyle(m, pointSize(m, dims), {
      coloring: this.coloringNow(),
      indices: this.projection?.indices ?? null,
      selected: this.selected,
      neighbors: this.neighbors?.index ?? null,
      mask: this.searchResult.mask,
      dim: dimColor(dims, isLight(getComputedStyle(this.el).color)),
    });
  }

  private recolor(): void {
    this.colors = null;
    this.renderLegend();
    if (this.plot.current) void this.plot.restyle(this.style());
  }

  private renderLegend(): void {
    const e = this.embedding;
    const col = e && this.colorCol >= 0 ? (e.columns[this.colorCol] ?? null) : null;
    this.side.showLegend(col, col ? this.coloringNow() : null);
  }

  // -- search -------------------------------------------------------------------

  private runSearch(restyle = true): void {
    const e = this.embedding;
    const query = this.toolbar.searchInput.value;
    if (!e) {
      this.searchResult = { mask: null, count: 0, error: "" };
    } else {
      const cols = this.toolbar.allColumns.checked || this.labelCol < 0 ? e.columns.map((c) => c.values) : [e.columns[this.labelCol].values];
      // without metadata, the index is the label
      const searched = cols.length ? cols : [Array.from({ length: e.n }, (_, i) => String(i))];
      this.searchResult = search(searched, e.n, query, this.toolbar.regex.checked);
    }
    const r = this.searchResult;
    const found = searchSummary(r, this.projection?.indices ?? null);
    this.toolbar.showSearch(found.text, r.error !== "");
    if (found.matches === null) delete this.el.dataset.matches;
    else this.el.dataset.matches = String(found.matches);
    if (restyle && this.plot.current) void this.plot.restyle(this.style());
  }

  // -- hover and selection --------------------------------------------------------

  /** How the points are named and coloured now (for the hover card and the side panel). */
  private pointText(): PointText | null {
    const e = this.embedding;
    if (!e) return null;
    return describePoints(e, this.labelCol, this.coloringNow(), (i) => this.rowOf(i) >= 0);
  }

  private hover(row: number, clientX: number, clientY: number): void {
    const i = this.pointOf(row);
    const text = this.pointText();
    if (i < 0 || !text) return;
    this.card.show(i, text, clientX, clientY, this.stage);
  }

  /** Selects point i: its details, and its nearest neighbours asked of the kernel. */
  private select(i: number): void {
    const e = this.embedding;
    if (!e || i < 0 || i >= e.n) return;
    this.selected = i;
    this.neighbors = null;
    const { k, metric } = this.side.wanted();
    const id = this.embeddingId;
    this.requests.ask("neighbors", (request) => ({ type: "neighbors", request, id, index: i, k, metric }));
    this.showSelection();
    if (this.plot.current) void this.plot.restyle(this.style());
  }

  private clearSelection(): void {
    if (this.selected < 0) return;
    this.selected = -1;
    this.neighbors = null;
    this.requests.done("neighbors");
    this.showSelection();
    if (this.plot.current) void this.plot.restyle(this.style());
  }

  private showSelection(): void {
    const i = this.selected;
    const text = this.pointText();
    this.side.showSelection(i, text, this.neighbors);
    if (!text || i < 0) {
      delete this.el.dataset.selected;
      delete this.el.dataset.neighbors;
      return;
    }
    this.el.dataset.selected = String(i);
    if (this.neighbors) this.el.dataset.neighbors = String(this.neighbors.index.length);
    else delete this.el.dataset.neighbors;
  }

  /** Shows the hover card of a point from the list, at its place in the plot area. */
  private highlightPoint(i: number): void {
    if (this.rowOf(i) < 0) return;
    const box = this.stage.getBoundingClientRect();
    this.hover(this.rowOf(i), box.left + 8, box.top + 8);
  }

  destroy(): void {
    try {
      this.stopRunning();
    } catch {
      // the widget's comm may be closed already
    }
    for (const fn of this.cleanups) fn();
    this.cleanups = [];
    this.toolbar.destroy();
    this.plot.destroy();
    this.embedding?.sprite?.close();
  }
}
