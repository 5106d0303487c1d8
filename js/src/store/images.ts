// The image series held in the browser: the index of each (run, tag)'s images
// (ImageDelta), and the encoded bytes received, as Blobs behind object URLs, so an
// image slider moving back over seen steps needs no kernel (up to IMAGE_CACHE_BYTES,
// the least recently shown forgotten first). Images not held are asked of the
// kernel in one batched ImageRequest.
import { decodeArray, type ImageData, type ImageDelta, type ImageRequest } from "../protocol";
import { grow, seriesFor, seriesKey, type Change, type SeriesHolder } from "./holder";

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

/** The bytes of one image received, behind an object URL (null when only an error came). */
export interface CachedImage {
  step: number;
  url: string | null;
  error: string;
  bytes: number;
}

/** Encoded image bytes a board keeps in the browser at most. */
export const IMAGE_CACHE_BYTES = 256 * 1024 * 1024;

/** The image type from the first bytes, when the kernel could not name it. */
export function sniffMime(b: Uint8Array): string {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8) return "image/jpeg";
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "image/gif";
  if (b[0] === 0x42 && b[1] === 0x4d) return "image/bmp";
  if (b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return "image/webp";
  return "application/octet-stream";
}

const SAFE_MIME = /^image\/(png|jpeg|gif|webp|bmp)$/;

export class ImageHolder implements SeriesHolder<ImageSeries, ImageDelta> {
  readonly series = new Map<string, ImageSeries>();
  /** sends a request to the kernel (set by index.ts through the store) */
  sender?: (msg: ImageRequest) => void;
  /** image bytes received, per series key and index */
  private cache = new Map<string, Map<number, CachedImage>>();
  /** the same, least recently shown first (kept <= IMAGE_CACHE_BYTES) */
  private lru = new Map<string, [string, number]>();
  private cachedBytes = 0;
  /** images asked of the kernel and not answered yet, per series key */
  private pending = new Map<string, Set<number>>();
  private queued: ImageRequest["items"] = [];

  reset(next: readonly ImageDelta[], change: Change): void {
    // series not in the full update go with their bytes; the others forget theirs
    // when their delta (start 0) is applied
    const kept = new Set(next.map((d) => seriesKey(d.run, d.tag)));
    for (const k of this.series.keys()) {
      change.of("images").add(k);
      if (!kept.has(k)) this.forget(k, 0, change);
    }
    this.series.clear();
  }

  apply(deltas: readonly ImageDelta[], buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const width = decodeArray(d.width, buffers);
      const height = decodeArray(d.height, buffers);
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({
        run: d.run, tag: d.tag, n: 0, total: 0,
        step: new Float64Array(0), wall: new Float64Array(0), width: new Float64Array(0), height: new Float64Array(0), version: 0,
      }));
      const start = Math.min(d.start, s.n);
      this.forget(k, start, change);
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
      change.of("images").add(k);
    }
    return false;
  }

  /** Forgets the cached bytes (and pending requests) of indexes >= start. */
  private forget(key: string, start: number, change: Change): void {
    const cache = this.cache.get(key);
    if (cache) {
      for (const index of [...cache.keys()]) {
        if (index < start) continue;
        this.drop(key, index);
        change.of("image_data").add(key);
      }
    }
    const pending = this.pending.get(key);
    if (pending) for (const index of [...pending]) if (index >= start) pending.delete(index);
  }

  /** Keeps the bytes of images received (pushed with an update or asked for). */
  receive(items: readonly ImageData[], buffers: readonly DataView[], change: Change): void {
    for (const item of items) {
      const k = seriesKey(item.run, item.tag);
      this.pending.get(k)?.delete(item.index);
      const s = this.series.get(k);
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
      this.drop(k, item.index);
      let cache = this.cache.get(k);
      if (!cache) {
        cache = new Map();
        this.cache.set(k, cache);
      }
      cache.set(item.index, { step: s.step[item.index], url, error, bytes });
      this.lru.set(`${k}\u0000${item.index}`, [k, item.index]);
      this.cachedBytes += bytes;
      change.of("image_data").add(k);
    }
    // a long live run must not keep every image it showed: the least recently
    // shown go first (asked of the kernel again if wanted)
    for (const [k, index] of this.lru.values()) {
      if (this.cachedBytes <= IMAGE_CACHE_BYTES) break;
      this.drop(k, index);
      change.of("image_data").add(k);
    }
  }

  private drop(key: string, index: number): void {
    const cache = this.cache.get(key);
    const c = cache?.get(index);
    if (!cache || !c) return;
    if (c.url) URL.revokeObjectURL(c.url);
    this.cachedBytes -= c.bytes;
    cache.delete(index);
    this.lru.delete(`${key}\u0000${index}`);
    if (cache.size === 0) this.cache.delete(key);
  }

  /** The bytes received of an image, if held (which counts as showing it, for the LRU). */
  cached(key: string, index: number): CachedImage | undefined {
    const c = this.cache.get(key)?.get(index);
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
  request(run: string, tag: string, indexes: readonly number[]): void {
    const k = seriesKey(run, tag);
    let pending = this.pending.get(k);
    if (!pending) {
      pending = new Set();
      this.pending.set(k, pending);
    }
    const first = this.queued.length === 0;
    for (const index of indexes) {
      if (pending.has(index) || this.cache.get(k)?.has(index)) continue;
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
}
