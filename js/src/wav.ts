// A WAV file read in the browser (pure: no DOM), for the Audio tab: its format
// (sample rate, channels, sample type), its duration, and its waveform as min/max
// per column. Every writer tbnb reads (torch, tensorboardX, TF2) writes PCM WAV; what
// cannot be read says why, in words for the clip's card.

export interface Wav {
  sampleRate: number;
  channels: number;
  bits: number; // per sample
  float: boolean; // IEEE float samples (else integer PCM)
  frames: number; // frames present in the file
  duration: number; // seconds, of the frames present
  /** "" or why the clip cannot be decoded whole (a truncated file keeps what it holds) */
  error: string;
  dataOffset: number;
}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

function tag(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** The header of a WAV file: its format and where its samples are, or why there are none. */
export function parseWav(b: Uint8Array): Wav {
  const out: Wav = { sampleRate: 0, channels: 0, bits: 0, float: false, frames: 0, duration: 0, error: "", dataOffset: 0 };
  const fail = (error: string) => ({ ...out, error });
  if (b.length < 12 || tag(b, 0) !== "RIFF" || tag(b, 8) !== "WAVE") return fail("not a WAV file (no RIFF/WAVE header)");
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let fmt = false;
  let at = 12;
  while (at + 8 <= b.length) {
    const id = tag(b, at);
    const size = v.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > b.length) return fail("the WAV's fmt chunk is cut short");
      let code = v.getUint16(body, true);
      out.channels = v.getUint16(body + 2, true);
      out.sampleRate = v.getUint32(body + 4, true);
      out.bits = v.getUint16(body + 14, true);
      if (code === EXTENSIBLE && size >= 40 && body + 26 <= b.length) code = v.getUint16(body + 24, true);
      if (code !== PCM && code !== FLOAT) return fail(`WAV format 0x${code.toString(16).padStart(4, "0")} is not PCM: its samples cannot be drawn`);
      out.float = code === FLOAT;
      const ok = out.float ? out.bits === 32 || out.bits === 64 : [8, 16, 24, 32].includes(out.bits);
      if (!ok) return fail(`${out.bits}-bit ${out.float ? "float" : "PCM"} samples are not a WAV sample type`);
      if (out.channels < 1 || out.sampleRate < 1) return fail(`the WAV says ${out.channels} channels at ${out.sampleRate} Hz`);
      fmt = true;
    } else if (id === "data") {
      if (!fmt) return fail("the WAV's samples come before its format (no fmt chunk)");
      const frameBytes = (out.bits / 8) * out.channels;
      const present = Math.min(size, b.length - body);
      out.dataOffset = body;
      out.frames = Math.floor(present / frameBytes);
      out.duration = out.frames / out.sampleRate;
      // 0xffffffff (or 0): a writer that streamed and never came back to the size
      if (present < size && size !== 0xffffffff) {
        out.error = `the WAV is truncated: it declares ${size.toLocaleString("en-US")} bytes of samples, ${present.toLocaleString("en-US")} are there`;
      }
      return out;
    }
    at = body + size + (size & 1);
  }
  return fail(fmt ? "the WAV has no samples (no data chunk): truncated?" : "the WAV has no fmt chunk: truncated?");
}

/** The sample of channel `c` of frame `i`, in [-1, 1]. */
function sample(v: DataView, w: Wav, i: number, c: number): number {
  const bytes = w.bits / 8;
  const at = w.dataOffset + (i * w.channels + c) * bytes;
  if (w.float) return w.bits === 32 ? v.getFloat32(at, true) : v.getFloat64(at, true);
  switch (w.bits) {
    case 8:
      return (v.getUint8(at) - 128) / 128;
    case 16:
      return v.getInt16(at, true) / 32768;
    case 24:
      return ((v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16)) / 8388608);
    default:
      return v.getInt32(at, true) / 2147483648;
  }
}

/**
 * The waveform in `columns` columns: [min0, max0, min1, max1, ...] over every
 * channel of the frames of each column (an empty array without frames).
 */
export function wavPeaks(b: Uint8Array, w: Wav, columns: number): Float32Array {
  if (w.frames === 0 || w.channels === 0 || columns < 1) return new Float32Array(0);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = Math.min(columns, w.frames);
  const out = new Float32Array(2 * n);
  for (let col = 0; col < n; col++) {
    const a = Math.floor((col * w.frames) / n);
    const z = Math.floor(((col + 1) * w.frames) / n);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < z; i++) {
      for (let c = 0; c < w.channels; c++) {
        const x = sample(v, w, i, c);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    out[2 * col] = lo;
    out[2 * col + 1] = hi;
  }
  return out;
}

/** "2.00 s · 44,100 Hz · mono · 16-bit PCM": what a clip's card says of it. */
export function describeWav(w: Wav): string {
  const channels = w.channels === 1 ? "mono" : w.channels === 2 ? "stereo" : `${w.channels} channels`;
  const seconds = w.duration < 10 ? w.duration.toFixed(2) : w.duration.toFixed(1);
  return `${seconds} s · ${w.sampleRate.toLocaleString("en-US")} Hz · ${channels} · ${w.bits}-bit ${w.float ? "float" : "PCM"}`;
}
