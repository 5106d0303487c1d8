// The data a board's browsers hold: one Store per widget model, shared by all of
// its views, kept current by the kernel's UpdateMessages (protocol.ts). Besides the
// series of every kind it keeps the encoded bytes of the images received, as Blobs
// behind object URLs, so an image slider moving back over seen steps needs no kernel
// (up to IMAGE_CACHE_BYTES, the least recently shown forgotten first).
import {
  decodeArray,
  type ImageData,
  type ImageRequest,
  type Snapshot,
  type TextEntry,
  type UpdateMessage,
} from "./protocol";

export interface Series {
  run: string;
  tag: string;
  n: number; // points held (downsampled)
  total: number; // raw points in the kernel
  step: Float64Array;
  wall: Float64Array;
  value: Float64Array;
  version: number; // bumped on every change, for redraw decisions
}

/** The histograms of one (run, tag) on the kernel's shared grid, and their bands. */
export interface HistogramSeries {
  run: string;
  tag: string;
  n: number;
  total: number;
  bins: number;
  edges: Float64Array; // bins + 1
  step: Float64Array; // capacity >= n
  wall: Float64Array;
  counts: Float64Array; // row-major [n, bins]
  bands: Float64Array; // row-major [n, 9]
  version: number;
}

/** The index of the images of one (run, tag): one entry per image. */
export interface ImageSeries {
  run: string;
  tag: string;
  n: number;
  total: number;
  step: Float64Array;
  wall: Float64Array;
  width: Float64Array;
  height: Float64Array;
  version: number;
}

export interface TextSeries {
  run: string;
  tag: string;
  n: number;
  total: number;
  step: number[];
  wall: number[];
  texts: TextEntry[];
  version: number;
}

/** The bytes of one image received, behind an object URL (null when only an error came). */
export interface CachedImage {
  step: number;
  url: string | null;
  error: string;
  bytes: number;
}

/** The basis points of HistogramDelta.bands' columns. */
export const BAND_BASIS_POINTS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000] as const;

/**
 * What one update changed, so views redraw only that: scalar tags, and the keys
 * (Store.key(run, tag)) of the other series. `imageData`: series whose cached image
 * bytes changed (arrived or were forgotten).
 */
export interface Change {
  full: boolean;
  runs: boolean;
  scalars: Set<string>;
  histograms: Set<string>;
  images: Set<string>;
  imageData: Set<string>;
  texts: Set<string>;
}

export type Listener = (change: Change) => void;

function emptyChange(): Change {
  return {
    full: false,
    runs: false,
    scalars: new Set(),
    histograms: new Set(),
    images: new Set(),
    imageData: new Set(),
    texts: new Set(),
  };
}

/** `a` with room for `need` elements, keeping its first `keep`. */
function grow(a: Float64Array, need: number, keep: number): Float64Array {
  if (a.length >= need) return a;
  const b = new Float64Array(Math.max(need, a.length * 2, 64));
  b.set(a.subarray(0, keep));
  return b;
}

function asFloat64(a: ArrayLike<number>): Float64Array {
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

/** The image type from the first bytes, when the kernel could not name it. */
function sniffMime(b: Uint8Array): string {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8) return "image/jpeg";
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "image/gif";
  if (b[0] === 0x42 && b[1] === 0x4d) return "image/bmp";
  if (b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return "image/webp";
  return "application/octet-stream";
}

const SAFE_MIME = /^image\/(png|jpeg|gif|webp|bmp)$/;

/** Encoded image bytes a board keeps in the browser at most. */
export const IMAGE_CACHE_BYTES = 256 * 1024 * 1024;

export class Store {
  runs: string[] = [];
  series = new Map<string, Series>();
  histograms = new Map<string, HistogramSeries>();
  images = new Map<string, ImageSeries>();
  texts = new Map<string, TextSeries>();
  seq = -1;
  /** image bytes received, per series key and index */
  private imageCache = new Map<string, Map<number, CachedImage>>();
  /** the same, least recently shown first, and their bytes (kept <= IMAGE_CACHE_BYTES) */
  private lru = new Map<string, [string, number]>();
  private cachedBytes = 0;
  /** images asked of the kernel and not answered yet, per series key */
  private pending = new Map<string, Set<number>>();
  private queued: ImageRequest["items"] = [];
  private listeners = new Set<Listener>();
  /** sends a message to the kernel (set by index.ts) */
  sender?: (msg: ImageRequest) => void;

  static key(run: string, tag: string): string {
    return JSON.stringify([run, tag]);
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private notify(change: Change): void {
    for (const fn of this.listeners) fn(change);
  }

  applySnapshot(snapshot: Snapshot | null | undefined): void {
    if (snapshot && snapshot.message) this.apply(snapshot.message, snapshot.buffers ?? []);
  }

  /** Applies an update; returns true when a delta was missed (ask for a resync). */
  apply(msg: UpdateMessage, buffers: readonly DataView[]): boolean {
    if (msg.type !== "update") return false;
    let gap = false;
    const change = emptyChange();
    if (msg.full) {
      change.full = true;
      for (const s of this.series.values()) change.scalars.add(s.tag);
      for (const k of this.histograms.keys()) change.histograms.add(k);
      for (const k of this.images.keys()) change.images.add(k);
      for (const k of this.texts.keys()) change.texts.add(k);
      this.series.clear();
      this.histograms.clear();
      this.texts.clear();
      // image series not in the full update go with their bytes; the others forget
      // what their deltas say (start 0: everything)
      const kept = new Set((msg.images ?? []).map((d) => Store.key(d.run, d.tag)));
      for (const k of [...this.images.keys()]) if (!kept.has(k)) this.forgetImages(k, 0, change);
      this.images.clear();
    } else if (msg.seq <= this.seq) {
      return false; // already held (a snapshot made after this delta)
    } else if (this.seq >= 0 && msg.seq !== this.seq + 1) {
      gap = true;
    } else if (this.seq < 0 && msg.seq !== 1) {
      gap = true;
    }
    this.seq = msg.seq;
    change.runs = msg.full || msg.runs.length !== this.runs.length || msg.runs.some((r, i) => r !== this.runs[i]);
    this.runs = msg.runs.slice();
    this.applyScalars(msg, buffers, change);
    if (this.applyHistograms(msg, buffers, change)) gap = true;
    this.applyImages(msg, buffers, change);
    this.applyTexts(msg, buffers, change);
    this.cacheImages(msg.image_data ?? [], buffers, change);
    this.notify(change);
    return gap;
  }

  private applyScalars(msg: UpdateMessage, buffers: readonly DataView[], change: Change): void {
    for (const d of msg.scalars ?? []) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const value = decodeArray(d.value, buffers);
      const k = Store.key(d.run, d.tag);
      let s = this.series.get(k);
      if (!s) {
        s = { run: d.run, tag: d.tag, n: 0, total: 0, step: new Float64Array(0), wall: new Float64Array(0), value: new Float64Array(0), version: 0 };
        this.series.set(k, s);
      }
      const start = Math.min(d.start, s.n);
      const n = start + step.length;
      s.step = grow(s.step, n, start);
      s.wall = grow(s.wall, n, start);
      s.value = grow(s.value, n, start);
      s.step.set(step, start);
      s.wall.set(wall, start);
      s.value.set(value, start);
      s.n = n;
      s.total = d.total;
      s.version++;
      change.scalars.add(d.tag);
    }
  }

  /** Returns true when a delta did not fit what is held (a resync is needed). */
  private applyHistograms(msg: UpdateMessage, buffers: readonly DataView[], change: Change): boolean {
    let bad = false;
    for (const d of msg.histograms ?? []) {
      const edges = asFloat64(decodeArray(d.edges, buffers));
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const counts = decodeArray(d.counts, buffers);
      const bands = decodeArray(d.bands, buffers);
      const bins = Math.max(0, edges.length - 1);
      const k = Store.key(d.run, d.tag);
      let s = this.histograms.get(k);
      if (!s) {
        s = {
          run: d.run, tag: d.tag, n: 0, total: 0, bins, edges,
          step: new Float64Array(0), wall: new Float64Array(0), counts: new Float64Array(0), bands: new Float64Array(0), version: 0,
        };
        this.histograms.set(k, s);
      }
      let start = Math.min(d.start, s.n);
      if (bins !== s.bins && start > 0) {
        // a new grid must come whole (start 0): take what came, ask for everything
        bad = true;
        start = 0;
      }
      const n = start + step.length;
      s.bins = bins;
      s.edges = edges;
      s.step = grow(s.step, n, start);
      s.wall = grow(s.wall, n, start);
      s.counts = grow(s.counts, n * bins, start * bins);
      s.bands = grow(s.bands, n * 9, start * 9);
      s.step.set(step, start);
      s.wall.set(wall, start);
      s.counts.set(counts.subarray(0, step.length * bins), start * bins);
      s.bands.set(bands.subarray(0, step.length * 9), start * 9);
      s.n = n;
      s.total = d.total;
      s.version++;
      change.histograms.add(k);
    }
    return bad;
  }

  private applyImages(msg: UpdateMessage, buffers: readonly DataView[], change: Change): void {
    for (const d of msg.images ?? []) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const width = decodeArray(d.width, buffers);
      const height = decodeArray(d.height, buffers);
      const k = Store.key(d.run, d.tag);
      let s = this.images.get(k);
      if (!s) {
        s = {
          run: d.run, tag: d.tag, n: 0, total: 0,
          step: new Float64Array(0), wall: new Float64Array(0), width: new Float64Array(0), height: new Float64Array(0), version: 0,
        };
        this.images.set(k, s);
      }
      const start = Math.min(d.start, s.n);
      this.forgetImages(k, start, change);
      const n = start + step.length;
      s.step = grow(s.step, n, start);
      s.wall = grow(s.wall, n, start);
      s.width = grow(s.width, n, start);
      s.height = grow(s.height, n, start);
      s.step.set(step, start);
      s.wall.set(wall, start);
      s.width.set(width, start);
      s.height.set(height, start);
      s.n = n;
      s.total = d.total;
      s.version++;
      change.images.add(k);
    }
  }

  private applyTexts(msg: UpdateMessage, buffers: readonly DataView[], change: Change): void {
    for (const d of msg.texts ?? []) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const k = Store.key(d.run, d.tag);
      let s = this.texts.get(k);
      if (!s) {
        s = { run: d.run, tag: d.tag, n: 0, total: 0, step: [], wall: [], texts: [], version: 0 };
        this.texts.set(k, s);
      }
      const start = Math.min(d.start, s.n);
      s.step.length = start;
      s.wall.length = start;
      s.texts.length = start;
      for (let i = 0; i < step.length; i++) {
        s.step.push(step[i]);
        s.wall.push(wall[i]);
        const t = d.texts[i] ?? { text: "", shape: [], cells: [] };
        s.texts.push({ text: String(t.text ?? ""), shape: Array.isArray(t.shape) ? t.shape : [], cells: Array.isArray(t.cells) ? t.cells.map(String) : [] });
      }
      s.n = s.step.length;
      s.total = d.total;
      s.version++;
      change.texts.add(k);
    }
  }

  // -- image bytes -------------------------------------------------------------

  /** Forgets the cached bytes (and pending requests) of indexes >= start. */
  private forgetImages(key: string, start: number, change: Change): void {
    const cache = this.imageCache.get(key);
    if (cache) {
      for (const index of [...cache.keys()]) {
        if (index < start) continue;
        this.dropImage(key, index);
        change.imageData.add(key);
      }
    }
    const pending = this.pending.get(key);
    if (pending) for (const index of [...pending]) if (index >= start) pending.delete(index);
  }

  /** Keeps the bytes of images received (pushed with an update or asked for). */
  private cacheImages(items: readonly ImageData[], buffers: readonly DataView[], change: Change): void {
    for (const item of items) {
      const k = Store.key(item.run, item.tag);
      this.pending.get(k)?.delete(item.index);
      const s = this.images.get(k);
      if (!s || item.index < 0 || item.index >= s.n) continue;
      // bytes of an index replaced since they were asked for are dropped (an error
      // may not know the step: it is shown where it was asked)
      if (item.data && s.step[item.index] !== item.step) continue;
      let url: string | null = null;
      let bytes = 0;
      let error = item.error || "";
      if (item.data) {
        const data = decodeArray(item.data, buffers);
        if (data instanceof Uint8Array) {
          const mime = SAFE_MIME.test(item.mime) ? item.mime : sniffMime(data);
          url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type: mime }));
          bytes = data.byteLength;
        } else if (!error) {
          error = `image bytes came as ${item.data.dtype}, not uint8`;
        }
      } else if (!error) {
        error = "the image could not be read";
      }
      this.dropImage(k, item.index);
      let cache = this.imageCache.get(k);
      if (!cache) {
        cache = new Map();
        this.imageCache.set(k, cache);
      }
      cache.set(item.index, { step: s.step[item.index], url, error, bytes });
      this.lru.set(`${k}\u0000${item.index}`, [k, item.index]);
      this.cachedBytes += bytes;
      change.imageData.add(k);
    }
    // a long live run must not keep every image it showed: the least recently
    // shown go first (asked of the kernel again if wanted)
    for (const [k, index] of this.lru.values()) {
      if (this.cachedBytes <= IMAGE_CACHE_BYTES) break;
      this.dropImage(k, index);
      change.imageData.add(k);
    }
  }

  private dropImage(key: string, index: number): void {
    const cache = this.imageCache.get(key);
    const c = cache?.get(index);
    if (!cache || !c) return;
    if (c.url) URL.revokeObjectURL(c.url);
    this.cachedBytes -= c.bytes;
    cache.delete(index);
    this.lru.delete(`${key}\u0000${index}`);
    if (cache.size === 0) this.imageCache.delete(key);
  }

  /** Applies an ImageDataMessage (the kernel's answer to an ImageRequest). */
  applyImageData(items: readonly ImageData[], buffers: readonly DataView[]): void {
    const change = emptyChange();
    this.cacheImages(items ?? [], buffers, change);
    if (change.imageData.size) this.notify(change);
  }

  /** The bytes received of an image, if held (which counts as showing it, for the LRU). */
  cachedImage(key: string, index: number): CachedImage | undefined {
    const c = this.imageCache.get(key)?.get(index);
    if (c) {
      const id = `${key}\u0000${index}`;
      this.lru.delete(id);
      this.lru.set(id, [key, index]);
    }
    return c;
  }

  isPending(key: string, index: number): boolean {
    return this.pending.get(key)?.has(index) ?? false;
  }

  /** Asks the kernel for images not held nor asked for yet (batched into one message). */
  requestImages(run: string, tag: string, indexes: readonly number[]): void {
    const k = Store.key(run, tag);
    let pending = this.pending.get(k);
    if (!pending) {
      pending = new Set();
      this.pending.set(k, pending);
    }
    const first = this.queued.length === 0;
    for (const index of indexes) {
      if (pending.has(index) || this.imageCache.get(k)?.has(index)) continue;
      pending.add(index);
      this.queued.push({ run, tag, index });
    }
    if (first && this.queued.length) {
      queueMicrotask(() => {
        const items = this.queued;
        this.queued = [];
        if (!items.length) return;
        this.sender?.({ type: "image", items });
      });
    }
  }

  // -- queries -----------------------------------------------------------------

  tags(): string[] {
    const out = new Set<string>();
    for (const s of this.series.values()) out.add(s.tag);
    return [...out].sort();
  }

  seriesOf(tag: string): Series[] {
    const out: Series[] = [];
    for (const s of this.series.values()) if (s.tag === tag) out.push(s);
    return out;
  }
}
