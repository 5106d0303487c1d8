// The HParams tab's controls: a filter per column (checkboxes of values, min/max, or
// a regex; with what a brush on the column's axis lets through), and the column list
// (show/hide, add a scalar column as last/min/max, remove an added one). A control is
// rebuilt only when what it offers changed, so typing in one is never interrupted.
import { h } from "../dom";
import { FilterField } from "../filter-field";
import { visible } from "../names";
import { isActive, valueKey, valueLabel, type FilterKind, type FilterState } from "./filtering";
import { STATS, type Cell, type Column, type ScalarColumn, type Stat } from "./model";

export interface FilterSpec {
  col: Column;
  kind: FilterKind;
  distinct: Cell[];
  state: FilterState;
}

interface Box {
  el: HTMLElement;
  sig: string;
  body: HTMLElement;
  brush: HTMLElement;
  brushText: HTMLElement;
}

export class FilterPanel {
  readonly el: HTMLElement;
  private boxes = new Map<string, Box>();

  constructor(
    private onChange: (col: string) => void,
    private onClearBrush: (col: string) => void,
  ) {
    this.el = h("div", { class: "tbnb-hparams-filters" });
  }

  /** One filter per spec, in order; a filter whose kind or values changed is rebuilt. */
  update(specs: readonly FilterSpec[]): void {
    const keep = new Set(specs.map((s) => s.col.id));
    for (const [id, box] of this.boxes) {
      if (keep.has(id)) continue;
      box.el.remove();
      this.boxes.delete(id);
    }
    specs.forEach((spec, i) => {
      const sig = `${spec.kind}|${spec.col.label}|${spec.kind === "set" ? spec.distinct.map(valueKey).join("\u0000") : ""}`;
      let box = this.boxes.get(spec.col.id);
      if (!box) {
        const brushText = h("span", { class: "tbnb-hparams-brush-text" });
        const clear = h("button", { type: "button", "aria-label": `clear the brush of ${visible(spec.col.label)}` }, "clear");
        clear.addEventListener("click", () => this.onClearBrush(spec.col.id));
        const brush = h("div", { class: "tbnb-hparams-brush" }, "brushed: ", brushText, " ", clear);
        brush.hidden = true;
        const body = h("div", { class: "tbnb-hparams-filter-body" });
        const el = h("fieldset", { class: "tbnb-hparams-filter" }, h("legend", { title: visible(spec.col.id) }, visible(spec.col.label)), body, brush);
        el.dataset.col = spec.col.id;
        box = { el, sig: "", body, brush, brushText };
        this.boxes.set(spec.col.id, box);
      }
      if (box.sig !== sig) {
        box.sig = sig;
        box.body.replaceChildren(...this.control(spec));
      }
      box.el.classList.toggle("tbnb-hparams-active", isActive(spec.state, spec.kind));
      if (this.el.children[i] !== box.el) this.el.insertBefore(box.el, this.el.children[i] ?? null);
    });
  }

  /** Says what the brush of a column lets through (null: no brush). */
  showBrush(col: string, text: string | null): void {
    const box = this.boxes.get(col);
    if (!box) return;
    box.brush.hidden = text === null;
    if (text !== null && box.brushText.textContent !== text) box.brushText.textContent = visible(text);
    box.el.classList.toggle("tbnb-hparams-brushed", text !== null);
  }

  private control(spec: FilterSpec): HTMLElement[] {
    const { col, state } = spec;
    const name = visible(col.label);
    const changed = () => {
      this.boxes.get(col.id)?.el.classList.toggle("tbnb-hparams-active", isActive(state, spec.kind));
      this.onChange(col.id);
    };
    if (spec.kind === "set") {
      const boxes: HTMLInputElement[] = [];
      const items = spec.distinct.map((value) => {
        const key = valueKey(value);
        const box = h("input", { type: "checkbox" });
        box.checked = !state.excluded.has(key);
        box.dataset.value = key;
        box.addEventListener("change", () => {
          if (box.checked) state.excluded.delete(key);
          else state.excluded.add(key);
          changed();
        });
        boxes.push(box);
        return h("label", { class: "tbnb-check" }, box, visible(valueLabel(value)));
      });
      const all = h("button", { type: "button", class: "tbnb-hparams-all", "aria-label": `check every value of ${name}` }, "all");
      all.addEventListener("click", () => {
        state.excluded.clear();
        for (const b of boxes) b.checked = true;
        changed();
      });
      return [...items, all];
    }
    if (spec.kind === "range") {
      const bound = (which: "min" | "max") => {
        const input = h("input", { type: "number", step: "any", placeholder: which, "aria-label": `${which === "min" ? "minimum" : "maximum"} of ${name}` });
        const v = state[which];
        input.value = v === null ? "" : String(v);
        input.addEventListener("input", () => {
          const text = input.value.trim();
          const n = text === "" ? null : Number(text);
          state[which] = n === null || Number.isNaN(n) ? null : n;
          changed();
        });
        return input;
      };
      return [h("div", { class: "tbnb-row" }, bound("min"), "\u2013", bound("max"))];
    }
    const field = new FilterField({ placeholder: "regex", "aria-label": `filter ${name} (regex)` }, (pattern) => {
      state.pattern = pattern;
      changed();
    });
    field.show(state.pattern);
    return [field.el];
  }
}

export interface ColumnEvents {
  toggle(col: string, show: boolean): void;
  add(c: ScalarColumn): void;
  remove(col: string): void;
}

/** The column list: a checkbox per column, and the "add column" control for scalar tags. */
export class ColumnChooser {
  readonly el: HTMLElement;
  private list: HTMLElement;
  private tag: HTMLSelectElement;
  private stat: HTMLSelectElement;
  private sig = "";

  constructor(
    private events: ColumnEvents,
    private tags: () => string[],
  ) {
    this.list = h("div", { class: "tbnb-hparams-columns" });
    this.tag = h("select", { "aria-label": "scalar tag of the new column" });
    this.stat = h("select", { "aria-label": "statistic of the new column" });
    for (const s of STATS) this.stat.appendChild(h("option", { value: s }, s));
    const add = h("button", { type: "button", class: "tbnb-hparams-add" }, "add column");
    add.addEventListener("click", () => {
      if (!this.tag.value) return;
      this.events.add({ tag: this.tag.value, stat: this.stat.value as Stat });
    });
    // the tags are listed when the control is used: scalars arrive all the time
    this.tag.addEventListener("focus", () => this.syncTags());
    this.tag.addEventListener("mousedown", () => this.syncTags());
    this.el = h(
      "div",
      { class: "tbnb-hparams-column-panel" },
      this.list,
      h("div", { class: "tbnb-row tbnb-hparams-add-row" }, "Add a scalar column:", this.tag, this.stat, add),
    );
    this.syncTags();
  }

  syncTags(): void {
    const tags = this.tags();
    const current = this.tag.value;
    const now = [...this.tag.options].map((o) => o.value);
    if (now.length === tags.length && now.every((t, i) => t === tags[i])) return;
    this.tag.replaceChildren(...tags.map((t) => h("option", { value: t }, visible(t))));
    if (tags.includes(current)) this.tag.value = current;
  }

  update(columns: readonly Column[], hidden: ReadonlySet<string>): void {
    const sig = columns.map((c) => `${c.id}\u0000${c.label}\u0000${hidden.has(c.id) ? 0 : 1}`).join("\u0001");
    if (sig === this.sig) return;
    this.sig = sig;
    this.list.replaceChildren(
      ...columns.map((col) => {
        const box = h("input", { type: "checkbox" });
        box.checked = !hidden.has(col.id);
        box.addEventListener("change", () => this.events.toggle(col.id, box.checked));
        const label = h("label", { class: "tbnb-check", title: visible(col.id) }, box, visible(col.label));
        label.dataset.col = col.id;
        if (col.kind !== "scalar") return label;
        const remove = h("button", { type: "button", class: "tbnb-hparams-remove", "aria-label": `remove column ${visible(col.label)}` }, "\u00d7");
        remove.addEventListener("click", () => this.events.remove(col.id));
        return h("span", { class: "tbnb-row" }, label, remove);
      }),
    );
  }
}
