// The scope tree of a graph (pure, no DOM): node names split on "/" give a box per
// scope prefix, the nodes (ops) are its leaves. Among a box's child boxes, runs of
// three or more numbered alike with consecutive indices (Block[0], Block[1], ... or
// layers.0, layers.1, ... or conv_1, conv_2, ...) fold into one series item, which
// expands to show its members. Every edge of the graph is filed once, at the lowest
// item containing both its ends (the lowest common ancestor, a box, a series or the
// root), between the two children of it that hold the ends; and at each box it
// crosses on the way, as an edge entering or leaving that box. So every box knows
// the aggregated edges between its direct children and across its border, which is
// all the per-box layout needs.
import type { GraphModel } from "../store";

/** The parts of a GraphModel the tree is built from. */
export type GraphInput = Pick<GraphModel, "names" | "ops" | "edgeSource" | "edgeTarget" | "edgeShape" | "edgeSize" | "edgeControl"> & {
  kind?: GraphModel["kind"];
};

export type ItemKind = "op" | "box" | "series";
const OP = 0;
const BOX = 1;
const SERIES = 2;
const KINDS: ItemKind[] = ["op", "box", "series"];

/** Edges of the graph taken together: how many, their shape when all agree, their size. */
export interface Agg {
  count: number;
  /** the shape when every edge has the same known one, else "" */
  shape: string;
  /** elements summed over the edges of known size (NaN: none known) */
  size: number;
  /** true when every edge is a control dependency */
  control: boolean;
}

/** An aggregated edge between two children of one item. */
export interface InnerEdge extends Agg {
  from: number;
  to: number;
}

export const ROOT = 0;

/** Ops whose value is written into the graph: torch shares one such node among every module that uses the value. */
const CONSTANT_OPS = new Set(["prim::Constant", "Const"]);

/**
 * Whether edge j is a constant used in another box than its own: torch traces one
 * prim::Constant per value and every module using it (all 16 blocks of a ResNet)
 * points back at it, which would tie every box to the first. Such edges are not
 * laid out nor drawn (the nodes' details still list them).
 */
export function isSharedConstant(graph: GraphInput, j: number, parentOf: (node: number) => string): boolean {
  const s = graph.edgeSource[j];
  return CONSTANT_OPS.has(graph.ops[s] ?? "") && parentOf(s) !== parentOf(graph.edgeTarget[j]);
}

function newAgg(): Agg & { seen: boolean } {
  return { count: 0, shape: "", size: NaN, control: true, seen: false };
}

function addEdge(agg: Agg & { seen?: boolean }, shape: string, size: number, control: boolean): void {
  if (agg.count === 0) agg.shape = shape;
  else if (agg.shape !== shape) agg.shape = "";
  agg.count++;
  if (!Number.isNaN(size)) agg.size = Number.isNaN(agg.size) ? size : agg.size + size;
  if (!control) agg.control = false;
}

/** A box's label from its torch scope segment: "Conv2d[conv1]" -> "Conv2d conv1", "Block[3]" -> "Block 3". */
export function boxLabel(segment: string): string {
  const m = /^([^[\]]+)\[([^[\]]+)\]$/.exec(segment);
  return m ? `${m[1]} ${m[2]}` : segment;
}

/**
 * An op node's label. Torch's ops are qualified and its names are numbers: the short
 * op ("aten::linear" -> "linear", "prim::Constant" -> "Constant"; an "IO Node" is its
 * name's last segment, "x"). TensorFlow's and Keras' names say what a node is
 * ("dense1/MatMul", "x", "sequential/hidden"): their last segment, the op on a second line.
 */
export function opLabel(op: string, name: string): string {
  const i = op.lastIndexOf("::");
  return i >= 0 ? op.slice(i + 2) : lastSegment(name);
}

/** The second line of an op node: its op, when the label is its name and not the op. */
export function opSecondLine(op: string, name: string): string {
  return op.includes("::") || op === "IO Node" || op === lastSegment(name) ? "" : op;
}

export function lastSegment(name: string): string {
  const i = name.lastIndexOf("/");
  return i >= 0 ? name.slice(i + 1) : name;
}

/** A numbered segment: "Block[3]", "layers.3", "conv_3" -> its base, its style and index; null otherwise. */
export function numbered(segment: string): { base: string; style: "[]" | "." | "_"; index: number } | null {
  let m = /^(.+)\[(\d+)\]$/.exec(segment);
  if (m) return { base: m[1], style: "[]", index: Number(m[2]) };
  m = /^(.+)\.(\d+)$/.exec(segment);
  if (m) return { base: m[1], style: ".", index: Number(m[2]) };
  m = /^(.+)_(\d+)$/.exec(segment);
  if (m) return { base: m[1], style: "_", index: Number(m[2]) };
  return null;
}

/** A series' name: "Block[0..15]", "layers.0..11", "conv_1..4". */
export function seriesLabel(base: string, style: "[]" | "." | "_", lo: number, hi: number): string {
  return style === "[]" ? `${base}[${lo}..${hi}]` : `${base}${style}${lo}..${hi}`;
}

/** Fewest members of a series. */
export const SERIES_MIN = 3;

/**
 * The runs to fold among `segments` (a box's child boxes, in order): each a list of
 * positions into `segments` with the series' label. Same base and style, consecutive
 * indices, at least SERIES_MIN members.
 */
export function seriesRuns(segments: readonly string[]): { members: number[]; label: string }[] {
  const groups = new Map<string, { base: string; style: "[]" | "." | "_"; at: { pos: number; index: number }[] }>();
  segments.forEach((s, pos) => {
    const n = numbered(s);
    if (!n) return;
    const key = `${n.style}\u0000${n.base}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { base: n.base, style: n.style, at: [] }));
    g.at.push({ pos, index: n.index });
  });
  const runs: { members: number[]; label: string }[] = [];
  for (const g of groups.values()) {
    if (g.at.length < SERIES_MIN) continue;
    const at = [...g.at].sort((a, b) => a.index - b.index);
    let start = 0;
    for (let i = 1; i <= at.length; i++) {
      if (i < at.length && at[i].index === at[i - 1].index + 1) continue;
      if (i - start >= SERIES_MIN) {
        const run = at.slice(start, i);
        runs.push({ members: run.map((a) => a.pos), label: seriesLabel(g.base, g.style, run[0].index, run[run.length - 1].index) });
      }
      start = i;
    }
  }
  return runs;
}

export class Hierarchy {
  readonly graph: GraphInput;
  /** per item */
  readonly kindCode: number[] = [];
  readonly parent: number[] = [];
  readonly depth: number[] = [];
  readonly children: number[][] = [];
  /** data-name: a node's full name, a box's scope path, a series' parent path + its label */
  readonly name: string[] = [];
  readonly label: string[] = [];
  /** an op item's node index, -1 for others */
  readonly node: number[] = [];
  /** ops inside (1 for an op) */
  readonly count: number[] = [];
  /** per node: its op item */
  readonly leaf: Int32Array;
  /** per edge: the item both ends are in, and its two children holding them (-1: a self-loop) */
  readonly edgeLca: Int32Array;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  /** edges of shared constants, not drawn (isSharedConstant) */
  readonly hiddenEdges: number;
  /** per item: aggregated edges between its children, into it from outside, out of it */
  private inner = new Map<number, Map<number, InnerEdge>>();
  private ins = new Map<number, Map<number, Agg>>();
  private outs = new Map<number, Map<number, Agg>>();
  /** per node: edges in and out, as edge indexes */
  private edgesIn: number[][] | null = null;
  private edgesOut: number[][] | null = null;

  constructor(graph: GraphInput) {
    this.graph = graph;
    const n = graph.names.length;
    this.leaf = new Int32Array(n);
    this.add(BOX, -1, "", "", -1);
    const boxes = new Map<string, number>([["", ROOT]]);
    const boxOf = (path: string, segments: string[], upto: number): number => {
      let id = boxes.get(path);
      if (id !== undefined) return id;
      const parentPath = upto > 1 ? segments.slice(0, upto - 1).join("/") : "";
      const p = boxOf(parentPath, segments, upto - 1);
      id = this.add(BOX, p, path, boxLabel(segments[upto - 1]), -1);
      boxes.set(path, id);
      return id;
    };
    for (let i = 0; i < n; i++) {
      const name = graph.names[i];
      const segments = name.split("/");
      const parentPath = segments.slice(0, -1).join("/");
      // a node named like a scope ("dense1/MatMul" beside "dense1/MatMul/ReadVariableOp") sits inside it
      let p = boxes.get(name);
      if (p === undefined) p = segments.length > 1 ? boxOf(parentPath, segments, segments.length - 1) : ROOT;
      this.leaf[i] = this.add(OP, p, name, opLabel(graph.ops[i] ?? "", name), i);
    }
    // a later node may open a scope named like an earlier node: move that node inside
    for (let i = 0; i < n; i++) {
      const inside = boxes.get(graph.names[i]);
      const item = this.leaf[i];
      if (inside !== undefined && this.parent[item] !== inside) this.reparent(item, inside);
    }
    this.foldSeries();
    this.finish();
    const e = graph.edgeSource.length;
    this.edgeLca = new Int32Array(e).fill(-1);
    this.edgeFrom = new Int32Array(e).fill(-1);
    this.edgeTo = new Int32Array(e).fill(-1);
    const parentOf = (node: number) => {
      const name = graph.names[node];
      return name.slice(0, Math.max(0, name.lastIndexOf("/")));
    };
    let hidden = 0;
    for (let j = 0; j < e; j++) {
      if (isSharedConstant(graph, j, parentOf)) hidden++;
      else this.fileEdge(j);
    }
    this.hiddenEdges = hidden;
  }

  private add(kind: number, parent: number, name: string, label: string, node: number): number {
    const id = this.kindCode.length;
    this.kindCode.push(kind);
    this.parent.push(parent);
    this.depth.push(0);
    this.children.push([]);
    this.name.push(name);
    this.label.push(label);
    this.node.push(node);
    this.count.push(0);
    if (parent >= 0) this.children[parent].push(id);
    return id;
  }

  private reparent(item: number, to: number): void {
    const from = this.children[this.parent[item]];
    from.splice(from.indexOf(item), 1);
    this.parent[item] = to;
    this.children[to].push(item);
  }

  private foldSeries(): void {
    const boxes = this.kindCode.map((k, id) => (k === BOX ? id : -1)).filter((id) => id >= 0);
    for (const box of boxes) {
      const kids = this.children[box].filter((c) => this.kindCode[c] === BOX);
      if (kids.length < SERIES_MIN) continue;
      const runs = seriesRuns(kids.map((c) => lastSegment(this.name[c])));
      for (const run of runs) {
        const members = run.members.map((pos) => kids[pos]);
        const path = this.name[box];
        const s = this.add(SERIES, -1, path ? `${path}/${run.label}` : run.label, run.label, -1);
        // the series takes the place of its first member
        const list = this.children[box];
        list.splice(list.indexOf(members[0]), 0, s);
        this.parent[s] = box;
        for (const m of members) {
          list.splice(list.indexOf(m), 1);
          this.parent[m] = s;
          this.children[s].push(m);
        }
      }
    }
  }

  /** depths (parents first: ids are not in tree order after moves) and counts */
  private finish(): void {
    const order: number[] = [ROOT];
    for (let i = 0; i < order.length; i++) {
      const id = order[i];
      for (const c of this.children[id]) {
        this.depth[c] = this.depth[id] + 1;
        order.push(c);
      }
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const id = order[i];
      if (this.kindCode[id] === OP) this.count[id] = 1;
      if (id !== ROOT) this.count[this.parent[id]] += this.count[id];
    }
  }

  private fileEdge(j: number): void {
    const g = this.graph;
    let a = this.leaf[g.edgeSource[j]];
    let b = this.leaf[g.edgeTarget[j]];
    if (a === b) return;
    const shape = g.edgeShape[j] ?? "";
    const size = g.edgeSize[j];
    const control = g.edgeControl[j] === 1;
    const file = (table: Map<number, Map<number, Agg>>, box: number, child: number) => {
      let m = table.get(box);
      if (!m) table.set(box, (m = new Map()));
      let agg = m.get(child);
      if (!agg) m.set(child, (agg = newAgg()));
      addEdge(agg, shape, size, control);
    };
    while (this.depth[a] > this.depth[b]) {
      file(this.outs, this.parent[a], a);
      a = this.parent[a];
    }
    while (this.depth[b] > this.depth[a]) {
      file(this.ins, this.parent[b], b);
      b = this.parent[b];
    }
    while (this.parent[a] !== this.parent[b]) {
      file(this.outs, this.parent[a], a);
      file(this.ins, this.parent[b], b);
      a = this.parent[a];
      b = this.parent[b];
    }
    const lca = this.parent[a];
    this.edgeLca[j] = lca;
    this.edgeFrom[j] = a;
    this.edgeTo[j] = b;
    let m = this.inner.get(lca);
    if (!m) this.inner.set(lca, (m = new Map()));
    const key = a * this.kindCode.length + b;
    let agg = m.get(key);
    if (!agg) m.set(key, (agg = { ...newAgg(), from: a, to: b }));
    addEdge(agg, shape, size, control);
  }

  get size(): number {
    return this.kindCode.length;
  }

  kind(id: number): ItemKind {
    return KINDS[this.kindCode[id]];
  }

  isContainer(id: number): boolean {
    return this.kindCode[id] !== OP;
  }

  /** An op item's second text line (opSecondLine), "" for others. */
  secondLine(id: number): string {
    const node = this.node[id];
    return node < 0 ? "" : opSecondLine(this.graph.ops[node] ?? "", this.graph.names[node]);
  }

  /** Aggregated edges between the direct children of `id`. */
  innerEdges(id: number): InnerEdge[] {
    return [...(this.inner.get(id)?.values() ?? [])];
  }

  /** The aggregated edge from child `a` to child `b` of `id`. */
  innerEdge(id: number, a: number, b: number): InnerEdge | undefined {
    return this.inner.get(id)?.get(a * this.kindCode.length + b);
  }

  /** Children of `id` fed from outside it, with what feeds them. */
  edgesIntoChildren(id: number): Map<number, Agg> {
    return this.ins.get(id) ?? new Map();
  }

  /** Children of `id` feeding something outside it. */
  edgesOutOfChildren(id: number): Map<number, Agg> {
    return this.outs.get(id) ?? new Map();
  }

  /** The ancestors of `id`, nearest first, without the root. */
  ancestors(id: number): number[] {
    const out: number[] = [];
    for (let a = this.parent[id]; a > ROOT; a = this.parent[a]) out.push(a);
    return out;
  }

  /** Whether `a` is `b` or contains it. */
  contains(a: number, b: number): boolean {
    for (let x = b; x >= 0; x = this.parent[x]) if (x === a) return true;
    return false;
  }

  /**
   * The item `id` is shown as, given which containers are expanded: itself when all
   * its ancestors are expanded, else its outermost collapsed ancestor.
   */
  visibleItem(id: number, expanded: ReadonlySet<number>): number {
    let v = id;
    for (let a = this.parent[id]; a > ROOT; a = this.parent[a]) if (!expanded.has(a)) v = a;
    return v;
  }

  /** The item an op node is shown as. */
  visibleNode(node: number, expanded: ReadonlySet<number>): number {
    return this.visibleItem(this.leaf[node], expanded);
  }

  /** The edges into and out of a node (edge indexes), computed once. */
  nodeEdges(node: number): { inputs: number[]; outputs: number[] } {
    if (!this.edgesIn || !this.edgesOut) {
      const n = this.graph.names.length;
      this.edgesIn = Array.from({ length: n }, () => []);
      this.edgesOut = Array.from({ length: n }, () => []);
      for (let j = 0; j < this.graph.edgeSource.length; j++) {
        this.edgesOut[this.graph.edgeSource[j]].push(j);
        this.edgesIn[this.graph.edgeTarget[j]].push(j);
      }
    }
    return { inputs: this.edgesIn[node], outputs: this.edgesOut[node] };
  }

  /** The nodes outside an item that feed it, and those it feeds, with the edges' aggregate. */
  itemBoundary(id: number): { inputs: Map<number, Agg>; outputs: Map<number, Agg> } {
    const inputs = new Map<number, Agg>();
    const outputs = new Map<number, Agg>();
    const g = this.graph;
    const inside = (node: number) => this.contains(id, this.leaf[node]);
    const add = (m: Map<number, Agg>, node: number, j: number) => {
      let agg = m.get(node);
      if (!agg) m.set(node, (agg = newAgg()));
      addEdge(agg, g.edgeShape[j] ?? "", g.edgeSize[j], g.edgeControl[j] === 1);
    };
    for (let j = 0; j < g.edgeSource.length; j++) {
      const s = g.edgeSource[j];
      const t = g.edgeTarget[j];
      // an edge crossing the item's border is filed at an ancestor of it (or at it, for a series)
      const lca = this.edgeLca[j];
      if (lca < 0 || !this.contains(lca, id) || lca === id) continue;
      const si = inside(s);
      const ti = inside(t);
      if (si && !ti) add(outputs, t, j);
      else if (ti && !si) add(inputs, s, j);
    }
    return { inputs, outputs };
  }

  /** The items to expand so that `id` is shown: its ancestors. */
  expandTo(id: number, expanded: Set<number>): void {
    for (const a of this.ancestors(id)) expanded.add(a);
  }

  /** Every container (box or series) except the root: what "expand all" expands. */
  containers(): number[] {
    const out: number[] = [];
    for (let id = 1; id < this.size; id++) if (this.kindCode[id] !== OP) out.push(id);
    return out;
  }
}

/** The node indexes whose full name or op a compiled filter finds (in node order). */
export function matchNodes(graph: Pick<GraphInput, "names" | "ops">, re: RegExp): number[] {
  const out: number[] = [];
  const n = graph.names.length;
  for (let i = 0; i < n; i++) if (re.test(graph.names[i]) || re.test(graph.ops[i] ?? "")) out.push(i);
  return out;
}
