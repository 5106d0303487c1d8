// Pan and zoom of the graph's svg: wheel (and a trackpad's pinch, which the browser
// sends as a wheel with ctrlKey) zooms around the pointer, a drag pans, two touching
// fingers pinch. The transform is applied to one g; nothing is laid out again.
import type { Point } from "./layout";

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 4;

export class Viewport {
  x = 0;
  y = 0;
  k = 1;
  private pointers = new Map<number, Point>();
  private pinch: { d: number; k: number } | null = null;
  private drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | null = null;
  private cleanups: (() => void)[] = [];

  constructor(
    private svg: SVGSVGElement,
    private target: SVGGElement,
  ) {
    const on = <K extends keyof SVGElementEventMap>(type: K, fn: (e: SVGElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      svg.addEventListener(type, fn as EventListener, opts);
      this.cleanups.push(() => svg.removeEventListener(type, fn as EventListener, opts));
    };
    on(
      "wheel",
      (e) => {
        e.preventDefault();
        const scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
        const f = Math.exp(-e.deltaY * scale * (e.ctrlKey ? 0.01 : 0.0015));
        this.zoomAt(this.local(e), this.k * f);
      },
      { passive: false },
    );
    on("pointerdown", (e) => {
      if (e.button !== 0) return;
      this.pointers.set(e.pointerId, this.local(e));
      if (this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        this.pinch = { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, k: this.k };
        this.drag = null;
      } else if (this.pointers.size === 1) {
        this.drag = { x: e.clientX, y: e.clientY, tx: this.x, ty: this.y, moved: false };
      }
    });
    on("pointermove", (e) => {
      if (!this.pointers.has(e.pointerId)) return;
      this.pointers.set(e.pointerId, this.local(e));
      if (this.pinch && this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        const d = Math.hypot(a.x - b.x, a.y - b.y);
        this.zoomAt({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, (this.pinch.k * d) / this.pinch.d);
        return;
      }
      const drag = this.drag;
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        // the click after a drag lands on the svg, not on the node it started on
        svg.setPointerCapture(e.pointerId);
        svg.classList.add("tbnb-gpanning");
      }
      this.set(drag.tx + dx, drag.ty + dy, this.k);
    });
    const end = (e: PointerEvent) => {
      this.pointers.delete(e.pointerId);
      if (this.pointers.size < 2) this.pinch = null;
      if (this.pointers.size === 0) {
        this.drag = null;
        svg.classList.remove("tbnb-gpanning");
      }
    };
    on("pointerup", end);
    on("pointercancel", end);
  }

  /** A pointer event's position in the svg's own pixels. */
  private local(e: { clientX: number; clientY: number }): Point {
    const r = this.svg.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  get width(): number {
    return this.svg.clientWidth;
  }

  get height(): number {
    return this.svg.clientHeight;
  }

  set(x: number, y: number, k: number): void {
    this.x = x;
    this.y = y;
    this.k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
    this.target.setAttribute("transform", `translate(${this.x.toFixed(2)},${this.y.toFixed(2)}) scale(${this.k.toFixed(4)})`);
  }

  /** Zooms to `k` keeping the graph point under `p` (svg pixels) where it is. */
  zoomAt(p: Point, k: number): void {
    const nk = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
    const gx = (p.x - this.x) / this.k;
    const gy = (p.y - this.y) / this.k;
    this.set(p.x - gx * nk, p.y - gy * nk, nk);
  }

  /** Zooms by `f` around the middle of the view. */
  zoomBy(f: number): void {
    this.zoomAt({ x: this.width / 2, y: this.height / 2 }, this.k * f);
  }

  panBy(dx: number, dy: number): void {
    this.set(this.x + dx, this.y + dy, this.k);
  }

  /** Shows the rectangle (graph coordinates) whole, centered, no larger than `maxK`. */
  fit(x: number, y: number, w: number, h: number, maxK = 1): void {
    const W = this.width;
    const H = this.height;
    if (W <= 0 || H <= 0) return;
    const margin = 24;
    const k = Math.min(maxK, (W - 2 * margin) / Math.max(w, 1), (H - 2 * margin) / Math.max(h, 1));
    const nk = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
    this.set(W / 2 - (x + w / 2) * nk, H / 2 - (y + h / 2) * nk, nk);
  }

  /** Puts the graph point `p` at the middle of the view. */
  center(p: Point): void {
    this.set(this.width / 2 - p.x * this.k, this.height / 2 - p.y * this.k, this.k);
  }

  /** Where a graph point is on screen (svg pixels), and back. */
  toScreen(p: Point): Point {
    return { x: this.x + p.x * this.k, y: this.y + p.y * this.k };
  }

  destroy(): void {
    for (const fn of this.cleanups) fn();
  }
}
