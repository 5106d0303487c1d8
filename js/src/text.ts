// The Text tab: per (run, tag) the texts by step, newest first, as TensorBoard
// shows them: a string is markdown (rendered sanitized, markdown.ts); a 1-D or 2-D
// string tensor is a table built with DOM calls, each cell inline markdown.
import { h } from "./dom";
import { Card, CardDashboard } from "./dashboard";
import { renderInlineMarkdown, renderMarkdown } from "./markdown";
import type { Model, RunView } from "./settings";
import { wallTime } from "./steps";
import type { TextEntry } from "./protocol";
import type { Store, TextSeries } from "./store";

/** Entries drawn at first per card; "show older" adds as many again. */
const PAGE = 50;

function stepText(step: number): string {
  return Number.isInteger(step) ? String(step) : step.toPrecision(6);
}

function table(entry: TextEntry): HTMLElement {
  const dims = entry.shape;
  const rows = dims.length === 2 ? dims[0] : dims[0] ?? 0;
  const cols = dims.length === 2 ? dims[1] : 1;
  const body = h("tbody");
  for (let r = 0; r < rows; r++) {
    const tr = h("tr");
    for (let c = 0; c < cols; c++) {
      const td = h("td");
      td.appendChild(renderInlineMarkdown(entry.cells[r * cols + c] ?? ""));
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  return h("table", { class: "tbnb-text-table" }, body);
}

function entryBody(entry: TextEntry): HTMLElement {
  const isTable = (entry.shape.length === 1 || entry.shape.length === 2) && entry.cells.length > 0;
  if (isTable) return h("div", { class: "tbnb-text-body" }, table(entry));
  const body = h("div", { class: "tbnb-text-body tbnb-markdown" });
  body.appendChild(renderMarkdown(entry.text));
  return body;
}

export class TextCard extends Card {
  private list: HTMLElement;
  private more: HTMLButtonElement;
  private shown = PAGE;
  // entries drawn, by index into the series: the store makes a new TextEntry for
  // every entry a delta replaces, so the same object means the same drawing
  private drawn = new Map<number, { entry: TextEntry; el: HTMLElement }>();

  constructor(
    key: string,
    run: string,
    tag: string,
    private store: Store,
  ) {
    super(key, run, tag, "text");
    this.list = h("div", { class: "tbnb-text-list" });
    this.more = h("button", { type: "button", class: "tbnb-text-more" });
    this.more.hidden = true;
    this.more.addEventListener("click", () => {
      this.shown += PAGE;
      this.draw();
    });
    this.el.append(this.list, this.more);
  }

  draw(_view?: RunView): void {
    const s = this.store.kinds.texts.series.get(this.key);
    if (!s) return;
    const count = Math.min(s.n, this.shown);
    // newest first: entry i of the list is index n - 1 - i of the series
    const els: HTMLElement[] = [];
    const next = new Map<number, { entry: TextEntry; el: HTMLElement }>();
    for (let i = 0; i < count; i++) {
      const index = s.n - 1 - i;
      const old = this.drawn.get(index);
      const el = old && old.entry === s.texts[index] ? old.el : this.entry(s, index);
      els.push(el);
      next.set(index, { entry: s.texts[index], el });
    }
    this.drawn = next;
    this.list.replaceChildren(...els);
    this.more.hidden = s.n <= count;
    this.more.textContent = `show older (${s.n - count} more)`;
  }

  private entry(s: TextSeries, index: number): HTMLElement {
    const step = s.step[index];
    const when = wallTime(s.wall[index]);
    const el = h(
      "div",
      { class: "tbnb-text-entry" },
      h("div", { class: "tbnb-text-meta" }, h("span", { class: "tbnb-text-step" }, `step ${stepText(step)}`), h("span", { class: "tbnb-text-time" }, when)),
      entryBody(s.texts[index]),
    );
    el.dataset.step = String(step);
    return el;
  }
}

export class TextDashboard extends CardDashboard<TextCard> {
  constructor(model: Model, store: Store) {
    super(model, store, "texts", "text");
    this.start();
  }

  protected makeCard(key: string, run: string, tag: string): TextCard {
    return new TextCard(key, run, tag, this.store);
  }
}
