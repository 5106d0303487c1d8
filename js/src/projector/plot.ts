// The projector's points as one plotly trace: scatter3d in 3D, scattergl in 2D.
//
// Contract for tests and tools: the plot div (.tbnb-pj-plot, a .js-plotly-plot once
// drawn) holds one trace with meta {kind: "points", method, dims}; marker.color holds
// each drawn point's colour as channels [r, g, b, a] in [0, 1] (shared arrays, see
// data.ts). Positions are typed arrays; a t-SNE frame replaces x/y/z with
// Plotly.restyle on the same div, colours and sizes likewise, so the camera and the
// zoom stay where the person left them.
import Plotly from "../plotly-gl";
import type { Channels } from "./data";
import { markerSymbol, pointSize } from "../markers";

export { markerSymbol, pointSize, SQUARE_ABOVE } from "../markers";

export interface Points {
  method: string;
  dims: 2 | 3;
  x: Float32Array;
  y: Float32Array;
  z: Float32Array | null;
  titles: string[]; // axis titles
  /** a new key resets the camera / zoom; the same key keeps what the person set */
  key: string;
}

export interface Style {
  color: Channels[];
  size: number | Float32Array;
}

export interface PlotEvents {
  hover: (row: number, clientX: number, clientY: number) => void;
  unhover: () => void;
  click: (row: number) => void;
}

interface PlotlyDiv extends HTMLDivElement {
  on(event: string, fn: (data: unknown) => void): void;
  _ev?: { listeners(event: string): unknown[] };
}

interface PointEvent {
  points?: { pointNumber?: number; pointIndex?: number; curveNumber?: number }[];
  event?: MouseEvent;
}

/** The drawn row of the point a plotly event is about (-1: none of ours). */
function rowOf(data: unknown): number {
  const pt = (data as PointEvent)?.points?.[0];
  if (!pt || (pt.curveNumber ?? 0) !== 0) return -1;
  const i = pt.pointNumber ?? pt.pointIndex;
  return typeof i === "number" ? i : -1;
}

const CAMERA = { eye: { x: 1.5, y: 1.5, z: 1.1 }, up: { x: 0, y: 0, z: 1 }, center: { x: 0, y: 0, z: 0 } };


function axis3d(title: string, color: string): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 11 } },
    showspikes: false,
    zeroline: false,
    gridcolor: "rgba(128,128,128,0.25)",
    color,
    tickfont: { size: 9 },
  };
}

export class PointsPlot {
  readonly el: HTMLDivElement;
  private drawn: Points | null = null;
  private style: Style | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingFrame: Points | null = null;
  private frameScheduled = 0;
  private resize: ResizeObserver | null = null;
  private mouse = { x: 0, y: 0 };
  private destroyed = false;
  /** called once a frame or a full draw is on the screen */
  onDrawn: (p: Points) => void = () => {};

  constructor(private events: PlotEvents) {
    this.el = document.createElement("div");
    this.el.className = "tbnb-pj-plot";
    // the last pointer position: 3D hover events do not carry the mouse event
    this.el.addEventListener("mousemove", (e) => {
      this.mouse = { x: e.clientX, y: e.clientY };
    });
    this.el.addEventListener("mouseleave", () => this.events.unhover());
    if (typeof ResizeObserver !== "undefined") {
      let pending = 0;
      this.resize = new ResizeObserver(() => {
        if (!this.drawn || pending) return;
        pending = requestAnimationFrame(() => {
          pending = 0;
          if (this.drawn && this.el.offsetWidth > 0) this.enqueue(() => Plotly.Plots.resize(this.el));
        });
      });
      this.resize.observe(this.el);
    }
  }

  get current(): Points | null {
    return this.drawn;
  }

  /** Serialises plotly calls: a restyle never runs inside another draw. */
  private enqueue(fn: () => unknown): Promise<unknown> {
    this.queue = this.queue.then(() => (this.destroyed ? undefined : fn())).catch((err: unknown) => {
      console.error("tbnb projector: plotly failed", err);
    });
    return this.queue;
  }

  /** Draws `p` with `style` as a new plot (a new projection, or 2D <-> 3D). */
  draw(p: Points, style: Style): Promise<unknown> {
    this.pendingFrame = null;
    this.style = style;
    return this.enqueue(async () => {
      const fg = getComputedStyle(this.el).color || "#444";
      const trace: Record<string, unknown> = {
        type: p.dims === 3 ? "scatter3d" : "scattergl",
        mode: "markers",
        x: p.x,
        y: p.y,
        marker: { color: style.color, size: style.size, symbol: markerSymbol(p.x.length, p.dims), line: { width: 0 }, opacity: 1 },
        hoverinfo: "none",
        showlegend: false,
        meta: { kind: "points", method: p.method, dims: p.dims },
      };
      if (p.dims === 3) trace.z = p.z;
      const layout: Record<string, unknown> = {
        margin: { l: 0, r: 0, t: 0, b: 0 },
        showlegend: false,
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
        font: { size: 11, color: fg },
        uirevision: p.key,
        autosize: true,
      };
      if (p.dims === 3) {
        layout.scene = {
          xaxis: axis3d(p.titles[0], fg),
          yaxis: axis3d(p.titles[1], fg),
          zaxis: axis3d(p.titles[2], fg),
          aspectmode: "data",
          camera: CAMERA,
          dragmode: "orbit",
          // no plotly hover label (the card is ours); hover events still come
          hovermode: false,
          uirevision: p.key,
        };
      } else {
        layout.margin = { l: 36, r: 8, t: 8, b: 32 };
        layout.hovermode = "closest";
        layout.dragmode = "pan";
        layout.xaxis = { title: { text: p.titles[0], font: { size: 11 } }, zeroline: false, automargin: true, gridcolor: "rgba(128,128,128,0.2)" };
        layout.yaxis = { title: { text: p.titles[1], font: { size: 11 } }, zeroline: false, automargin: true, scaleanchor: "x", scaleratio: 1, gridcolor: "rgba(128,128,128,0.2)" };
      }
      const config = {
        displaylogo: false,
        responsive: false, // a ResizeObserver follows the plot area instead of the window
        scrollZoom: true,
        modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "resetCameraLastSave3d", "hoverClosest3d", "toggleSpikelines"],
        toImageButtonOptions: { filename: `projector_${p.method}`, format: "png" },
      };
      await Plotly.react(this.el, [trace] as never, layout as never, config as never);
      this.listen();
      this.drawn = p;
      this.onDrawn(p);
    });
  }

  /** Replaces the positions of the trace drawn (a t-SNE frame), at most once per frame. */
  frame(p: Points): void {
    if (!this.drawn || this.drawn.dims !== p.dims) {
      void this.draw(p, this.style ?? { color: [], size: pointSize(p.x.length, p.dims) });
      return;
    }
    this.pendingFrame = p;
    if (this.frameScheduled) return;
    this.frameScheduled = requestAnimationFrame(() => {
      this.frameScheduled = 0;
      const next = this.pendingFrame;
      this.pendingFrame = null;
      if (!next) return;
      void this.enqueue(async () => {
        const update: Record<string, unknown> = { x: [next.x], y: [next.y] };
        if (next.dims === 3) update.z = [next.z];
        await Plotly.restyle(this.el, update as never, [0]);
        this.drawn = next;
        this.onDrawn(next);
      });
    });
  }

  /** New colours and sizes for the points drawn (colour-by, search, selection). */
  restyle(style: Style): Promise<unknown> {
    this.style = style;
    if (!this.drawn) return Promise.resolve();
    return this.enqueue(() => Plotly.restyle(this.el, { "marker.color": [style.color], "marker.size": [style.size] } as never, [0]));
  }

  resetView(): void {
    if (!this.drawn) return;
    const update = this.drawn.dims === 3 ? { "scene.camera": CAMERA } : { "xaxis.autorange": true, "yaxis.autorange": true };
    void this.enqueue(() => Plotly.relayout(this.el, update as never));
  }

  /** Removes the plot (no projection to show). */
  clear(): void {
    this.pendingFrame = null;
    if (!this.drawn) return;
    this.drawn = null;
    void this.enqueue(() => Plotly.purge(this.el));
  }

  private onHover = (data: unknown): void => {
    const r = rowOf(data);
    if (r < 0) return;
    const ev = (data as PointEvent).event;
    const x = ev && typeof ev.clientX === "number" ? ev.clientX : this.mouse.x;
    const y = ev && typeof ev.clientY === "number" ? ev.clientY : this.mouse.y;
    this.events.hover(r, x, y);
  };
  private onUnhover = (): void => this.events.unhover();
  private onClick = (data: unknown): void => {
    const r = rowOf(data);
    if (r >= 0) this.events.click(r);
  };

  /** Attaches the point events, again after plotly dropped them (purge, a new plot). */
  private listen(): void {
    const div = this.el as PlotlyDiv;
    if (div._ev?.listeners("plotly_click").includes(this.onClick)) return;
    div.on("plotly_hover", this.onHover);
    div.on("plotly_unhover", this.onUnhover);
    div.on("plotly_click", this.onClick);
  }

  destroy(): void {
    this.destroyed = true;
    this.resize?.disconnect();
    if (this.frameScheduled) cancelAnimationFrame(this.frameScheduled);
    if (this.el.classList.contains("js-plotly-plot")) Plotly.purge(this.el);
  }
}
