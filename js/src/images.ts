// The Images tab: a card per (run, tag) with a step slider, as TensorBoard's. The
// kernel pushes the newest image of every (run, tag); any other step is asked for
// once (ImageRequest) and kept in the store, so sliding back over seen steps only
// swaps img.src. Brightness, contrast and actual size are CSS, applied here. An
// animated GIF (add_video) plays in its slot with play/pause and frame steps (video.ts).
import { h } from "./dom";
import { Card, CardDashboard } from "./dashboard";
import { linkedStep, type Model, type RunView } from "./settings";
import type { ChangeName, Store } from "./store";
import { wallTime } from "./steps";
import { GifPlayer } from "./video";

export const LOADING_TEXT = "loading… waiting for the kernel (it answers once a running cell finishes)";

interface Slot {
  el: HTMLElement;
  img: HTMLImageElement;
  video: GifPlayer; // an animated GIF (add_video) plays in it
  caption: HTMLElement;
  message: HTMLElement;
}

/** The index ranges [start, end) of the entries sharing one step, in order. */
export function stepGroups(s: { n: number; step: Float64Array }): [number, number][] {
  const out: [number, number][] = [];
  let a = 0;
  for (let i = 1; i <= s.n; i++) {
    if (i === s.n || s.step[i] !== s.step[a]) {
      out.push([a, i]);
      a = i;
    }
  }
  return out;
}

export class ImageCard extends Card {
  private slider: HTMLInputElement;
  private sliderRow: HTMLElement;
  private stepEl: HTMLElement;
  private timeEl: HTMLElement;
  private frame: HTMLElement;
  private slots: Slot[] = [];
  private groups: [number, number][] = [];
  private groupsVersion = -1;
  /** the slider's position (a step group); follows the newest while `follow` */
  private pos = -1;
  private follow = true;
  /** a step to jump to at the next draw (the linked step marker) */
  private jump: number | null = null;
  private requestTimer = 0;

  constructor(
    key: string,
    run: string,
    tag: string,
    private store: Store,
  ) {
    super(key, run, tag, "image");
    this.stepEl = h("span", { class: "tbnb-image-step" });
    this.timeEl = h("span", { class: "tbnb-image-time" });
    this.slider = h("input", { type: "range", min: "0", max: "0", step: "1", value: "0", class: "tbnb-image-slider", "aria-label": "step" });
    this.sliderRow = h("div", { class: "tbnb-image-slider-row" }, this.slider);
    this.frame = h("div", { class: "tbnb-image-frame" });
    this.el.append(h("div", { class: "tbnb-image-info" }, this.stepEl, this.timeEl), this.sliderRow, this.frame);
    this.slider.addEventListener("input", () => {
      const last = this.groups.length - 1;
      this.pos = Math.max(0, Math.min(last, Number(this.slider.value)));
      // moving back to the newest resumes following a live run
      this.follow = this.pos === last;
      // a drag passes many steps: ask the kernel only for the one it rests on
      this.show(true);
    });
  }

  /** The slider jumps to the step nearest `step` (the scalars' linked step marker). */
  followStep(step: number): void {
    this.jump = step;
    this.dirty = true;
  }

  draw(_view?: RunView): void {
    const s = this.store.kinds.images.series.get(this.key);
    if (!s) return;
    if (this.groupsVersion !== s.version) {
      this.groups = stepGroups(s);
      this.groupsVersion = s.version;
    }
    if (this.jump !== null && this.groups.length) {
      const step = this.jump;
      this.jump = null;
      let best = 0;
      this.groups.forEach(([a], i) => {
        if (Math.abs(s.step[a] - step) < Math.abs(s.step[this.groups[best][0]] - step)) best = i;
      });
      this.pos = best;
      this.follow = best === this.groups.length - 1;
    }
    const last = this.groups.length - 1;
    if (this.follow || this.pos > last || this.pos < 0) this.pos = last;
    this.slider.max = String(Math.max(0, last));
    this.slider.value = String(Math.max(0, this.pos));
    this.sliderRow.hidden = last <= 0;
    this.show();
  }

  /** The images of the slider's step: cached bytes shown at once, others asked for. */
  private show(fromSlider = false): void {
    const s = this.store.kinds.images.series.get(this.key);
    const group = this.groups[this.pos];
    if (!s || !group) {
      this.stepEl.textContent = "";
      this.timeEl.textContent = "";
      this.frame.replaceChildren();
      this.slots = [];
      return;
    }
    const [a, b] = group;
    const step = s.step[a];
    this.el.dataset.step = String(step);
    this.el.dataset.index = String(a);
    this.stepEl.textContent = `step ${Number.isInteger(step) ? step : step.toPrecision(6)}`;
    this.timeEl.textContent = wallTime(s.wall[a]);
    const need: number[] = [];
    for (let i = a; i < b; i++) {
      const slot = this.slotAt(i - a);
      slot.el.dataset.index = String(i);
      slot.caption.textContent = b - a > 1 ? `sample ${i - a + 1} of ${b - a}` : "";
      slot.caption.hidden = b - a <= 1;
      slot.img.title = `${s.width[i]}×${s.height[i]}`;
      const cached = this.store.kinds.images.cached(this.key, i);
      if (cached?.url) {
        if (slot.img.getAttribute("src") !== cached.url) slot.img.src = cached.url;
        slot.img.dataset.step = String(cached.step);
        slot.img.dataset.index = String(i);
        slot.img.hidden = slot.video.active;
        slot.message.hidden = true;
        void slot.video.load(cached.mime === "image/gif" ? cached.blob : null);
      } else {
        slot.img.hidden = true;
        void slot.video.load(null);
        slot.message.hidden = false;
        if (cached) {
          slot.message.className = "tbnb-image-error";
          slot.message.textContent = cached.error;
        } else {
          slot.message.className = "tbnb-image-loading";
          slot.message.textContent = LOADING_TEXT;
          need.push(i);
        }
      }
    }
    for (const extra of this.slots.splice(b - a)) {
      extra.video.destroy();
      extra.el.remove();
    }
    if (this.requestTimer) clearTimeout(this.requestTimer);
    this.requestTimer = 0;
    if (!need.length) return;
    if (!fromSlider) {
      this.store.kinds.images.request(this.run, this.tag, need);
      return;
    }
    this.requestTimer = window.setTimeout(() => {
      this.requestTimer = 0;
      if (this.groups[this.pos]?.[0] === a) this.store.kinds.images.request(this.run, this.tag, need);
    }, 150);
  }

  destroy(): void {
    if (this.requestTimer) clearTimeout(this.requestTimer);
    for (const slot of this.slots) slot.video.destroy();
  }

  private slotAt(i: number): Slot {
    let slot = this.slots[i];
    if (!slot) {
      const img = h("img", { alt: "", draggable: "false" });
      img.alt = `${this.tag} (${this.run})`;
      img.addEventListener("load", () => {
        // small images drawn larger keep their pixels sharp
        img.classList.toggle("tbnb-pixelated", img.naturalWidth < img.clientWidth);
      });
      const caption = h("div", { class: "tbnb-image-caption" });
      const message = h("div", { class: "tbnb-image-loading" });
      const video = new GifPlayer(img, img.alt);
      slot = { el: h("div", { class: "tbnb-image-slot" }, caption, img, video.canvas, video.el, message), img, video, caption, message };
      this.slots[i] = slot;
      this.frame.appendChild(slot.el);
    }
    return slot;
  }
}

export class ImagesDashboard extends CardDashboard<ImageCard> {
  constructor(model: Model, store: Store) {
    super(model, store, "images", "images");
    const brightness = h("input", { type: "range", min: "0", max: "300", step: "1", value: "100", class: "tbnb-img-brightness", "aria-label": "brightness" });
    const contrast = h("input", { type: "range", min: "0", max: "500", step: "1", value: "100", class: "tbnb-img-contrast", "aria-label": "contrast" });
    const brightnessValue = h("span", { class: "tbnb-value" });
    const contrastValue = h("span", { class: "tbnb-value" });
    const actual = h("input", { type: "checkbox", class: "tbnb-img-actual" });
    const reset = h("button", { type: "button", class: "tbnb-img-reset" }, "reset");
    const apply = () => {
      brightnessValue.textContent = `${brightness.value}%`;
      contrastValue.textContent = `${contrast.value}%`;
      const filter = brightness.value === "100" && contrast.value === "100" ? "none" : `brightness(${brightness.value}%) contrast(${contrast.value}%)`;
      this.el.style.setProperty("--tbnb-img-filter", filter);
      this.el.classList.toggle("tbnb-actual-size", actual.checked);
    };
    brightness.addEventListener("input", apply);
    contrast.addEventListener("input", apply);
    actual.addEventListener("change", apply);
    reset.addEventListener("click", () => {
      brightness.value = "100";
      contrast.value = "100";
      apply();
    });
    this.settings.append(
      h("label", { class: "tbnb-control" }, "Brightness", h("div", { class: "tbnb-row" }, brightness, brightnessValue)),
      h("label", { class: "tbnb-control" }, "Contrast", h("div", { class: "tbnb-row" }, contrast, contrastValue)),
      h("div", { class: "tbnb-row" }, reset),
      h("label", { class: "tbnb-check" }, actual, "Show actual image size"),
    );
    apply();
    this.start();
  }

  protected makeCard(key: string, run: string, tag: string): ImageCard {
    const card = new ImageCard(key, run, tag, this.store);
    const step = linkedStep(this.model);
    if (step !== null) card.followStep(step);
    return card;
  }

  protected followStep(step: number | null): void {
    if (step === null) return; // the sliders stay where the marker left them
    for (const card of this.cards.values()) card.followStep(step);
    this.invalidateAll();
  }

  protected changeNames(): ChangeName[] {
    return ["images", "image_data"];
  }
}
