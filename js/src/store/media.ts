// What the image and audio holders share: encoded bytes received from the kernel (pushed
// with an update, or asked for), kept as Blobs behind object URLs so a slider moving
// back over seen steps needs no kernel, within a byte budget (the least recently shown
// forgotten first); entries not held are asked of the kernel in one batched request.
import { decodeArray, type ArrayRef } from "../protocol";
import { seriesKey, type Change, type ChangeName } from "./holder";

/** The bytes of one entry received: a Blob behind an object URL (null when only an error came). */
export interface CachedBlob {
  step: number;
  url: string | null;
  blob: Blob | null;
  mime: string;
  error: string;
  bytes: number;
}

/** What every data item of the kernel (ImageData, AudioData) has. */
export interface MediaItem {
  run: string;
  tag: string;
  index: number;
  step: number;
  mime: string;
  data: ArrayRef | null;
  error: string;
}

export interface MediaRequest<T extends string> {
  type: T;
  items: { run: string; tag: string; index: number }[];
}

/** The steps of the entries of a series, held by its holder. */
interface Indexed {
  n: number;
  step: Float64Array;
}

export abstract class MediaHolder<S extends Indexed, T extends string, C extends CachedBlob = CachedBlob> {
  readonly series = new Map<string, S>();
  /** sends a request to the kernel (set by index.ts through the store) */
  sender?: (msg: MediaRequest<T>) => void;
  /** bytes received, per series key and index */
  private cache = new Map<string, Map<number, C>>();
  /** the same, least recently shown first (kept <= budget) */
  private lru = new Map<string, [string, number]>();
  private cachedBytes = 0;
  /** entries asked of the kernel and not answered yet, per series key */
  private pending = new Map<string, Set<number>>();
  private queued: MediaRequest<T>["items"] = [];

  constructor(
    /** the change set of the bytes received (the index's is the holder's field) */
    private dataChange: ChangeName,
    private requestType: T,
    private budget: number,
  ) {}

  /** The cache entry of bytes received (with what the kind derives from them). */
  protected abstract entry(step: number, data: Uint8Array | null, mime: string, error: string): C;

  /** Forgets the cached bytes (and pending requests) of indexes >= start. */
  protected forget(key: string, start: number, change: Change): void {
    const cache = this.cache.get(key);
    if (cache) {
      for (const index of [...cache.keys()]) {
        if (index < start) continue;
        this.drop(key, index);
        change.of(this.dataChange).add(key);
      }
    }
    const pending = this.pending.get(key);
    if (pending) for (const index of [...pending]) if (index >= start) pending.delete(index);
  }

  /** Keeps the bytes received (pushed with an update or asked for). */
  receive(items: readonly MediaItem[], buffers: readonly DataView[], change: Change): void {
    for (const item of items) {
      const k = seriesKey(item.run, item.tag);
      this.pending.get(k)?.delete(item.index);
      const s = this.series.get(k);
      if (!s || item.index < 0 || item.index >= s.n) continue;
      // bytes of an index replaced since they were asked for are dropped (an error
      // may not know the step: it is shown where it was asked)
      if (item.data && s.step[item.index] !== item.step) continue;
      let data: Uint8Array | null = null;
      let error = item.error || "";
      if (item.data) {
        const got = decodeArray(item.data, buffers);
        if (got instanceof Uint8Array) data = got;
        else if (!error) error = `the bytes came as ${item.data.dtype}, not uint8`;
      } else if (!error) {
        error = "the bytes could not be read";
      }
      const entry = this.entry(s.step[item.index], data, item.mime, error);
      this.drop(k, item.index);
      let cache = this.cache.get(k);
      if (!cache) {
        cache = new Map();
        this.cache.set(k, cache);
      }
      cache.set(item.index, entry);
      this.lru.set(`${k}\u0000${item.index}`, [k, item.index]);
      this.cachedBytes += entry.bytes;
      change.of(this.dataChange).add(k);
    }
    // a long live run must not keep every entry it showed: the least recently
    // shown go first (asked of the kernel again if wanted)
    for (const [k, index] of this.lru.values()) {
      if (this.cachedBytes <= this.budget) break;
      this.drop(k, index);
      change.of(this.dataChange).add(k);
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

  /** The bytes received of an entry, if held (which counts as showing it, for the LRU). */
  cached(key: string, index: number): C | undefined {
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

  /** Asks the kernel for entries not held nor asked for yet (batched into one message). */
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
        this.sender?.({ type: this.requestType, items });
      });
    }
  }
}

/** A Blob and its object URL for bytes received (none for an error). */
export function blobOf(data: Uint8Array | null, mime: string): { blob: Blob | null; url: string | null } {
  if (!data) return { blob: null, url: null };
  const blob = new Blob([data as Uint8Array<ArrayBuffer>], { type: mime });
  return { blob, url: URL.createObjectURL(blob) };
}
