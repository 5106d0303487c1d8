// The run groups' part of the sidebar (the scalars and Custom Scalars tabs): group by
// a regex over run names or by an hparam, the line (mean, median), the band, and the
// members shown faintly. Each control sets the synced trait run_groups; sync() shows it.
import { h } from "./dom";
import { BANDS, CENTERS, groupRegex, groupSpecOf, type GroupSpec } from "./groups";
import { setSetting, type Model } from "./settings";
import type { Store } from "./store";

export function groupControls(model: Model, store: Store): { el: HTMLElement; sync: () => void } {
  const by = h("select", { class: "tbnb-group-by", "aria-label": "Group runs" });
  for (const [value, text] of [["", "No groups"], ["regex", "By run name (regex)"], ["hparam", "By hparam"]]) by.appendChild(h("option", { value }, text));
  const regex = h("input", { type: "search", class: "tbnb-group-regex", placeholder: "e.g. lr_(.*)_seed\\d+", "aria-label": "Group regex (its capture groups make the group)" });
  const error = h("div", { class: "tbnb-filter-error", role: "status" });
  const hparam = h("select", { class: "tbnb-group-hparam", "aria-label": "Group by hparam" });
  const center = h("select", { class: "tbnb-group-center", "aria-label": "Group line" });
  for (const [value, text] of CENTERS) center.appendChild(h("option", { value }, text));
  const band = h("select", { class: "tbnb-group-band", "aria-label": "Group band" });
  for (const [value, text] of BANDS) band.appendChild(h("option", { value }, text));
  const members = h("input", { type: "checkbox", class: "tbnb-group-members", "aria-label": "Show the runs of each group faintly" });
  const regexRow = h("label", { class: "tbnb-control" }, "Group regex", regex, error);
  const hparamRow = h("label", { class: "tbnb-control" }, "Hparam", hparam);
  const detail = h(
    "div",
    { class: "tbnb-group-detail" },
    regexRow,
    hparamRow,
    h("label", { class: "tbnb-control" }, "Line", center),
    h("label", { class: "tbnb-control" }, "Band", band),
    h("label", { class: "tbnb-check" }, members, "Show the runs of each group faintly"),
  );
  const el = h("div", { class: "tbnb-groups" }, h("label", { class: "tbnb-control" }, "Run groups", by), detail);
  const set = (change: Partial<GroupSpec>) => setSetting(model, "run_groups", { ...groupSpecOf(model.get("run_groups")), ...change });
  by.addEventListener("change", () => set({ by: by.value as GroupSpec["by"] }));
  regex.addEventListener("input", () => set({ regex: regex.value }));
  hparam.addEventListener("change", () => set({ hparam: hparam.value }));
  center.addEventListener("change", () => set({ center: center.value as GroupSpec["center"] }));
  band.addEventListener("change", () => set({ band: band.value as GroupSpec["band"] }));
  members.addEventListener("change", () => set({ members: members.checked }));

  const sync = () => {
    const spec = groupSpecOf(model.get("run_groups"));
    by.value = spec.by;
    if (document.activeElement !== regex) regex.value = spec.regex;
    const names = new Set<string>();
    for (const s of store.kinds.hparams.sessions()) for (const k of s.hparams.keys()) names.add(k);
    if (spec.hparam) names.add(spec.hparam);
    const want = [...names].sort();
    if ([...hparam.options].map((o) => o.value).join("\n") !== want.join("\n")) hparam.replaceChildren(...want.map((n) => h("option", { value: n }, n)));
    hparam.value = spec.hparam;
    center.value = spec.center;
    band.value = spec.band;
    members.checked = spec.members;
    const bad = spec.by === "regex" ? groupRegex(spec.regex).error : "";
    error.textContent = bad;
    error.hidden = bad === "";
    regex.classList.toggle("tbnb-invalid", bad !== "");
    detail.hidden = spec.by === "";
    regexRow.hidden = spec.by !== "regex";
    hparamRow.hidden = spec.by !== "hparam";
  };
  model.on("change:run_groups", sync);
  store.subscribe((change) => {
    if (change.of("hparams").size || change.full) sync();
  });
  sync();
  return { el, sync };
}
