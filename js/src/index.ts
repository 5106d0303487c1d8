// The tbnb board: one anywidget model per board (DESIGN.md, principle 4).
import type { AnyModel, Render } from "@anywidget/types";
import Plotly from "./plotly";
import { h } from "./dom";
import css from "./style.css";

interface BoardModel {
  logdir: string;
  status: string;
}

const STYLE_ID = "tbnb-style";

function ensureStyle(): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = css;
  document.head.appendChild(style);
}

function emptyChart(div: HTMLElement, message: string): Promise<unknown> {
  return Plotly.react(
    div,
    [],
    {
      height: 220,
      margin: { l: 40, r: 10, t: 10, b: 30 },
      xaxis: { visible: false },
      yaxis: { visible: false },
      annotations: [
        { text: message, showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5 },
      ],
    },
    { displaylogo: false, responsive: true },
  );
}

const render: Render<BoardModel> = ({ model, el }) => {
  ensureStyle();
  const title = h("span", { class: "tbnb-title" }, "tbnb");
  const logdir = h("span", { class: "tbnb-logdir" });
  const status = h("div", { class: "tbnb-status", role: "status" });
  const chart = h("div", { class: "tbnb-chart" });
  const root = h("div", { class: "tbnb-root" }, h("div", { class: "tbnb-header" }, title, logdir), chart, status);
  el.appendChild(root);

  const update = (): void => {
    const dir = model.get("logdir");
    // textContent, never innerHTML: paths and names come from untrusted places.
    logdir.textContent = dir;
    status.textContent = model.get("status");
    void emptyChart(chart, `waiting for event files in ${dir}`);
  };
  update();
  model.on("change:logdir", update);
  model.on("change:status", update);
  return () => {
    model.off("change:logdir", update);
    model.off("change:status", update);
    Plotly.purge(chart);
  };
};

export default { render } satisfies { render: Render<BoardModel> };
export type { AnyModel };
