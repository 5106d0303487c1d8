// The step markers drawn over a scalar chart: a line through the plot at each marked
// step and a handle under it (role slider, "Step marker") that can be dragged, moved
// with the arrow keys (Shift: ten steps; Home, End; Delete removes it), or placed by
// clicking the plot or the rail under it. Drawn as DOM over plotly's plot area, so a
// marker moves without a plotly redraw. Markers are steps; on relative or wall time
// they are drawn where the chart's fullest line reached that step (steps.ts stepAxis).
import { h } from "./dom";
import { moveStep, nearestIndex, STEP_AXIS, type StepAxis } from "./steps";

/** Where plotly put the plot area in its element, and the x range it shows. */
export interface PlotArea {
  l: number;
  t: number;
  w: number;
  h: number;
  x0: number;
  x1: number;
}

/** A plotly full layout's axis, as far as its shown range is read. */
export interface FullAxis {
  range?: unknown[];
  type?: string;
  r2l?: (v: unknown) => number;
}

/** plotly's full layout (`_fullLayout`), as far as the plot area and its axes are read. */
export interface FullLayout {
  _size?: { l: number; t: number; w: number; h: number };
  xaxis?: FullAxis;
  yaxis?: FullAxis;
  width?: number;
  height?: number;
}

/** The range an axis shows, in its linear units (dates as ms, a log axis in powers of ten); null if none. */
export function axisRange(ax: FullAxis | undefined): [number, number] | null {
  if (!ax?.range || ax.range.length < 2) return null;
  const lin = (v: unknown) => (typeof ax.r2l === "function" ? ax.r2l(v) : Number(v));
  const r: [number, number] = [lin(ax.range[0]), lin(ax.range[1])];
  return Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] !== r[1] ? r : null;
}

/** The plot area of a full layout and the x range it shows (null before plotly's first drawing). */
export function plotAreaOf(fl: FullLayout | undefined): PlotArea | null {
  const size = fl?._size;
  const x = axisRange(fl?.xaxis);
  if (!size || !x) return null;
  return { l: size.l, t: size.t, w: size.w, h: size.h, x0: x[0], x1: x[1] };
}

export function plotArea(plot: HTMLElement): PlotArea | null {
  return plotAreaOf((plot as unknown as { _fullLayout?: FullLayout })._fullLayout);
}

export function xToPx(a: PlotArea, x: number): number {
  return a.l + ((x - a.x0) / (a.x1 - a.x0)) * a.w;
}

export function pxToX(a: PlotArea, px: number): number {
  return a.x0 + ((px - a.l) / a.w) * (a.x1 - a.x0);
}

/** A change of the markers: `commit` false while a drag goes on (shown, not saved yet). */
export type MarkersChanged = (markers: number[], commit: boolean) => void;

export class StepMarkers {
  /** over the plot, the size of the plot element */
  readonly overlay: HTMLElement;
  private rail: HTMLElement;
  private lines: HTMLElement[];
  private band: HTMLElement;
  private handles: HTMLElement[];
  private markers: number[] = [];
  private steps: Float64Array = new Float64Array(0);
  private range = false;
  private area: PlotArea | null = null;
  private axis: StepAxis = STEP_AXIS;

  constructor(
    private plot: HTMLElement,
    private changed: MarkersChanged,
  ) {
    this.band = h("div", { class: "tbnb-marker-band" });
    this.lines = [0, 1].map(() => h("div", { class: "tbnb-marker-line" }));
    this.handles = [0, 1].map((i) => {
      const el = h("div", {
        class: "tbnb-marker-handle",
        role: "slider",
        tabindex: "0",
        "aria-label": i === 0 ? "Step marker" : "Step marker, range end",
        "aria-orientation": "horizontal",
      });
      el.dataset.marker = String(i);
      el.addEventListener("keydown", (e) => this.onKey(i, e));
      el.addEventListener("pointerdown", (e) => this.drag(i, e));
      return el;
    });
    this.rail = h("div", { class: "tbnb-step-rail", title: "click to put a step marker here" });
    this.rail.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      this.placeAt(e.clientX, true);
    });
    this.overlay = h("div", { class: "tbnb-overlay" }, this.band, ...this.lines, this.rail, ...this.handles);
    // a click on the plot (not a zoom drag): plotly covers the page while a button is down
    plot.addEventListener(
      "mousedown",
      (e) => {
        if (e.button !== 0 || !(e.target as Element).closest?.(".nsewdrag")) return;
        const x0 = e.clientX;
        const y0 = e.clientY;
        const up = (u: MouseEvent) => {
          window.removeEventListener("mouseup", up, true);
          if (Math.abs(u.clientX - x0) < 4 && Math.abs(u.clientY - y0) < 4) this.placeAt(u.clientX, true);
        };
        window.addEventListener("mouseup", up, true);
      },
      true,
    );
  }

  /** The markers to draw, the steps they move over, whether two make a range, and where steps are on x. */
  set(markers: readonly number[], steps: Float64Array, range: boolean, axis: StepAxis): void {
    this.markers = markers.slice(0, range ? 2 : 1);
    this.steps = steps;
    this.range = range;
    this.axis = axis;
    this.layout();
  }

  /** Puts the lines and handles where the plot's axis says (after a draw or a zoom). */
  layout(): void {
    this.area = plotArea(this.plot);
    const a = this.area;
    this.overlay.hidden = !a;
    if (!a) return;
    this.rail.style.cssText = `left:${a.l}px;top:${a.t + a.h}px;width:${a.w}px`;
    const last = this.steps.length ? this.steps[this.steps.length - 1] : NaN;
    const first = this.steps.length ? this.steps[0] : NaN;
    const wanted = this.range ? 2 : 1;
    const px: number[] = [];
    for (let i = 0; i < 2; i++) {
      const handle = this.handles[i];
      const line = this.lines[i];
      const step = this.markers[i];
      const on = i < wanted;
      handle.hidden = !on;
      const has = step !== undefined;
      line.hidden = !has || !on;
      if (!on) continue;
      // with no marker the first handle waits at the newest step: a key press places it
      const at = has ? step : last;
      const atX = Number.isFinite(at) ? this.axis.toX(at) : NaN;
      const x = Number.isFinite(atX) ? Math.max(a.l, Math.min(a.l + a.w, xToPx(a, atX))) : a.l + a.w;
      px.push(x);
      handle.classList.toggle("tbnb-marker-unset", !has);
      handle.style.left = `${x}px`;
      handle.style.top = `${a.t + a.h}px`;
      line.style.cssText = `left:${x}px;top:${a.t}px;height:${a.h}px`;
      handle.setAttribute("aria-valuemin", String(first));
      handle.setAttribute("aria-valuemax", String(last));
      if (has) {
        handle.setAttribute("aria-valuenow", String(step));
        handle.setAttribute("aria-valuetext", `step ${step}`);
        handle.dataset.step = String(step);
      } else {
        handle.removeAttribute("aria-valuenow");
        handle.setAttribute("aria-valuetext", "no step marked: press an arrow key to place it");
        delete handle.dataset.step;
      }
      if (has) line.dataset.step = String(step);
    }
    const ranged = this.range && this.markers.length === 2;
    this.band.hidden = !ranged;
    if (ranged) this.band.style.cssText = `left:${Math.min(px[0], px[1])}px;top:${a.t}px;width:${Math.abs(px[1] - px[0])}px;height:${a.h}px`;
  }

  /** The held step nearest a point of the page (clientX), or NaN. */
  private stepAt(clientX: number): number {
    const a = this.area ?? plotArea(this.plot);
    if (!a || !this.steps.length) return NaN;
    const box = this.plot.getBoundingClientRect();
    const step = this.axis.toStep(pxToX(a, clientX - box.left));
    return this.steps[nearestIndex(this.steps, this.steps.length, step)];
  }

  /** A click: the marker goes there (in a range, the nearer end moves). */
  private placeAt(clientX: number, commit: boolean): void {
    const step = this.stepAt(clientX);
    if (!Number.isFinite(step)) return;
    const m = this.markers;
    let next: number[];
    if (!this.range) next = [step];
    else if (m.length < 2) next = m.length ? [m[0], step] : [step, this.steps[this.steps.length - 1]];
    else next = Math.abs(step - m[0]) <= Math.abs(step - m[1]) ? [step, m[1]] : [m[0], step];
    this.changed(next, commit);
  }

  private with(i: number, step: number): number[] {
    const next = this.markers.slice();
    if (!this.range) return [step];
    if (next.length < 2) return i === 0 ? [step, next[1] ?? this.steps[this.steps.length - 1]] : [next[0] ?? this.steps[0], step];
    next[i] = step;
    return next;
  }

  private onKey(i: number, e: KeyboardEvent): void {
    if (!this.steps.length) return;
    const current = this.markers[i];
    const base = current ?? this.steps[this.steps.length - 1];
    let step: number;
    switch (e.key) {
      case "ArrowLeft":
      case "ArrowDown":
        step = current === undefined ? base : moveStep(this.steps, base, e.shiftKey ? -10 : -1);
        break;
      case "ArrowRight":
      case "ArrowUp":
        step = current === undefined ? base : moveStep(this.steps, base, e.shiftKey ? 10 : 1);
        break;
      case "PageDown":
        step = moveStep(this.steps, base, -10);
        break;
      case "PageUp":
        step = moveStep(this.steps, base, 10);
        break;
      case "Home":
        step = this.steps[0];
        break;
      case "End":
        step = this.steps[this.steps.length - 1];
        break;
      case "Enter":
        step = base;
        break;
      case "Delete":
      case "Backspace":
      case "Escape":
        if (!this.markers.length) return;
        e.preventDefault();
        this.changed([], true);
        return;
      default:
        return;
    }
    e.preventDefault();
    this.changed(this.with(i, step), true);
  }

  private drag(i: number, e: PointerEvent): void {
    if (e.button !== 0) return;
    e.preventDefault();
    const handle = this.handles[i];
    handle.focus();
    handle.setPointerCapture(e.pointerId);
    let last = NaN;
    const move = (m: PointerEvent) => {
      const step = this.stepAt(m.clientX);
      if (!Number.isFinite(step) || step === last) return;
      last = step;
      this.changed(this.with(i, step), false);
    };
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      handle.removeEventListener("pointercancel", up);
      this.changed(this.markers.slice(), true);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    handle.addEventListener("pointercancel", up);
  }
}
