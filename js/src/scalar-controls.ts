// The scalars tab's part of the sidebar: smoothing, axes, outliers, and the tools'
// settings (link by step, range selection, linked hover and zoom, card width, the
// tooltip's order and rows). Each control sets a synced trait; sync() shows the
// traits' values (another view, or the kernel, may have changed them).
import { h } from "./dom";
import { DEFAULT_SMOOTHING } from "./smoothing";
import { setSetting, type Model, type TooltipSort } from "./settings";

export interface ScalarControls {
  el: HTMLElement;
  sync: () => void;
}

/** The card width the grid uses when none is set (style.css). */
export const DEFAULT_CARD_WIDTH = 360;

const TOOLTIP_SORTS: [TooltipSort, string][] = [
  ["default", "Run order"],
  ["descending", "Value, highest first"],
  ["ascending", "Value, lowest first"],
  ["nearest", "Nearest to the pointer"],
  ["alphabetical", "Run name"],
];

function check(cls: string, text: string, model: Model, key: "log_y" | "ignore_outliers" | "symlog_y" | "link_by_step" | "range_selection" | "link_hover_zoom"): { label: HTMLElement; box: HTMLInputElement } {
  const box = h("input", { type: "checkbox", class: cls, "aria-label": text });
  box.addEventListener("change", () => {
    // one of log and symlog at a time
    if (key === "symlog_y" && box.checked && model.get("log_y")) model.set("log_y", false);
    if (key === "log_y" && box.checked && model.get("symlog_y")) model.set("symlog_y", false);
    setSetting(model, key, box.checked);
  });
  return { label: h("label", { class: "tbnb-check" }, box, text), box };
}

export function scalarControls(model: Model, xAxis: HTMLSelectElement): ScalarControls {
  const smoothing = h("input", { type: "range", min: "0", max: "0.999", step: "0.001", class: "tbnb-smoothing", "aria-label": "smoothing" });
  const smoothingValue = h("span", { class: "tbnb-smoothing-value" });
  smoothing.addEventListener("input", () => {
    smoothingValue.textContent = Number(smoothing.value).toFixed(3);
    setSetting(model, "smoothing", Number(smoothing.value));
  });
  const logY = check("tbnb-logy", "Log-scale y axis", model, "log_y");
  const symlog = check("tbnb-symlog", "Symlog y axis", model, "symlog_y");
  const outliers = check("tbnb-outliers", "Ignore outliers", model, "ignore_outliers");
  const linkStep = check("tbnb-link-step", "Link by step", model, "link_by_step");
  const range = check("tbnb-range", "Range selection", model, "range_selection");
  const linkHover = check("tbnb-link-hover", "Link hover and zoom", model, "link_hover_zoom");
  const width = h("input", { type: "range", min: "240", max: "1200", step: "20", class: "tbnb-card-width", "aria-label": "Card width" });
  const widthValue = h("span", { class: "tbnb-value" });
  width.addEventListener("input", () => {
    widthValue.textContent = `${width.value}px`;
    setSetting(model, "card_width", Number(width.value));
  });
  const sort = h("select", { class: "tbnb-tooltip-sort", "aria-label": "Tooltip order" });
  for (const [value, text] of TOOLTIP_SORTS) sort.appendChild(h("option", { value }, text));
  sort.addEventListener("change", () => setSetting(model, "tooltip_sort", sort.value as TooltipSort));
  const rows = h("input", { type: "number", min: "0", max: "1000", step: "1", class: "tbnb-tooltip-rows", "aria-label": "Tooltip rows (0: all)" });
  const setRows = () => {
    if (rows.value === "") return; // being typed
    const n = Math.max(0, Math.min(1000, Math.round(Number(rows.value) || 0)));
    if (n !== model.get("tooltip_rows")) setSetting(model, "tooltip_rows", n);
  };
  rows.addEventListener("input", setRows);
  rows.addEventListener("change", setRows);

  const el = h(
    "div",
    { class: "tbnb-tab-settings" },
    h("label", { class: "tbnb-control" }, "Smoothing", h("div", { class: "tbnb-row" }, smoothing, smoothingValue)),
    h("label", { class: "tbnb-control" }, "Horizontal axis", xAxis),
    logY.label,
    symlog.label,
    outliers.label,
    // folded: the sidebar stays short, so a board's charts stay near the cell's top
    h(
      "details",
      { class: "tbnb-tools" },
      h("summary", { class: "tbnb-control" }, "Markers, links, cards, tooltip"),
      h(
        "div",
        { class: "tbnb-tools-body" },
        linkStep.label,
        range.label,
        linkHover.label,
        h("label", { class: "tbnb-control" }, "Card width", h("div", { class: "tbnb-row" }, width, widthValue)),
        h("label", { class: "tbnb-control" }, "Tooltip order", sort),
        h("label", { class: "tbnb-control" }, "Tooltip rows (0: all)", rows),
      ),
    ),
  );

  const sync = () => {
    const s = model.get("smoothing") ?? DEFAULT_SMOOTHING;
    smoothing.value = String(s);
    smoothingValue.textContent = Number(s).toFixed(3);
    xAxis.value = model.get("x_axis");
    logY.box.checked = model.get("log_y");
    symlog.box.checked = model.get("symlog_y") === true;
    outliers.box.checked = model.get("ignore_outliers");
    linkStep.box.checked = model.get("link_by_step") === true;
    range.box.checked = model.get("range_selection") === true;
    linkHover.box.checked = model.get("link_hover_zoom") === true;
    const w = model.get("card_width") || DEFAULT_CARD_WIDTH;
    width.value = String(w);
    widthValue.textContent = `${w}px`;
    sort.value = model.get("tooltip_sort") ?? "default";
    if (document.activeElement !== rows) rows.value = String(model.get("tooltip_rows") ?? 0);
  };
  sync();
  return { el, sync };
}
