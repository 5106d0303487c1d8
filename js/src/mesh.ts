// The Mesh tab: a card per (run, mesh) with a 3D view (plotly mesh3d for a mesh,
// points3d.ts for a point cloud; plotly's own rotate, zoom and pan), a step slider
// that follows the newest step live until it is moved, and a labelled reset-camera button.
// The kernel pushes the newest step of a small mesh; any other step (or a large mesh)
// is asked for once (MeshRequest) and kept in the store, so moving back over seen steps
// needs no kernel. Scene settings from the mesh's config: mesh-scene.ts.
import { h } from "./dom";
import { Card, CardDashboard } from "./dashboard";
import { LOADING_TEXT } from "./images";
import { cameraOf, meshTrace, sceneSettings, type SceneSettings } from "./mesh-scene";
import Plotly, { drawOffScreen } from "./plotly-gl";
import { linkedStep, type Model, type RunView } from "./settings";
import type { ChangeName, MeshModel, Store } from "./store";
import { wallTime } from "./steps";

const PLOT_HEIGHT = 320;

/** The screen's pixels, not plotly's default of twice as many (4x the pixels to shade
 * for its antialiasing: in software WebGL, most of a frame). */
function glPixelRatio(): number {
  return Math.max(1, window.devicePixelRatio || 1);
}

/** "4 vertices · 4 faces · colours" */
export function countsText(vertices: number, faces: number, colors: boolean, samples: number): string {
  const parts = [`${vertices.toLocaleString("en-US")} ${vertices === 1 ? "vertex" : "vertices"}`];
  parts.push(faces ? `${faces.toLocaleString("en-US")} ${faces === 1 ? "face" : "faces"}` : "point cloud");
  if (colors) parts.push("vertex colours");
  if (samples > 1) parts.push(`first of ${samples} samples`);
  return parts.join(" · ");
}

export class MeshCard extends Card {
  private slider: HTMLInputElement;
  private sliderRow: HTMLElement;
  private stepEl: HTMLElement;
  private timeEl: HTMLElement;
  private countsEl: HTMLElement;
  private message: HTMLElement;
  private plot: HTMLElement;
  private reset: HTMLButtonElement;
  private pos = -1;
  private follow = true;
  private jump: number | null = null;
  private requestTimer = 0;
  /** what is drawn: the mesh object and colour (redrawn only when one changes) */
  private drawnMesh: MeshModel | null = null;
  private drawnColor = "";
  private settings: SceneSettings = sceneSettings("");
  private color = "";
  private destroyed = false;

  constructor(
    key: string,
    run: string,
    tag: string,
    private store: Store,
  ) {
    super(key, run, tag, "mesh");
    this.stepEl = h("span", { class: "tbnb-mesh-step" });
    this.timeEl = h("span", { class: "tbnb-mesh-time" });
    this.countsEl = h("div", { class: "tbnb-mesh-counts" });
    this.slider = h("input", { type: "range", min: "0", max: "0", step: "1", value: "0", class: "tbnb-mesh-slider", "aria-label": "step" });
    this.sliderRow = h("div", { class: "tbnb-image-slider-row" }, this.slider);
    this.reset = h("button", { type: "button", class: "tbnb-mesh-reset", "aria-label": "reset camera", title: "back to the camera of the mesh's config" }, "Reset camera");
    this.message = h("div", { class: "tbnb-image-loading" });
    this.plot = h("div", { class: "tbnb-mesh-plot" });
    this.plot.style.height = `${PLOT_HEIGHT}px`;
    this.el.append(h("div", { class: "tbnb-image-info" }, this.stepEl, this.timeEl), this.countsEl, this.sliderRow, this.message, this.plot, h("div", { class: "tbnb-row" }, this.reset));
    this.slider.addEventListener("input", () => {
      const last = (this.store.kinds.meshes.series.get(this.key)?.entries.length ?? 1) - 1;
      this.pos = Math.max(0, Math.min(last, Number(this.slider.value)));
      this.follow = this.pos === last; // back at the newest: follow a live run again
      this.show(true);
    });
    this.reset.addEventListener("click", () => {
      if (this.drawnMesh) void Plotly.relayout(this.plot, { "scene.camera": cameraOf(this.settings) } as never);
    });
  }

  /** The slider jumps to the step nearest `step` (the scalars' linked step marker). */
  followStep(step: number): void {
    this.jump = step;
    this.dirty = true;
  }

  draw(view: RunView): void {
    const s = this.store.kinds.meshes.series.get(this.key);
    if (!s) return;
    this.color = view.color(this.run);
    const last = s.entries.length - 1;
    if (this.jump !== null && last >= 0) {
      const step = this.jump;
      this.jump = null;
      let best = 0;
      s.entries.forEach((e, i) => {
        if (Math.abs(e.step - step) < Math.abs(s.entries[best].step - step)) best = i;
      });
      this.pos = best;
      this.follow = best === last;
    }
    if (this.follow || this.pos > last || this.pos < 0) this.pos = last;
    this.slider.max = String(Math.max(0, last));
    this.slider.value = String(Math.max(0, this.pos));
    this.sliderRow.hidden = last <= 0;
    this.show();
  }

  /** Shows the slider's step: drawn if held, its error, or asked of the kernel. */
  private show(fromSlider = false): void {
    const holder = this.store.kinds.meshes;
    const entry = holder.series.get(this.key)?.entries[this.pos];
    if (!entry) return;
    const pos = this.pos;
    this.el.dataset.step = String(entry.step);
    this.el.dataset.index = String(pos);
    this.stepEl.textContent = `step ${entry.step}`;
    this.timeEl.textContent = wallTime(entry.wall_time);
    this.countsEl.textContent = countsText(entry.vertices, entry.faces, entry.colors, entry.samples);
    this.settings = sceneSettings(entry.config);
    const state = holder.state(this.run, this.tag, pos);
    if (this.requestTimer) clearTimeout(this.requestTimer);
    this.requestTimer = 0;
    if (state.state === "ready") {
      this.say("", "");
      this.paint(state.mesh);
      return;
    }
    if (state.state === "error") {
      this.say(state.error, "error");
      return;
    }
    this.say(LOADING_TEXT, "waiting");
    if (state.state === "waiting") return;
    if (!fromSlider) {
      holder.request(this.run, this.tag, pos);
      return;
    }
    // a drag passes many steps: ask only for the one it rests on
    this.requestTimer = window.setTimeout(() => {
      this.requestTimer = 0;
      if (this.pos === pos) holder.request(this.run, this.tag, pos);
    }, 150);
  }

  private say(text: string, state: string): void {
    this.message.textContent = text;
    this.message.className = state === "error" ? "tbnb-image-error" : "tbnb-image-loading";
    this.message.hidden = text === "";
    if (state) this.el.dataset.state = state;
    // the plot holds another step while this one is waited for: hidden, not shown as it
    this.plot.hidden = state === "error" || state === "waiting";
    this.reset.disabled = state !== "" || !this.drawnMesh;
  }

  private paint(mesh: MeshModel): void {
    if (mesh === this.drawnMesh && this.color === this.drawnColor) {
      this.el.dataset.state = "ready";
      return;
    }
    this.drawnMesh = mesh;
    this.drawnColor = this.color;
    this.el.dataset.state = "drawing";
    const t0 = performance.now();
    const fg = getComputedStyle(this.el).color || "#444";
    // no tick numbers: plotly turns every new label into triangles on the CPU
    // (vectorize-text), about 0.2 s a draw here; the titles are the warmed ones, and a
    // vertex's coordinates are in its hover
    const axis = (title: string) => ({ title: { text: title }, showticklabels: false, color: fg, gridcolor: "rgba(128,128,128,0.25)", zerolinecolor: "rgba(128,128,128,0.4)" });
    const layout = {
      height: PLOT_HEIGHT,
      margin: { l: 0, r: 0, t: 0, b: 0 },
      showlegend: false,
      paper_bgcolor: "rgba(0,0,0,0)",
      font: { size: 11, color: fg },
      // moving through steps keeps the person's rotation and zoom
      uirevision: this.key,
      scene: { xaxis: axis("x"), yaxis: axis("y"), zaxis: axis("z"), aspectmode: "data", camera: cameraOf(this.settings), dragmode: "orbit", uirevision: this.key },
    };
    const config = {
      plotGlPixelRatio: glPixelRatio(),
      displaylogo: false,
      responsive: true,
      scrollZoom: true,
      modeBarButtonsToRemove: ["resetCameraLastSave3d", "hoverClosest3d"],
      toImageButtonOptions: { filename: this.tag.replace(/[^A-Za-z0-9_.-]+/g, "_"), format: "png" },
    };
    const trace = meshTrace(mesh, this.color, this.settings);
    void Plotly.react(this.plot, [trace] as never, layout as never, config as never).then(() => {
      // drawn once the frame holding it is painted: the time goes on the card (benchmarks)
      requestAnimationFrame(() => {
        if (this.destroyed || this.drawnMesh !== mesh) return;
        const now = performance.now();
        this.el.dataset.drawMs = (now - t0).toFixed(1);
        this.el.dataset.drawnAt = now.toFixed(1);
        this.el.dataset.drawnStep = String(mesh.step);
        this.el.dataset.state = "ready";
        this.reset.disabled = false;
      });
    });
  }

  destroy(): void {
    this.destroyed = true;
    if (this.requestTimer) clearTimeout(this.requestTimer);
    if (this.drawnMesh) Plotly.purge(this.plot);
  }
}

/**
 * Draws a tetrahedron off screen in a 3D scene and throws it away (board.ts calls it on
 * idle, once a page, when a board holds a mesh): a page's first 3D scene pays for the
 * WebGL context's set-up and plotly's shaders (about 0.4-0.5 s here, in software WebGL),
 * and the Mesh tab's first card then does not.
 */
export async function warmMesh(): Promise<void> {
  const axis = (title: string) => ({ title: { text: title }, showticklabels: false });
  const trace = {
    type: "mesh3d", x: [0, 1, 0, 0], y: [0, 0, 1, 0], z: [0, 0, 0, 1], i: [0, 0, 0, 1], j: [1, 1, 2, 2], k: [2, 3, 3, 3],
    vertexcolor: [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]].map(([r, g, b]) => `rgb(${r},${g},${b})`),
  };
  const layout = { margin: { l: 0, r: 0, t: 0, b: 0 }, scene: { xaxis: axis("x"), yaxis: axis("y"), zaxis: axis("z"), aspectmode: "data" } };
  await drawOffScreen([trace], layout, { displayModeBar: false, plotGlPixelRatio: glPixelRatio() }, 160, 120);
}

export class MeshDashboard extends CardDashboard<MeshCard> {
  constructor(model: Model, store: Store) {
    super(model, store, "meshes", "meshes");
    this.settings.append(h("div", { class: "tbnb-hint" }, "Drag to rotate, scroll to zoom, right-drag to pan; hover a vertex for its coordinates."));
    this.start();
  }

  protected makeCard(key: string, run: string, tag: string): MeshCard {
    const card = new MeshCard(key, run, tag, this.store);
    const step = linkedStep(this.model);
    if (step !== null) card.followStep(step);
    return card;
  }

  protected followStep(step: number | null): void {
    if (step === null) return;
    for (const card of this.cards.values()) card.followStep(step);
    this.invalidateAll();
  }

  protected changeNames(): ChangeName[] {
    return ["meshes", "mesh_data"];
  }
}
