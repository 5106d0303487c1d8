// The audio series held in the browser: the index of each (run, tag)'s clips
// (AudioDelta), and the clips received, as Blobs behind object URLs (./media.ts: the
// same cache and requests as images). A WAV's header and waveform are read once,
// when it arrives; its bytes then live only in the Blob the player plays.
import { decodeArray, type AudioDelta, type AudioRequest } from "../protocol";
import { describeWav, parseWav, wavPeaks, type Wav } from "../wav";
import { grow, seriesFor, seriesKey, type Change } from "./holder";
import { blobOf, MediaHolder, type CachedBlob } from "./media";

/** The index of the clips of one (run, tag): one entry per clip. */
export interface AudioSeries {
  run: string;
  tag: string;
  n: number;
  total: number;
  step: Float64Array;
  wall: Float64Array;
  rate: Float64Array; // as written; 0: in the clip's header only
  labels: string[];
  version: number;
}

/** A clip received: its Blob, and what its WAV header and samples say. */
export interface CachedClip extends CachedBlob {
  wav: Wav | null; // null: not a WAV (the player may still play it)
  peaks: Float32Array; // wavPeaks in WAVE_COLUMNS columns ([] when it cannot be drawn)
  about: string; // "2.00 s · 44,100 Hz · mono · 16-bit PCM" ("" unknown)
}

/** Clip bytes a board keeps in the browser at most (2 s of 44.1 kHz mono is 176 KB). */
export const AUDIO_CACHE_BYTES = 128 * 1024 * 1024;
/** Columns of a waveform as kept (the card draws them into its width). */
export const WAVE_COLUMNS = 600;

const SAFE_MIME = /^audio\/(wav|ogg|flac|mpeg)$/;

/** A clip's Blob, its header and its waveform (pure but for the Blob). */
export function clipEntry(step: number, data: Uint8Array | null, mime: string, error: string): CachedClip {
  const wav = data && (mime === "audio/wav" || mime === "") ? parseWav(data) : null;
  const type = data ? (SAFE_MIME.test(mime) ? mime : "audio/wav") : "";
  return {
    step,
    ...blobOf(data, type),
    mime: type,
    error: error || wav?.error || "",
    bytes: data?.byteLength ?? 0,
    wav,
    peaks: data && wav && wav.frames ? wavPeaks(data, wav, WAVE_COLUMNS) : new Float32Array(0),
    about: wav && wav.sampleRate ? describeWav(wav) : "",
  };
}

export class AudioHolder extends MediaHolder<AudioSeries, AudioRequest["type"], CachedClip> {
  constructor() {
    super("audio_data", "audio", AUDIO_CACHE_BYTES);
  }

  protected entry(step: number, data: Uint8Array | null, mime: string, error: string): CachedClip {
    return clipEntry(step, data, mime, error);
  }

  reset(next: readonly AudioDelta[], change: Change): void {
    const kept = new Set(next.map((d) => seriesKey(d.run, d.tag)));
    for (const k of this.series.keys()) {
      change.of("audio").add(k);
      if (!kept.has(k)) this.forget(k, 0, change);
    }
    this.series.clear();
  }

  apply(deltas: readonly AudioDelta[], buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const rate = decodeArray(d.sample_rate, buffers);
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({
        run: d.run, tag: d.tag, n: 0, total: 0,
        step: new Float64Array(0), wall: new Float64Array(0), rate: new Float64Array(0), labels: [], version: 0,
      }));
      const start = Math.min(d.start, s.n);
      this.forget(k, start, change);
      const n = start + step.length;
      s.step = grow(s.step, n, start);
      s.wall = grow(s.wall, n, start);
      s.rate = grow(s.rate, n, start);
      s.step.set(step, start);
      s.wall.set(wall, start);
      s.rate.set(rate, start);
      s.labels.length = start;
      for (let i = 0; i < step.length; i++) s.labels.push(d.labels?.[i] ?? "");
      s.n = n;
      s.total = d.total;
      s.version++;
      change.of("audio").add(k);
    }
    return false;
  }
}
