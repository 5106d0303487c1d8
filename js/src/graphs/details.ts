// The details of the selected item: an op's op, full name, device, output shapes,
// inputs and outputs (buttons that jump to the node at the other end, with the edge's
// shape) and attributes; a box's or series' label, scope, size and the nodes outside
// it that feed it or that it feeds. Text nodes only.
import { h } from "../dom";
import { visible } from "../names";
import type { GraphModel } from "../store";
import type { Agg, Hierarchy } from "./hierarchy";

/** Most links listed per direction. */
const MAX_LINKS = 100;

export class Details {
  readonly el: HTMLElement;

  constructor(private jump: (node: number) => void) {
    this.el = h("div", { class: "tbnb-graph-details", role: "region", "aria-label": "selected node" });
    this.clear();
  }

  clear(): void {
    this.el.removeAttribute("data-name");
    this.el.replaceChildren(h("div", { class: "tbnb-graph-hint" }, "Click a node to see its details; click a box to open it."));
  }

  show(hi: Hierarchy, g: GraphModel, id: number): void {
    this.el.setAttribute("data-name", hi.name[id]);
    const kind = hi.kind(id);
    const parts: Node[] = [];
    if (kind === "op") {
      const node = hi.node[id];
      parts.push(h("div", { class: "tbnb-graph-details-title" }, visible(hi.label[id])));
      parts.push(
        fields([
          ["op", g.ops[node] ?? ""],
          ["name", g.names[node]],
          ["device", g.devices[node] ?? ""],
          ["output shapes", g.outputShapes[node] ?? ""],
        ]),
      );
      const { inputs, outputs } = hi.nodeEdges(node);
      parts.push(this.links(hi, "inputs", inputs.map((j) => [g.edgeSource[j], agg(g, j)])));
      parts.push(this.links(hi, "outputs", outputs.map((j) => [g.edgeTarget[j], agg(g, j)])));
      const attrs = g.attributes[node] ?? [];
      if (attrs.length) {
        const body = h("tbody");
        for (const [k, v] of attrs) body.appendChild(h("tr", {}, h("th", { scope: "row" }, visible(k)), h("td", {}, visible(v))));
        parts.push(h("div", { class: "tbnb-graph-details-head" }, "attributes"), h("table", { class: "tbnb-graph-attrs" }, body));
      }
    } else {
      const n = hi.count[id];
      parts.push(h("div", { class: "tbnb-graph-details-title" }, visible(hi.label[id])));
      const rows: [string, string][] = [
        [kind === "series" ? "series" : "scope", hi.name[id]],
        ["nodes inside", n.toLocaleString("en-US")],
      ];
      if (kind === "series") rows.splice(1, 0, ["members", String(hi.children[id].length)]);
      parts.push(fields(rows));
      const b = hi.itemBoundary(id);
      parts.push(this.links(hi, "inputs", [...b.inputs]));
      parts.push(this.links(hi, "outputs", [...b.outputs]));
    }
    this.el.replaceChildren(...parts);
  }

  private links(hi: Hierarchy, title: string, list: [number, Agg][]): HTMLElement {
    const head = h("div", { class: "tbnb-graph-details-head" }, `${title} (${list.length})`);
    const box = h("div", { class: "tbnb-graph-linklist" });
    for (const [node, a] of list.slice(0, MAX_LINKS)) {
      const name = hi.graph.names[node] ?? "";
      const b = h("button", { type: "button", class: "tbnb-graph-link", "data-name": name, title: visible(name) }, visible(name));
      const note = [a.shape, a.count > 1 ? `×${a.count}` : "", a.control ? "control" : ""].filter(Boolean).join(" ");
      if (note) b.appendChild(h("span", { class: "tbnb-graph-link-shape" }, visible(note)));
      b.addEventListener("click", () => this.jump(node));
      box.appendChild(b);
    }
    if (list.length > MAX_LINKS) box.appendChild(h("div", { class: "tbnb-graph-more" }, `${(list.length - MAX_LINKS).toLocaleString("en-US")} more`));
    return h("div", {}, head, box);
  }

}

function agg(g: GraphModel, j: number): Agg {
  return { count: 1, shape: g.edgeShape[j] ?? "", size: g.edgeSize[j], control: g.edgeControl[j] === 1 };
}

function fields(rows: [string, string][]): HTMLElement {
  const dl = h("dl", { class: "tbnb-graph-fields" });
  for (const [k, v] of rows) {
    if (!v) continue;
    dl.append(h("dt", {}, k), h("dd", {}, visible(v)));
  }
  return dl;
}
