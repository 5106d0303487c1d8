// Long lists with only the rows near the view in the DOM (issue 18: 2,000 runs). The
// arithmetic is pure (tested with node); VirtualList keeps a scroll box whose height is
// the whole list's, with the rows of the window placed in it, and moves the focus
// between rows with the arrow keys, Page Up/Down, Home and End, rendering the row it
// lands on, so the keyboard reaches every row although most are not in the DOM.
import { h } from "./dom";

/** The rows [first, last) to have in the DOM: those `top`..`top + height` px show, and `overscan` more each side. */
export function windowOf(count: number, rowHeight: number, top: number, height: number, overscan: number): { first: number; last: number } {
  if (count <= 0 || rowHeight <= 0) return { first: 0, last: 0 };
  const first = Math.max(0, Math.min(count, Math.floor(Math.max(0, top) / rowHeight) - overscan));
  const last = Math.max(first, Math.min(count, Math.ceil((Math.max(0, top) + Math.max(0, height)) / rowHeight) + overscan));
  return { first, last };
}

/** The row a key moves the focus to from row `index` of `count` (`page` rows a page), or null for other keys. */
export function keyTarget(key: string, index: number, count: number, page: number): number | null {
  const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: Math.max(1, page), PageUp: -Math.max(1, page) };
  let to: number;
  if (key in step) to = index + step[key];
  else if (key === "Home") to = 0;
  else if (key === "End") to = count - 1;
  else return null;
  return count ? Math.max(0, Math.min(count - 1, to)) : null;
}

/** The scrollTop that shows row `index` whole, scrolling as little as possible from `top`. */
export function scrollToShow(index: number, rowHeight: number, top: number, height: number): number {
  const y = index * rowHeight;
  if (y < top) return y;
  if (y + rowHeight > top + height) return Math.max(0, y + rowHeight - height);
  return top;
}

const GAP = 8; // style.css .tbnb-grid
const CARD_WIDTH = 360; // style.css --tbnb-card-width

/** The columns of a grid of cards `width` px wide (style.css .tbnb-grid: auto-fill). */
export function gridColumns(width: number, cardWidth: number): number {
  const w = cardWidth > 0 ? cardWidth : CARD_WIDTH;
  return Math.max(1, Math.floor((width + GAP) / (w + GAP)));
}

/** The height of a section of `shown` cards in `cols` columns, with its title (an estimate). */
export function sectionHeight(shown: number, cols: number, slotHeight: number): number {
  const rows = Math.ceil(shown / Math.max(1, cols));
  return 30 + rows * slotHeight + Math.max(0, rows - 1) * GAP;
}

const OVERSCAN = 8;

/**
 * A scrolling list of `items` drawn by `make` (called when a row enters the window; its
 * element is dropped when it leaves). Rows are `rowHeight` px high. `set(items)` replaces
 * the list (a filter), keeping the rows still shown.
 */
export class VirtualList<T> {
  readonly el: HTMLElement;
  private inner: HTMLElement;
  private items: T[] = [];
  private shown = new Map<T, HTMLElement>();

  constructor(
    attrs: Record<string, string>,
    private rowHeight: number,
    private make: (item: T, index: number) => HTMLElement,
  ) {
    this.inner = h("div", { class: "tbnb-vlist-inner", role: "list" });
    this.el = h("div", { ...attrs, tabindex: "0" }, this.inner);
    this.el.classList.add("tbnb-vlist");
    this.el.addEventListener("scroll", () => this.render());
    this.el.addEventListener("keydown", (e) => this.onKey(e));
    // the box may be laid out after the rows were set (a tab shown later)
    if (typeof ResizeObserver === "function") new ResizeObserver(() => this.render()).observe(this.el);
  }

  get length(): number {
    return this.items.length;
  }

  /** The elements in the DOM now, by item. */
  rows(): ReadonlyMap<T, HTMLElement> {
    return this.shown;
  }

  set(items: T[]): void {
    this.items = items;
    this.inner.style.height = `${items.length * this.rowHeight}px`;
    this.render();
  }

  /** Scrolls row `index` into view and renders it; returns its element. */
  reveal(index: number): HTMLElement | undefined {
    this.el.scrollTop = scrollToShow(index, this.rowHeight, this.el.scrollTop, this.el.clientHeight);
    this.render();
    return this.shown.get(this.items[index]);
  }

  render(): void {
    const { first, last } = windowOf(this.items.length, this.rowHeight, this.el.scrollTop, this.el.clientHeight || this.rowHeight * 20, OVERSCAN);
    const want = new Set(this.items.slice(first, last));
    for (const [item, row] of this.shown) {
      if (want.has(item)) continue;
      // a focused row stays while out of the window, so the focus is not lost
      if (row.contains(document.activeElement) && this.items.includes(item)) continue;
      row.remove();
      this.shown.delete(item);
    }
    for (let i = first; i < last; i++) {
      const item = this.items[i];
      let row = this.shown.get(item);
      if (!row) {
        row = this.make(item, i);
        row.setAttribute("role", "listitem");
        this.shown.set(item, row);
        this.inner.appendChild(row);
      }
      row.style.top = `${i * this.rowHeight}px`;
      row.setAttribute("aria-posinset", String(i + 1));
      row.setAttribute("aria-setsize", String(this.items.length));
    }
  }

  /** Arrow keys, Page Up/Down, Home and End on a row move to the same control of another row. */
  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    const entry = [...this.shown].find(([, row]) => row.contains(target));
    if (!entry || target === entry[1]) return;
    const index = this.items.indexOf(entry[0]);
    const to = keyTarget(e.key, index, this.items.length, Math.floor(this.el.clientHeight / this.rowHeight) - 1);
    if (to === null || to === index || index < 0) return;
    e.preventDefault();
    const controls = [...entry[1].querySelectorAll<HTMLElement>("input, button")];
    const which = Math.max(0, controls.indexOf(target));
    const row = this.reveal(to);
    row?.querySelectorAll<HTMLElement>("input, button")[which]?.focus();
    this.render();
  }
}
