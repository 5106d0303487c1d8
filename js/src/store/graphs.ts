// The graphs held in the browser: each (run, tag)'s listing (at most one graph: the
// last written under the tag), and the nodes and edges of those received, pushed
// by the kernel (small graphs) or asked for when the tab shows one (GraphRequest).
import { decodeArray, type GraphData, type GraphDelta, type GraphEntry, type GraphRequest } from "../protocol";
import { clearInto, seriesFor, seriesKey, type Change, type SeriesHolder } from "./holder";

export interface GraphSeries {
  run: string;
  tag: string;
  entry: GraphEntry | null; // null: purged by a restart
  version: number;
}

/** A graph's nodes and edges, decoded (GraphData in protocol.ts says what each is). */
export interface GraphModel {
  run: string;
  tag: string;
  step: number;
  kind: "op" | "keras";
  names: string[];
  ops: string[];
  devices: string[];
  outputShapes: string[];
  attributes: [string, string][][];
  edgeSource: Int32Array;
  edgeTarget: Int32Array;
  /** the shape carried by each edge as text ("" unknown) */
  edgeShape: string[];
  edgeSize: Float64Array;
  edgeControl: Uint8Array;
  notes: string[];
}

/** What the browser has of one graph's nodes. */
export type GraphState =
  | { state: "none" } // not listed
  | { state: "waiting" } // asked for, not received yet
  | { state: "ready"; graph: GraphModel }
  | { state: "error"; error: string };

const strings = (a: unknown): string[] => (Array.isArray(a) ? a.map((x) => String(x ?? "")) : []);

/** A GraphData as the kernel sent it, checked: the error it holds, or the graph. */
export function decodeGraph(d: GraphData, buffers: readonly DataView[]): GraphModel | string {
  if (d.error) return String(d.error);
  const names = strings(d.names);
  const n = names.length;
  const col = (a: unknown) => {
    const s = strings(a);
    s.length = n;
    return Array.from(s, (x) => x ?? "");
  };
  const source = decodeArray(d.edge_source, buffers) as Int32Array;
  const target = decodeArray(d.edge_target, buffers) as Int32Array;
  const shapeIndex = decodeArray(d.edge_shape, buffers) as Int32Array;
  const size = decodeArray(d.edge_size, buffers) as Float64Array;
  const control = decodeArray(d.edge_control, buffers) as Uint8Array;
  const e = source.length;
  if (target.length !== e || shapeIndex.length !== e || size.length !== e || control.length !== e) return "the graph's edge arrays differ in length";
  for (let j = 0; j < e; j++) {
    if (source[j] < 0 || source[j] >= n || target[j] < 0 || target[j] >= n) return "an edge of the graph names a node that is not in it";
  }
  const table = strings(d.shape_table);
  const attrs = Array.isArray(d.attributes) ? d.attributes : [];
  return {
    run: d.run,
    tag: d.tag,
    step: Number(d.step),
    kind: d.kind === "keras" ? "keras" : "op",
    names,
    ops: col(d.ops),
    devices: col(d.devices),
    outputShapes: col(d.output_shapes),
    attributes: Array.from({ length: n }, (_, i) => (Array.isArray(attrs[i]) ? attrs[i].map((p) => [String(p?.[0] ?? ""), String(p?.[1] ?? "")] as [string, string]) : [])),
    edgeSource: source,
    edgeTarget: target,
    edgeShape: Array.from(shapeIndex, (i) => (i >= 0 && i < table.length ? table[i] : "")),
    edgeSize: size,
    edgeControl: control,
    notes: strings(d.notes),
  };
}

export class GraphHolder implements SeriesHolder<GraphSeries, GraphDelta> {
  readonly series = new Map<string, GraphSeries>();
  private got = new Map<string, { graph: GraphModel } | { error: string }>();
  private pending = new Set<string>();
  /** sends a request to the kernel (set by index.ts through the store) */
  sender?: (msg: GraphRequest) => void;

  apply(deltas: readonly GraphDelta[], _buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({ run: d.run, tag: d.tag, entry: null, version: 0 }));
      const entry = Array.isArray(d.graphs) && d.graphs.length ? d.graphs[d.graphs.length - 1] : null;
      s.entry = entry;
      s.version++;
      // written again (or purged): what was received is of the old graph
      this.got.delete(k);
      this.pending.delete(k);
      change.of("graphs").add(k);
      change.of("graph_data").add(k);
    }
    return false;
  }

  reset(_next: readonly GraphDelta[], change: Change): void {
    clearInto(this.series, change, "graphs");
    for (const k of this.got.keys()) change.of("graph_data").add(k);
    this.got.clear();
    this.pending.clear();
  }

  /** Takes pushed or requested graphs. */
  receive(items: readonly GraphData[], buffers: readonly DataView[], change: Change): void {
    for (const d of items ?? []) {
      if (!d || typeof d.run !== "string" || typeof d.tag !== "string") continue;
      const k = seriesKey(d.run, d.tag);
      const decoded = decodeGraph(d, buffers);
      this.got.set(k, typeof decoded === "string" ? { error: decoded } : { graph: decoded });
      this.pending.delete(k);
      change.of("graph_data").add(k);
    }
  }

  /** The graphs listed, in the order first seen. */
  listed(): GraphSeries[] {
    return [...this.series.values()].filter((s) => s.entry !== null);
  }

  state(run: string, tag: string): GraphState {
    const k = seriesKey(run, tag);
    const s = this.series.get(k);
    if (!s || !s.entry) return { state: "none" };
    if (s.entry.error) return { state: "error", error: s.entry.error };
    const got = this.got.get(k);
    if (got) return "graph" in got ? { state: "ready", graph: got.graph } : { state: "error", error: got.error };
    return this.pending.has(k) ? { state: "waiting" } : { state: "none" };
  }

  /** Asks the kernel for a graph's nodes (once until it answers). */
  request(run: string, tag: string): void {
    const k = seriesKey(run, tag);
    if (this.got.has(k) || this.pending.has(k) || !this.sender) return;
    this.pending.add(k);
    this.sender({ type: "graph", items: [{ run, tag }] });
  }
}
