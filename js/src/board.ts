// A board view: header, tabs, the dashboards and the status line.
import { h } from "./dom";
import { ScalarsDashboard } from "./scalars";
import { StatusLine } from "./status";
import type { Model } from "./settings";
import type { Store } from "./store";
import type { Status } from "./protocol";

export class BoardView {
  readonly el: HTMLElement;
  private scalars: ScalarsDashboard;
  private status = new StatusLine();
  private logdir: HTMLElement;
  private message: HTMLElement;
  private cleanups: (() => void)[] = [];

  constructor(
    private model: Model,
    store: Store,
  ) {
    this.logdir = h("span", { class: "tbnb-logdir" });
    this.message = h("div", { class: "tbnb-message" });
    const tabs = h("div", { class: "tbnb-tabs", role: "tablist" }, h("button", { type: "button", role: "tab", class: "tbnb-tab tbnb-active", "aria-selected": "true" }, "Scalars"));
    this.scalars = new ScalarsDashboard(model, store);
    this.el = h(
      "div",
      { class: "tbnb-root" },
      h("div", { class: "tbnb-header" }, h("span", { class: "tbnb-title" }, "tbnb"), this.logdir, tabs),
      this.message,
      this.scalars.el,
      this.status.el,
    );
    const update = () => this.update();
    for (const key of ["status", "logdir", "height"]) {
      model.on(`change:${key}`, update);
      this.cleanups.push(() => model.off(`change:${key}`, update));
    }
    this.scalars.onData = update;
    this.update();
  }

  private update(): void {
    const status = (this.model.get("status") ?? {}) as Status;
    this.logdir.textContent = this.model.get("logdir");
    this.status.update(status);
    const height = this.model.get("height");
    this.el.style.height = height > 0 ? `${height}px` : "";
    this.el.classList.toggle("tbnb-fixed-height", height > 0);
    let text = "";
    let kind = "info";
    if (status.state === "error") {
      text = status.message;
      kind = "error";
    } else if (status.state === "waiting" && this.scalars.chartCount === 0) {
      text = status.message;
    } else if (this.scalars.chartCount === 0) {
      text = "No scalar data yet.";
    }
    this.message.textContent = text;
    this.message.className = `tbnb-message tbnb-${kind}`;
    this.message.hidden = text === "";
  }

  destroy(): void {
    for (const fn of this.cleanups) fn();
    this.scalars.destroy();
  }
}
