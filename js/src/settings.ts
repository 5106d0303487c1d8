// The view settings: synced traits the browser applies by itself (CONTRIBUTING.md, principle 1).
import type { AnyModel } from "@anywidget/types";
import { h } from "./dom";
import { compileFilter, passes } from "./filters";
import { colorOfRun } from "./colors";

export type XAxis = "step" | "relative" | "wall";
export type TooltipSort = "default" | "descending" | "ascending" | "nearest" | "alphabetical";

/** The data table's state: hidden columns and the sort (js/src/table.ts). */
export interface DataTableState {
  hidden?: string[];
  sort?: string;
  descending?: boolean;
}

export interface BoardModel {
  board_id: string; // unique per board (per widget model)
  logdir: string;
  status: import("./protocol").Status;
  data_snapshot: import("./protocol").Snapshot;
  smoothing: number;
  x_axis: XAxis;
  log_y: boolean;
  ignore_outliers: boolean;
  tag_filter: string;
  run_filter: string;
  hidden_runs: string[];
  height: number;
  /** run -> "#rrggbb" the person picked (others: a hash of the name, colors.ts) */
  run_colors: Record<string, string>;
  symlog_y: boolean;
  /** tag -> [step] or [start, end]; "" the marker every card shares when link_by_step */
  step_markers: Record<string, number[]>;
  link_by_step: boolean;
  range_selection: boolean;
  data_table: DataTableState;
  pinned_cards: string[];
  full_size_cards: string[];
  card_width: number;
  tooltip_sort: TooltipSort;
  tooltip_rows: number;
  link_hover_zoom: boolean;
  /** [lo, hi]: the x range of every card while link_hover_zoom; []: each card's own */
  linked_x_range: number[];
  /** multi-tag charts of the scalars tab: each a regex, its matching tags on one chart (combined.ts) */
  tag_charts: string[];
  /** how runs are grouped into one line with a band (groups.ts GroupSpec; {} none) */
  run_groups: Record<string, unknown>;
}

export const SETTING_KEYS = [
  "smoothing",
  "x_axis",
  "log_y",
  "ignore_outliers",
  "tag_filter",
  "run_filter",
  "hidden_runs",
  "run_colors",
  "symlog_y",
  "step_markers",
  "link_by_step",
  "range_selection",
  "data_table",
  "pinned_cards",
  "full_size_cards",
  "card_width",
  "tooltip_sort",
  "tooltip_rows",
  "link_hover_zoom",
  "linked_x_range",
  "tag_charts",
  "run_groups",
] as const;

export type Model = AnyModel<BoardModel>;

export function setSetting<K extends keyof BoardModel>(model: Model, key: K, value: BoardModel[K]): void {
  model.set(key, value);
  model.save_changes();
}

/** Text for plotly, which reads a few HTML-like tags in labels: show them as text. */
export function plotlyText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Which runs the run filter and the run checkboxes let through, their order and colours. */
export interface RunView {
  visible: (run: string) => boolean;
  runIndex: (run: string) => number;
  /** the run's colour: picked, else from its name (the same everywhere) */
  color: (run: string) => string;
}

export function runView(model: Model, runs: readonly string[]): RunView {
  const filter = compileFilter(model.get("run_filter"));
  const hidden = new Set(model.get("hidden_runs"));
  const index = new Map(runs.map((r, i) => [r, i]));
  return {
    visible: (run) => !hidden.has(run) && passes(filter, run),
    runIndex: (run) => index.get(run) ?? 0,
    color: (run) => colorOfRun(run, model.get("run_colors")),
  };
}

/**
 * The step the board's linked marker is at (link_by_step and a marker placed), which
 * the Images, Histograms and Distributions tabs follow; null otherwise.
 */
export function linkedStep(model: Model): number | null {
  if (!model.get("link_by_step")) return null;
  const m = (model.get("step_markers") ?? {})[""];
  return Array.isArray(m) && typeof m[0] === "number" && Number.isFinite(m[0]) ? m[0] : null;
}

/** The horizontal axis menu (scalars, distributions): sets the board's x_axis. */
export function xAxisSelect(model: Model): HTMLSelectElement {
  const select = h("select", { class: "tbnb-xaxis", "aria-label": "horizontal axis" });
  for (const [value, text] of [["step", "Step"], ["relative", "Relative"], ["wall", "Wall"]]) {
    select.appendChild(h("option", { value }, text));
  }
  select.value = model.get("x_axis");
  select.addEventListener("change", () => setSetting(model, "x_axis", select.value as XAxis));
  return select;
}
