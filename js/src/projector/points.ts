// Pure functions over the points of a projection (no DOM, no plotly): which drawn
// row is which original point (a projection of a sample draws some points only),
// the coordinates to draw, and the colour and size of every row.
import { fmtInt, type Channels, type Coloring, type SearchResult } from "./data";
import { METHOD_NAMES, type PointsDrawn, type Projection } from "./model";

/** The original point of a drawn row (-1: none). */
export function pointOfRow(indices: Int32Array | null, row: number): number {
  return indices ? (indices[row] ?? -1) : row;
}

/** The drawn row of an original point (-1: not drawn). */
export function rowOfPoint(indices: Int32Array | null, m: number, point: number): number {
  if (!indices) return point >= 0 && point < m ? point : -1;
  for (let r = 0; r < indices.length; r++) if (indices[r] === point) return r;
  return -1;
}

/** "PC2 (12.5%)" */
export function componentTitle(c: number, variance: readonly number[]): string {
  return `PC${c + 1}${variance[c] !== undefined ? ` (${(variance[c] * 100).toFixed(1)}%)` : ""}`;
}

/**
 * t-SNE and UMAP positions centred and scaled into [-1, 1] (one factor for all axes):
 * their units mean nothing, and a t-SNE run grows from 1e-4 (openTSNE's start) to tens,
 * which would zoom the camera in and out frame after frame. PCA keeps its own units.
 */
export function normalize(axes: (Float32Array | null)[], dims: number, m: number): void {
  if (m === 0) return;
  let radius = 0;
  const centre: number[] = [];
  for (let a = 0; a < dims; a++) {
    const arr = axes[a]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < m; r++) {
      const v = arr[r];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    centre.push((lo + hi) / 2);
    radius = Math.max(radius, (hi - lo) / 2);
  }
  const f = radius > 0 && Number.isFinite(radius) ? 1 / radius : 1;
  for (let a = 0; a < dims; a++) {
    const arr = axes[a]!;
    const c = centre[a];
    for (let r = 0; r < m; r++) arr[r] = (arr[r] - c) * f;
  }
}

/**
 * The points to draw of a projection: PCA in `dims` (2 or 3) of the components
 * `components` (clamped to those received), the others in the dims they came in.
 */
export function projectionPoints(p: Projection, dims: 2 | 3, components: readonly number[]): PointsDrawn | null {
  if (!p.positions) return null;
  const m = p.m;
  let cols: number[];
  let titles: string[];
  if (p.method === "pca") {
    dims = p.stride >= 3 && dims === 3 ? 3 : 2;
    cols = Array.from({ length: dims }, (_, a) => {
      const v = components[a];
      return Number.isFinite(v) && v < p.stride ? v : Math.min(a, p.stride - 1);
    });
    titles = cols.map((c) => componentTitle(c, p.variance));
  } else {
    dims = p.stride >= 3 ? 3 : 2;
    cols = dims === 3 ? [0, 1, 2] : [0, 1];
    titles = cols.map((c) => `${METHOD_NAMES[p.method]} ${c + 1}`);
  }
  const out = [new Float32Array(m), new Float32Array(m), dims === 3 ? new Float32Array(m) : null];
  const pos = p.positions;
  const s = p.stride;
  for (let a = 0; a < dims; a++) {
    const arr = out[a]!;
    const c = cols[a];
    for (let r = 0; r < m; r++) arr[r] = pos[r * s + c];
  }
  if (p.method !== "pca") normalize(out, dims, m);
  return {
    method: p.method,
    dims,
    x: out[0]!,
    y: out[1]!,
    z: out[2],
    titles,
    key: `${p.id}|${p.method}|${dims}|${p.method === "pca" ? cols.join(",") : p.request}`,
    iteration: p.iteration,
    final: p.done,
    projection: p,
  };
}

/** What the rows' colours and sizes depend on. */
export interface Highlight {
  coloring: Coloring | null;
  indices: Int32Array | null;
  /** the selected point (-1: none) and its neighbours, drawn bigger, the others dim */
  selected: number;
  neighbors: Int32Array | null;
  /** per original point: 1 when the search matches (null: no search), the others dim */
  mask: Uint8Array | null;
  dim: Channels;
}

const FALLBACK: Channels = [0.24, 0.47, 0.7, 1];

/** Colours and sizes of m drawn rows of base size `base`: colour-by, then a selection or a search. */
export function rowStyle(m: number, base: number, hl: Highlight): { color: Channels[]; size: number | Float32Array } {
  const c = hl.coloring;
  const ind = hl.indices;
  const color: Channels[] = new Array(m);
  for (let r = 0; r < m; r++) {
    const i = ind ? ind[r] : r;
    color[r] = c ? (c.palette[c.of[i]] ?? FALLBACK) : FALLBACK;
  }
  if (hl.selected >= 0) {
    const sizes = new Float32Array(m).fill(base);
    const keep = new Uint8Array(m);
    const selRow = rowOfPoint(ind, m, hl.selected);
    if (selRow >= 0) {
      keep[selRow] = 1;
      sizes[selRow] = base * 2.6;
    }
    for (const nb of hl.neighbors ?? []) {
      const r = rowOfPoint(ind, m, nb);
      if (r >= 0) {
        keep[r] = 1;
        sizes[r] = base * 1.7;
      }
    }
    for (let r = 0; r < m; r++) if (!keep[r]) color[r] = hl.dim;
    return { color, size: sizes };
  }
  if (hl.mask) {
    const mask = hl.mask;
    for (let r = 0; r < m; r++) if (!mask[ind ? ind[r] : r]) color[r] = hl.dim;
  }
  return { color, size: base };
}

/** Matches of a search among the rows drawn (a sample may leave some points out). */
export function matchesDrawn(mask: Uint8Array, count: number, indices: Int32Array | null): number {
  if (!indices) return count;
  let shown = 0;
  for (const i of indices) shown += mask[i];
  return shown;
}

/** What the search box says of a search, and the matches among the rows drawn (null: no search). */
export function searchSummary(r: SearchResult, indices: Int32Array | null): { text: string; matches: number | null } {
  if (r.error) return { text: `invalid regex: ${r.error}`, matches: null };
  if (!r.mask) return { text: "", matches: null };
  const shown = matchesDrawn(r.mask, r.count, indices);
  return { text: `${fmtInt(shown)} match${shown === 1 ? "" : "es"}${indices ? ` (${fmtInt(r.count)} of all points)` : ""}`, matches: shown };
}
