// The node search: a pattern in the filters' dialect (filters.ts, so text and regex
// mean what they mean in the tag and run filters) matched against full names and
// ops; up to MAX_RESULTS results as buttons, Enter or a click jumps to one.
import { h } from "../dom";
import { FilterField } from "../filter-field";
import { visible } from "../names";
import { matchNodes } from "./hierarchy";

export const MAX_RESULTS = 50;

export class Search {
  readonly el: HTMLElement;
  private field: FilterField;
  private results: HTMLElement;
  private names: string[] = [];
  private ops: string[] = [];
  private found: number[] = [];

  constructor(private jump: (node: number) => void) {
    this.field = new FilterField({ class: "tbnb-graph-search", placeholder: "Search nodes (regex)", "aria-label": "search nodes" }, () => this.run());
    this.results = h("div", { class: "tbnb-graph-results", "aria-label": "matching nodes" });
    this.results.hidden = true;
    this.field.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && this.found.length) {
        e.preventDefault();
        this.jump(this.found[0]);
      }
    });
    this.el = h("div", { class: "tbnb-control tbnb-graph-find" }, h("span", {}, "Search"), this.field.el, this.results);
  }

  /** The graph searched (its names and ops); the results follow. */
  setGraph(names: string[], ops: string[]): void {
    this.names = names;
    this.ops = ops;
    this.run();
  }

  private run(): void {
    const pattern = this.field.input.value;
    const filter = this.field.show(pattern);
    this.found = pattern && filter.re ? matchNodes({ names: this.names, ops: this.ops }, filter.re) : [];
    const list: Node[] = [];
    for (const node of this.found.slice(0, MAX_RESULTS)) {
      const name = this.names[node];
      const b = h("button", { type: "button", class: "tbnb-graph-result", "data-name": name, title: visible(name) }, visible(name));
      b.appendChild(h("span", { class: "tbnb-graph-result-op" }, visible(this.ops[node] ?? "")));
      b.addEventListener("click", () => this.jump(node));
      list.push(b);
    }
    if (this.found.length > MAX_RESULTS) list.push(h("div", { class: "tbnb-graph-more" }, `${(this.found.length - MAX_RESULTS).toLocaleString("en-US")} more`));
    if (pattern && filter.re && !this.found.length) list.push(h("div", { class: "tbnb-graph-more" }, "No node matches."));
    this.results.replaceChildren(...list);
    this.results.hidden = list.length === 0;
  }
}
