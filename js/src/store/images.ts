// The image series held in the browser: the index of each (run, tag)'s images
// (ImageDelta), and the encoded bytes received, as Blobs behind object URLs, so an
// image slider moving back over seen steps needs no kernel (up to IMAGE_CACHE_BYTES,
// the least recently shown forgotten first; ./media.ts). Images not held are asked
// of the kernel in one batched ImageRequest.
import { decodeArray, type ImageDelta, type ImageRequest } from "../protocol";
import { grow, seriesFor, seriesKey, type Change } from "./holder";
import { blobOf, MediaHolder, type CachedBlob } from "./media";

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
export type CachedImage = CachedBlob;

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

export class ImageHolder extends MediaHolder<ImageSeries, ImageRequest["type"]> {
  constructor() {
    super("image_data", "image", IMAGE_CACHE_BYTES);
  }

  protected entry(step: number, data: Uint8Array | null, mime: string, error: string): CachedImage {
    const type = data ? (SAFE_MIME.test(mime) ? mime : sniffMime(data)) : "";
    return { step, ...blobOf(data, type), mime: type, error, bytes: data?.byteLength ?? 0 };
  }

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

}
