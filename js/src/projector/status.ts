// The projector's status: a line saying what it is doing (and, for PCA, the
// variance explained), a note (a sample was projected...), the embedding's notes (what
// the kernel left out of it: metadata columns, a sprite refused, NaN points), an error
// line, and the placeholder over the plot area until points are drawn.
import { h } from "../dom";
import { fmtInt } from "./data";
import { METHOD_NAMES, type PointsDrawn, type Projection } from "./model";

export class ProjectorStatus {
  readonly line: HTMLElement;
  readonly note: HTMLElement;
  readonly notes: HTMLUListElement;
  readonly error: HTMLElement;
  readonly placeholder: HTMLElement;
  private stateText: HTMLElement;
  private varianceText: HTMLElement;

  constructor() {
    this.stateText = h("span", { class: "tbnb-pj-state-text" });
    this.varianceText = h("span", { class: "tbnb-pj-variance" });
    this.line = h("div", { class: "tbnb-pj-status" }, this.stateText, this.varianceText);
    this.note = h("div", { class: "tbnb-pj-note" });
    this.notes = h("ul", { class: "tbnb-pj-notes", "aria-label": "What this embedding leaves out" });
    this.notes.hidden = true;
    this.error = h("div", { class: "tbnb-pj-error", role: "alert" });
    this.note.hidden = true;
    this.error.hidden = true;
    this.placeholder = h("div", { class: "tbnb-pj-placeholder" });
  }

  get text(): string {
    return this.stateText.textContent ?? "";
  }

  /** The status line (and the placeholder, shown while nothing is drawn). */
  show(text: string, drawn: boolean): void {
    this.stateText.textContent = text;
    this.placeholder.textContent = text;
    this.placeholder.hidden = drawn;
  }

  /** The status line alone (a hint, a pause). */
  say(text: string): void {
    this.stateText.textContent = text;
  }

  showError(text: string): void {
    this.error.textContent = text;
    this.error.hidden = text === "";
  }

  /** The embedding's notes, one item each (text nodes: they quote file contents). */
  showNotes(notes: readonly string[]): void {
    this.notes.replaceChildren(...notes.map((t) => h("li", {}, t)));
    this.notes.hidden = notes.length === 0;
  }

  showNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === "";
  }

  /** PCA: the variance each component explains, and that of the components shown. */
  showVariance(p: Projection, pts: PointsDrawn): void {
    if (p.method !== "pca" || !p.variance.length) {
      this.varianceText.textContent = "";
      return;
    }
    const shown = pts.key.split("|")[3].split(",").map(Number);
    const total = shown.reduce((a, c) => a + (p.variance[c] ?? 0), 0);
    this.varianceText.textContent = `variance explained: ${p.variance.map((v, i) => `PC${i + 1} ${(v * 100).toFixed(1)}%`).join(" · ")} (shown: ${(total * 100).toFixed(1)}%)`;
  }
}

/** The status line once the last points of a projection are drawn (`dim`: the embedding's, if known). */
export function doneText(p: Projection, pts: PointsDrawn, dim: number | null): string {
  const n = `${fmtInt(pts.x.length)} points`;
  if (p.method === "tsne") {
    return p.stopped ? `t-SNE stopped at iteration ${pts.iteration} · ${n}` : `t-SNE ${pts.dims}D done (${p.iteration} iterations) · ${n}`;
  }
  return `${METHOD_NAMES[p.method]} ${pts.dims}D · ${n}${dim !== null ? ` of ${fmtInt(dim)} dimensions` : ""}`;
}
