// The sessions table of the HParams tab: one row per session, kept across updates
// (a sort reorders the rows, a filter hides them, a live session updates its own
// cells), so a filter or a brush over 1,000 rows touches no cell. Every text is a
// text node; a header is a sort button; rows are selected by click or keyboard.
import { h } from "../dom";
import { visible } from "../names";
import type { Session } from "../store";
import { formatCell, type Cell, type Column, type SortKey } from "./model";

export interface RowData {
  session: Session;
  cells: Map<string, Cell>; // column id -> value, for every column
}

export interface TableEvents {
  sort(col: string): void;
  select(run: string): void;
  showRun(session: Session, show: boolean): void;
  /** a notes marker got hover or focus (null: it lost them) */
  note(marker: HTMLElement | null, text: string): void;
}

interface RowEl {
  tr: HTMLTableRowElement;
  box: HTMLInputElement;
  name: HTMLElement;
  marker: HTMLElement;
  cells: Map<string, HTMLTableCellElement>;
  data: RowData;
}

const NUMERIC = new Set(["start", "hparam", "metric", "scalar"]);

export class SessionTable {
  readonly el: HTMLTableElement;
  private head: HTMLTableRowElement;
  private body: HTMLTableSectionElement;
  private rows = new Map<string, RowEl>();
  private columns: Column[] = [];
  private order: string[] = [];
  private selected: string | null = null;
  private focusRun: string | null = null;

  constructor(private events: TableEvents) {
    this.head = h("tr");
    this.body = h("tbody");
    this.el = h("table", { class: "tbnb-hparams-table" }, h("thead", {}, this.head), this.body);
    this.body.addEventListener("click", (e) => {
      const target = e.target as HTMLElement;
      if (target.closest("input, .tbnb-hparams-note")) return;
      const tr = target.closest("tr");
      if (tr?.dataset.run !== undefined) this.events.select(tr.dataset.run);
    });
    this.body.addEventListener("change", (e) => {
      const box = e.target as HTMLInputElement;
      const run = box.closest("tr")?.dataset.run;
      const row = run === undefined ? undefined : this.rows.get(run);
      if (row && box === row.box) this.events.showRun(row.data.session, box.checked);
    });
    this.body.addEventListener("keydown", (e) => this.onKey(e));
    const onNote = (e: Event, on: boolean) => {
      const marker = (e.target as HTMLElement).closest?.(".tbnb-hparams-note") as HTMLElement | null;
      if (marker) this.events.note(on ? marker : null, marker.dataset.notes ?? "");
    };
    this.body.addEventListener("mouseover", (e) => onNote(e, true));
    this.body.addEventListener("mouseout", (e) => onNote(e, false));
    this.body.addEventListener("focusin", (e) => onNote(e, true));
    this.body.addEventListener("focusout", (e) => onNote(e, false));
  }

  /** The visible columns, in order: the header is rebuilt and every row's cells laid out again. */
  setColumns(columns: Column[], sort: SortKey | null): void {
    this.columns = columns;
    this.head.replaceChildren(h("th", { class: "tbnb-hparams-show", scope: "col", title: "show the session's runs on every tab" }, "Show"));
    for (const col of columns) {
      const arrow = h("span", { class: "tbnb-hparams-arrow", "aria-hidden": "true" });
      const button = h("button", { type: "button", "aria-label": `sort by ${visible(col.label)}` }, visible(col.label), arrow);
      button.addEventListener("click", () => this.events.sort(col.id));
      const th = h("th", { scope: "col", "aria-sort": "none" }, button);
      th.dataset.col = col.id;
      th.title = visible(col.description ? `${col.label}: ${col.description}` : col.id);
      if (NUMERIC.has(col.kind)) th.classList.add("tbnb-num");
      this.head.appendChild(th);
    }
    this.setSort(sort);
    for (const row of this.rows.values()) this.layout(row);
  }

  setSort(sort: SortKey | null): void {
    for (const th of this.head.querySelectorAll<HTMLElement>("th[data-col]")) {
      const on = sort !== null && th.dataset.col === sort.col;
      th.setAttribute("aria-sort", on ? sort.dir : "none");
      const arrow = th.querySelector(".tbnb-hparams-arrow");
      if (arrow) arrow.textContent = on ? (sort.dir === "ascending" ? " \u25b2" : " \u25bc") : "";
    }
  }

  /** Adds the session's row or updates the cells whose text changed. */
  upsert(data: RowData): void {
    let row = this.rows.get(data.session.run);
    if (!row) {
      const box = h("input", { type: "checkbox" });
      const name = h("span", { class: "tbnb-hparams-name" });
      // the marker's "!" is drawn by CSS: the cell's text stays the session's name
      const marker = h("span", { class: "tbnb-hparams-note", tabindex: "0", role: "img" });
      const tr = h("tr", { tabindex: "-1", "aria-selected": "false" });
      tr.dataset.run = data.session.run;
      row = { tr, box, name, marker, cells: new Map(), data };
      this.rows.set(data.session.run, row);
      this.body.appendChild(tr);
    }
    const shown = visible(data.session.name);
    row.box.setAttribute("aria-label", `show run ${shown} on every tab`);
    if (row.name.textContent !== shown) row.name.textContent = shown;
    row.tr.title = visible(data.session.run);
    const notes = data.session.notes.join("\n");
    row.marker.hidden = notes === "";
    row.marker.dataset.notes = notes;
    row.marker.setAttribute("aria-label", `notes: ${data.session.notes.map(visible).join("; ")}`);
    row.data = data;
    this.layout(row);
  }

  remove(run: string): void {
    const row = this.rows.get(run);
    if (!row) return;
    row.tr.remove();
    this.rows.delete(run);
    this.order = this.order.filter((r) => r !== run);
  }

  /** The row's cells for the visible columns, in order, with their texts. */
  private layout(row: RowEl): void {
    const wanted: HTMLTableCellElement[] = [];
    let first = row.tr.firstElementChild as HTMLTableCellElement | null;
    if (!first || !first.classList.contains("tbnb-hparams-show")) {
      first = h("td", { class: "tbnb-hparams-show" }, row.box);
      row.tr.insertBefore(first, row.tr.firstChild);
    }
    wanted.push(first);
    for (const col of this.columns) {
      let td = row.cells.get(col.id);
      if (!td) {
        td = h("td");
        td.dataset.col = col.id;
        if (NUMERIC.has(col.kind)) td.className = "tbnb-num";
        if (col.kind === "name") td.append(row.name, row.marker);
        row.cells.set(col.id, td);
      }
      if (col.kind !== "name") {
        const c = row.data.cells.get(col.id) ?? null;
        const text = visible(formatCell(c, col.kind));
        if (td.textContent !== text) td.textContent = text;
        td.classList.toggle("tbnb-hparams-nan", typeof c === "number" && Number.isNaN(c));
      }
      wanted.push(td);
    }
    const kids = row.tr.children;
    let same = kids.length === wanted.length;
    for (let i = 0; same && i < wanted.length; i++) same = kids[i] === wanted[i];
    if (!same) row.tr.replaceChildren(...wanted);
  }

  /**
   * Shows the first `limit` rows of `runs`, in that order; the others are taken out of
   * the table (kept, with their cells, for when they show again): the page lays out at
   * most `limit` rows whatever the sweep's size. Rows move only where the order differs
   * (a session arriving in a sorted table moves one row).
   */
  arrange(runs: readonly string[], limit = Infinity): void {
    const shown = runs.length > limit ? runs.slice(0, limit) : runs;
    const keep = new Set(shown);
    for (const [run, row] of this.rows) if (!keep.has(run) && row.tr.parentNode) row.tr.remove();
    const changed = shown.length !== this.order.length || shown.some((r, i) => r !== this.order[i]);
    if (changed) {
      const kids = this.body.children;
      let i = 0;
      for (const run of shown) {
        const row = this.rows.get(run);
        if (!row) continue;
        if (kids[i] !== row.tr) this.body.insertBefore(row.tr, kids[i] ?? null);
        i++;
      }
      this.order = shown.slice();
    }
    this.roving();
  }

  setSelected(run: string | null): void {
    if (this.selected !== null) this.rows.get(this.selected)?.tr.setAttribute("aria-selected", "false");
    this.selected = run;
    if (run !== null) this.rows.get(run)?.tr.setAttribute("aria-selected", "true");
    this.focusRun = run;
    this.roving();
  }

  /** The row checkboxes, from hidden_runs: checked when the session's run and parent both show. */
  syncShown(shows: (s: Session) => boolean): void {
    for (const row of this.rows.values()) {
      const on = shows(row.data.session);
      if (row.box.checked !== on) row.box.checked = on;
    }
  }

  /** One row is in the tab order (the selected one, else the first shown); arrows move between rows. */
  private roving(): void {
    const target = this.focusRun !== null && this.order.includes(this.focusRun) ? this.focusRun : (this.order[0] ?? null);
    for (const [run, row] of this.rows) {
      const t = run === target ? "0" : "-1";
      if (row.tr.getAttribute("tabindex") !== t) row.tr.setAttribute("tabindex", t);
    }
  }

  private onKey(e: KeyboardEvent): void {
    const tr = (e.target as HTMLElement).closest("tr");
    if (!tr || e.target !== tr || tr.dataset.run === undefined) return;
    const i = this.order.indexOf(tr.dataset.run);
    let next: string | undefined;
    if (e.key === "ArrowDown") next = this.order[i + 1];
    else if (e.key === "ArrowUp") next = this.order[i - 1];
    else if (e.key === "Home") next = this.order[0];
    else if (e.key === "End") next = this.order[this.order.length - 1];
    else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.events.select(tr.dataset.run);
      return;
    } else return;
    e.preventDefault();
    if (next === undefined) return;
    this.focusRun = next;
    this.roving();
    this.rows.get(next)?.tr.focus();
  }

  destroy(): void {
    this.rows.clear();
  }
}
