// The meshes held in the browser: each (run, mesh name)'s steps as listed (MeshDelta),
// and the tensors received of some of those steps, pushed by the kernel (the newest
// step of a small mesh) or asked for when a card shows a step (MeshRequest). Received
// meshes are kept up to MESH_CACHE_BYTES (the least recently shown forgotten first), so
// a slider moving back over seen steps needs no kernel.
import { decodeArray, type MeshData, type MeshDelta, type MeshEntry, type MeshRequest } from "../protocol";
import { clearInto, seriesFor, seriesKey, type Change, type SeriesHolder } from "./holder";

export interface MeshSeries {
  run: string;
  tag: string;
  entries: MeshEntry[]; // one per step, in step order
  total: number;
  version: number;
}

/** One step's first sample, checked: vertex i is (vertices[3i], [3i+1], [3i+2]). */
export interface MeshModel {
  step: number;
  vertices: Float32Array;
  faces: Int32Array | null; // triangles, 3 vertex indices each; null: a point cloud
  colors: Uint8Array | null; // RGB per vertex
}

/** What the browser has of one step of a mesh. */
export type MeshState =
  | { state: "none" } // not received nor asked for
  | { state: "waiting" } // asked for, not received yet
  | { state: "ready"; mesh: MeshModel }
  | { state: "error"; error: string };

/** Mesh tensors a board keeps in the browser at most. */
export const MESH_CACHE_BYTES = 128 * 1024 * 1024;

/** A MeshData as the kernel sent it, checked: the error it holds (or finds), or the mesh. */
export function decodeMesh(d: MeshData, buffers: readonly DataView[]): MeshModel | string {
  if (d.error) return String(d.error);
  if (!d.vertices) return "the mesh came without vertices";
  const vertices = decodeArray(d.vertices, buffers);
  if (!(vertices instanceof Float32Array) || vertices.length % 3) return "the mesh's vertices are not float32 triples";
  const n = vertices.length / 3;
  let faces: Int32Array | null = null;
  if (d.faces) {
    const f = decodeArray(d.faces, buffers);
    if (!(f instanceof Int32Array) || f.length % 3) return "the mesh's faces are not int32 triples";
    for (let i = 0; i < f.length; i++) {
      if (f[i] < 0 || f[i] >= n) return `face ${Math.floor(i / 3)} uses vertex ${f[i]}, but the mesh has ${n} vertices`;
    }
    faces = f;
  }
  let colors: Uint8Array | null = null;
  if (d.colors) {
    const c = decodeArray(d.colors, buffers);
    if (!(c instanceof Uint8Array) || c.length !== vertices.length) return `${c.length / 3} colours for ${n} vertices`;
    colors = c;
  }
  return { step: Number(d.step), vertices, faces, colors };
}

type Got = { mesh: MeshModel; bytes: number } | { error: string; bytes: number };

export class MeshHolder implements SeriesHolder<MeshSeries, MeshDelta> {
  readonly series = new Map<string, MeshSeries>();
  /** sends a request to the kernel (set by index.ts through the store) */
  sender?: (msg: MeshRequest) => void;
  /** per series key and index; the map's order is the least recently shown first */
  private got = new Map<string, Got>();
  private gotBytes = 0;
  private pending = new Set<string>();

  apply(deltas: readonly MeshDelta[], _buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({ run: d.run, tag: d.tag, entries: [], total: 0, version: 0 }));
      const start = Math.max(0, Math.min(d.start, s.entries.length));
      s.entries.length = start;
      for (const e of Array.isArray(d.meshes) ? d.meshes : []) s.entries.push(e);
      s.total = d.total;
      s.version++;
      this.forget(k, start, change);
      change.of("meshes").add(k);
    }
    return false;
  }

  reset(_next: readonly MeshDelta[], change: Change): void {
    clearInto(this.series, change, "meshes");
    for (const id of this.got.keys()) change.of("mesh_data").add(id.slice(0, id.lastIndexOf("\u0000")));
    this.got.clear();
    this.gotBytes = 0;
    this.pending.clear();
  }

  /** Forgets what was received (and asked for) of indexes >= start: they were replaced. */
  private forget(key: string, start: number, change: Change): void {
    for (const set of [this.got, this.pending] as const) {
      for (const id of [...set.keys()]) {
        const cut = id.lastIndexOf("\u0000");
        if (id.slice(0, cut) !== key || Number(id.slice(cut + 1)) < start) continue;
        if (set === this.got) {
          this.gotBytes -= this.got.get(id)!.bytes;
          change.of("mesh_data").add(key);
        }
        set.delete(id);
      }
    }
  }

  /** Takes pushed or requested meshes. */
  receive(items: readonly MeshData[], buffers: readonly DataView[], change: Change): void {
    for (const d of items ?? []) {
      if (!d || typeof d.run !== "string" || typeof d.tag !== "string") continue;
      const k = seriesKey(d.run, d.tag);
      const id = `${k}\u0000${d.index}`;
      this.pending.delete(id);
      const s = this.series.get(k);
      // a step replaced since it was asked for: what came is of the old one
      if (!s || d.index < 0 || d.index >= s.entries.length || (d.step !== -1 && s.entries[d.index].step !== d.step)) continue;
      const decoded = decodeMesh(d, buffers);
      const old = this.got.get(id);
      if (old) this.gotBytes -= old.bytes;
      this.got.delete(id);
      const bytes = typeof decoded === "string" ? 0 : decoded.vertices.byteLength + (decoded.faces?.byteLength ?? 0) + (decoded.colors?.byteLength ?? 0);
      this.got.set(id, typeof decoded === "string" ? { error: decoded, bytes } : { mesh: decoded, bytes });
      this.gotBytes += bytes;
      change.of("mesh_data").add(k);
    }
    for (const [id, g] of this.got) {
      if (this.gotBytes <= MESH_CACHE_BYTES) break;
      this.gotBytes -= g.bytes;
      this.got.delete(id);
    }
  }

  /** What is held of step `index` of a series (which counts as showing it, for the cache). */
  state(run: string, tag: string, index: number): MeshState {
    const k = seriesKey(run, tag);
    const entry = this.series.get(k)?.entries[index];
    if (!entry) return { state: "none" };
    if (entry.error) return { state: "error", error: entry.error };
    const id = `${k}\u0000${index}`;
    const got = this.got.get(id);
    if (got) {
      this.got.delete(id);
      this.got.set(id, got);
      return "mesh" in got ? { state: "ready", mesh: got.mesh } : { state: "error", error: got.error };
    }
    return this.pending.has(id) ? { state: "waiting" } : { state: "none" };
  }

  /** Asks the kernel for step `index` of a series (once until it answers). */
  request(run: string, tag: string, index: number): void {
    const id = `${seriesKey(run, tag)}\u0000${index}`;
    if (this.got.has(id) || this.pending.has(id) || !this.sender) return;
    this.pending.add(id);
    this.sender({ type: "mesh", items: [{ run, tag, index }] });
  }
}
