// A plotly trace for 3D point clouds drawn as one GL point each (issue 17).
//
// plotly's scatter3d draws every marker as the triangles of a text glyph: 18 vertices a
// point whatever its symbol, in the picture and again in the buffer that finds the point
// under the mouse. 100,000 points are 3.6 M vertices a frame, and in software WebGL the
// cloud took 2.1-2.9 s to first draw. plotly has no 3D trace of bare points, but the
// mesh it already bundles (stackgl's gl-mesh3d, behind mesh3d) draws one-vertex cells
// with gl.POINTS, as round dots, and picks them with one vertex each too. `points3d` is
// mesh3d's trace module (attributes, defaults, colours, hover, plotly's scene, camera and
// axes) whose cells are single points. Registered in plotly-gl.ts. plotly never draws
// gl-mesh3d's points, and two of their paths are broken there: mended below (pick, and
// the opacity uniform).
//
// Input as mesh3d's: x, y, z, `color` or `vertexcolor`, hovertemplate, plus `pointsize`
// (pixels). A three.js view would draw points as well, but it would bring a second 3D
// library (~0.6 MB) and its own camera, axes and hover beside plotly's.
import mesh3d from "plotly.js/lib/mesh3d";
import Lib from "plotly.js/src/lib";
import mesh3dAttributes from "plotly.js/src/traces/mesh3d/attributes";
import stackgl from "plotly.js/stackgl_modules";
import str2RgbaArray from "plotly.js/src/lib/str2rgbarray";

type Vec = ArrayLike<number>;

interface Axis {
  d2l(v: number, _: number, calendar?: string): number;
}
interface Scene {
  fullSceneLayout: { xaxis: Axis; yaxis: Axis; zaxis: Axis };
  dataScale: [number, number, number];
  pixelRatio: number;
  glplot: { gl: WebGLRenderingContext; add(o: unknown): void; remove(o: unknown): void };
}
interface FullTrace {
  uid: string;
  x: Vec;
  y: Vec;
  z: Vec;
  xcalendar?: string;
  ycalendar?: string;
  zcalendar?: string;
  color: string;
  vertexcolor?: Vec[];
  opacity: number;
  pointsize: number;
  text?: string | string[];
  hovertext?: string | string[];
}
interface PickData {
  id: number;
  value: ArrayLike<number>;
}
interface GlMesh {
  update(params: Record<string, unknown>): void;
  dispose(): void;
  pick(p: PickData | null): PointPick | null;
  pickId: number;
  positions: number[][];
  pointShader: Shader;
  _trace?: PointsTrace;
}
interface Shader {
  bind(): void;
  dispose(): void;
  uniforms: Record<string, unknown>;
}
interface PointPick {
  index: number;
  position: number[];
  dataCoordinate: number[];
}
interface Selection {
  object: unknown;
  index?: number;
  data: { index: number };
  traceCoordinate?: number[];
  textLabel?: string;
}

interface TraceModule {
  attributes: Record<string, unknown>;
  supplyDefaults(traceIn: Record<string, unknown>, traceOut: Record<string, unknown>, defaultColor: string, layout: unknown): void;
  [k: string]: unknown;
}

const DEFAULT_SIZE = 2;

/** The points in plotly's scaled data coordinates, as mesh3d's own trace computes them. */
function positions(scene: Scene, d: FullTrace): number[][] {
  const l = scene.fullSceneLayout;
  const [sx, sy, sz] = scene.dataScale;
  const n = d.x.length;
  const out = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    out[i] = [l.xaxis.d2l(d.x[i], 0, d.xcalendar) * sx, l.yaxis.d2l(d.y[i], 0, d.ycalendar) * sy, l.zaxis.d2l(d.z[i], 0, d.zcalendar) * sz];
  }
  return out;
}

class PointsTrace {
  name = "";
  color = "#fff";
  data: FullTrace | null = null;

  constructor(
    readonly scene: Scene,
    readonly mesh: GlMesh,
    readonly uid: string,
  ) {}

  handlePick(selection: Selection): boolean {
    if (selection.object !== this.mesh || !this.data) return false;
    const i = (selection.index = selection.data.index);
    const d = this.data;
    selection.traceCoordinate = [d.x[i], d.y[i], d.z[i]];
    const text = d.hovertext ?? d.text;
    if (Array.isArray(text)) {
      if (text[i] !== undefined) selection.textLabel = text[i];
    } else if (text) selection.textLabel = text;
    return true;
  }

  update(d: FullTrace): void {
    this.data = d;
    const pos = positions(this.scene, d);
    const n = pos.length;
    const cells = new Array<number[]>(n);
    for (let i = 0; i < n; i++) cells[i] = [i];
    const colors: Record<string, unknown> = {};
    if (d.vertexcolor && d.vertexcolor.length === n) {
      colors.vertexColors = d.vertexcolor.map((c) => (typeof c === "string" ? str2RgbaArray(c) : c));
      const c = d.vertexcolor[0];
      // the hover label's colour: the first point's, as mesh3d's (channels in [0, 1])
      this.color = typeof c === "string" ? c : `rgb(${Math.round(255 * c[0])},${Math.round(255 * c[1])},${Math.round(255 * c[2])})`;
    } else {
      colors.meshColor = str2RgbaArray(d.color);
      this.color = d.color;
    }
    this.mesh.update({
      positions: pos,
      cells,
      ...colors,
      // gl_PointSize is in the canvas's pixels, which plotly draws at pixelRatio
      pointSize: (d.pointsize || DEFAULT_SIZE) * (this.scene.pixelRatio || 1),
      opacity: d.opacity,
      // points have no normals: an empty list spares gl-mesh3d computing them
      vertexNormals: [],
    });
  }

  dispose(): void {
    this.scene.glplot.remove(this.mesh);
    this.mesh.dispose();
  }
}

/**
 * The point under the mouse from the pick buffer: gl-mesh3d writes each point's cell
 * index there, and cell i is vertex i. (gl-mesh3d's own pick throws on one-vertex cells:
 * it asks for the barycentric weights of a point, which its helper does not return.)
 */
function pickPoint(this: GlMesh, p: PickData | null): PointPick | null {
  if (!p || p.id !== this.pickId) return null;
  const i = p.value[0] + 256 * p.value[1] + 65536 * p.value[2];
  const at = this.positions[i];
  return at ? { index: i, position: at, dataCoordinate: at } : null;
}

function plot(scene: Scene, d: FullTrace): PointsTrace {
  const mesh = (stackgl as { gl_mesh3d(o: { gl: WebGLRenderingContext }): GlMesh }).gl_mesh3d({ gl: scene.glplot.gl });
  mesh.pick = pickPoint;
  // gl-mesh3d's draw gives its point shader no `opacity` uniform, and the shader's
  // setter writes every uniform it has, so the points were drawn with opacity 0
  // (invisible). The points' own opacity is in their colours' alpha: 1 here.
  const shader = mesh.pointShader;
  mesh.pointShader = {
    bind: () => shader.bind(),
    dispose: () => shader.dispose(),
    get uniforms() {
      return shader.uniforms;
    },
    set uniforms(u: Record<string, unknown>) {
      shader.uniforms = { ...u, opacity: 1 };
    },
  };
  const trace = new PointsTrace(scene, mesh, d.uid);
  mesh._trace = trace;
  trace.update(d);
  scene.glplot.add(mesh);
  return trace;
}

const base = mesh3d as TraceModule;
const attributes = {
  ...(mesh3dAttributes as Record<string, unknown>),
  pointsize: { valType: "number", min: 0, dflt: DEFAULT_SIZE, editType: "calc", description: "The points' diameter in pixels." },
};

function supplyDefaults(traceIn: Record<string, unknown>, traceOut: Record<string, unknown>, defaultColor: string, layout: unknown): void {
  base.supplyDefaults(traceIn, traceOut, defaultColor, layout);
  Lib.coerce(traceIn, traceOut, attributes, "pointsize"); // as declared: a number >= 0, else 2
}

const points3d: TraceModule = {
  ...base,
  name: "points3d",
  attributes,
  supplyDefaults,
  plot,
  meta: { description: "3D points drawn as one GL point each (tbnb)." },
};

export default points3d;
