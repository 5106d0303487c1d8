// The status line: what was read when, and the reader's problems, with details on click.
import { h } from "./dom";
import type { Status } from "./protocol";

export class StatusLine {
  readonly el: HTMLElement;
  private summary: HTMLElement;
  private toggle: HTMLButtonElement;
  private details: HTMLElement;

  constructor() {
    this.summary = h("span", { class: "tbnb-status-text" });
    this.toggle = h("button", { type: "button", class: "tbnb-problems-toggle" });
    this.details = h("ul", { class: "tbnb-problems" });
    this.details.hidden = true;
    this.toggle.hidden = true;
    this.toggle.addEventListener("click", () => {
      this.details.hidden = !this.details.hidden;
    });
    this.el = h("div", { class: "tbnb-status", role: "status" }, this.summary, this.toggle, this.details);
  }

  update(status: Status | Record<string, never>): void {
    const s = status as Partial<Status>;
    const parts: string[] = [];
    if (s.state === "waiting" || s.state === "error") parts.push(s.message ?? "");
    else if (s.state) parts.push(s.state === "live" ? "live" : s.message || s.state);
    if (s.last_read) parts.push(`read ${new Date(s.last_read * 1000).toLocaleTimeString()}`);
    if (s.runs !== undefined) parts.push(`${s.runs} run${s.runs === 1 ? "" : "s"}`);
    if (s.points !== undefined) parts.push(`${s.points.toLocaleString()} points`);
    const counts: [number | undefined, string][] = [[s.histograms, "histogram"], [s.images, "image"], [s.texts, "text"], [s.graphs, "graph"]];
    for (const [n, what] of counts) if (n) parts.push(`${n.toLocaleString()} ${what}${n === 1 ? "" : "s"}`);
    this.summary.textContent = parts.filter(Boolean).join(" · ");
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
