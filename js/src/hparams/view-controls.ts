// The controls of the HParams tab's views: what colours the lines and points, the
// scale of each numeric axis (log only when every value is > 0), and which dimensions
// the scatter matrix shows when there are more than it reads well with. Each list is
// rebuilt only when what it offers changed.
import { h } from "../dom";
import { visible } from "../names";
import { SPLOM_DIMS } from "./derive";
import type { Axis, Scale } from "./filtering";
import type { Column } from "./model";

export interface ViewControlEvents {
  colour(col: string): void; // "" for none
  scale(col: string, scale: Scale): void;
  pick(cols: Set<string>): void;
}

export class ViewControls {
  readonly colour = h("select", { "aria-label": "colour by" });
  readonly scales = h("div", { class: "tbnb-hparams-scales" });
  readonly picker = h("div", { class: "tbnb-hparams-splom-pick" });
  private scaleSig = "";
  private pickSig = "";

  constructor(private events: ViewControlEvents) {
    this.colour.addEventListener("change", () => this.events.colour(this.colour.value));
  }

  /**
   * Shows the choices for these columns and axes: `colour` the column colouring,
   * `picked` the scatter matrix's dimensions (`chosen`: the person picked them).
   */
  sync(columns: readonly Column[], axes: readonly Axis[], colour: string, picked: ReadonlySet<string>, chosen: boolean): void {
    const label = (col: string) => visible(columns.find((c) => c.id === col)?.label ?? col);
    const options = [["", "none"], ...columns.filter((c) => c.kind === "metric" || c.kind === "scalar").map((c) => [c.id, visible(c.label)])];
    const have = [...this.colour.options].map((o) => `${o.value}\u0000${o.text}`).join("\u0001");
    if (have !== options.map(([v, t]) => `${v}\u0000${t}`).join("\u0001")) this.colour.replaceChildren(...options.map(([v, t]) => h("option", { value: v }, t)));
    this.colour.value = colour;

    const numeric = axes.filter((a) => !a.categories);
    const sig = numeric.map((a) => `${a.col}\u0000${a.canLog}\u0000${a.scale}\u0000${label(a.col)}`).join("\u0001");
    if (sig !== this.scaleSig) {
      this.scaleSig = sig;
      this.scales.replaceChildren(
        ...numeric.map((a) => {
          const name = label(a.col);
          const log = h("option", { value: "log" }, "log");
          log.disabled = !a.canLog;
          const select = h("select", { "aria-label": `scale of ${name}` }, h("option", { value: "linear" }, "linear"), log);
          if (!a.canLog) select.title = "log needs every value > 0";
          select.value = a.scale;
          select.addEventListener("change", () => this.events.scale(a.col, select.value as Scale));
          const el = h("label", { class: "tbnb-row", title: visible(a.col) }, h("span", { class: "tbnb-hparams-scale-name" }, name), select);
          el.dataset.col = a.col;
          return el;
        }),
      );
    }

    this.picker.hidden = axes.length <= SPLOM_DIMS && !chosen;
    const psig = axes.map((a) => `${a.col}\u0000${picked.has(a.col)}\u0000${label(a.col)}`).join("\u0001");
    if (psig !== this.pickSig) {
      this.pickSig = psig;
      const boxes = axes.map((a) => {
        const box = h("input", { type: "checkbox" });
        box.checked = picked.has(a.col);
        box.dataset.col = a.col;
        return box;
      });
      const changed = () => this.events.pick(new Set(boxes.filter((b) => b.checked).map((b) => b.dataset.col!)));
      for (const b of boxes) b.addEventListener("change", changed);
      this.picker.replaceChildren(
        h("span", {}, `Scatter matrix of (${SPLOM_DIMS} or fewer read best):`),
        ...boxes.map((box, i) => h("label", { class: "tbnb-check" }, box, label(axes[i].col))),
      );
    }
  }
}
