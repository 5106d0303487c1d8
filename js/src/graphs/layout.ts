// Where things go (pure, no DOM): each container (box, series, the root) is laid out
// on its own, lazily, by dagre (top to bottom): a small graph of its direct children
// (a collapsed child is a node sized to its label, an expanded one the size of its
// own interior plus a header and padding) and the aggregated edges between them.
// A box with edges crossing its border gets two virtual anchors, one entering at the
// top and one leaving at the bottom, so what is fed from outside sits at the top and
// what feeds outside at the bottom. Layouts are cached per container: expanding or
// collapsing one re-lays only it and its ancestors; the flat graph is never laid out.
//
// `place()` then puts the cached layouts together in absolute coordinates, and routes
// each edge between two shown items through the borders of the boxes it crosses:
// source -> its box's bottom anchor -> the routed edge in the common box -> the target
// box's top anchor -> target, so every edge reads top to bottom.
import dagre from "@dagrejs/dagre";
import { ROOT, type Agg, type Hierarchy } from "./hierarchy";
import { quickLayout } from "./layered";

export interface Point {
  x: number;
  y: number;
}

/** A text's width in px at one of the graph's fonts (canvas measureText in the page, an estimate in tests). */
export type Measure = (text: string, font: "label" | "small" | "header") => number;

export const estimate: Measure = (text, font) => text.length * (font === "small" ? 6 : 7.2);

export const OP_H = 24;
export const OP_H2 = 34; // with a second line (Keras layers: name, then class)
export const BOX_H = 38;
export const HEADER = 26;
export const PAD = 12;
const NODESEP = 18;
const RANKSEP = 30;
const LABEL_H = 12;
/** children past which a box's layout is ordered in one pass */
const BIG_BOX = 100;
/** children past which dagre would take seconds: the quick layered layout (layered.ts) instead */
export const HUGE_BOX = 600;
const ANCHOR = "\u0000in";
const ANCHOR_OUT = "\u0000out";

/** A child placed in its container's interior (center coordinates, relative to the interior). */
export interface Placed {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Interior {
  w: number;
  h: number;
  nodes: Map<number, Placed>;
  /** routed edges: "a>b" between children, "in>c" from the top anchor, "c>out" to the bottom anchor */
  edges: Map<string, Point[]>;
  /** label positions of the edges between children that carry one */
  labels: Map<string, Point>;
  anchorIn: Point | null;
  anchorOut: Point | null;
  /** ms dagre took */
  ms: number;
}

/** The text shown on an edge: its shape when known and the same for all it stands for. */
export function edgeText(agg: Agg): string {
  return agg.shape;
}

/** An edge's stroke width from its tensor's elements: grows with log(size). */
export function edgeWidth(agg: Agg): number {
  if (!(agg.size > 1)) return 1;
  return Math.min(6, 1 + Math.log10(agg.size) * 0.7);
}

export class Layouts {
  readonly expanded = new Set<number>();
  private cache = new Map<number, Interior>();

  constructor(
    readonly h: Hierarchy,
    readonly measure: Measure = estimate,
  ) {}

  isExpanded(id: number): boolean {
    return id === ROOT || this.expanded.has(id);
  }

  /** Expands or collapses a container; drops the cached layouts it changes (its own and its ancestors'). */
  setExpanded(id: number, on: boolean): void {
    if (id === ROOT || !this.h.isContainer(id) || this.expanded.has(id) === on) return;
    if (on) this.expanded.add(id);
    else this.expanded.delete(id);
    this.invalidate(id);
  }

  /** Sets the whole expanded set at once. */
  setAll(ids: Iterable<number>): void {
    this.expanded.clear();
    for (const id of ids) if (id !== ROOT && this.h.isContainer(id)) this.expanded.add(id);
    this.cache.clear();
  }

  invalidate(id: number): void {
    for (let a = id; a >= 0; a = this.h.parent[a]) this.cache.delete(a);
  }

  /** A collapsed item's text lines: [main label, second line]. */
  lines(id: number): [string, string] {
    const h = this.h;
    const kind = h.kind(id);
    if (kind === "op") return [h.label[id], h.secondLine(id)];
    const n = h.count[id];
    const nodes = `${n.toLocaleString("en-US")} node${n === 1 ? "" : "s"}`;
    if (kind === "series") return [h.label[id], `×${h.children[id].length} · ${nodes}`];
    return [h.label[id], nodes];
  }

  /** The size an item takes in its container. */
  size(id: number): { w: number; h: number } {
    const h = this.h;
    if (h.isContainer(id) && this.isExpanded(id)) {
      const inner = this.interior(id);
      const header = this.measure(h.label[id], "header") + this.measure(this.lines(id)[1], "small") + 48;
      return { w: Math.max(inner.w + 2 * PAD, header), h: inner.h + HEADER + PAD };
    }
    const [main, second] = this.lines(id);
    const textW = Math.max(this.measure(main, h.kind(id) === "op" ? "label" : "header"), second ? this.measure(second, "small") : 0);
    if (h.kind(id) === "op") return { w: Math.max(40, textW + 22), h: second ? OP_H2 : OP_H };
    return { w: Math.max(60, textW + 36), h: BOX_H };
  }

  /**
   * A box of one child (torch's weight/weight.29 scopes: most boxes of a model) is
   * laid out as dagre would, without paying dagre's fixed cost: the anchors above and
   * below the child, straight edges between.
   */
  private layOne(id: number): Interior {
    const h = this.h;
    const c = h.children[id][0];
    const s = this.size(c);
    const into = id !== ROOT && h.edgesIntoChildren(id).size > 0;
    const outOf = id !== ROOT && h.edgesOutOfChildren(id).size > 0;
    const x = s.w / 2;
    const top = into ? 1 + RANKSEP : 0;
    const bottom = top + s.h;
    const edges = new Map<string, Point[]>();
    const anchorIn = into ? { x, y: 0.5 } : null;
    const anchorOut = outOf ? { x, y: bottom + RANKSEP + 0.5 } : null;
    if (anchorIn) edges.set(`in>${c}`, [{ x, y: 1 }, { x, y: top }]);
    if (anchorOut) edges.set(`${c}>out`, [{ x, y: bottom }, { x, y: bottom + RANKSEP }]);
    const nodes = new Map<number, Placed>([[c, { x, y: top + s.h / 2, w: s.w, h: s.h }]]);
    return { w: Math.max(s.w, 40), h: Math.max(anchorOut ? bottom + RANKSEP + 1 : bottom, 20), nodes, edges, labels: new Map(), anchorIn, anchorOut, ms: 0 };
  }

  private layQuick(id: number): Interior {
    return layQuickOf(this, id);
  }

  /** The layout of a container's direct children (cached). */
  interior(id: number): Interior {
    let got = this.cache.get(id);
    if (!got) {
      got = this.lay(id);
      this.cache.set(id, got);
    }
    return got;
  }

  private lay(id: number): Interior {
    if (this.h.children[id].length > HUGE_BOX) return this.layQuick(id);
    if (this.h.children[id].length === 1) return this.layOne(id);
    const t0 = Date.now();
    const h = this.h;
    const g = new dagre.graphlib.Graph({ multigraph: false });
    g.setGraph({ rankdir: "TB", nodesep: NODESEP, ranksep: RANKSEP, edgesep: 10, marginx: 0, marginy: 0 });
    g.setDefaultEdgeLabel(() => ({}));
    const kids = h.children[id];
    for (const c of kids) {
      const s = this.size(c);
      g.setNode(String(c), { width: s.w, height: s.h });
    }
    const labelled = new Map<string, string>();
    for (const e of h.innerEdges(id)) {
      const key = `${e.from}>${e.to}`;
      const text = edgeText(e);
      if (text) {
        labelled.set(key, text);
        g.setEdge(String(e.from), String(e.to), { width: this.measure(text, "small") + 6, height: LABEL_H, labelpos: "c", weight: e.control ? 1 : 2 });
      } else {
        g.setEdge(String(e.from), String(e.to), { weight: e.control ? 1 : 2 });
      }
    }
    const into = id === ROOT ? new Map() : h.edgesIntoChildren(id);
    const outOf = id === ROOT ? new Map() : h.edgesOutOfChildren(id);
    if (into.size) {
      g.setNode(ANCHOR, { width: 1, height: 1 });
      for (const c of into.keys()) g.setEdge(ANCHOR, String(c), { weight: 1 });
    }
    if (outOf.size) {
      g.setNode(ANCHOR_OUT, { width: 1, height: 1 });
      for (const c of outOf.keys()) g.setEdge(String(c), ANCHOR_OUT, { weight: 1 });
    }
    // dagre's ordering sweeps cost most in a big box (a 200-op chain of attention ops): one pass there
    dagre.layout(g, { disableOptimalOrderHeuristic: kids.length > BIG_BOX });
    const nodes = new Map<number, Placed>();
    for (const c of kids) {
      const n = g.node(String(c));
      nodes.set(c, { x: n.x ?? 0, y: n.y ?? 0, w: n.width, h: n.height });
    }
    const name = (v: string) => (v === ANCHOR ? "in" : v === ANCHOR_OUT ? "out" : v);
    const edges = new Map<string, Point[]>();
    const labels = new Map<string, Point>();
    for (const e of g.edges()) {
      const label = g.edge(e);
      const key = `${name(e.v)}>${name(e.w)}`;
      edges.set(key, (label.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })));
      if (labelled.has(key) && label.x !== undefined && label.y !== undefined) labels.set(key, { x: label.x, y: label.y });
    }
    const at = (v: string) => {
      const n = g.hasNode(v) ? g.node(v) : null;
      return n ? { x: n.x ?? 0, y: n.y ?? 0 } : null;
    };
    const graph = g.graph();
    let w = graph.width ?? 0;
    let ht = graph.height ?? 0;
    // dagre may leave a box empty (no children): keep a minimum
    w = Math.max(w, 40);
    ht = Math.max(ht, 20);
    return { w, h: ht, nodes, edges, labels, anchorIn: at(ANCHOR), anchorOut: at(ANCHOR_OUT), ms: Date.now() - t0 };
  }
}

/** Layouts.lay for a box of thousands of children: quickLayout, no reserved label room. */
function layQuickOf(layouts: Layouts, id: number): Interior {
  const t0 = Date.now();
  const h = layouts.h;
  const kids = h.children[id];
  const index = new Map<number, number>(kids.map((c, i) => [c, i]));
  const sizes = kids.map((c) => layouts.size(c));
  const edges: [number, number][] = [];
  const keys: string[] = [];
  for (const e of h.innerEdges(id)) {
    edges.push([index.get(e.from)!, index.get(e.to)!]);
    keys.push(`${e.from}>${e.to}`);
  }
  const into = id === ROOT ? new Map() : h.edgesIntoChildren(id);
  const outOf = id === ROOT ? new Map() : h.edgesOutOfChildren(id);
  const first = into.size ? sizes.push({ w: 1, h: 1 }) - 1 : -1;
  const last = outOf.size ? sizes.push({ w: 1, h: 1 }) - 1 : -1;
  for (const c of into.keys()) {
    edges.push([first, index.get(c)!]);
    keys.push(`in>${c}`);
  }
  for (const c of outOf.keys()) {
    edges.push([index.get(c)!, last]);
    keys.push(`${c}>out`);
  }
  const r = quickLayout({ sizes, edges, first, last });
  const nodes = new Map<number, Placed>();
  kids.forEach((c, i) => nodes.set(c, { x: r.nodes[i].x, y: r.nodes[i].y, w: sizes[i].w, h: sizes[i].h }));
  const routes = new Map<string, Point[]>();
  keys.forEach((k, i) => routes.set(k, r.edges[i]));
  return { w: r.w, h: r.h, nodes, edges: routes, labels: new Map(), anchorIn: first >= 0 ? r.nodes[first] : null, anchorOut: last >= 0 ? r.nodes[last] : null, ms: Date.now() - t0 };
}

/** An item as drawn, absolute coordinates (top-left corner). */
export interface SceneItem {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  expanded: boolean;
}

/** An edge as drawn between two shown items. */
export interface SceneEdge extends Agg {
  from: number;
  to: number;
  /** the container both ends are in */
  lca: number;
  points: Point[];
}

export interface SceneLabel extends Point {
  text: string;
}

export interface Scene {
  /** containers before what they contain */
  items: SceneItem[];
  edges: SceneEdge[];
  labels: SceneLabel[];
  w: number;
  h: number;
}

/** Puts the cached layouts together and routes the edges between the items shown. */
export function place(layouts: Layouts): Scene {
  const h = layouts.h;
  const items: SceneItem[] = [];
  const byId = new Map<number, SceneItem>();
  const origin = new Map<number, Point>(); // interior origin of each expanded container
  const root = layouts.interior(ROOT);
  origin.set(ROOT, { x: 0, y: 0 });
  const visit = (id: number) => {
    const inner = layouts.interior(id);
    const o = origin.get(id)!;
    for (const c of h.children[id]) {
      const p = inner.nodes.get(c)!;
      const item: SceneItem = { id: c, x: o.x + p.x - p.w / 2, y: o.y + p.y - p.h / 2, w: p.w, h: p.h, expanded: h.isContainer(c) && layouts.isExpanded(c) };
      items.push(item);
      byId.set(c, item);
      if (item.expanded) {
        const ci = layouts.interior(c);
        origin.set(c, { x: item.x + (item.w - ci.w) / 2, y: item.y + HEADER });
        visit(c);
      }
    }
  };
  visit(ROOT);

  // the edges between shown items, aggregated
  const g = h.graph;
  const pairs = new Map<number, SceneEdge>();
  const n = h.size;
  for (let j = 0; j < g.edgeSource.length; j++) {
    if (h.edgeLca[j] < 0 || !layouts.isExpanded(h.edgeLca[j]) || !byId.has(h.edgeFrom[j])) continue;
    const a = h.visibleNode(g.edgeSource[j], layouts.expanded);
    const b = h.visibleNode(g.edgeTarget[j], layouts.expanded);
    if (a === b) continue;
    const key = a * n + b;
    let e = pairs.get(key);
    if (!e) pairs.set(key, (e = { from: a, to: b, lca: h.edgeLca[j], count: 0, shape: "", size: NaN, control: true, points: [] }));
    const shape = g.edgeShape[j] ?? "";
    if (e.count === 0) e.shape = shape;
    else if (e.shape !== shape) e.shape = "";
    e.count++;
    const size = g.edgeSize[j];
    if (!Number.isNaN(size)) e.size = Number.isNaN(e.size) ? size : e.size + size;
    if (g.edgeControl[j] !== 1) e.control = false;
  }
  const abs = (c: number, pts: Point[] | undefined): Point[] => {
    const o = origin.get(c)!;
    return (pts ?? []).map((p) => ({ x: p.x + o.x, y: p.y + o.y }));
  };
  const edges: SceneEdge[] = [];
  const labelKeys = new Set<string>();
  const labels: SceneLabel[] = [];
  for (const e of pairs.values()) {
    // the chains from each end up to the common container
    const lca = e.lca;
    const up: number[] = [e.from];
    while (h.parent[up[up.length - 1]] !== lca) up.push(h.parent[up[up.length - 1]]);
    const down: number[] = [e.to];
    while (h.parent[down[down.length - 1]] !== lca) down.push(h.parent[down[down.length - 1]]);
    const pts: Point[] = [];
    // inside out, through each box's bottom anchor
    for (let i = 0; i + 1 < up.length; i++) {
      const box = up[i + 1];
      const inner = layouts.interior(box);
      const seg = abs(box, inner.edges.get(`${up[i]}>out`));
      pts.push(...(i === 0 ? seg : seg.slice(1)));
      const bi = byId.get(box)!;
      const ox = origin.get(box)!.x + (inner.anchorOut?.x ?? inner.w / 2);
      pts.push({ x: ox, y: bi.y + bi.h });
    }
    const cs = up[up.length - 1];
    const ct = down[down.length - 1];
    const trunkKey = `${cs}>${ct}`;
    let trunk = abs(lca, layouts.interior(lca).edges.get(trunkKey));
    if (up.length > 1) trunk = trunk.slice(1);
    if (down.length > 1) trunk = trunk.slice(0, -1);
    pts.push(...trunk);
    const label = layouts.interior(lca).labels.get(trunkKey);
    if (label && !labelKeys.has(`${lca}:${trunkKey}`)) {
      labelKeys.add(`${lca}:${trunkKey}`);
      const agg = h.innerEdge(lca, cs, ct);
      const o = origin.get(lca)!;
      if (agg) labels.push({ x: label.x + o.x, y: label.y + o.y, text: edgeText(agg) });
    }
    // outside in, through each box's top anchor
    for (let i = down.length - 1; i > 0; i--) {
      const box = down[i];
      const inner = layouts.interior(box);
      const bi = byId.get(box)!;
      const ix = origin.get(box)!.x + (inner.anchorIn?.x ?? inner.w / 2);
      pts.push({ x: ix, y: bi.y });
      const seg = abs(box, inner.edges.get(`in>${down[i - 1]}`));
      pts.push(...(i === 1 ? seg : seg.slice(0, -1)));
    }
    if (pts.length < 2) {
      const a = byId.get(e.from)!;
      const b = byId.get(e.to)!;
      pts.length = 0;
      pts.push({ x: a.x + a.w / 2, y: a.y + a.h }, { x: b.x + b.w / 2, y: b.y });
    }
    e.points = pts;
    edges.push(e);
  }
  return { items, edges, labels, w: root.w, h: root.h };
}

/**
 * An SVG path through every point of `pts`, smooth. Edges read top to bottom, so x is
 * interpolated as a monotone cubic of y (Fritsch-Carlson: no overshoot, so the curve
 * stays where dagre routed it, clear of the nodes and labels), leaving and entering
 * vertically. A route that goes up somewhere (a cycle) is drawn through its points
 * as a Catmull-Rom spline.
 */
export function curve(input: readonly Point[]): string {
  const f = (v: number) => (Math.round(v * 10) / 10).toString();
  const pts: Point[] = [];
  for (const p of input) {
    const last = pts[pts.length - 1];
    if (!last || Math.hypot(p.x - last.x, p.y - last.y) > 2) pts.push(p);
  }
  if (pts.length === 0) return "";
  let d = `M${f(pts[0].x)},${f(pts[0].y)}`;
  if (pts.length === 1) return d;
  if (pts.length === 2) return d + `L${f(pts[1].x)},${f(pts[1].y)}`;
  const n = pts.length;
  const down = pts.every((p, i) => i === 0 || p.y - pts[i - 1].y >= 1);
  if (down) {
    const slope: number[] = [];
    for (let i = 0; i + 1 < n; i++) slope.push((pts[i + 1].x - pts[i].x) / (pts[i + 1].y - pts[i].y));
    const m = new Array<number>(n).fill(0);
    for (let i = 1; i + 1 < n; i++) m[i] = slope[i - 1] * slope[i] <= 0 ? 0 : (slope[i - 1] + slope[i]) / 2;
    for (let i = 0; i + 1 < n; i++) {
      if (slope[i] === 0) {
        m[i] = 0;
        m[i + 1] = 0;
        continue;
      }
      const a = m[i] / slope[i];
      const b = m[i + 1] / slope[i];
      const r = a * a + b * b;
      if (r > 9) {
        const t = 3 / Math.sqrt(r);
        m[i] = t * a * slope[i];
        m[i + 1] = t * b * slope[i];
      }
    }
    for (let i = 0; i + 1 < n; i++) {
      const p = pts[i];
      const q = pts[i + 1];
      const h = (q.y - p.y) / 3;
      d += `C${f(p.x + m[i] * h)},${f(p.y + h)} ${f(q.x - m[i + 1] * h)},${f(q.y - h)} ${f(q.x)},${f(q.y)}`;
    }
    return d;
  }
  for (let i = 0; i + 1 < n; i++) {
    const p0 = pts[Math.max(0, i - 1)];
    const p1 = pts[i];
    const p2 = pts[i + 1];
    const p3 = pts[Math.min(n - 1, i + 2)];
    d += `C${f(p1.x + (p2.x - p0.x) / 6)},${f(p1.y + (p2.y - p0.y) / 6)} ${f(p2.x - (p3.x - p1.x) / 6)},${f(p2.y - (p3.y - p1.y) / 6)} ${f(p2.x)},${f(p2.y)}`;
  }
  return d;
}
