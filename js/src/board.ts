// A board view: header with the tabs, a sidebar (the tab's settings, then the runs
// selector every tab shares), the tag filter and the tab's dashboard, the status line.
// As in TensorBoard, a tab shows only when its data exists (Scalars always), and
// appears live when its first data arrives. The tab chosen is this view's own
// setting (not a synced trait); dashboards are built when first shown.
import { h } from "./dom";
import type { Dashboard } from "./dashboard";
import { DistributionsDashboard } from "./distributions";
import { HistogramsDashboard } from "./histograms";
import { PRCurvesDashboard } from "./pr-curves";
import { ImagesDashboard } from "./images";
import { embeddingsOf } from "./projector/model";
import { RunSelector } from "./runs";
import { ScalarsDashboard } from "./scalars";
import { CustomScalarsDashboard } from "./custom-scalars";
import { FilterField } from "./filter-field";
import { setSetting, type Model } from "./settings";
import { StatusLine } from "./status";
import type { Store } from "./store";
import type { Status } from "./protocol";

export type TabId = "scalars" | "custom_scalars" | "images" | "audio" | "histograms" | "distributions" | "text" | "graphs" | "hparams" | "pr_curves" | "mesh" | "projector";

/** A tab's code: its dashboard, and what its first drawing in a page pays once. */
export interface TabCode {
  make(model: Model, store: Store): Dashboard;
  /** paid ahead on idle as soon as a board has data for the tab and it is not open
   * (a WebGL context and its shaders) */
  warm?(): Promise<void>;
}

interface TabSpec {
  id: TabId;
  label: string;
  empty: string;
  has: (store: Store, model: Model) => boolean;
  /**
   * The tab's code: in the bundle every board loads, or (a function) imported from its
   * own chunk when a board first has data for the tab (on idle) or the tab is opened.
   * Tabs that need plotly's WebGL traces, dagre, markdown-it or the projector's code are
   * such lazy tabs, so what every board loads does not grow with them (issue 18;
   * js/build.mjs).
   */
  code: TabCode | (() => Promise<TabCode>);
}

/** the lazy tabs' code, imported once per page, whatever the boards */
const imported = new Map<TabId, Promise<TabCode>>();
/** the tabs made ready (code imported, warmed) in this page */
const prepared = new Set<TabId>();

function codeOf(spec: TabSpec): TabCode | Promise<TabCode> {
  if (typeof spec.code !== "function") return spec.code;
  let code = imported.get(spec.id);
  if (!code) {
    // on the page's timeline: when each tab's chunk was asked for (tests, benchmarks)
    performance.mark(`tbnb:tab-code:${spec.id}`);
    code = spec.code();
    imported.set(spec.id, code);
    code.catch(() => imported.delete(spec.id));
  }
  return code;
}

const TABS: TabSpec[] = [
  { id: "scalars", label: "Scalars", empty: "No scalar data yet.", has: (s) => s.kinds.scalars.series.size > 0, code: { make: (m, s) => new ScalarsDashboard(m, s) } },
  {
    id: "custom_scalars",
    label: "Custom Scalars",
    empty: "No Custom Scalars layout yet: add_custom_scalars(layout) (torch, tensorboardX) or TF's custom_scalar summary writes one.",
    has: (s) => s.kinds.custom_scalars.layout() !== null,
    code: { make: (m, s) => new CustomScalarsDashboard(m, s) },
  },
  { id: "images", label: "Images", empty: "No image data yet.", has: (s) => s.kinds.images.series.size > 0, code: { make: (m, s) => new ImagesDashboard(m, s) } },
  {
    id: "audio",
    label: "Audio",
    empty: "No audio data yet.",
    has: (s) => s.kinds.audio.series.size > 0,
    // (its labels are markdown: markdown-it and DOMPurify come with it, as with Text)
    code: () => import("./audio").then((a) => ({ make: (m, s) => new a.AudioDashboard(m, s) })),
  },
  { id: "histograms", label: "Histograms", empty: "No histogram data yet.", has: (s) => s.kinds.histograms.series.size > 0, code: { make: (m, s) => new HistogramsDashboard(m, s) } },
  { id: "distributions", label: "Distributions", empty: "No distribution data yet.", has: (s) => s.kinds.histograms.series.size > 0, code: { make: (m, s) => new DistributionsDashboard(m, s) } },
  {
    id: "text",
    label: "Text",
    empty: "No text data yet.",
    has: (s) => s.kinds.texts.series.size > 0,
    code: () => import("./text").then((t) => ({ make: (m, s) => new t.TextDashboard(m, s) })),
  },
  {
    id: "graphs",
    label: "Graphs",
    empty: "No graph in these runs. add_graph writes one; if it raised (tracing failed), nothing was written.",
    has: (s) => s.kinds.graphs.listed().length > 0,
    code: () => import("./graphs").then((g) => ({ make: (m, s) => new g.GraphsDashboard(m, s) })),
  },
  {
    id: "hparams",
    label: "HParams",
    empty: "No hparams yet: add_hparams (torch, tensorboardX) or the hparams API (TF2) writes them.",
    has: (s) => s.kinds.hparams.series.size > 0,
    code: () => import("./hparams").then((hp) => ({ make: (m, s) => new hp.HParamsDashboard(m, s) })),
  },
  { id: "pr_curves", label: "PR Curves", empty: "No PR curves yet: add_pr_curve (torch, tensorboardX) or TF's pr_curve summary writes them.", has: (s) => s.kinds.pr_curves.series.size > 0, code: { make: (m, s) => new PRCurvesDashboard(m, s) } },
  {
    id: "mesh",
    label: "Mesh",
    empty: "No mesh yet: add_mesh (torch, tensorboardX) or TensorBoard's mesh summary writes one.",
    has: (s) => s.kinds.meshes.series.size > 0,
    code: () => import("./mesh").then((mesh) => ({ make: (m, s) => new mesh.MeshDashboard(m, s), warm: mesh.warmMesh })),
  },
  {
    id: "projector",
    label: "Projector",
    empty: "No embeddings yet.",
    has: (_s, m) => embeddingsOf(m).length > 0,
    // the projector as a tab: its controls are its own, the sidebar part stays empty
    code: () =>
      import("./projector/view").then((pj) => ({
        make: (m) => {
          const view = new pj.ProjectorView(m);
          return { el: view.el, settings: h("div"), destroy: () => view.destroy() };
        },
      })),
  },
];

interface Tab {
  spec: TabSpec;
  button: HTMLButtonElement;
  pane: HTMLElement;
  dashboard?: Dashboard;
  /** its code is being imported (a lazy tab opened before it arrived) */
  opening?: boolean;
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
  private destroyed = false;

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
    // a tab with data, not open: its code imported and its drawing warmed on idle, so
    // that opening it does not wait for either
    for (const tab of this.tabs.values()) {
      const spec = tab.spec;
      const lazy = typeof spec.code === "function";
      if ((!lazy && !(spec.code as TabCode).warm) || prepared.has(spec.id) || tab.dashboard || tab.opening || !spec.has(this.store, this.model)) continue;
      prepared.add(spec.id);
      const run = () => {
        Promise.resolve(codeOf(spec))
          // opened meanwhile: its own drawing pays
          .then((code) => (code.warm && !tab.dashboard ? code.warm() : undefined))
          .catch(() => prepared.delete(spec.id));
      };
      if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 3000 });
      else setTimeout(run, 500);
    }
  }

  /** Makes a tab's dashboard, once its code is there (a lazy tab's chunk may be on its way). */
  private open(tab: Tab): void {
    const code = codeOf(tab.spec);
    if (!(code instanceof Promise)) {
      this.mount(tab, code.make(this.model, this.store));
      return;
    }
    tab.opening = true;
    const note = h("div", { class: "tbnb-message tbnb-info", role: "status" }, `Loading the ${tab.spec.label} tab…`);
    tab.pane.replaceChildren(note);
    code.then(
      (c) => {
        tab.opening = false;
        note.remove();
        if (!this.destroyed) this.mount(tab, c.make(this.model, this.store));
      },
      (err: unknown) => {
        tab.opening = false;
        note.className = "tbnb-message tbnb-error";
        note.setAttribute("role", "alert");
        const reason = err instanceof Error ? err.message : String(err);
        note.textContent = `The ${tab.spec.label} tab's code could not be loaded (${reason}). Open the tab again, or re-run the cell that shows the board.`;
      },
    );
  }

  private mount(tab: Tab, dashboard: Dashboard): void {
    tab.dashboard = dashboard;
    tab.pane.replaceChildren(dashboard.el);
    this.settingsHost.appendChild(dashboard.settings);
    dashboard.settings.hidden = tab.spec.id !== this.active;
  }

  private activate(id: TabId): void {
    this.active = id;
    for (const tab of this.tabs.values()) {
      const on = tab.spec.id === id;
      if (on && !tab.dashboard && !tab.opening) this.open(tab);
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
    this.destroyed = true;
    for (const fn of this.cleanups) fn();
    for (const tab of this.tabs.values()) tab.dashboard?.destroy();
  }
}
