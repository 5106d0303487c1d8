// The status line: what was read when, and the reader's problems, with details on click.
import { h } from "./dom";
import type { Status } from "./protocol";

export class StatusLine {
  readonly el: HTMLElement;
  private summary: HTMLElement;
  private toggle: HTMLButtonElement;
  private details: HTMLElement;
  private progress: HTMLProgressElement;

  constructor() {
    this.progress = h("progress", { class: "tbnb-read-progress", "aria-label": "Runs read" });
    this.progress.hidden = true;
    this.summary = h("span", { class: "tbnb-status-text" });
    this.toggle = h("button", { type: "button", class: "tbnb-problems-toggle" });
    this.details = h("ul", { class: "tbnb-problems" });
    this.details.hidden = true;
    this.toggle.hidden = true;
    this.toggle.addEventListener("click", () => {
      this.details.hidden = !this.details.hidden;
    });
    this.el = h("div", { class: "tbnb-status", role: "status" }, this.summary, this.progress, this.toggle, this.details);
  }

  update(status: Status | Record<string, never>): void {
    const s = status as Partial<Status>;
    const parts: string[] = [];
    if (s.state === "waiting" || s.state === "error") parts.push(s.message ?? "");
    else if (s.state) parts.push(s.state === "live" ? "live" : s.message || s.state);
    if (s.last_read) parts.push(`read ${new Date(s.last_read * 1000).toLocaleTimeString()}`);
    const unread = s.unread_runs ?? 0;
    if (s.runs !== undefined && unread > 0) parts.push(`read ${(s.runs - unread).toLocaleString()} of ${s.runs.toLocaleString()} runs`);
    else if (s.runs !== undefined) parts.push(`${s.runs} run${s.runs === 1 ? "" : "s"}`);
    if (s.points !== undefined) parts.push(`${s.points.toLocaleString()} points`);
    const counts: [number | undefined, string][] = [[s.histograms, "histogram"], [s.images, "image"], [s.texts, "text"], [s.graphs, "graph"]];
    for (const [n, what] of counts) if (n) parts.push(`${n.toLocaleString()} ${what}${n === 1 ? "" : "s"}`);
    this.summary.textContent = parts.filter(Boolean).join(" · ");
    // a large logdir's first read, drawn in parts: how far it has got
    this.progress.hidden = unread === 0;
    if (unread > 0 && s.runs) {
      this.progress.max = s.runs;
      this.progress.value = s.runs - unread;
    }
    const count = s.problem_count ?? 0;
    const problems = s.problems ?? [];
    this.toggle.hidden = count === 0;
    if (count > 0) {
      const first = problems[problems.length - 1];
      const where = first ? ` (latest: ${first.message} in ${first.path})` : "";
      this.toggle.textContent = `${count} problem${count === 1 ? "" : "s"}${where}`;
    }
    this.details.replaceChildren(
      ...problems.map((p) =>
        h("li", {}, `${p.path}${p.offset === null || p.offset === undefined ? "" : ` @ ${p.offset}`}: ${p.message}`),
      ),
    );
  }
}
