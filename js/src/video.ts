// Videos in the Images tab: add_video writes an animated GIF. An image slot holding
// one gets a player: its frames decoded by the browser's ImageDecoder (WebCodecs) and
// drawn on a canvas, with play/pause and a step to the previous or next frame. Where
// there is no ImageDecoder the <img> plays the GIF and the slot says it is a video of
// so many frames (counted by gif.ts).
import { h } from "./dom";
import { parseGif, type GifInfo } from "./gif";

/** "video · 3 frames · 0.75 s": what a GIF is, for the slot's line. */
export function describeVideo(g: GifInfo): string {
  const seconds = g.delays.reduce((a, b) => a + b, 0) / 1000;
  return `video · ${g.frames} frames · ${seconds.toFixed(2)} s`;
}

export class GifPlayer {
  readonly el: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private playButton: HTMLButtonElement;
  private prevButton: HTMLButtonElement;
  private nextButton: HTMLButtonElement;
  private frameEl: HTMLElement;
  private about: HTMLElement;
  private decoder: ImageDecoder | null = null;
  private info: GifInfo | null = null;
  private blob: Blob | null = null;
  private frame = 0;
  private playing = false;
  private timer = 0;
  /** counts loads and steps, so a late decode of an older one draws nothing */
  private generation = 0;

  constructor(
    private img: HTMLImageElement,
    name: string,
  ) {
    this.canvas = h("canvas", { class: "tbnb-video-canvas", role: "img", "aria-label": `frames of ${name}` });
    this.canvas.hidden = true;
    this.playButton = h("button", { type: "button", class: "tbnb-video-play", "aria-label": "pause the video" }, "⏸");
    this.prevButton = h("button", { type: "button", class: "tbnb-video-prev", "aria-label": "previous frame" }, "⏮");
    this.nextButton = h("button", { type: "button", class: "tbnb-video-next", "aria-label": "next frame" }, "⏭");
    this.frameEl = h("span", { class: "tbnb-video-frame" });
    this.about = h("span", { class: "tbnb-video-about" });
    this.el = h("div", { class: "tbnb-video-controls" }, this.playButton, this.prevButton, this.nextButton, this.frameEl, this.about);
    this.el.hidden = true;
    this.playButton.addEventListener("click", () => this.setPlaying(!this.playing));
    this.prevButton.addEventListener("click", () => this.step(-1));
    this.nextButton.addEventListener("click", () => this.step(1));
  }

  /** Whether it draws the frames itself (the <img> is then hidden). */
  get active(): boolean {
    return this.decoder !== null;
  }

  /** Shows `blob` (a GIF, or null: not one) with the controls it needs. */
  async load(blob: Blob | null): Promise<void> {
    if (blob === this.blob) return;
    this.clear();
    this.blob = blob;
    if (!blob) return;
    const gen = this.generation;
    const info = parseGif(new Uint8Array(await blob.arrayBuffer()));
    if (gen !== this.generation || info.frames < 2) return; // a still GIF is an image
    this.info = info;
    this.about.textContent = describeVideo(info) + (info.error ? ` (${info.error})` : "");
    this.el.hidden = false;
    this.el.dataset.frames = String(info.frames);
    if (typeof ImageDecoder === "undefined") {
      // the <img> plays it; no frame of our own to step to
      this.about.textContent += " · this browser cannot step through its frames";
      for (const b of [this.playButton, this.prevButton, this.nextButton]) b.hidden = true;
      return;
    }
    try {
      const decoder = new ImageDecoder({ data: blob.stream(), type: "image/gif" });
      await decoder.tracks.ready;
      if (gen !== this.generation) {
        decoder.close();
        return;
      }
      this.decoder = decoder;
    } catch (err) {
      this.about.textContent += ` · its frames cannot be decoded: ${String(err)}`;
      return;
    }
    this.img.hidden = true;
    this.canvas.hidden = false;
    this.frame = 0;
    await this.drawFrame();
    this.setPlaying(true);
  }

  /** Back to a plain image: no decoder, no timer, no controls. */
  clear(): void {
    if (this.decoder) this.img.hidden = false;
    this.generation++;
    this.setPlaying(false);
    this.decoder?.close();
    this.decoder = null;
    this.info = null;
    this.blob = null;
    this.el.hidden = true;
    this.canvas.hidden = true;
    for (const b of [this.playButton, this.prevButton, this.nextButton]) b.hidden = false;
    delete this.el.dataset.frames;
    delete this.el.dataset.frame;
  }

  private setPlaying(on: boolean): void {
    this.playing = on && this.decoder !== null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = 0;
    this.playButton.textContent = this.playing ? "⏸" : "▶";
    this.playButton.setAttribute("aria-label", this.playing ? "pause the video" : "play the video");
    this.el.dataset.playing = String(this.playing);
    if (this.playing) this.schedule();
  }

  private schedule(): void {
    const delay = this.info?.delays[this.frame] ?? 100;
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      if (!this.playing || !this.info) return;
      this.frame = (this.frame + 1) % this.info.frames;
      void this.drawFrame().then(() => {
        if (this.playing && !this.timer) this.schedule();
      });
    }, delay);
  }

  /** Pauses and shows the previous (-1) or next (+1) frame. */
  step(by: number): void {
    if (!this.info || !this.decoder) return;
    this.setPlaying(false);
    this.frame = (this.frame + by + this.info.frames) % this.info.frames;
    void this.drawFrame();
  }

  private async drawFrame(): Promise<void> {
    const decoder = this.decoder;
    const info = this.info;
    if (!decoder || !info) return;
    const index = this.frame;
    const gen = ++this.generation;
    let image: VideoFrame;
    try {
      ({ image } = await decoder.decode({ frameIndex: index }));
    } catch (err) {
      this.about.textContent = `${describeVideo(info)} · frame ${index + 1} cannot be decoded: ${String(err)}`;
      return;
    }
    if (gen !== this.generation) {
      image.close();
      return;
    }
    if (this.canvas.width !== image.displayWidth) this.canvas.width = image.displayWidth;
    if (this.canvas.height !== image.displayHeight) this.canvas.height = image.displayHeight;
    this.canvas.getContext("2d")?.drawImage(image, 0, 0);
    image.close();
    this.frameEl.textContent = `frame ${index + 1} / ${info.frames}`;
    this.el.dataset.frame = String(index);
  }

  destroy(): void {
    this.clear();
  }
}
