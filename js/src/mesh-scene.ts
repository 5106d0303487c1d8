// What the Mesh tab draws, as pure functions (tested in js/test/mesh.test.ts): the
// plotly traces of a mesh (mesh3d with faces, points3d for a point cloud) and the
// scene settings taken from the config_dict written with it. The config uses
// three.js names (TensorBoard's mesh plugin draws with three.js); what maps to
// plotly is honoured, the rest is listed in `notes`:
//   camera.cls "OrthographicCamera"  -> an orthographic projection
//   camera.position [x, y, z]       -> the direction the mesh is seen from
//   camera.up [x, y, z]             -> the camera's up
//   camera.fov (degrees)            -> the eye's distance: plotly draws with a 45 degree
//                                      field of view, so the eye moves back (or closer)
//                                      until the mesh fills the view as it would at fov
//   material.size (PointsMaterial)  -> the points' size: a world size, drawn as its
//                                      share of the mesh's extent (or pixels, with
//                                      sizeAttenuation false)
import { pointSize } from "./markers";
import type { MeshModel } from "./store";

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

export interface SceneSettings {
  projection: "perspective" | "orthographic";
  eye: Vec3;
  up: Vec3;
  /** points' size as written (null: none), and whether it is in pixels */
  pointSize: number | null;
  pointPixels: boolean;
  /** what of the config was not used */
  notes: string[];
}

export const DEFAULT_EYE: Vec3 = { x: 1.25, y: 1.25, z: 1.25 };
const PLOTLY_FOV = 45;
/** plot height in pixels the mesh's extent spans, roughly: for world sizes of points */
const EXTENT_PIXELS = 300;

function vec(a: unknown): Vec3 | null {
  if (!Array.isArray(a) || a.length !== 3 || !a.every((x) => typeof x === "number" && Number.isFinite(x))) return null;
  const [x, y, z] = a as number[];
  return x === 0 && y === 0 && z === 0 ? null : { x, y, z };
}

function obj(a: unknown): Record<string, unknown> | null {
  return a && typeof a === "object" && !Array.isArray(a) ? (a as Record<string, unknown>) : null;
}

/** The scene settings of a mesh's json_config ("", "null" or malformed: the defaults). */
export function sceneSettings(json: string): SceneSettings {
  const out: SceneSettings = { projection: "perspective", eye: { ...DEFAULT_EYE }, up: { x: 0, y: 0, z: 1 }, pointSize: null, pointPixels: false, notes: [] };
  let cfg: Record<string, unknown> | null = null;
  try {
    cfg = obj(json ? JSON.parse(json) : null);
  } catch {
    out.notes.push("its config is not JSON: ignored");
    return out;
  }
  if (!cfg) return out;
  const cam = obj(cfg.camera);
  if (cam) {
    if (cam.cls === "OrthographicCamera") out.projection = "orthographic";
    const dir = vec(cam.position);
    const length = Math.hypot(DEFAULT_EYE.x, DEFAULT_EYE.y, DEFAULT_EYE.z);
    let dist = length;
    const fov = cam.fov;
    if (typeof fov === "number" && fov > 0 && fov < 180 && out.projection === "perspective") {
      dist = (length * Math.tan((fov * Math.PI) / 360)) / Math.tan((PLOTLY_FOV * Math.PI) / 360);
    }
    const d = dir ?? DEFAULT_EYE;
    const n = Math.hypot(d.x, d.y, d.z);
    out.eye = { x: (d.x / n) * dist, y: (d.y / n) * dist, z: (d.z / n) * dist };
    const up = vec(cam.up);
    if (up) out.up = up;
    for (const k of Object.keys(cam)) if (!["cls", "position", "fov", "up"].includes(k)) out.notes.push(`camera.${k}`);
  }
  const mat = obj(cfg.material);
  if (mat) {
    if (typeof mat.size === "number" && mat.size > 0) {
      out.pointSize = mat.size;
      out.pointPixels = mat.sizeAttenuation === false;
    }
    for (const k of Object.keys(mat)) if (!["cls", "size", "sizeAttenuation"].includes(k)) out.notes.push(`material.${k}`);
  }
  for (const k of Object.keys(cfg)) if (k !== "camera" && k !== "material") out.notes.push(k);
  return out;
}

/** The plotly camera of the settings. */
export function cameraOf(s: SceneSettings): Record<string, unknown> {
  return { eye: { ...s.eye }, up: { ...s.up }, center: { x: 0, y: 0, z: 0 }, projection: { type: s.projection } };
}

/** The length of the diagonal of the vertices' bounding box (0 for none or one). */
export function extent(v: Float32Array): number {
  if (v.length < 3) return 0;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < v.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      const x = v[i + a];
      if (x < lo[a]) lo[a] = x;
      if (x > hi[a]) hi[a] = x;
    }
  }
  return Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
}

/** Points' marker size in pixels: the config's, else by how many there are (as the projector's). */
export function pointPixels(s: SceneSettings, n: number, diagonal: number): number {
  if (s.pointSize !== null) {
    const px = s.pointPixels ? s.pointSize : diagonal > 0 ? (s.pointSize / diagonal) * EXTENT_PIXELS : 2;
    return Math.min(30, Math.max(1, px));
  }
  return pointSize(n, 3);
}

/**
 * Each vertex's colour as channels [r, g, b, 1] in [0, 1] (views into one buffer):
 * plotly takes channel arrays as colours, so 100,000 colours are not written as strings
 * for plotly to parse back (as the projector's points, projector/plot.ts).
 */
export function rgbChannels(c: Uint8Array): Float32Array[] {
  const n = c.length / 3;
  const all = new Float32Array(n * 4);
  const out = new Array<Float32Array>(n);
  for (let i = 0; i < n; i++) {
    all[4 * i] = c[3 * i] / 255;
    all[4 * i + 1] = c[3 * i + 1] / 255;
    all[4 * i + 2] = c[3 * i + 2] / 255;
    all[4 * i + 3] = 1;
    out[i] = all.subarray(4 * i, 4 * i + 4);
  }
  return out;
}

/** Every third value from `offset` (x, y or z of interleaved triples). */
export function column<T extends Float32Array | Int32Array>(a: T, offset: number): T {
  const out = new (a.constructor as { new (n: number): T })(a.length / 3);
  for (let i = 0, j = offset; j < a.length; i++, j += 3) out[i] = a[j];
  return out;
}

/** The plotly trace of a mesh: mesh3d when it has faces, points3d (GL points) otherwise. */
export function meshTrace(mesh: MeshModel, color: string, s: SceneSettings): Record<string, unknown> {
  const v = mesh.vertices;
  const xyz = { x: column(v, 0), y: column(v, 1), z: column(v, 2) };
  const colors = mesh.colors ? rgbChannels(mesh.colors) : null;
  const hover = { hovertemplate: "x %{x}<br>y %{y}<br>z %{z}<extra></extra>", showlegend: false };
  if (mesh.faces) {
    return {
      type: "mesh3d",
      ...xyz,
      i: column(mesh.faces, 0),
      j: column(mesh.faces, 1),
      k: column(mesh.faces, 2),
      ...(colors ? { vertexcolor: colors } : { color }),
      // smooth shading (vertex normals), as TensorBoard's three.js view: flat shading
      // makes plotly split every vertex per face (3 per triangle), more to draw
      ...hover,
    };
  }
  const n = v.length / 3;
  // one GL point a vertex (points3d.ts): scatter3d's markers are 18 vertices each, drawn
  // twice a frame, and 100,000 of them missed the 2 s goal in software WebGL
  const pointsize = pointPixels(s, n, extent(v));
  return { type: "points3d", ...xyz, pointsize, ...(colors ? { vertexcolor: colors } : { color }), ...hover };
}
