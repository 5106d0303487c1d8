// The Audio tab: a card per (run, tag) with a step slider that follows a live run (as
// the Images tab's), and per clip of the step an <audio controls> player (a Blob URL of
// the bytes), its waveform (read from the WAV as it arrived: store/audio.ts), its
// duration, sample rate and channels, and its label as sanitized markdown. The
// kernel pushes the newest step's clips; any other step is asked for once
// (AudioRequest) and kept in the store, so sliding back over seen steps needs no kernel.
import { h } from "./dom";
import { Card, CardDashboard } from "./dashboard";
import { LOADING_TEXT, stepGroups } from "./images";
import { renderMarkdown } from "./markdown";
import { linkedStep, type Model, type RunView } from "./settings";
import type { AudioSeries, CachedClip, ChangeName, Store } from "./store";
import { wallTime } from "./steps";

interface Slot {
  el: HTMLElement;
  caption: HTMLElement;
  label: HTMLElement;
  audio: HTMLAudioElement;
  canvas: HTMLCanvasElement;
  playhead: HTMLElement;
  about: HTMLElement;
  message: HTMLElement;
  shown: CachedClip | null;
  labelText: string | null;
  drawnWidth: number;
  playError: string;
}

const WAVE_HEIGHT = 56;

/** Draws `peaks` (min/max pairs) across a canvas of its CSS width. */
function drawWave(canvas: HTMLCanvasElement, peaks: Float32Array, color: string): number {
  const width = Math.max(1, Math.round(canvas.clientWidth || 300));
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(WAVE_HEIGHT * ratio);
  const ctx = canvas.getContext("2d");
  if (!ctx) return width;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, WAVE_HEIGHT);
  const mid = WAVE_HEIGHT / 2;
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.25;
  ctx.fillRect(0, mid, width, 1);
  ctx.globalAlpha = 1;
  const columns = peaks.length / 2;
  for (let x = 0; x < width && columns > 0; x++) {
    const a = Math.floor((x * columns) / width);
    const z = Math.max(a + 1, Math.floor(((x + 1) * columns) / width));
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = a; c < z && c < columns; c++) {
      lo = Math.min(lo, peaks[2 * c]);
      hi = Math.max(hi, peaks[2 * c + 1]);
    }
    const top = mid - Math.max(-1, Math.min(1, hi)) * (mid - 1);
    const bottom = mid - Math.max(-1, Math.min(1, lo)) * (mid - 1);
    ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
  }
  return width;
}

const MEDIA_ERRORS: Record<number, string> = {
  1: "playing was stopped",
  2: "a network error",
  3: "its samples cannot be decoded",
  4: "its format is not supported",
};

export class AudioCard extends Card {
  private slider: HTMLInputElement;
  private sliderRow: HTMLElement;
  private stepEl: HTMLElement;
  private timeEl: HTMLElement;
  private clips: HTMLElement;
  private slots: Slot[] = [];
  private groups: [number, number][] = [];
  private groupsVersion = -1;
  private pos = -1;
  private follow = true;
  private jump: number | null = null;
  private requestTimer = 0;
  private color = "#1f77b4";
  private view: RunView | null = null;

  constructor(
    key: string,
    run: string,
    tag: string,
    private store: Store,
  ) {
    super(key, run, tag, "audio");
    this.stepEl = h("span", { class: "tbnb-image-step" });
    this.timeEl = h("span", { class: "tbnb-image-time" });
    this.slider = h("input", { type: "range", min: "0", max: "0", step: "1", value: "0", class: "tbnb-audio-slider", "aria-label": `step of ${tag} (${run})` });
    this.sliderRow = h("div", { class: "tbnb-image-slider-row" }, this.slider);
    this.clips = h("div", { class: "tbnb-audio-clips" });
    this.el.append(h("div", { class: "tbnb-image-info" }, this.stepEl, this.timeEl), this.sliderRow, this.clips);
    this.slider.addEventListener("input", () => {
      const last = this.groups.length - 1;
      this.pos = Math.max(0, Math.min(last, Number(this.slider.value)));
      this.follow = this.pos === last; // back at the newest: follows a live run again
      this.show(true);
    });
  }

  /** The slider jumps to the step nearest `step` (the scalars' linked step marker). */
  followStep(step: number): void {
    this.jump = step;
    this.dirty = true;
  }

  draw(view: RunView): void {
    this.view = view;
    this.color = view.color(this.run);
    const s = this.series();
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
    // a clip playing keeps its step: a live run's new step waits for it to end
    const playing = this.slots.some((slot) => !slot.audio.paused && !slot.audio.ended);
    if (!playing && (this.follow || this.pos > last || this.pos < 0)) this.pos = last;
    this.slider.max = String(Math.max(0, last));
    this.slider.value = String(Math.max(0, this.pos));
    this.sliderRow.hidden = last <= 0;
    this.show();
  }

  private series(): AudioSeries | undefined {
    return this.store.kinds.audio.series.get(this.key);
  }

  /** The clips of the slider's step: held ones shown at once, others asked for. */
  private show(fromSlider = false): void {
    const s = this.series();
    const group = this.groups[this.pos];
    if (!s || !group) return;
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
      slot.caption.textContent = b - a > 1 ? `clip ${i - a + 1} of ${b - a}` : "";
      slot.caption.hidden = b - a <= 1;
      const label = s.labels[i] ?? "";
      if (slot.labelText !== label) {
        slot.label.replaceChildren(renderMarkdown(label));
        slot.labelText = label;
      }
      slot.label.hidden = label === "";
      const cached = this.store.kinds.audio.cached(this.key, i);
      if (!cached) need.push(i);
      this.fill(slot, cached, i);
    }
    for (const extra of this.slots.splice(b - a)) {
      extra.audio.pause();
      extra.el.remove();
    }
    if (this.requestTimer) clearTimeout(this.requestTimer);
    this.requestTimer = 0;
    if (!need.length) return;
    if (!fromSlider) {
      this.store.kinds.audio.request(this.run, this.tag, need);
      return;
    }
    // a drag passes many steps: ask the kernel only for the one it rests on
    this.requestTimer = window.setTimeout(() => {
      this.requestTimer = 0;
      if (this.groups[this.pos]?.[0] === a) this.store.kinds.audio.request(this.run, this.tag, need);
    }, 150);
  }

  /** A slot shows a clip held (its player, waveform and format), or why it cannot. */
  private fill(slot: Slot, clip: CachedClip | undefined, index: number): void {
    if (slot.shown !== (clip ?? null)) {
      slot.shown = clip ?? null;
      slot.playError = "";
      slot.drawnWidth = -1;
      slot.audio.pause();
      if (clip?.url) slot.audio.src = clip.url;
      else slot.audio.removeAttribute("src");
      slot.audio.dataset.step = clip ? String(clip.step) : "";
      slot.audio.dataset.index = String(index);
      slot.playhead.style.left = "0";
    }
    slot.audio.hidden = !clip?.url;
    slot.canvas.hidden = !clip?.peaks.length;
    slot.playhead.hidden = slot.canvas.hidden;
    slot.about.textContent = clip?.about ?? "";
    slot.about.hidden = !clip?.about;
    if (clip?.peaks.length && slot.drawnWidth !== Math.round(slot.canvas.clientWidth || 300)) {
      slot.drawnWidth = drawWave(slot.canvas, clip.peaks, this.color);
    }
    let text = "";
    let cls = "tbnb-audio-loading";
    if (!clip) {
      text = LOADING_TEXT;
    } else if (clip.error || slot.playError) {
      cls = "tbnb-audio-error";
      const what = [clip.error, slot.playError].filter((x) => x).join("; ");
      text = clip.url ? `this clip cannot be decoded: ${what}` : what;
    } else if (!clip.wav) {
      text = `${clip.mime || "not a WAV"}: the waveform is drawn for WAV clips only`;
    }
    slot.message.className = cls;
    slot.message.textContent = text;
    slot.message.hidden = text === "";
  }

  destroy(): void {
    if (this.requestTimer) clearTimeout(this.requestTimer);
    for (const slot of this.slots) slot.audio.pause();
  }

  private slotAt(i: number): Slot {
    let slot = this.slots[i];
    if (slot) return slot;
    const audio = h("audio", { controls: "", preload: "metadata", class: "tbnb-audio-player" });
    audio.setAttribute("aria-label", `play ${this.tag} (${this.run})${i ? `, clip ${i + 1}` : ""}`);
    const canvas = h("canvas", { class: "tbnb-audio-wave", role: "img", "aria-label": "waveform" });
    const playhead = h("div", { class: "tbnb-audio-playhead" });
    const made: Slot = {
      el: h("div", { class: "tbnb-audio-slot" }),
      caption: h("div", { class: "tbnb-image-caption" }),
      label: h("div", { class: "tbnb-audio-label tbnb-text-body" }),
      audio,
      canvas,
      playhead,
      about: h("div", { class: "tbnb-audio-about" }),
      message: h("div", { class: "tbnb-audio-loading" }),
      shown: null,
      labelText: null,
      drawnWidth: -1,
      playError: "",
    };
    made.el.append(made.caption, made.label, audio, h("div", { class: "tbnb-audio-wave-box" }, canvas, playhead), made.about, made.message);
    audio.addEventListener("timeupdate", () => {
      const d = audio.duration;
      playhead.style.left = Number.isFinite(d) && d > 0 ? `${(100 * audio.currentTime) / d}%` : "0";
    });
    // a live run's newer step waited for the clip to end
    audio.addEventListener("ended", () => {
      if (this.follow && this.view) this.draw(this.view);
    });
    audio.addEventListener("error", () => {
      if (!made.shown?.url || !audio.error) return;
      made.playError = `the browser cannot play it (${MEDIA_ERRORS[audio.error.code] ?? `error ${audio.error.code}`})`;
      this.fill(made, made.shown, Number(made.el.dataset.index));
    });
    // a click on the waveform plays from there
    canvas.addEventListener("click", (e) => {
      const d = audio.duration;
      if (!Number.isFinite(d) || d <= 0) return;
      audio.currentTime = (d * e.offsetX) / Math.max(1, canvas.clientWidth);
    });
    this.slots[i] = made;
    this.clips.appendChild(made.el);
    return made;
  }
}

export class AudioDashboard extends CardDashboard<AudioCard> {
  constructor(model: Model, store: Store) {
    super(model, store, "audio", "audio");
    this.start();
  }

  protected makeCard(key: string, run: string, tag: string): AudioCard {
    const card = new AudioCard(key, run, tag, this.store);
    const step = linkedStep(this.model);
    if (step !== null) card.followStep(step);
    return card;
  }

  protected followStep(step: number | null): void {
    if (step === null) return;
    for (const card of this.cards.values()) card.followStep(step);
    this.invalidateAll();
  }

  protected changeNames(): ChangeName[] {
    return ["audio", "audio_data"];
  }
}
