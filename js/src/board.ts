// A board view: header with the tabs, a sidebar (the tab's settings, then the runs
// selector every tab shares), the tag filter and the tab's dashboard, the status line.
// As in TensorBoard, a tab shows only when its data exists (Scalars always), and
// appears live when its first data arrives. The tab chosen is this view's own
// setting (not a synced trait); dashboards are built when first shown.
import { h } from "./dom";
import type { Dashboard } from "./dashboard";
import { AudioDashboard } from "./audio";
import { DistributionsDashboard } from "./distributions";
import { HistogramsDashboard } from "./histograms";
import { HParamsDashboard } from "./hparams";
import { PRCurvesDashboard } from "./pr-curves";
import { ImagesDashboard } from "./images";
import { MeshDashboard, warmMesh } from "./mesh";
import { embeddingsOf, ProjectorView } from "./projector";
import { RunSelector } from "./runs";
import { ScalarsDashboard } from "./scalars";
import { CustomScalarsDashboard } from "./custom-scalars";
import { FilterField } from "./filter-field";
import { GraphsDashboard } from "./graphs";
import { setSetting, type Model } from "./settings";
import { StatusLine } from "./status";
import type { Store } from "./store";
import { TextDashboard } from "./text";
import type { Status } from "./protocol";

export type TabId = "scalars" | "custom_scalars" | "images" | "audio" | "histograms" | "distributions" | "text" | "graphs" | "hparams" | "pr_curves" | "mesh" | "projector";

interface TabSpec {
  id: TabId;
  label: string;
  empty: string;
  has: (store: Store, model: Model) => boolean;
  make: (model: Model, store: Store) => Dashboard;
  /** what the tab's first drawing in a page pays once (a WebGL context, shaders), paid
   * ahead on idle as soon as a board has data for the tab and it is not open */
  warm?: () => Promise<void>;
}

/** the tabs warmed in this page (each once, whatever the boards) */
const warmed = new Set<TabId>();

const TABS: TabSpec[] = [
  { id: "scalars", label: "Scalars", empty: "No scalar data yet.", has: (s) => s.kinds.scalars.series.size > 0, make: (m, s) => new ScalarsDashboard(m, s) },
  {
    id: "custom_scalars",
    label: "Custom Scalars",
    empty: "No Custom Scalars layout yet: add_custom_scalars(layout) (torch, tensorboardX) or TF's custom_scalar summary writes one.",
    has: (s) => s.kinds.custom_scalars.layout() !== null,
    make: (m, s) => new CustomScalarsDashboard(m, s),
  },
  { id: "images", label: "Images", empty: "No image data yet.", has: (s) => s.kinds.images.series.size > 0, make: (m, s) => new ImagesDashboard(m, s) },
  { id: "audio", label: "Audio", empty: "No audio data yet.", has: (s) => s.kinds.audio.series.size > 0, make: (m, s) => new AudioDashboard(m, s) },
  { id: "histograms", label: "Histograms", empty: "No histogram data yet.", has: (s) => s.kinds.histograms.series.size > 0, make: (m, s) => new HistogramsDashboard(m, s) },
  { id: "distributions", label: "Distributions", empty: "No distribution data yet.", has: (s) => s.kinds.histograms.series.size > 0, make: (m, s) => new DistributionsDashboard(m, s) },
  { id: "text", label: "Text", empty: "No text data yet.", has: (s) => s.kinds.texts.series.size > 0, make: (m, s) => new TextDashboard(m, s) },
  { id: "graphs", label: "Graphs", empty: "No graph in these runs. add_graph writes one; if it raised (tracing failed), nothing was written.", has: (s) => s.kinds.graphs.listed().length > 0, make: (m, s) => new GraphsDashboard(m, s) },
  { id: "hparams", label: "HParams", empty: "No hparams yet: add_hparams (torch, tensorboardX) or the hparams API (TF2) writes them.", has: (s) => s.kinds.hparams.series.size > 0, make: (m, s) => new HParamsDashboard(m, s) },
  { id: "pr_curves", label: "PR Curves", empty: "No PR curves yet: add_pr_curve (torch, tensorboardX) or TF's pr_curve summary writes them.", has: (s) => s.kinds.pr_curves.series.size > 0, make: (m, s) => new PRCurvesDashboard(m, s) },
  { id: "mesh", label: "Mesh", empty: "No mesh yet: add_mesh (torch, tensorboardX) or TensorBoard's mesh summary writes one.", has: (s) => s.kinds.meshes.series.size > 0, make: (m, s) => new MeshDashboard(m, s), warm: warmMesh },
  { id: "projector", label: "Projector", empty: "No embeddings yet.", has: (_s, m) => embeddingsOf(m).length > 0, make: (m) => projectorDashboard(m) },
];

/** The projector as a tab: its controls are its own, the sidebar part stays empty. */
function projectorDashboard(model: Model): Dashboard {
  const view = new ProjectorView(model);
  return { el: view.el, settings: h("div"), destroy: () => view.destroy() };
}

interface Tab {
  spec: TabSpec;
  button: HTMLButtonElement;
  pane: HTMLElement;
  dashboard?: Dashboard;
}

export class BoardView {
  readonly el: HTMLElement;
  private status = new StatusLine();
  private logdir: HTMLElement;
  private message: HTMLElement;
  private settingsHost: HTMLElement;
  private tagFilter: FilterField;
  private runs: RunSelector;
  private tabs = new Map<TabId, Tab>();
  private active: TabId = "scalars";
  /** true once the person picked a tab: no more switching to the first tab with data */
  private chosen = false;
  private cleanups: (() => void)[] = [];

  constructor(
    private model: Model,
    private store: Store,
  ) {
    this.logdir = h("span", { class: "tbnb-logdir" });
    this.message = h("div", { class: "tbnb-message" });
    const tabBar = h("div", { class: "tbnb-tabs", role: "tablist" });
    this.settingsHost = h("div", { class: "tbnb-settings" });
    this.runs = new RunSelector(model, store);
    this.tagFilter = new FilterField({ class: "tbnb-tag-filter", placeholder: "Filter tags (regex)", "aria-label": "filter tags" }, (pattern) =>
      setSetting(model, "tag_filter", pattern),
    );
    const main = h("div", { class: "tbnb-main" }, this.tagFilter.el);
    for (const spec of TABS) {
      const button = h("button", { type: "button", role: "tab", class: "tbnb-tab", "aria-selected": "false" }, spec.label);
      button.dataset.tab = spec.id;
      button.addEventListener("click", () => {
        this.chosen = true;
        this.activate(spec.id);
      });
      const pane = h("div", { class: "tbnb-pane", role: "tabpanel" });
      pane.dataset.tab = spec.id;
      pane.hidden = true;
      tabBar.appendChild(button);
      main.appendChild(pane);
      this.tabs.set(spec.id, { spec, button, pane });
    }
    this.el = h(
      "div",
      { class: "tbnb-root" },
      h("div", { class: "tbnb-header" }, h("span", { class: "tbnb-title" }, "tbnb"), this.logdir, tabBar),
      this.message,
      h("div", { class: "tbnb-body" }, h("div", { class: "tbnb-sidebar" }, this.settingsHost, this.runs.el), main),
      this.status.el,
    );
    // what the browser holds, for benchmarks/soak.py to count (a debugging hook, not an API)
    (this.el as HTMLElement & { tbnbStore?: Store }).tbnbStore = store;
    const update = () => this.update();
    const onEmbeddings = () => {
      this.syncTabs();
      this.update();
    };
    model.on("change:embeddings", onEmbeddings);
    this.cleanups.push(() => model.off("change:embeddings", onEmbeddings));
    for (const key of ["status", "logdir", "height"]) {
      model.on(`change:${key}`, update);
      this.cleanups.push(() => model.off(`change:${key}`, update));
    }
    const onFilters = () => {
      this.syncTagFilter();
      this.runs.syncControls();
    };
    for (const key of ["tag_filter", "run_filter", "hidden_runs", "run_colors"]) {
      model.on(`change:${key}`, onFilters);
      this.cleanups.push(() => model.off(`change:${key}`, onFilters));
    }
    this.cleanups.push(
      store.subscribe((change) => {
        if (change.runs) this.runs.syncRuns();
        this.syncTabs();
        this.update();
      }),
    );
    this.syncTagFilter();
    this.syncTabs();
    if (!this.tabs.get(this.active)!.dashboard) this.activate(this.active);
    this.update();
  }

  private syncTagFilter(): void {
    this.tagFilter.show(this.model.get("tag_filter"));
  }

  /** Shows the tabs that have data; until the person picks one, opens the first with data. */
  private syncTabs(): void {
    for (const tab of this.tabs.values()) {
      tab.button.hidden = !(tab.spec.id === "scalars" || tab.spec.has(this.store, this.model) || tab.spec.id === this.active);
    }
    if (!this.chosen && !this.tabs.get(this.active)!.spec.has(this.store, this.model)) {
      const first = TABS.find((t) => t.has(this.store, this.model));
      if (first && first.id !== this.active) this.activate(first.id);
    }
    for (const tab of this.tabs.values()) {
      const warm = tab.spec.warm;
      if (!warm || warmed.has(tab.spec.id) || tab.dashboard || !tab.spec.has(this.store, this.model)) continue;
      warmed.add(tab.spec.id);
      const run = () => {
        // opened meanwhile: its own drawing pays
        if (!tab.dashboard) warm().catch(() => undefined);
      };
      if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 3000 });
      else setTimeout(run, 500);
    }
  }

  private activate(id: TabId): void {
    this.active = id;
    for (const tab of this.tabs.values()) {
      const on = tab.spec.id === id;
      if (on && !tab.dashboard) {
        tab.dashboard = tab.spec.make(this.model, this.store);
        tab.pane.appendChild(tab.dashboard.el);
        this.settingsHost.appendChild(tab.dashboard.settings);
      }
      tab.button.classList.toggle("tbnb-active", on);
      tab.button.setAttribute("aria-selected", String(on));
      tab.pane.hidden = !on;
      if (tab.dashboard) tab.dashboard.settings.hidden = !on;
    }
    this.syncTabs();
    this.update();
  }

  private update(): void {
    const status = (this.model.get("status") ?? {}) as Status;
    this.logdir.textContent = this.model.get("logdir");
    this.status.update(status);
    const height = this.model.get("height");
    this.el.style.height = height > 0 ? `${height}px` : "";
    this.el.classList.toggle("tbnb-fixed-height", height > 0);
    const spec = this.tabs.get(this.active)!.spec;
    const has = spec.has(this.store, this.model);
    let text = "";
    let kind = "info";
    if (status.state === "error") {
      text = status.message;
      kind = "error";
    } else if (status.state === "waiting" && !has) {
      text = status.message;
    } else if (!has) {
      text = spec.empty;
    }
    this.message.textContent = text;
    this.message.className = `tbnb-message tbnb-${kind}`;
    this.message.hidden = text === "";
  }

  destroy(): void {
    for (const fn of this.cleanups) fn();
    for (const tab of this.tabs.values()) tab.dashboard?.destroy();
  }
}
