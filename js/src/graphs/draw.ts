// Draws a placed scene (layout.ts) as SVG, built element by element with
// createElementNS and textContent only: names from event files never become markup.
// Layers, bottom to top: the expanded containers (a frame with a header), the edges,
// their labels, the collapsed items. Every item is a focusable g.tbnb-gnode.
import { visible } from "../names";
import type { Hierarchy } from "./hierarchy";
import { curve, edgeWidth, HEADER, type Layouts, type Scene, type SceneItem } from "./layout";

const NS = "http://www.w3.org/2000/svg";

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

let markers = 0;

/** The layers a scene is drawn into, inside one svg. */
export class GraphCanvas {
  readonly svg: SVGSVGElement;
  readonly viewport: SVGGElement;
  private boxes: SVGGElement;
  private edges: SVGGElement;
  private labels: SVGGElement;
  private headers: SVGGElement;
  private nodes: SVGGElement;
  private arrow: string;
  /** the drawn g of each item shown */
  readonly drawn = new Map<number, SVGGElement>();
  private edgeEls: { from: number; to: number; el: SVGPathElement }[] = [];
  private ids = new WeakMap<Element, number>();

  constructor() {
    this.arrow = `tbnb-garrow-${++markers}`;
    this.svg = svg("svg", { class: "tbnb-graph-svg", role: "group", "aria-label": "graph drawing" });
    const defs = svg("defs");
    const marker = svg("marker", { id: this.arrow, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse", orient: "auto" });
    marker.appendChild(svg("path", { d: "M0,0L10,5L0,10z", class: "tbnb-garrow" }));
    defs.appendChild(marker);
    this.viewport = svg("g", { class: "tbnb-gviewport" });
    this.boxes = svg("g", { class: "tbnb-gboxes" });
    this.edges = svg("g", { class: "tbnb-gedges" });
    this.labels = svg("g", { class: "tbnb-glabels" });
    this.headers = svg("g", { class: "tbnb-gheaders" });
    this.nodes = svg("g", { class: "tbnb-gnodes" });
    this.viewport.append(this.boxes, this.edges, this.labels, this.headers, this.nodes);
    this.svg.append(defs, this.viewport);
  }

  /** Draws `scene` in place of what was drawn. */
  draw(scene: Scene, layouts: Layouts, selected: number): void {
    const h = layouts.h;
    this.drawn.clear();
    this.edgeEls = [];
    const boxes = document.createDocumentFragment();
    const nodes = document.createDocumentFragment();
    const headers = document.createDocumentFragment();
    for (const it of scene.items) {
      const g = it.expanded ? this.expandedBox(h, layouts, it, headers) : this.collapsedItem(h, layouts, it);
      this.drawn.set(it.id, g);
      this.ids.set(g, it.id);
      (it.expanded ? boxes : nodes).appendChild(g);
    }
    const edges = document.createDocumentFragment();
    for (const e of scene.edges) {
      const path = svg("path", {
        class: e.control ? "tbnb-gedge tbnb-gedge-control" : "tbnb-gedge",
        d: curve(e.points),
        "stroke-width": edgeWidth(e).toFixed(2),
        "marker-end": `url(#${this.arrow})`,
        "data-from": h.name[e.from],
        "data-to": h.name[e.to],
      });
      const what = [e.shape || "shape unknown", e.count > 1 ? `${e.count} tensors` : "", e.control ? "control dependency" : ""].filter(Boolean).join(", ");
      path.appendChild(svg("title", {}, `${visible(h.name[e.from])} → ${visible(h.name[e.to])}: ${what}`));
      edges.appendChild(path);
      this.edgeEls.push({ from: e.from, to: e.to, el: path });
    }
    const labels = document.createDocumentFragment();
    for (const l of scene.labels) labels.appendChild(svg("text", { class: "tbnb-gedge-label", x: l.x.toFixed(1), y: l.y.toFixed(1) }, visible(l.text)));
    this.boxes.replaceChildren(boxes);
    this.edges.replaceChildren(edges);
    this.labels.replaceChildren(labels);
    this.headers.replaceChildren(headers);
    this.nodes.replaceChildren(nodes);
    this.select(selected);
  }

  /** The item a drawn g.tbnb-gnode (or an expanded box's g.tbnb-gheader) shows (-1: not one). */
  itemOf(el: Element): number {
    return this.ids.get(el) ?? -1;
  }

  /** Marks the selected item and the edges at it. */
  select(id: number): void {
    for (const [item, g] of this.drawn) {
      if (item === id) g.setAttribute("data-selected", "true");
      else g.removeAttribute("data-selected");
    }
    for (const e of this.edgeEls) e.el.classList.toggle("tbnb-gedge-selected", e.from === id || e.to === id);
  }

  /** Marks one item as the one a search jumped to. */
  highlight(id: number): void {
    for (const [item, g] of this.drawn) g.classList.toggle("tbnb-ghighlight", item === id);
  }

  private base(h: Hierarchy, it: SceneItem): SVGGElement {
    const kind = h.kind(it.id);
    const g = svg("g", { class: `tbnb-gnode tbnb-gnode-${kind}`, transform: `translate(${it.x.toFixed(1)},${it.y.toFixed(1)})`, tabindex: 0, role: "button", "data-name": h.name[it.id], "data-kind": kind });
    if (kind !== "op") {
      g.setAttribute("data-expanded", String(it.expanded));
      g.setAttribute("aria-expanded", String(it.expanded));
    }
    return g;
  }

  private collapsedItem(h: Hierarchy, layouts: Layouts, it: SceneItem): SVGGElement {
    const g = this.base(h, it);
    const kind = h.kind(it.id);
    const [main, second] = layouts.lines(it.id);
    const name = visible(h.name[it.id]);
    if (kind === "op") {
      const op = h.graph.ops[h.node[it.id]] ?? "";
      g.setAttribute("aria-label", `node ${visible(main)}, ${visible(op)}, ${name}. Enter selects it`);
      g.appendChild(svg("rect", { class: "tbnb-gshape", width: it.w.toFixed(1), height: it.h.toFixed(1), rx: 11 }));
      g.appendChild(svg("text", { class: "tbnb-glabel", x: (it.w / 2).toFixed(1), y: second ? 14 : it.h / 2 }, visible(main)));
      if (second) g.appendChild(svg("text", { class: "tbnb-gsub", x: (it.w / 2).toFixed(1), y: 26 }, visible(second)));
      g.appendChild(svg("title", {}, `${name}\n${visible(op)}`));
      return g;
    }
    const what = kind === "series" ? "series" : "box";
    g.setAttribute("aria-label", `${what} ${visible(main)}, ${second}, collapsed. Enter expands it`);
    if (kind === "series") {
      g.appendChild(svg("rect", { class: "tbnb-gshape tbnb-gstack", x: 6, y: 6, width: it.w.toFixed(1), height: it.h.toFixed(1), rx: 5 }));
      g.appendChild(svg("rect", { class: "tbnb-gshape tbnb-gstack", x: 3, y: 3, width: it.w.toFixed(1), height: it.h.toFixed(1), rx: 5 }));
    }
    g.appendChild(svg("rect", { class: "tbnb-gshape", width: it.w.toFixed(1), height: it.h.toFixed(1), rx: 5 }));
    g.appendChild(svg("text", { class: "tbnb-glabel tbnb-gbox-label", x: (it.w / 2).toFixed(1), y: 15 }, visible(main)));
    g.appendChild(svg("text", { class: "tbnb-gsub", x: (it.w / 2).toFixed(1), y: 29 }, second));
    g.appendChild(svg("text", { class: "tbnb-gtoggle", x: (it.w - 9).toFixed(1), y: 11 }, "+"));
    g.appendChild(svg("title", {}, `${name}\n${second}`));
    return g;
  }

  /** An expanded container: its frame, and its header in `headers` (above the edges, which pass under it). */
  private expandedBox(h: Hierarchy, layouts: Layouts, it: SceneItem, headers: DocumentFragment): SVGGElement {
    const g = this.base(h, it);
    const kind = h.kind(it.id);
    const [main, second] = layouts.lines(it.id);
    g.setAttribute("aria-label", `${kind === "series" ? "series" : "box"} ${visible(main)}, ${second}, expanded. Enter collapses it`);
    g.appendChild(svg("rect", { class: "tbnb-gframe", width: it.w.toFixed(1), height: it.h.toFixed(1), rx: 6 }));
    const header = svg("g", { class: "tbnb-gheader", transform: `translate(${it.x.toFixed(1)},${it.y.toFixed(1)})` });
    header.setAttribute("data-name", h.name[it.id]);
    this.ids.set(header, it.id);
    header.appendChild(svg("rect", { class: "tbnb-gheader-bg", width: it.w.toFixed(1), height: HEADER - 4, rx: 6 }));
    const title = svg("text", { class: "tbnb-gheader-label", x: 8, y: (HEADER - 4) / 2 });
    title.appendChild(svg("tspan", { class: "tbnb-gbox-label" }, visible(main)));
    title.appendChild(svg("tspan", { class: "tbnb-gsub", dx: 8 }, second));
    header.appendChild(title);
    header.appendChild(svg("text", { class: "tbnb-gtoggle", x: (it.w - 10).toFixed(1), y: (HEADER - 4) / 2 }, "−"));
    header.appendChild(svg("title", {}, `${visible(h.name[it.id])}\n${second}`));
    headers.appendChild(header);
    return g;
  }

  destroy(): void {
    this.drawn.clear();
    this.edgeEls = [];
  }
}
