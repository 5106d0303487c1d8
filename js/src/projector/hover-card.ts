// The card shown next to the point under the pointer: its thumbnail, label and
// metadata, kept inside the plot area.
import { h } from "../dom";
import { metaRows, type PointText } from "./side-panel";

/** thumbnails in the hover card, CSS pixels */
const CARD_THUMB = 96;

export class HoverCard {
  readonly el: HTMLElement;
  private canvas: HTMLCanvasElement;
  private title: HTMLElement;
  private meta: HTMLElement;

  constructor() {
    this.canvas = h("canvas", { class: "tbnb-pj-thumb" });
    this.title = h("div", { class: "tbnb-pj-card-title" });
    this.meta = h("div", { class: "tbnb-pj-card-meta" });
    this.el = h("div", { class: "tbnb-pj-card" }, this.canvas, h("div", { class: "tbnb-pj-card-text" }, this.title, this.meta));
    this.el.hidden = true;
  }

  /** Shows point i near the pointer (clientX, clientY), inside `stage`. */
  show(i: number, text: PointText, clientX: number, clientY: number, stage: HTMLElement): void {
    this.title.textContent = text.label(i);
    this.title.style.borderLeftColor = text.color(i);
    this.meta.replaceChildren(...metaRows(text.meta(i, 6), i));
    this.canvas.hidden = !(text.sprite && text.sprite.draw(this.canvas, i, CARD_THUMB));
    this.el.dataset.index = String(i);
    this.el.hidden = false;
    const box = stage.getBoundingClientRect();
    const cw = this.el.offsetWidth;
    const ch = this.el.offsetHeight;
    let x = clientX - box.left + 14;
    let y = clientY - box.top + 14;
    if (x + cw > box.width) x = Math.max(0, clientX - box.left - cw - 14);
    if (y + ch > box.height) y = Math.max(0, box.height - ch - 4);
    this.el.style.left = `${x}px`;
    this.el.style.top = `${y}px`;
  }

  hide(): void {
    this.el.hidden = true;
    delete this.el.dataset.index;
  }
}
