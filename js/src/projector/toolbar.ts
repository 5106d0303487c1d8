// The projector's two rows of controls: the projection (embedding, method, 2D/3D,
// sphereize, each method's parameters, run / pause / stop, reset view) and the
// points (colour by, label by, search). The controls say what the person chose;
// the view (view.ts) decides what happens.
import { h } from "../dom";
import type { EmbeddingEntry } from "../protocol";
import type { Column } from "./data";
import type { Method } from "./model";
import { componentTitle } from "./points";

/** What the toolbar asks of the view. */
export interface ToolbarEvents {
  embedding(id: string): void;
  method(m: Method): void;
  dims(d: 2 | 3): void;
  sphereize(): void;
  components(): void;
  runTsne(): void;
  runUmap(): void;
  pause(): void;
  stop(): void;
  resetView(): void;
  colorBy(column: number): void;
  labelBy(column: number): void;
  search(): void;
}

function numberInput(value: string, attrs: Record<string, string>): HTMLInputElement {
  return h("input", { type: "number", value, ...attrs });
}

/** A group of toggle buttons, one pressed. */
function segmented<T extends string>(cls: string, label: string, items: [T, string][], onPick: (v: T) => void): { el: HTMLElement; set: (v: T) => void } {
  const buttons = items.map(([v, text]) => {
    const b = h("button", { type: "button", class: "tbnb-pj-seg", "aria-pressed": "false" }, text);
    b.dataset.value = v;
    b.addEventListener("click", () => onPick(v));
    return b;
  });
  const el = h("div", { class: `tbnb-pj-segmented ${cls}`, role: "group", "aria-label": label }, ...buttons);
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

export function field(label: string, control: HTMLElement, cls = ""): HTMLElement {
  return h("label", { class: `tbnb-pj-field ${cls}`.trim() }, h("span", { class: "tbnb-pj-field-name" }, label), control);
}

export class Toolbar {
  readonly projectionRow: HTMLElement;
  readonly pointsRow: HTMLElement;
  readonly embSelect: HTMLSelectElement;
  readonly sphereize: HTMLInputElement;
  readonly searchInput: HTMLInputElement;
  readonly regex: HTMLInputElement;
  readonly allColumns: HTMLInputElement;
  private methodSeg: { el: HTMLElement; set: (v: Method) => void };
  private dimsSeg: { el: HTMLElement; set: (v: "2" | "3") => void };
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
  private searchInfo: HTMLElement;
  private searchTimer = 0;

  constructor(on: ToolbarEvents) {
    // -- the projection row ------------------------------------------------------
    this.embSelect = h("select", { class: "tbnb-pj-embedding", "aria-label": "embedding" });
    this.embSelect.addEventListener("change", () => on.embedding(this.embSelect.value));
    this.methodSeg = segmented<Method>("tbnb-pj-method", "projection method", [["pca", "PCA"], ["tsne", "t-SNE"], ["umap", "UMAP"]], (m) => on.method(m));
    this.dimsSeg = segmented<"2" | "3">("tbnb-pj-dims", "dimensions", [["2", "2D"], ["3", "3D"]], (d) => on.dims(d === "2" ? 2 : 3));
    this.sphereize = h("input", { type: "checkbox", class: "tbnb-pj-sphereize" });
    this.sphereize.addEventListener("change", () => on.sphereize());

    this.comp = ["X", "Y", "Z"].map((a) => {
      const s = h("select", { class: `tbnb-pj-comp tbnb-pj-comp-${a.toLowerCase()}`, "aria-label": `component on ${a}` });
      s.addEventListener("change", () => on.components());
      return s;
    });
    this.perplexity = numberInput("30", { class: "tbnb-pj-perplexity", min: "2", max: "100", step: "1" });
    this.learningRate = h("input", { type: "text", value: "auto", class: "tbnb-pj-learning-rate", size: "5", "aria-label": "learning rate" });
    this.iterations = numberInput("500", { class: "tbnb-pj-iterations", min: "0", max: "10000", step: "50" });
    this.neighborsUmap = numberInput("15", { class: "tbnb-pj-n-neighbors", min: "2", max: "200", step: "1" });
    this.minDist = numberInput("0.1", { class: "tbnb-pj-min-dist", min: "0", max: "1", step: "0.05" });
    const runTsne = h("button", { type: "button", class: "tbnb-pj-run" }, "Run");
    runTsne.addEventListener("click", () => on.runTsne());
    this.pauseButton = h("button", { type: "button", class: "tbnb-pj-pause" }, "Pause");
    this.pauseButton.addEventListener("click", () => on.pause());
    this.stopButton = h("button", { type: "button", class: "tbnb-pj-stop" }, "Stop");
    this.stopButton.addEventListener("click", () => on.stop());
    const runUmap = h("button", { type: "button", class: "tbnb-pj-run" }, "Run");
    runUmap.addEventListener("click", () => on.runUmap());
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
    reset.addEventListener("click", () => on.resetView());

    // -- the points row ----------------------------------------------------------
    this.colorSelect = h("select", { class: "tbnb-pj-color", "aria-label": "colour by" });
    this.colorSelect.addEventListener("change", () => on.colorBy(Number(this.colorSelect.value)));
    this.labelSelect = h("select", { class: "tbnb-pj-label", "aria-label": "label by" });
    this.labelSelect.addEventListener("change", () => on.labelBy(Number(this.labelSelect.value)));
    this.searchInput = h("input", { type: "search", class: "tbnb-pj-search", placeholder: "Search labels", "aria-label": "search" });
    this.searchInput.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => on.search(), 120);
    });
    this.regex = h("input", { type: "checkbox", class: "tbnb-pj-regex" });
    this.regex.addEventListener("change", () => on.search());
    this.allColumns = h("input", { type: "checkbox", class: "tbnb-pj-all-columns" });
    this.allColumns.addEventListener("change", () => on.search());
    this.searchInfo = h("span", { class: "tbnb-pj-search-info", "aria-live": "polite" });

    this.projectionRow = h(
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
    );
    this.pointsRow = h(
      "div",
      { class: "tbnb-pj-toolbar" },
      field("Colour by", this.colorSelect),
      field("Label by", this.labelSelect),
      h(
        "div",
        { class: "tbnb-pj-search-box" },
        this.searchInput,
        h("label", { class: "tbnb-check" }, this.regex, "Regex"),
        h("label", { class: "tbnb-check" }, this.allColumns, "All columns"),
        this.searchInfo,
      ),
    );
  }

  /** The method chosen, and its parameters shown. */
  showMethod(method: Method): void {
    this.methodSeg.set(method);
    for (const [m, el] of Object.entries(this.params)) el.hidden = m !== method;
  }

  showDims(dims: 2 | 3): void {
    this.dimsSeg.set(dims === 2 ? "2" : "3");
  }

  /** The embeddings offered, as "run / tag / step / shape". */
  setEmbeddings(list: readonly EmbeddingEntry[], text: (e: EmbeddingEntry) => string): void {
    this.embSelect.replaceChildren(...list.map((e) => h("option", { value: e.id }, text(e))));
    this.embSelect.disabled = list.length === 0;
  }

  /** Renames an embedding's option (its shape became known). */
  renameEmbedding(id: string, text: string): void {
    const option = Array.from(this.embSelect.options).find((o) => o.value === id);
    if (option) option.textContent = text;
  }

  /** The metadata columns offered to colour and label by (-1: none / the index). */
  setColumns(columns: readonly Column[], colorColumn: number, labelColumn: number): void {
    this.colorSelect.replaceChildren(
      h("option", { value: "-1" }, "none"),
      ...columns.map((c, i) =>
        h("option", { value: String(i), ...(c.kind === "text" ? { disabled: "" } : {}) }, `${c.name}${c.kind === "number" ? " (numbers)" : c.kind === "text" ? " (text)" : ""}`),
      ),
    );
    this.colorSelect.value = String(colorColumn);
    this.labelSelect.replaceChildren(h("option", { value: "-1" }, "index"), ...columns.map((c, i) => h("option", { value: String(i) }, c.name)));
    this.labelSelect.value = String(labelColumn);
  }

  /** No embedding's columns nor components (a new embedding is on its way). */
  clearColumns(): void {
    this.colorSelect.replaceChildren();
    this.labelSelect.replaceChildren();
    for (const c of this.comp) c.replaceChildren();
  }

  /** The PCA component selects: PC1 (23.4%) ... for the `k` components received. */
  fillComponents(k: number, variance: readonly number[]): void {
    const labels = Array.from({ length: k }, (_, i) => componentTitle(i, variance));
    const current = Array.from(this.comp[0].options, (o) => o.textContent ?? "");
    if (current.join("\n") === labels.join("\n")) return;
    this.comp.forEach((s, a) => {
      const old = Number(s.value);
      s.replaceChildren(...labels.map((t, i) => h("option", { value: String(i) }, t)));
      // the same embedding re-projected (sphereize) keeps the components chosen
      s.value = String(current.length && Number.isFinite(old) && old < k ? old : Math.min(a, k - 1));
    });
  }

  /** The components chosen for X, Y, Z (NaN where none). */
  components(): number[] {
    return this.comp.map((s) => (s.value === "" ? NaN : Number(s.value)));
  }

  /** Z's select is off when PCA is drawn in 2D. */
  showComponentsDrawn(dims: 2 | 3): void {
    this.comp[2].disabled = dims === 2;
  }

  tsneParams(): { perplexity: number; learning_rate: number | "auto"; n_iter: number } {
    const num = (el: HTMLInputElement, dflt: number) => {
      const v = Number(el.value);
      return el.value.trim() !== "" && Number.isFinite(v) ? v : dflt;
    };
    const lr = this.learningRate.value.trim();
    return {
      perplexity: num(this.perplexity, 30),
      learning_rate: lr === "" || lr === "auto" || !Number.isFinite(Number(lr)) ? "auto" : Number(lr),
      n_iter: Math.max(0, Math.round(num(this.iterations, 500))),
    };
  }

  umapParams(): { n_neighbors: number; min_dist: number } {
    const nn = Number(this.neighborsUmap.value);
    const md = Number(this.minDist.value);
    return { n_neighbors: Number.isFinite(nn) && nn >= 2 ? Math.round(nn) : 15, min_dist: Number.isFinite(md) && md >= 0 ? md : 0.1 };
  }

  /** Pause / Stop work while a t-SNE run streams. */
  showRunning(running: boolean, paused: boolean): void {
    this.pauseButton.disabled = !running;
    this.stopButton.disabled = !running;
    this.pauseButton.textContent = paused ? "Resume" : "Pause";
  }

  /** What the search found, or why it could not search. */
  showSearch(text: string, bad: boolean): void {
    this.searchInput.classList.toggle("tbnb-invalid", bad);
    if (bad) this.searchInput.setAttribute("aria-invalid", "true");
    else this.searchInput.removeAttribute("aria-invalid");
    this.searchInfo.classList.toggle("tbnb-pj-bad", bad);
    this.searchInfo.textContent = text;
  }

  destroy(): void {
    clearTimeout(this.searchTimer);
  }
}
