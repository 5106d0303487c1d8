// The lines of a chart of many runs, stroked on a canvas laid over plotly's plot area
// (chart.ts, above CANVAS_FROM runs). plotly keeps the axes, the grid, zoom, pan and
// the modebar; it is given one invisible trace spanning the lines, so that its
// autorange is theirs. plotly's SVG costs per trace and per path (its defaults, calc,
// and a styled path a run): a card of 100 runs cost it 35-55 ms, the same lines
// stroked here a few (benchmarks/bench_lines.py). The canvas follows the axes on every
// drawing, zoom and pan; the PNG download composes it with plotly's image.
// strokeGroups and areaOf are pure (node's test runner: line-canvas.test.ts).
import { axisRange, plotAreaOf, type FullLayout, type PlotArea } from "./marker";

/** One run's line: x as numbers (ms on a date axis), y as the chart draws it (symlog applied, not log). */
export interface CanvasLine {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** The lines of one colour and kind, stroked as one path: where its runs cross, the faint lines do not add up. */
export interface LineGroup {
  kind: "raw" | "smoothed";
  color: string;
  width: number;
  opacity: number;
  runs: string[];
  lines: CanvasLine[];
}

/** The plot area in px (in the plot element) and the ranges its axes show, in their linear units. */
export interface LineArea extends PlotArea {
  y0: number;
  y1: number;
  logY: boolean;
}

/** The area and ranges plotly shows now (null before its first drawing). */
export function areaOf(fl: FullLayout | undefined): LineArea | null {
  const a = plotAreaOf(fl);
  const y = axisRange(fl?.yaxis);
  if (!a || !y || a.w <= 0 || a.h <= 0) return null;
  return { ...a, y0: y[0], y1: y[1], logY: fl?.yaxis?.type === "log" };
}

/** What strokeGroups draws with (a CanvasRenderingContext2D, or a recorder in tests). */
export interface Pen {
  globalAlpha: number;
  lineWidth: number;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineJoin: CanvasLineJoin;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
}

/** far enough off the plot to be clipped, near enough for the rasteriser's floats */
const FAR = 1e7;

function clamp(v: number): number {
  return v < -FAR ? -FAR : v > FAR ? FAR : v;
}

/**
 * Strokes `groups` in order over the area `a` (px from the pen's origin at the area's
 * top left, times `scale`). A point that is not finite, or not positive on a log
 * axis, breaks its line there (as plotly's gaps).
 */
export function strokeGroups(pen: Pen, groups: readonly LineGroup[], a: LineArea, scale = 1): void {
  const sx = (a.w * scale) / (a.x1 - a.x0);
  const sy = (a.h * scale) / (a.y1 - a.y0);
  const bottom = a.h * scale;
  pen.lineJoin = "round";
  for (const g of groups) {
    pen.beginPath();
    pen.strokeStyle = g.color;
    pen.globalAlpha = g.opacity;
    pen.lineWidth = g.width * scale;
    for (const line of g.lines) {
      const n = Math.min(line.x.length, line.y.length);
      let down = false;
      for (let i = 0; i < n; i++) {
        const v = line.y[i];
        const ly = a.logY ? (v > 0 ? Math.log10(v) : NaN) : v;
        const px = (line.x[i] - a.x0) * sx;
        const py = bottom - (ly - a.y0) * sy;
        if (!Number.isFinite(px) || !Number.isFinite(py)) {
          down = false;
          continue;
        }
        if (down) pen.lineTo(clamp(px), clamp(py));
        else pen.moveTo(clamp(px), clamp(py));
        down = true;
      }
    }
    pen.stroke();
  }
  pen.globalAlpha = 1;
}

/** The extremes of the groups' points: what plotly's autorange is given (log: positive y only). */
export function extentOf(groups: readonly LineGroup[], logY: boolean): { x: [number, number]; y: [number, number] } | null {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const g of groups) {
    for (const line of g.lines) {
      const n = Math.min(line.x.length, line.y.length);
      for (let i = 0; i < n; i++) {
        const x = line.x[i];
        const y = line.y[i];
        if (!Number.isFinite(x) || !Number.isFinite(y) || (logY && y <= 0)) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x0 <= x1 ? { x: [x0, x1], y: [y0, y1] } : null;
}

/** The canvas of one plot: drawn again whenever plotly's axes move. */
export class LineCanvas {
  readonly el: HTMLCanvasElement;
  private groups: LineGroup[] = [];
  private drawnKey = "";
  private frame = 0;
  private hooked = false;

  constructor(private plot: HTMLElement) {
    this.el = document.createElement("canvas");
    this.el.className = "tbnb-lines";
    this.el.setAttribute("aria-hidden", "true");
    this.el.hidden = true;
  }

  private get fullLayout(): FullLayout | undefined {
    return (this.plot as unknown as { _fullLayout?: FullLayout })._fullLayout;
  }

  /** The groups to draw (none: the canvas hides), painted once plotly has drawn (afterPlot). */
  set(groups: LineGroup[]): void {
    this.groups = groups;
    this.drawnKey = "";
  }

  /** Draws after plotly's drawing, and follows its axes from then on (zoom, pan, resize). */
  afterPlot(): void {
    const p = this.plot as unknown as { on?: (name: string, fn: () => void) => void };
    if (!this.hooked && p.on) {
      this.hooked = true;
      // a pan moves the axes on each mouse move; a zoom box does not until it is let go
      for (const name of ["plotly_relayout", "plotly_relayouting"]) p.on(name, () => this.schedule());
    }
    this.draw();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Beside plotly's `data` on the plot element: the groups the canvas has painted (tests, benchmarks). */
  private painted(groups: LineGroup[]): void {
    (this.plot as unknown as { tbnbLines?: LineGroup[] }).tbnbLines = groups;
  }

  /** Draws the groups over the area plotly shows now (nothing when it shows the same). */
  draw(): void {
    const el = this.el;
    const a = this.groups.length ? areaOf(this.fullLayout) : null;
    if (!a) {
      this.painted([]);
      if (!el.hidden) {
        el.hidden = true;
        el.width = 0;
        el.height = 0;
      }
      this.drawnKey = "";
      return;
    }
    // over plotly's first SVG (grid, axes, its traces), under the one it draws on top
    const paper = this.plot.querySelector(".svg-container > .main-svg");
    if (paper && paper.nextElementSibling !== el) paper.after(el);
    const dpr = window.devicePixelRatio || 1;
    const key = [a.l, a.t, a.w, a.h, a.x0, a.x1, a.y0, a.y1, a.logY, dpr].join("|");
    if (key === this.drawnKey && !el.hidden) return;
    this.drawnKey = key;
    el.hidden = false;
    el.style.left = `${a.l}px`;
    el.style.top = `${a.t}px`;
    el.style.width = `${a.w}px`;
    el.style.height = `${a.h}px`;
    const w = Math.round(a.w * dpr);
    const h = Math.round(a.h * dpr);
    if (el.width !== w || el.height !== h) {
      el.width = w;
      el.height = h;
    }
    const ctx = el.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    strokeGroups(ctx, this.groups, a, dpr);
    this.painted(this.groups);
  }

  /**
   * The plot as a PNG: plotly's image (axes, grid, its traces) with the groups stroked
   * over its plot area, as on screen.
   */
  async png(toImage: (plot: HTMLElement, opts: Record<string, unknown>) => Promise<string>): Promise<Blob> {
    const fl = this.fullLayout;
    const url = await toImage(this.plot, { format: "png", width: fl?.width, height: fl?.height, scale: 1 });
    const img = new Image();
    img.src = url;
    await img.decode();
    const out = document.createElement("canvas");
    out.width = img.naturalWidth;
    out.height = img.naturalHeight;
    const ctx = out.getContext("2d");
    if (!ctx) throw new Error("no 2D canvas in this browser");
    ctx.drawImage(img, 0, 0);
    const a = this.groups.length ? areaOf(fl) : null;
    if (a) {
      ctx.beginPath();
      ctx.rect(a.l, a.t, a.w, a.h);
      ctx.clip();
      ctx.translate(a.l, a.t);
      strokeGroups(ctx, this.groups, a);
    }
    return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error("the PNG could not be made"))), "image/png"));
  }
}
