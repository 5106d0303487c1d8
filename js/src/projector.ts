// The embedding projector's view (protocol: the last section of protocol.ts), as a
// Board's Projector tab or alone for tbnb.Projector.
//
// The kernel keeps the vectors; the browser asks for an embedding's metadata and
// sprite, for projections (PCA: 10 components at once, so 2D/3D and the components
// shown change here; t-SNE streamed frame by frame; UMAP) and for a point's nearest
// neighbours. Colour, labels, search, hover and selection are done here on what was
// received (DESIGN.md, principle 1). Replies are matched by the `request` numbers this
// view picked: a Board's model also carries the board's other messages, and other
// views' replies.
//
// Contract for tests and tools, on the root .tbnb-projector:
//   data-state     idle | waiting | streaming | done | error
//   data-method    the method of the points drawn; data-dims their dimensions
//   data-points    points drawn; data-iteration the t-SNE iteration last drawn
//   data-stopped   "true" when a t-SNE run was stopped before its end
//   data-paused    "true" while a t-SNE run is paused
//   data-matches   points the search highlights (absent without a search)
//   data-selected  the selected point's index; data-neighbors its neighbours listed
// The plot: see projector-plot.ts. Legend items .tbnb-pj-legend-item[data-category],
// neighbour entries .tbnb-pj-neighbor[data-index], the hover card .tbnb-pj-card.
import type { AnyModel } from "@anywidget/types";
import { ensureStyle, h } from "./dom";
import {
  analyzeColumn,
  coloring,
  defaultColorColumn,
  dimColor,
  DIM_CSS,
  fmtInt,
  fmtNum,
  isLight,
  scaleGradient,
  search,
  Sprite,
  type Channels,
  type Coloring,
  type Column,
  type SearchResult,
} from "./projector-data";
import { pointSize, PointsPlot, type Points, type Style } from "./projector-plot";
import { decodeArray, type ArrayRef, type EmbeddingEntry, type EmbeddingMessage, type NeighborsMessage, type ProjectionMessage, type ProjectorErrorMessage, type ProjectorRequest } from "./protocol";
import css from "./projector.css";

/** The synced traits the projector reads (tbnb.Projector's model, or a Board's). */
export interface ProjectorModel {
  board_id: string;
  view: string;
  embeddings: EmbeddingEntry[];
  height: number;
}

export type PModel = AnyModel<ProjectorModel>;

/** The board's model (or any model with an `embeddings` trait) seen as the projector's. */
export function asProjectorModel(model: object): PModel {
  return model as PModel;
}

export function embeddingsOf(model: object): EmbeddingEntry[] {
  return asProjectorModel(model).get("embeddings") ?? [];
}

type Method = "pca" | "tsne" | "umap";
type State = "idle" | "waiting" | "streaming" | "done" | "error";

const METHOD_NAMES: Record<Method, string> = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" };
const STYLE_ID = "tbnb-projector-style";
/** height of the projector inside a Board whose height is automatic */
const BOARD_HEIGHT = 640;
/** thumbnails in the hover card and the selection panel, CSS pixels */
const CARD_THUMB = 96;
const PANEL_THUMB = 64;
const WAIT_NOTE = "(the kernel answers once a running cell finishes)";

// request numbers: unique across the views of a page (random start: other pages too)
let nextRequest = Math.floor(Math.random() * 1e6) * 1000;


/** What the browser holds of the embedding shown. */
interface Embedding {
  id: string;
  n: number;
  dim: number;
  columns: Column[];
  sprite: Sprite | null;
}

/** A projection received (PCA: every component sent; the others: the dims asked). */
interface Projection {
  request: number;
  id: string;
  method: Method;
  dims: 2 | 3; // dimensions asked for (PCA: as many as the components allow)
  sphereize: boolean;
  positions: Float32Array | null; // row-major [m, stride]
  stride: number;
  m: number;
  indices: Int32Array | null; // the original point of each row (a sample), null: row = point
  variance: number[];
  iteration: number; // t-SNE: the iteration of the positions held
  done: boolean;
  stopped: boolean;
  note: string;
}

interface PointsDrawn extends Points {
  iteration: number;
  final: boolean;
  projection: Projection;
}

function numberInput(value: string, attrs: Record<string, string>): HTMLInputElement {
  return h("input", { type: "number", value, ...attrs });
}

function segmented<T extends string>(cls: string, items: [T, string][], onPick: (v: T) => void): { el: HTMLElement; set: (v: T) => void } {
  const buttons = items.map(([v, text]) => {
    const b = h("button", { type: "button", class: "tbnb-pj-seg", "aria-pressed": "false" }, text);
    b.dataset.value = v;
    b.addEventListener("click", () => onPick(v));
    return b;
  });
  const el = h("div", { class: `tbnb-pj-segmented ${cls}`, role: "group" }, ...buttons);
  return {
    el,
    set: (v) => {
      for (const b of buttons) {
        const on = b.dataset.value === v;
        b.classList.toggle("tbnb-pj-on", on);
        b.setAttribute("aria-pressed", String(on));
      }
    },
  };
}

function field(label: string, control: HTMLElement, cls = ""): HTMLElement {
  return h("label", { class: `tbnb-pj-field ${cls}`.trim() }, h("span", { class: "tbnb-pj-field-name" }, label), control);
}

/**
 * t-SNE and UMAP positions centred and scaled into [-1, 1] (one factor for all axes):
 * their units mean nothing, and a t-SNE run grows from 1e-4 (openTSNE's start) to tens,
 * which would zoom the camera in and out frame after frame. PCA keeps its own units.
 */
function normalize(axes: (Float32Array | null)[], dims: number, m: number): void {
  if (m === 0) return;
  let radius = 0;
  const centre: number[] = [];
  for (let a = 0; a < dims; a++) {
    const arr = axes[a]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < m; r++) {
      const v = arr[r];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    centre.push((lo + hi) / 2);
    radius = Math.max(radius, (hi - lo) / 2);
  }
  const f = radius > 0 && Number.isFinite(radius) ? 1 / radius : 1;
  for (let a = 0; a < dims; a++) {
    const arr = axes[a]!;
    const c = centre[a];
    for (let r = 0; r < m; r++) arr[r] = (arr[r] - c) * f;
  }
}

export class ProjectorView {
  readonly el: HTMLElement;
  private model: PModel;
  private standalone: boolean;
  private cleanups: (() => void)[] = [];

  // controls
  private embSelect: HTMLSelectElement;
  private methodSeg: { el: HTMLElement; set: (v: Method) => void };
  private dimsSeg: { el: HTMLElement; set: (v: "2" | "3") => void };
  private sphereize: HTMLInputElement;
  private params: Record<Method, HTMLElement>;
  private comp: HTMLSelectElement[];
  private perplexity: HTMLInputElement;
  private learningRate: HTMLInputElement;
  private iterations: HTMLInputElement;
  private neighborsUmap: HTMLInputElement;
  private minDist: HTMLInputElement;
  private pauseButton: HTMLButtonElement;
  private stopButton: HTMLButtonElement;
  private colorSelect: HTMLSelectElement;
  private labelSelect: HTMLSelectElement;
  private searchInput: HTMLInputElement;
  private regex: HTMLInputElement;
  private allColumns: HTMLInputElement;
  private searchInfo: HTMLElement;
  private kSelect: HTMLSelectElement;
  private metricSelect: HTMLSelectElement;
  // information
  private stateText: HTMLElement;
  private varianceText: HTMLElement;
  private noteEl: HTMLElement;
  private errorEl: HTMLElement;
  private placeholder: HTMLElement;
  private legend: HTMLElement;
  private selectionEl: HTMLElement;
  private selectionInfo: HTMLElement;
  private neighborList: HTMLElement;
  private neighborStatus: HTMLElement;
  private card: HTMLElement;
  private cardCanvas: HTMLCanvasElement;
  private cardTitle: HTMLElement;
  private cardMeta: HTMLElement;
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
  private pending = { embedding: -1, project: -1, neighbors: -1 };
  private paused = false;
  private colorCol = -1; // -1: none
  private labelCol = -1; // -1: the point's index
  private colors: Coloring | null = null;
  private searchResult: SearchResult = { mask: null, count: 0, error: "" };
  private selected = -1;
  private neighbors: { index: Int32Array; distance: Float64Array; metric: string } | null = null;
  private searchTimer = 0;
  private state: State = "idle";
  private requestedMethod: Method | null = null;
  private requestedIterations = 0;

  constructor(model: object, options: { standalone?: boolean } = {}) {
    ensureStyle(STYLE_ID, css);
    this.model = asProjectorModel(model);
    this.standalone = options.standalone ?? false;

    // -- the projection row ------------------------------------------------------
    this.embSelect = h("select", { class: "tbnb-pj-embedding", "aria-label": "embedding" });
    this.embSelect.addEventListener("change", () => this.chooseEmbedding(this.embSelect.value));
    this.methodSeg = segmented<Method>("tbnb-pj-method", [["pca", "PCA"], ["tsne", "t-SNE"], ["umap", "UMAP"]], (m) => this.chooseMethod(m));
    this.dimsSeg = segmented<"2" | "3">("tbnb-pj-dims", [["2", "2D"], ["3", "3D"]], (d) => this.chooseDims(d === "2" ? 2 : 3));
    this.sphereize = h("input", { type: "checkbox", class: "tbnb-pj-sphereize" });
    this.sphereize.addEventListener("change", () => {
      if (this.method === "pca") this.runPca();
      else this.showHint();
    });

    this.comp = ["X", "Y", "Z"].map((a) => {
      const s = h("select", { class: `tbnb-pj-comp tbnb-pj-comp-${a.toLowerCase()}`, "aria-label": `component on ${a}` });
      s.addEventListener("change", () => this.redraw(false));
      return s;
    });
    this.perplexity = numberInput("30", { class: "tbnb-pj-perplexity", min: "2", max: "100", step: "1" });
    this.learningRate = h("input", { type: "text", value: "auto", class: "tbnb-pj-learning-rate", size: "5", "aria-label": "learning rate" });
    this.iterations = numberInput("500", { class: "tbnb-pj-iterations", min: "0", max: "10000", step: "50" });
    this.neighborsUmap = numberInput("15", { class: "tbnb-pj-n-neighbors", min: "2", max: "200", step: "1" });
    this.minDist = numberInput("0.1", { class: "tbnb-pj-min-dist", min: "0", max: "1", step: "0.05" });
    const runTsne = h("button", { type: "button", class: "tbnb-pj-run" }, "Run");
    runTsne.addEventListener("click", () => this.runTsne());
    this.pauseButton = h("button", { type: "button", class: "tbnb-pj-pause" }, "Pause");
    this.pauseButton.addEventListener("click", () => this.control(this.paused ? "resume" : "pause"));
    this.stopButton = h("button", { type: "button", class: "tbnb-pj-stop" }, "Stop");
    this.stopButton.addEventListener("click", () => this.control("stop"));
    const runUmap = h("button", { type: "button", class: "tbnb-pj-run" }, "Run");
    runUmap.addEventListener("click", () => this.runUmap());
    this.params = {
      pca: h("div", { class: "tbnb-pj-params" }, ...this.comp.map((s, i) => field("XYZ"[i], s, `tbnb-pj-comp-field-${i}`))),
      tsne: h(
        "div",
        { class: "tbnb-pj-params" },
        field("Perplexity", this.perplexity),
        field("Learning rate", this.learningRate),
        field("Iterations", this.iterations),
        runTsne,
        this.pauseButton,
        this.stopButton,
      ),
      umap: h("div", { class: "tbnb-pj-params" }, field("Neighbors", this.neighborsUmap), field("Min dist", this.minDist), runUmap),
    };
    for (const [m, el] of Object.entries(this.params)) el.dataset.method = m;
    this.iterations.title = "iterations after the 250 of early exaggeration";
    const reset = h("button", { type: "button", class: "tbnb-pj-reset", title: "Reset the camera / zoom" }, "Reset view");
    reset.addEventListener("click", () => this.plot.resetView());

    // -- the points row ----------------------------------------------------------
    this.colorSelect = h("select", { class: "tbnb-pj-color", "aria-label": "colour by" });
    this.colorSelect.addEventListener("change", () => {
      this.colorCol = Number(this.colorSelect.value);
      this.recolor();
    });
    this.labelSelect = h("select", { class: "tbnb-pj-label", "aria-label": "label by" });
    this.labelSelect.addEventListener("change", () => {
      this.labelCol = Number(this.labelSelect.value);
      this.runSearch();
      this.showSelection();
    });
    this.searchInput = h("input", { type: "search", class: "tbnb-pj-search", placeholder: "Search labels", "aria-label": "search" });
    this.searchInput.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => this.runSearch(), 120);
    });
    this.regex = h("input", { type: "checkbox", class: "tbnb-pj-regex" });
    this.regex.addEventListener("change", () => this.runSearch());
    this.allColumns = h("input", { type: "checkbox", class: "tbnb-pj-all-columns" });
    this.allColumns.addEventListener("change", () => this.runSearch());
    this.searchInfo = h("span", { class: "tbnb-pj-search-info", "aria-live": "polite" });

    // -- status, plot, side panel ------------------------------------------------
    this.stateText = h("span", { class: "tbnb-pj-state-text" });
    this.varianceText = h("span", { class: "tbnb-pj-variance" });
    this.noteEl = h("div", { class: "tbnb-pj-note" });
    this.errorEl = h("div", { class: "tbnb-pj-error", role: "alert" });
    this.noteEl.hidden = true;
    this.errorEl.hidden = true;
    this.placeholder = h("div", { class: "tbnb-pj-placeholder" });
    this.cardCanvas = h("canvas", { class: "tbnb-pj-thumb" });
    this.cardTitle = h("div", { class: "tbnb-pj-card-title" });
    this.cardMeta = h("div", { class: "tbnb-pj-card-meta" });
    this.card = h("div", { class: "tbnb-pj-card" }, this.cardCanvas, h("div", { class: "tbnb-pj-card-text" }, this.cardTitle, this.cardMeta));
    this.card.hidden = true;
    this.plot = new PointsPlot({
      hover: (row, x, y) => this.hover(row, x, y),
      unhover: () => this.unhover(),
      click: (row) => this.select(this.pointOf(row)),
    });
    this.plot.onDrawn = (p) => this.drawn(p as PointsDrawn);
    this.stage = h("div", { class: "tbnb-pj-stage" }, this.plot.el, this.placeholder, this.card);

    this.legend = h("div", { class: "tbnb-pj-legend" });
    this.kSelect = h("select", { class: "tbnb-pj-k", "aria-label": "neighbours" });
    for (const k of [5, 10, 20, 50, 100]) this.kSelect.appendChild(h("option", { value: String(k) }, String(k)));
    this.kSelect.value = "10";
    this.metricSelect = h("select", { class: "tbnb-pj-metric", "aria-label": "distance" });
    for (const m of ["cosine", "euclidean"]) this.metricSelect.appendChild(h("option", { value: m }, m));
    const again = () => {
      if (this.selected >= 0) this.select(this.selected);
    };
    this.kSelect.addEventListener("change", again);
    this.metricSelect.addEventListener("change", again);
    const clear = h("button", { type: "button", class: "tbnb-pj-clear" }, "Clear selection");
    clear.addEventListener("click", () => this.clearSelection());
    this.selectionInfo = h("div", { class: "tbnb-pj-selection-info" });
    this.neighborStatus = h("div", { class: "tbnb-pj-neighbor-status" });
    this.neighborList = h("ol", { class: "tbnb-pj-neighbors" });
    this.selectionEl = h(
      "div",
      { class: "tbnb-pj-selection" },
      h("div", { class: "tbnb-pj-side-title" }, "Selected point", clear),
      this.selectionInfo,
      h("div", { class: "tbnb-pj-row" }, field("Neighbours", this.kSelect), field("Distance", this.metricSelect)),
      this.neighborStatus,
      this.neighborList,
    );
    this.selectionEl.hidden = true;
    const hint = h("div", { class: "tbnb-pj-hint" }, "Click a point to list its nearest neighbours (in the original space).");

    this.el = h(
      "div",
      { class: "tbnb-projector" },
      h(
        "div",
        { class: "tbnb-pj-toolbar" },
        field("Embedding", this.embSelect, "tbnb-pj-embedding-field"),
        this.methodSeg.el,
        this.dimsSeg.el,
        h("label", { class: "tbnb-check" }, this.sphereize, "Sphereize"),
        this.params.pca,
        this.params.tsne,
        this.params.umap,
        reset,
      ),
      h(
        "div",
        { class: "tbnb-pj-toolbar" },
        field("Colour by", this.colorSelect),
        field("Label by", this.labelSelect),
        h("div", { class: "tbnb-pj-search-box" }, this.searchInput, h("label", { class: "tbnb-check" }, this.regex, "Regex"), h("label", { class: "tbnb-check" }, this.allColumns, "All columns"), this.searchInfo),
      ),
      h("div", { class: "tbnb-pj-status" }, this.stateText, this.varianceText),
      this.noteEl,
      this.errorEl,
      h("div", { class: "tbnb-pj-body" }, this.stage, h("div", { class: "tbnb-pj-side" }, this.legend, this.selectionEl, hint)),
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

    this.methodSeg.set(this.method);
    this.dimsSeg.set("3");
    this.showParams();
    this.syncHeight();
    this.setState("idle", "No embeddings yet.");
    this.updateControls();
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
    const keep = this.embSelect.value;
    this.embSelect.replaceChildren(...list.map((e) => h("option", { value: e.id }, this.optionText(e))));
    this.embSelect.disabled = list.length === 0;
    if (list.length === 0) {
      this.embeddingId = "";
      this.embedding = null;
      this.projection = null;
      this.plot.clear();
      this.setState("idle", "No embeddings yet.");
      this.updateControls();
      return;
    }
    const still = list.find((e) => e.id === this.embeddingId);
    if (still) {
      this.embSelect.value = still.id;
      return;
    }
    const first = list.find((e) => e.id === keep) ?? list[0];
    this.embSelect.value = first.id;
    this.chooseEmbedding(first.id);
  }

  // -- requests -----------------------------------------------------------------

  private send(req: ProjectorRequest): void {
    this.model.send(req);
  }

  private chooseEmbedding(id: string): void {
    if (!id) return;
    this.embeddingId = id;
    this.embedding?.sprite?.close();
    this.embedding = null;
    this.projection = null;
    this.colors = null;
    this.searchResult = { mask: null, count: 0, error: "" };
    this.selected = -1;
    this.neighbors = null;
    this.pending.neighbors = -1;
    this.plot.clear();
    this.unhover();
    this.showSelection();
    this.renderLegend();
    this.colorSelect.replaceChildren();
    this.labelSelect.replaceChildren();
    for (const c of this.comp) c.replaceChildren();
    this.pending.embedding = nextRequest++;
    this.send({ type: "embedding", request: this.pending.embedding, id });
    // the first view of an embedding: PCA (fast; 2D/3D and components change here)
    this.method = "pca";
    this.methodSeg.set("pca");
    this.showParams();
    this.runPca();
  }

  private project(method: Method, extra: Partial<Extract<ProjectorRequest, { type: "project" }>> = {}): void {
    if (!this.embeddingId) return;
    const request = nextRequest++;
    this.pending.project = request;
    this.requestedMethod = method;
    this.requestedIterations = method === "tsne" ? 250 + (extra.n_iter ?? 500) : 0;
    this.paused = false;
    this.send({
      type: "project",
      request,
      id: this.embeddingId,
      method,
      dims: this.dims,
      sphereize: this.sphereize.checked,
      ...extra,
    });
    this.setState("waiting", `Computing ${METHOD_NAMES[method]}… ${WAIT_NOTE}`);
    this.showError("");
    this.updateControls();
  }

  private runPca(): void {
    const cached = this.pcaCache.get(`${this.embeddingId}|${this.sphereize.checked}`);
    if (cached) {
      this.stopRunning();
      this.pending.project = -1;
      this.showError("");
      this.projection = cached;
      this.fillComponents(cached);
      this.redraw(true);
      return;
    }
    this.project("pca");
  }

  private runTsne(): void {
    const num = (el: HTMLInputElement, dflt: number) => {
      const v = Number(el.value);
      return el.value.trim() !== "" && Number.isFinite(v) ? v : dflt;
    };
    const lr = this.learningRate.value.trim();
    this.project("tsne", {
      perplexity: num(this.perplexity, 30),
      learning_rate: lr === "" || lr === "auto" || !Number.isFinite(Number(lr)) ? "auto" : Number(lr),
      n_iter: Math.max(0, Math.round(num(this.iterations, 500))),
    });
  }

  private runUmap(): void {
    const nn = Number(this.neighborsUmap.value);
    const md = Number(this.minDist.value);
    this.project("umap", { n_neighbors: Number.isFinite(nn) && nn >= 2 ? Math.round(nn) : 15, min_dist: Number.isFinite(md) && md >= 0 ? md : 0.1 });
  }

  /** Stops a t-SNE run whose frames this view no longer wants (the kernel keeps one). */
  private stopRunning(): void {
    if (this.pending.project >= 0 && this.requestedMethod === "tsne") {
      this.send({ type: "project_control", request: this.pending.project, action: "stop" });
    }
  }

  private control(action: "pause" | "resume" | "stop"): void {
    const request = this.pending.project;
    if (request < 0) return;
    this.send({ type: "project_control", request, action });
    this.paused = action === "pause";
    if (this.state === "streaming") {
      const text = (this.stateText.textContent ?? "").replace(" (paused)", "");
      this.stateText.textContent = this.paused ? text.replace(/( iteration \d+)/, "$1 (paused)") : text;
    }
    if (action === "stop") this.stateText.textContent = "Stopping t-SNE…";
    this.updateControls();
  }

  // -- controls -----------------------------------------------------------------

  private chooseMethod(m: Method): void {
    this.method = m;
    this.methodSeg.set(m);
    this.showParams();
    if (m === "pca") this.runPca();
    else this.showHint();
  }

  private chooseDims(d: 2 | 3): void {
    this.dims = d;
    this.dimsSeg.set(d === 2 ? "2" : "3");
    const p = this.projection;
    if (p && p.method === "pca" && this.method === "pca") this.redraw(true);
    else this.showHint();
  }

  private showParams(): void {
    for (const [m, el] of Object.entries(this.params)) el.hidden = m !== this.method;
  }

  /** Says what Run will do when the points drawn are not of the method and dims chosen. */
  private showHint(): void {
    const p = this.projection;
    if (this.state === "waiting" || this.state === "streaming") return;
    if (this.method === "pca") return;
    const what = `${METHOD_NAMES[this.method]} ${this.dims}D`;
    if (!p || p.method !== this.method || p.dims !== this.dims || p.sphereize !== this.sphereize.checked) {
      const shown = p ? `Showing ${METHOD_NAMES[p.method]}. ` : "";
      this.stateText.textContent = `${shown}Press Run for ${what}.`;
    }
  }

  private setState(state: State, text: string): void {
    this.state = state;
    this.el.dataset.state = state;
    this.stateText.textContent = text;
    this.placeholder.textContent = text;
    this.placeholder.hidden = this.plot.current !== null;
    this.updateControls();
  }

  private showError(text: string): void {
    this.errorEl.textContent = text;
    this.errorEl.hidden = text === "";
  }

  private updateControls(): void {
    const running = this.pending.project >= 0 && this.requestedMethod === "tsne";
    this.pauseButton.disabled = !running;
    this.stopButton.disabled = !running;
    this.pauseButton.textContent = this.paused ? "Resume" : "Pause";
    if (this.paused) this.el.dataset.paused = "true";
    else delete this.el.dataset.paused;
  }


  // -- messages -----------------------------------------------------------------

  private onMessage(msg: unknown, buffers: readonly DataView[]): void {
    const m = msg as { type?: string; request?: number | null };
    if (!m || typeof m !== "object") return;
    try {
      switch (m.type) {
        case "embedding":
          if (m.request === this.pending.embedding) this.onEmbedding(msg as EmbeddingMessage, buffers);
          break;
        case "projection":
          if (m.request === this.pending.project) this.onProjection(msg as ProjectionMessage, buffers);
          break;
        case "neighbors":
          if (m.request === this.pending.neighbors) this.onNeighbors(msg as NeighborsMessage, buffers);
          break;
        case "projector_error": {
          const e = msg as ProjectorErrorMessage;
          const mine = e.request === null || e.request === undefined || Object.values(this.pending).includes(e.request);
          if (!mine) break;
          if (e.request === this.pending.neighbors) {
            this.neighborStatus.textContent = e.error;
            this.neighborStatus.classList.add("tbnb-pj-bad");
            break;
          }
          if (e.request === this.pending.project) this.pending.project = -1;
          this.showError(e.error);
          this.setState("error", "The kernel could not answer.");
          break;
        }
        default:
          break; // the board's own messages
      }
    } catch (err) {
      // never an exception out of a message handler: the tab says what failed
      this.showError(`The projector could not show this: ${err instanceof Error ? err.message : String(err)}`);
      this.setState("error", "Error.");
    }
  }

  private onEmbedding(msg: EmbeddingMessage, buffers: readonly DataView[]): void {
    this.pending.embedding = -1;
    const n = msg.n;
    const columns = msg.header.map((name, c) => analyzeColumn(name, msg.columns[c] ?? []));
    let sprite: Sprite | null = null;
    if (msg.sprite && msg.sprite_size) {
      const bytes = decodeArray(msg.sprite as ArrayRef, buffers) as Uint8Array;
      const [w, hh] = msg.sprite_size;
      sprite = new Sprite(bytes, w, hh, n, () => {
        if (sprite?.error) this.noteEl.textContent = [this.projection?.note ?? "", sprite.error].filter(Boolean).join(" · ");
        this.showSelection();
      });
    }
    this.embedding = { id: msg.id, n, dim: msg.dim, columns, sprite };
    // torch writes no shape in the projector config: the option says it once known
    this.shapes.set(msg.id, [n, msg.dim]);
    const entry = embeddingsOf(this.model).find((e) => e.id === msg.id);
    const option = Array.from(this.embSelect.options).find((o) => o.value === msg.id);
    if (entry && option) option.textContent = this.optionText(entry);
    // colour by the first category (add_embedding(metadata=labels) shows the classes)
    this.colorCol = defaultColorColumn(columns);
    this.labelCol = columns.length ? 0 : -1;
    this.colorSelect.replaceChildren(
      h("option", { value: "-1" }, "none"),
      ...columns.map((c, i) => h("option", { value: String(i), ...(c.kind === "text" ? { disabled: "" } : {}) }, `${c.name}${c.kind === "number" ? " (numbers)" : c.kind === "text" ? " (text)" : ""}`)),
    );
    this.colorSelect.value = String(this.colorCol);
    this.labelSelect.replaceChildren(h("option", { value: "-1" }, "index"), ...columns.map((c, i) => h("option", { value: String(i) }, c.name)));
    this.labelSelect.value = String(this.labelCol);
    this.colors = null;
    this.runSearch(false);
    this.renderLegend();
    if (this.plot.current) void this.plot.restyle(this.style());
  }

  private onProjection(msg: ProjectionMessage, buffers: readonly DataView[]): void {
    if (msg.error) {
      this.pending.project = -1;
      this.paused = false;
      this.showError(msg.error);
      this.setState("error", `${METHOD_NAMES[msg.method] ?? msg.method} failed.`);
      return;
    }
    if (!msg.positions) return;
    const positions = decodeArray(msg.positions, buffers);
    const pos = positions instanceof Float32Array ? positions : Float32Array.from(positions);
    const shape = msg.positions.shape;
    const m = shape[0] ?? 0;
    const stride = shape[1] ?? 1;
    const indices = msg.indices ? Int32Array.from(decodeArray(msg.indices, buffers)) : null;
    const prev = this.projection && this.projection.request === msg.request ? this.projection : null;
    const p: Projection = {
      request: msg.request,
      id: msg.id,
      method: msg.method,
      dims: msg.method === "pca" ? (Math.min(3, stride) as 2 | 3) : (stride === 2 ? 2 : 3),
      sphereize: prev?.sphereize ?? this.sphereize.checked,
      positions: pos,
      stride,
      m,
      indices,
      variance: msg.variance ?? prev?.variance ?? [],
      // the last frame (iteration -1) holds the end of the run, or where it stopped
      iteration: msg.done && msg.method === "tsne" ? (msg.stopped ? (prev?.iteration ?? 0) : this.requestedIterations) : (msg.iteration ?? 0),
      done: msg.done,
      stopped: !!msg.stopped,
      note: msg.note ?? "",
    };
    const newProjection = !prev;
    this.projection = p;
    if (msg.done) {
      this.pending.project = -1;
      this.paused = false;
    }
    if (p.method === "pca" && p.done) {
      const key = `${p.id}|${p.sphereize}`;
      this.pcaCache.set(key, p);
      if (this.pcaCache.size > 4) this.pcaCache.delete(this.pcaCache.keys().next().value as string);
    }
    if (p.method === "pca") this.fillComponents(p);
    this.redraw(newProjection || p.method !== "tsne");
  }

  private onNeighbors(msg: NeighborsMessage, buffers: readonly DataView[]): void {
    this.pending.neighbors = -1;
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

  /** The PCA component selects: PC1 (23.4%) ... for the components received. */
  private fillComponents(p: Projection): void {
    const k = p.stride;
    const labels = Array.from({ length: k }, (_, i) => `PC${i + 1}${p.variance[i] !== undefined ? ` (${(p.variance[i] * 100).toFixed(1)}%)` : ""}`);
    const current = Array.from(this.comp[0].options, (o) => o.textContent ?? "");
    if (current.join("\n") === labels.join("\n")) return;
    this.comp.forEach((s, a) => {
      const old = Number(s.value);
      s.replaceChildren(...labels.map((t, i) => h("option", { value: String(i) }, t)));
      // the same embedding re-projected (sphereize) keeps the components chosen
      s.value = String(current.length && Number.isFinite(old) && old < k ? old : Math.min(a, k - 1));
    });
  }

  /** The points to draw for the projection held (PCA: the components chosen). */
  private points(p: Projection): PointsDrawn | null {
    if (!p.positions) return null;
    const m = p.m;
    let dims: 2 | 3;
    let cols: number[];
    let titles: string[];
    if (p.method === "pca") {
      dims = p.stride >= 3 && this.dims === 3 ? 3 : 2;
      cols = this.comp.slice(0, dims).map((s, a) => {
        const v = Number(s.value);
        return Number.isFinite(v) && v < p.stride ? v : Math.min(a, p.stride - 1);
      });
      titles = cols.map((c) => `PC${c + 1}${p.variance[c] !== undefined ? ` (${(p.variance[c] * 100).toFixed(1)}%)` : ""}`);
      this.comp[2].disabled = dims === 2;
    } else {
      dims = p.stride >= 3 ? 3 : 2;
      cols = dims === 3 ? [0, 1, 2] : [0, 1];
      titles = cols.map((c) => `${METHOD_NAMES[p.method]} ${c + 1}`);
    }
    const out = [new Float32Array(m), new Float32Array(m), dims === 3 ? new Float32Array(m) : null];
    const pos = p.positions;
    const s = p.stride;
    for (let a = 0; a < dims; a++) {
      const arr = out[a]!;
      const c = cols[a];
      for (let r = 0; r < m; r++) arr[r] = pos[r * s + c];
    }
    if (p.method !== "pca") normalize(out, dims, m);
    return {
      method: p.method,
      dims,
      x: out[0]!,
      y: out[1]!,
      z: out[2],
      titles,
      key: `${p.id}|${p.method}|${dims}|${p.method === "pca" ? cols.join(",") : p.request}`,
      iteration: p.iteration,
      final: p.done,
      projection: p,
    };
  }

  /** Draws the projection held: a new plot, or (t-SNE frames) new positions in place. */
  private redraw(full: boolean): void {
    const p = this.projection;
    if (!p) return;
    const pts = this.points(p);
    if (!pts) return;
    if (full) this.unhover();
    if (!full && this.plot.current && this.plot.current.dims === pts.dims && this.plot.current.key === pts.key && p.method !== "pca") {
      this.plot.frame(pts);
    } else {
      void this.plot.draw(pts, this.style(pts.x.length, pts.dims));
    }
    this.renderVariance(p, pts);
  }

  /** Called once points are on the screen. */
  private drawn(pts: PointsDrawn): void {
    const p = pts.projection;
    this.el.dataset.points = String(pts.x.length);
    this.el.dataset.method = pts.method;
    this.el.dataset.dims = String(pts.dims);
    this.placeholder.hidden = true;
    if (p.method === "tsne") this.el.dataset.iteration = String(pts.iteration);
    else delete this.el.dataset.iteration;
    // a frame of a projection since replaced (a newer frame or a new request) says no more
    if (p !== this.projection) return;
    this.noteEl.textContent = p.note;
    this.noteEl.hidden = p.note === "";
    if (p.stopped) this.el.dataset.stopped = "true";
    else delete this.el.dataset.stopped;
    const n = `${fmtInt(pts.x.length)} points`;
    if (!pts.final) {
      this.setState("streaming", `${METHOD_NAMES[p.method]} iteration ${pts.iteration}${this.paused ? " (paused)" : ""} · ${n}`);
      return;
    }
    // a request sent since (a t-SNE run after this PCA) is what the state is about
    if (this.pending.project >= 0) return;
    let text: string;
    if (p.method === "tsne") {
      text = p.stopped ? `t-SNE stopped at iteration ${pts.iteration} · ${n}` : `t-SNE ${pts.dims}D done (${p.iteration} iterations) · ${n}`;
    } else {
      const dim = this.embedding ? ` of ${fmtInt(this.embedding.dim)} dimensions` : "";
      text = `${METHOD_NAMES[p.method]} ${pts.dims}D · ${n}${dim}`;
    }
    this.showError("");
    this.setState("done", text);
    this.showHint();
  }

  private renderVariance(p: Projection, pts: PointsDrawn): void {
    if (p.method !== "pca" || !p.variance.length) {
      this.varianceText.textContent = "";
      return;
    }
    const shown = pts.key.split("|")[3].split(",").map(Number);
    const total = shown.reduce((a, c) => a + (p.variance[c] ?? 0), 0);
    this.varianceText.textContent = `variance explained: ${p.variance.map((v, i) => `PC${i + 1} ${(v * 100).toFixed(1)}%`).join(" · ")} (shown: ${(total * 100).toFixed(1)}%)`;
  }

  /** The original point of a drawn row, and back. */
  private pointOf(row: number): number {
    const ind = this.projection?.indices;
    return ind ? (ind[row] ?? -1) : row;
  }

  private rowOf(point: number): number {
    const p = this.projection;
    if (!p) return -1;
    if (!p.indices) return point < p.m ? point : -1;
    for (let r = 0; r < p.indices.length; r++) if (p.indices[r] === point) return r;
    return -1;
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
    const c = this.coloringNow();
    const ind = this.projection?.indices ?? null;
    const base = pointSize(m, dims);
    const color: Channels[] = new Array(m);
    const fallback: Channels = [0.24, 0.47, 0.7, 1];
    for (let r = 0; r < m; r++) {
      const i = ind ? ind[r] : r;
      color[r] = c ? c.palette[c.of[i]] ?? fallback : fallback;
    }
    let size: number | Float32Array = base;
    const DIM = dimColor(dims, isLight(getComputedStyle(this.el).color));
    if (this.selected >= 0) {
      const sizes = new Float32Array(m).fill(base);
      const keep = new Uint8Array(m);
      const selRow = this.rowOf(this.selected);
      if (selRow >= 0) {
        keep[selRow] = 1;
        sizes[selRow] = base * 2.6;
      }
      if (this.neighbors) {
        for (const nb of this.neighbors.index) {
          const r = this.rowOf(nb);
          if (r >= 0) {
            keep[r] = 1;
            sizes[r] = base * 1.7;
          }
        }
      }
      for (let r = 0; r < m; r++) if (!keep[r]) color[r] = DIM;
      size = sizes;
    } else if (this.searchResult.mask) {
      const mask = this.searchResult.mask;
      for (let r = 0; r < m; r++) if (!mask[ind ? ind[r] : r]) color[r] = DIM;
    }
    return { color, size };
  }

  private recolor(): void {
    this.colors = null;
    this.renderLegend();
    if (this.plot.current) void this.plot.restyle(this.style());
  }

  private renderLegend(): void {
    const e = this.embedding;
    const col = e && this.colorCol >= 0 ? e.columns[this.colorCol] : null;
    if (!e || !col || col.kind === "text") {
      this.legend.replaceChildren();
      this.legend.hidden = true;
      return;
    }
    this.legend.hidden = false;
    const c = this.coloringNow()!;
    const title = h("div", { class: "tbnb-pj-side-title" }, `Colour: ${col.name}`);
    if (col.kind === "category") {
      const items = col.categories.map((cat, i) => {
        const item = h(
          "div",
          { class: "tbnb-pj-legend-item", title: cat },
          h("span", { class: "tbnb-swatch" }),
          h("span", { class: "tbnb-pj-legend-name" }, cat === "" ? "(empty)" : cat),
          h("span", { class: "tbnb-pj-legend-count" }, fmtInt(col.counts[i])),
        );
        (item.firstChild as HTMLElement).style.background = c.css[i];
        item.dataset.category = cat;
        item.dataset.count = String(col.counts[i]);
        return item;
      });
      this.legend.replaceChildren(title, h("div", { class: "tbnb-pj-legend-items" }, ...items));
    } else {
      const bar = h("div", { class: "tbnb-pj-colorbar" });
      bar.style.background = scaleGradient();
      const range = h("div", { class: "tbnb-pj-colorbar-range" }, h("span", {}, fmtNum(col.min)), h("span", {}, fmtNum(col.max)));
      const nan = col.nans ? h("div", { class: "tbnb-pj-legend-item" }, h("span", { class: "tbnb-swatch tbnb-pj-nan" }), h("span", { class: "tbnb-pj-legend-name" }, "not a number"), h("span", { class: "tbnb-pj-legend-count" }, fmtInt(col.nans))) : null;
      this.legend.replaceChildren(title, bar, range, ...(nan ? [nan] : []));
    }
  }

  // -- search -------------------------------------------------------------------

  private runSearch(restyle = true): void {
    const e = this.embedding;
    const query = this.searchInput.value;
    if (!e) {
      this.searchResult = { mask: null, count: 0, error: "" };
    } else {
      const cols = this.allColumns.checked || this.labelCol < 0 ? e.columns.map((c) => c.values) : [e.columns[this.labelCol].values];
      // without metadata, the index is the label
      const searched = cols.length ? cols : [Array.from({ length: e.n }, (_, i) => String(i))];
      this.searchResult = search(searched, e.n, query, this.regex.checked);
    }
    const r = this.searchResult;
    this.searchInput.classList.toggle("tbnb-invalid", r.error !== "");
    this.searchInfo.classList.toggle("tbnb-pj-bad", r.error !== "");
    if (r.error) {
      this.searchInfo.textContent = `invalid regex: ${r.error}`;
      delete this.el.dataset.matches;
    } else if (r.mask) {
      // matches among the points drawn (a sample may leave some out)
      const ind = this.projection?.indices;
      let shown = r.count;
      if (ind) {
        shown = 0;
        for (const i of ind) shown += r.mask[i];
      }
      this.searchInfo.textContent = `${fmtInt(shown)} match${shown === 1 ? "" : "es"}${ind ? ` (${fmtInt(r.count)} of all points)` : ""}`;
      this.el.dataset.matches = String(shown);
    } else {
      this.searchInfo.textContent = "";
      delete this.el.dataset.matches;
    }
    if (restyle && this.plot.current) void this.plot.restyle(this.style());
  }

  // -- hover and selection --------------------------------------------------------

  private labelOf(i: number): string {
    const e = this.embedding;
    if (!e || this.labelCol < 0 || !e.columns[this.labelCol]) return `#${i}`;
    return e.columns[this.labelCol].values[i] ?? `#${i}`;
  }

  private colorCss(i: number): string {
    const c = this.coloringNow();
    return c ? (c.css[c.of[i]] ?? DIM_CSS) : DIM_CSS;
  }

  private metaRows(i: number, into: HTMLElement, max = 8): void {
    const e = this.embedding;
    const rows: HTMLElement[] = [];
    if (e) {
      e.columns.forEach((c, k) => {
        if (k === this.labelCol || rows.length >= max) return;
        rows.push(h("div", { class: "tbnb-pj-meta-row" }, h("span", { class: "tbnb-pj-meta-name" }, c.name), h("span", { class: "tbnb-pj-meta-value" }, c.values[i] ?? "")));
      });
    }
    rows.push(h("div", { class: "tbnb-pj-meta-row" }, h("span", { class: "tbnb-pj-meta-name" }, "index"), h("span", { class: "tbnb-pj-meta-value" }, String(i))));
    into.replaceChildren(...rows);
  }

  private hover(row: number, clientX: number, clientY: number): void {
    const i = this.pointOf(row);
    if (i < 0 || !this.embedding) return;
    this.cardTitle.textContent = this.labelOf(i);
    this.cardTitle.style.borderLeftColor = this.colorCss(i);
    this.metaRows(i, this.cardMeta, 6);
    const sprite = this.embedding.sprite;
    this.cardCanvas.hidden = !(sprite && sprite.draw(this.cardCanvas, i, CARD_THUMB));
    this.card.dataset.index = String(i);
    this.card.hidden = false;
    // near the pointer, inside the plot area
    const box = this.stage.getBoundingClientRect();
    const cw = this.card.offsetWidth;
    const ch = this.card.offsetHeight;
    let x = clientX - box.left + 14;
    let y = clientY - box.top + 14;
    if (x + cw > box.width) x = Math.max(0, clientX - box.left - cw - 14);
    if (y + ch > box.height) y = Math.max(0, box.height - ch - 4);
    this.card.style.left = `${x}px`;
    this.card.style.top = `${y}px`;
  }

  private unhover(): void {
    this.card.hidden = true;
    delete this.card.dataset.index;
  }

  /** Selects point i: its details, and its nearest neighbours asked of the kernel. */
  private select(i: number): void {
    const e = this.embedding;
    if (!e || i < 0 || i >= e.n) return;
    this.selected = i;
    this.neighbors = null;
    this.pending.neighbors = nextRequest++;
    this.send({
      type: "neighbors",
      request: this.pending.neighbors,
      id: this.embeddingId,
      index: i,
      k: Number(this.kSelect.value) || 10,
      metric: this.metricSelect.value === "euclidean" ? "euclidean" : "cosine",
    });
    this.showSelection();
    if (this.plot.current) void this.plot.restyle(this.style());
  }

  private clearSelection(): void {
    if (this.selected < 0) return;
    this.selected = -1;
    this.neighbors = null;
    this.pending.neighbors = -1;
    this.showSelection();
    if (this.plot.current) void this.plot.restyle(this.style());
  }

  private showSelection(): void {
    const e = this.embedding;
    const i = this.selected;
    if (!e || i < 0) {
      this.selectionEl.hidden = true;
      delete this.el.dataset.selected;
      delete this.el.dataset.neighbors;
      return;
    }
    this.selectionEl.hidden = false;
    this.el.dataset.selected = String(i);
    const canvas = h("canvas", { class: "tbnb-pj-thumb" });
    const hasThumb = !!e.sprite && e.sprite.draw(canvas, i, PANEL_THUMB);
    const title = h("div", { class: "tbnb-pj-card-title" }, this.labelOf(i));
    title.style.borderLeftColor = this.colorCss(i);
    const meta = h("div", { class: "tbnb-pj-card-meta" });
    this.metaRows(i, meta);
    this.selectionInfo.replaceChildren(h("div", { class: "tbnb-pj-selection-head" }, hasThumb ? canvas : null, h("div", { class: "tbnb-pj-card-text" }, title, meta)));
    this.neighborStatus.classList.remove("tbnb-pj-bad");
    const nb = this.neighbors;
    if (!nb) {
      this.neighborStatus.textContent = `Finding neighbours… ${WAIT_NOTE}`;
      this.neighborList.replaceChildren();
      delete this.el.dataset.neighbors;
      return;
    }
    let outside = 0;
    const items = Array.from(nb.index, (j, k) => {
      const drawn = this.rowOf(j) >= 0;
      if (!drawn) outside++;
      const b = h(
        "button",
        { type: "button", class: "tbnb-pj-neighbor", title: drawn ? "select" : "select (not among the points drawn)" },
        h("span", { class: "tbnb-swatch" }),
        h("span", { class: "tbnb-pj-neighbor-label" }, this.labelOf(j)),
        h("span", { class: "tbnb-pj-neighbor-distance" }, fmtNum(nb.distance[k])),
      );
      (b.firstChild as HTMLElement).style.background = this.colorCss(j);
      b.dataset.index = String(j);
      b.dataset.distance = String(nb.distance[k]);
      b.addEventListener("click", () => this.select(j));
      b.addEventListener("mouseenter", () => this.highlightRow(j));
      return h("li", {}, b);
    });
    this.neighborList.replaceChildren(...items);
    this.neighborStatus.textContent = `${nb.index.length} nearest by ${nb.metric} distance${outside ? ` (${outside} not among the points drawn)` : ""}`;
    this.el.dataset.neighbors = String(nb.index.length);
  }

  /** Shows the hover card of a point from the list, at its place in the plot area. */
  private highlightRow(i: number): void {
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
    clearTimeout(this.searchTimer);
    this.plot.destroy();
    this.embedding?.sprite?.close();
  }
}
