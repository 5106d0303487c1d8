// The data table under a scalar card: a row per visible run at the step marker, or
// over the range between two markers (steps.ts computes the rows). Columns can be
// shown or hidden and the rows sorted by any column; that state is the board's
// synced trait data_table, shared by every card. Built from text nodes only (run
// names are untrusted); each cell keeps its exact number in data-value for tests.
import { h } from "./dom";
import { visible } from "./names";
import { formatCell, RANGE_COLUMNS, sortRows, STEP_COLUMNS, type Column, type Row } from "./steps";
import type { DataTableState } from "./settings";

interface RowEls {
  tr: HTMLTableRowElement;
  swatch: HTMLElement;
  name: HTMLElement;
  cells: Map<string, HTMLTableCellElement>;
}

export class DataTable {
  readonly el: HTMLElement;
  private head: HTMLTableRowElement;
  private body: HTMLTableSectionElement;
  private chooser: HTMLElement;
  private caption: HTMLElement;
  private shape = "";
  private rowsShape = "";
  private rowEls = new Map<string, RowEls>();

  constructor(private onState: (state: DataTableState) => void) {
    this.head = h("tr");
    this.body = h("tbody");
    this.caption = h("div", { class: "tbnb-table-caption" });
    this.chooser = h("div", { class: "tbnb-table-columns-list" });
    const columns = h("details", { class: "tbnb-table-columns" }, h("summary", { "aria-label": "Table columns" }, "Columns"), this.chooser);
    this.el = h(
      "div",
      { class: "tbnb-data-table" },
      h("div", { class: "tbnb-table-bar" }, this.caption, columns),
      h("table", {}, h("thead", {}, this.head), this.body),
    );
    this.el.hidden = true;
  }

  /** Shows `rows` (null: no marker, the table hides). `range`: the rows are a range's. */
  show(rows: Row[] | null, range: [number, number] | null, state: DataTableState): void {
    if (!rows) {
      this.el.hidden = true;
      return;
    }
    this.el.hidden = false;
    const columns = range ? RANGE_COLUMNS : STEP_COLUMNS;
    const hidden = new Set(state.hidden ?? []);
    const shown = columns.filter((c) => c.key === "run" || !hidden.has(c.key));
    const sort = state.sort ?? "";
    const descending = state.descending === true;
    this.el.dataset.mode = range ? "range" : "step";
    this.caption.textContent = range ? `steps ${formatCell(range[0], "step")} to ${formatCell(range[1], "step")}` : "";
    const shape = `${range ? "r" : "s"}|${shown.map((c) => c.key).join(",")}|${sort}|${descending}`;
    if (shape !== this.shape) {
      this.shape = shape;
      this.drawHead(columns, shown, hidden, sort, descending, state);
    }
    sortRows(rows, sort, descending);
    // rows are kept per run and their cells' text updated: a marker moved over a board
    // of 100 runs changes text, not the table's structure
    if (shape !== this.rowsShape) {
      this.rowsShape = shape;
      this.rowEls.clear();
      this.body.replaceChildren();
    }
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      seen.add(r.run);
      let row = this.rowEls.get(r.run);
      if (!row) {
        row = this.makeRow(r, shown);
        this.rowEls.set(r.run, row);
      }
      row.swatch.style.background = r.color;
      if (row.name.textContent !== r.name) row.name.textContent = r.name;
      for (const c of shown) {
        if (c.kind === "run") continue;
        const td = row.cells.get(c.key)!;
        const v = r.values[c.key];
        const text = formatCell(v, c.kind);
        if (td.textContent !== text) td.textContent = text;
        td.dataset.value = String(v);
      }
      if (this.body.children[i] !== row.tr) this.body.insertBefore(row.tr, this.body.children[i] ?? null);
    });
    for (const [run, row] of this.rowEls) {
      if (seen.has(run)) continue;
      row.tr.remove();
      this.rowEls.delete(run);
    }
  }

  private makeRow(r: Row, shown: Column[]): RowEls {
    const tr = h("tr");
    tr.dataset.run = r.run;
    const swatch = h("span", { class: "tbnb-swatch" });
    const name = h("span", {});
    const cells = new Map<string, HTMLTableCellElement>();
    for (const c of shown) {
      if (c.kind === "run") {
        const td = h("td", { class: "tbnb-cell-run", title: visible(r.run) }, swatch, name);
        td.dataset.col = "run";
        tr.appendChild(td);
        continue;
      }
      const td = h("td");
      td.dataset.col = c.key;
      cells.set(c.key, td);
      tr.appendChild(td);
    }
    return { tr, swatch, name, cells };
  }

  private drawHead(columns: readonly Column[], shown: Column[], hidden: Set<string>, sort: string, descending: boolean, state: DataTableState): void {
    const ths = shown.map((c) => {
      const on = sort === c.key;
      const button = h("button", { type: "button", class: "tbnb-sort", "aria-label": `Sort by ${c.label}` }, c.label, on ? (descending ? " ▼" : " ▲") : "");
      button.addEventListener("click", () => this.onState({ ...state, sort: c.key, descending: on ? !descending : false }));
      const th = h("th", { "aria-sort": on ? (descending ? "descending" : "ascending") : "none" }, button);
      th.dataset.col = c.key;
      return th;
    });
    this.head.replaceChildren(...ths);
    const boxes = columns
      .filter((c) => c.key !== "run")
      .map((c) => {
        const box = h("input", { type: "checkbox", "aria-label": `Show column ${c.label}` });
        box.checked = !hidden.has(c.key);
        box.dataset.col = c.key;
        box.addEventListener("change", () => {
          const next = new Set(state.hidden ?? []);
          if (box.checked) next.delete(c.key);
          else next.add(c.key);
          this.onState({ ...state, hidden: [...next] });
        });
        return h("label", { class: "tbnb-check" }, box, c.label);
      });
    this.chooser.replaceChildren(...boxes);
  }
}
