// A filter's text box (tags, runs): the pattern typed, and, when it is not a valid
// filter (filters.ts), the reason said where it was typed: the box is marked
// invalid (aria-invalid, the tbnb-invalid class, the message as its title) and a
// small line under it says the message (read out by screen readers, role=status).
import { h } from "./dom";
import { compileFilter, type CompiledFilter } from "./filters";

export class FilterField {
  readonly el: HTMLElement;
  readonly input: HTMLInputElement;
  private message: HTMLElement;

  constructor(attrs: Record<string, string>, onInput: (pattern: string) => void) {
    this.input = h("input", { type: "search", ...attrs });
    this.message = h("div", { class: "tbnb-filter-error", role: "status" });
    this.message.hidden = true;
    this.el = h("div", { class: "tbnb-filter" }, this.input, this.message);
    this.input.addEventListener("input", () => {
      this.show(this.input.value);
      onInput(this.input.value);
    });
  }

  /** Shows `pattern` (when the model changed it) and whether it is valid; returns it compiled. */
  show(pattern: string): CompiledFilter {
    if (this.input.value !== pattern) this.input.value = pattern;
    const filter = compileFilter(pattern);
    const bad = filter.error !== "";
    this.input.classList.toggle("tbnb-invalid", bad);
    if (bad) {
      this.input.setAttribute("aria-invalid", "true");
      this.input.title = filter.error;
    } else {
      this.input.removeAttribute("aria-invalid");
      this.input.removeAttribute("title");
    }
    this.message.textContent = filter.error;
    this.message.hidden = !bad;
    return filter;
  }
}
