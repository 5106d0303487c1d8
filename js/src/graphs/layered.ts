// A quick layered layout (pure) for a box with too many direct children for dagre
// to lay out at once (a TF1 graph without scopes: thousands of ops at the top):
// ranks by longest path (cycles broken where they are met), one barycenter pass to
// order each rank, ranks wider than MAX_ROW wrapped into several rows, edges as
// curves from a node's bottom to the next one's top. Linear in nodes and edges.
import type { Point } from "./layout";

export interface QuickInput {
  sizes: { w: number; h: number }[];
  edges: [number, number][];
  /** nodes that must be in the first rank / the last (a box's border anchors) */
  first?: number;
  last?: number;
}

export interface QuickResult {
  nodes: { x: number; y: number }[];
  edges: Point[][];
  w: number;
  h: number;
}

const NODESEP = 18;
const RANKSEP = 30;
const MAX_ROW = 2400;

export function quickLayout({ sizes, edges, first = -1, last = -1 }: QuickInput): QuickResult {
  const n = sizes.length;
  const outs: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  for (const [a, b] of edges) {
    if (a === b) continue;
    outs[a].push(b);
    indeg[b]++;
  }
  // ranks: Kahn's order; when only cycles are left, the node with fewest inputs left goes next
  const rank = new Int32Array(n);
  const done = new Uint8Array(n);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) queue.push(v);
  let seen = 0;
  const order: number[] = [];
  while (seen < n) {
    if (queue.length === 0) {
      let best = -1;
      for (let v = 0; v < n; v++) if (!done[v] && (best < 0 || indeg[v] < indeg[best])) best = v;
      queue.push(best);
    }
    const v = queue.pop()!;
    if (done[v]) continue;
    done[v] = 1;
    seen++;
    order.push(v);
    for (const w of outs[v]) {
      if (done[w]) continue; // an edge back up a cycle
      rank[w] = Math.max(rank[w], rank[v] + 1);
      if (--indeg[w] === 0) queue.push(w);
    }
  }
  let maxRank = 0;
  for (let v = 0; v < n; v++) if (v !== last) maxRank = Math.max(maxRank, rank[v]);
  if (first >= 0) {
    for (let v = 0; v < n; v++) rank[v] += v === first ? 0 : 1;
    rank[first] = 0;
    maxRank++;
  }
  if (last >= 0) rank[last] = maxRank + 1;
  // order within ranks: by the mean position of the inputs placed above
  const ranks: number[][] = [];
  for (const v of order) (ranks[rank[v]] ??= []).push(v);
  const pos = new Float64Array(n);
  const ins: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) if (a !== b) ins[b].push(a);
  const nodes = Array.from({ length: n }, () => ({ x: 0, y: 0 }));
  let y = 0;
  let width = 0;
  const rows: { members: number[]; w: number; y: number }[] = [];
  for (const members of ranks) {
    if (!members) continue;
    const key = new Map<number, number>();
    members.forEach((v, i) => {
      const above = ins[v].filter((u) => rank[u] < rank[v]);
      key.set(v, above.length ? above.reduce((s, u) => s + pos[u], 0) / above.length : i);
    });
    members.sort((a, b) => key.get(a)! - key.get(b)!);
    // wrap a wide rank into rows
    let row: number[] = [];
    let rw = 0;
    const flush = () => {
      if (!row.length) return;
      const hmax = Math.max(...row.map((v) => sizes[v].h));
      rows.push({ members: row, w: rw - NODESEP, y: y + hmax / 2 });
      y += hmax + RANKSEP;
      width = Math.max(width, rw - NODESEP);
      row = [];
      rw = 0;
    };
    for (const v of members) {
      if (rw + sizes[v].w > MAX_ROW && row.length) flush();
      row.push(v);
      rw += sizes[v].w + NODESEP;
    }
    flush();
    members.forEach((v, i) => (pos[v] = i));
  }
  for (const r of rows) {
    let x = (width - r.w) / 2;
    for (const v of r.members) {
      nodes[v] = { x: x + sizes[v].w / 2, y: r.y };
      pos[v] = nodes[v].x;
      x += sizes[v].w + NODESEP;
    }
  }
  const routes = edges.map(([a, b]) => {
    const s = { x: nodes[a].x, y: nodes[a].y + sizes[a].h / 2 };
    const t = { x: nodes[b].x, y: nodes[b].y - sizes[b].h / 2 };
    if (t.y - s.y < 2 * RANKSEP / 3) return [s, t];
    return [s, { x: s.x, y: s.y + RANKSEP / 3 }, { x: t.x, y: t.y - RANKSEP / 3 }, t];
  });
  return { nodes, edges: routes, w: Math.max(width, 1), h: Math.max(y - RANKSEP, 1) };
}
