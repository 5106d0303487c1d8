// The pure parsers of the Audio tab and of videos in the Images tab: WAV headers and
// waveforms (wav.ts), GIF frames and delays (gif.ts), on bytes real writers wrote
// (tests/fixtures/media.json) and on bytes made here to reach every branch.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGif, playedDelay } from "../src/gif";
import { describeWav, parseWav, wavPeaks } from "../src/wav";
import media from "../../tests/fixtures/media.json";

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** A WAV of `samples` (frames x channels, in [-1, 1]) as `bits`-bit PCM or float. */
function makeWav(frames: number[][], rate: number, bits: number, float = false, extensible = false): Uint8Array {
  const channels = frames[0]?.length ?? 1;
  const data = frames.length * channels * (bits / 8);
  const fmtSize = extensible ? 40 : 16;
  const b = new Uint8Array(12 + 8 + fmtSize + 8 + data);
  const v = new DataView(b.buffer);
  const put = (at: number, s: string) => [...s].forEach((c, i) => (b[at + i] = c.charCodeAt(0)));
  put(0, "RIFF");
  v.setUint32(4, b.length - 8, true);
  put(8, "WAVE");
  put(12, "fmt ");
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, extensible ? 0xfffe : float ? 3 : 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * channels * (bits / 8), true);
  v.setUint16(32, channels * (bits / 8), true);
  v.setUint16(34, bits, true);
  if (extensible) v.setUint16(20 + 24, float ? 3 : 1, true);
  let at = 20 + fmtSize;
  put(at, "data");
  v.setUint32(at + 4, data, true);
  at += 8;
  for (const f of frames) {
    for (const x of f) {
      if (float) v.setFloat32(at, x, true);
      else if (bits === 8) v.setUint8(at, Math.round(x * 127) + 128);
      else if (bits === 16) v.setInt16(at, Math.round(x * 32767), true);
      else if (bits === 24) {
        const n = Math.round(x * 8388607);
        v.setUint8(at, n & 0xff);
        v.setUint8(at + 1, (n >> 8) & 0xff);
        v.setInt8(at + 2, n >> 16);
      } else v.setInt32(at, Math.round(x * 2147483647), true);
      at += bits / 8;
    }
  }
  return b;
}

test("torch's add_audio WAV: mono 16-bit PCM at the rate given, its waveform", () => {
  const b = bytes(media.wav);
  const w = parseWav(b);
  assert.deepEqual([w.sampleRate, w.channels, w.bits, w.float, w.frames, w.error], [1000, 1, 16, false, 100, ""]);
  assert.equal(w.duration, 0.1);
  assert.equal(describeWav(w), "0.10 s · 1,000 Hz · mono · 16-bit PCM");
  // 0.5 sin(2 pi 50 t) at 1000 Hz: 5 periods, so each fifth of the clip spans +-0.5
  const peaks = wavPeaks(b, w, 5);
  assert.equal(peaks.length, 10);
  for (let c = 0; c < 5; c++) {
    assert.ok(Math.abs(peaks[2 * c] + 0.5) < 0.01 && Math.abs(peaks[2 * c + 1] - 0.5) < 0.01, String(peaks));
  }
  // more columns than frames: one per frame
  assert.equal(wavPeaks(b, w, 1000).length, 200);
});

test("every PCM and float sample type reads back its values", () => {
  const frames = [[0.5, -0.25], [-1, 0.75], [0, 0.125]];
  for (const [bits, float, extensible] of [[8, false, false], [16, false, false], [24, false, false], [32, false, false], [32, true, false], [16, false, true], [32, true, true]] as const) {
    const b = makeWav(frames, 8000, bits, float, extensible);
    const w = parseWav(b);
    assert.equal(w.error, "", `${bits} ${float}`);
    assert.deepEqual([w.channels, w.frames, w.bits, w.float], [2, 3, bits, float]);
    const peaks = wavPeaks(b, w, 3); // one frame per column: min and max over both channels
    const tol = bits === 8 ? 0.02 : 1e-3;
    frames.forEach((f, i) => {
      assert.ok(Math.abs(peaks[2 * i] - Math.min(...f)) < tol, `${bits}: ${peaks}`);
      assert.ok(Math.abs(peaks[2 * i + 1] - Math.max(...f)) < tol, `${bits}: ${peaks}`);
    });
  }
  assert.equal(describeWav(parseWav(makeWav(frames, 44100, 32, true))), "0.00 s · 44,100 Hz · stereo · 32-bit float");
});

test("what cannot be decoded says why", () => {
  const good = makeWav([[0.1], [0.2], [0.3], [0.4]], 8000, 16);
  assert.match(parseWav(new TextEncoder().encode("this is no audio at all")).error, /not a WAV/);
  assert.match(parseWav(new Uint8Array(0)).error, /not a WAV/);
  // truncated: the samples there are kept, and it says so
  const cut = parseWav(good.subarray(0, good.length - 3));
  assert.match(cut.error, /truncated: it declares 8 bytes of samples, 5 are there/);
  assert.equal(cut.frames, 2);
  assert.match(parseWav(good.subarray(0, 30)).error, /fmt chunk is cut short/);
  assert.match(parseWav(good.subarray(0, 36)).error, /no data chunk/);
  assert.match(parseWav(good.subarray(0, 12)).error, /no fmt chunk/);
  const odd = good.slice();
  new DataView(odd.buffer).setUint16(20, 0x55, true); // MP3 in a WAV
  assert.match(parseWav(odd).error, /format 0x0055 is not PCM/);
  const bits = good.slice();
  new DataView(bits.buffer).setUint16(34, 12, true);
  assert.match(parseWav(bits).error, /12-bit PCM/);
  const rate = good.slice();
  new DataView(rate.buffer).setUint32(24, 0, true);
  assert.match(parseWav(rate).error, /0 Hz/);
  // a streamed WAV whose writer never wrote the size back is not truncated
  const streamed = good.slice();
  new DataView(streamed.buffer).setUint32(40, 0xffffffff, true);
  assert.deepEqual([parseWav(streamed).error, parseWav(streamed).frames], ["", 4]);
  assert.equal(wavPeaks(good, parseWav(new Uint8Array(0)), 10).length, 0);
});

test("tensorboardX's add_video GIF: its frames and their delays", () => {
  const g = parseGif(bytes(media.gif));
  assert.deepEqual(g, { width: 8, height: 6, frames: 3, delays: [250, 250, 250], error: "" });
});

/** A GIF of `n` frames (delays in hundredths), with a global and a local colour table. */
function makeGif(delays: number[]): Uint8Array {
  const out = [...new TextEncoder().encode("GIF89a"), 2, 0, 2, 0, 0x80, 0, 0, ...new Array(6).fill(0)];
  out.push(0x21, 0xff, 11, ...new TextEncoder().encode("NETSCAPE2.0"), 3, 1, 0, 0, 0);
  out.push(0x21, 0xfe, 2, 0x68, 0x69, 0); // a comment
  for (const d of delays) {
    out.push(0x21, 0xf9, 4, 0, d & 0xff, d >> 8, 0, 0);
    out.push(0x2c, 0, 0, 0, 0, 2, 0, 2, 0, 0x80, ...new Array(6).fill(0), 2, 3, 1, 2, 3, 0);
  }
  out.push(0x3b);
  return Uint8Array.from(out);
}

test("GIF blocks: extensions, colour tables, delays as browsers play them", () => {
  const b = makeGif([0, 1, 7, 300]);
  assert.deepEqual(parseGif(b), { width: 2, height: 2, frames: 4, delays: [100, 100, 70, 3000], error: "" });
  assert.equal(playedDelay(2), 20);
  // a still GIF is one frame
  assert.equal(parseGif(makeGif([5])).frames, 1);
  // truncated inside the third frame: two whole frames
  const cut = parseGif(b.subarray(0, b.length - 35));
  assert.deepEqual([cut.frames, cut.error], [2, "the GIF is truncated after 2 frames"]);
  // without its trailer the frames read are whole
  assert.deepEqual([parseGif(b.subarray(0, b.length - 1)).frames, parseGif(b.subarray(0, b.length - 1)).error], [4, ""]);
  const bad = b.slice();
  bad[bad.length - 1] = 0x99;
  assert.match(parseGif(bad).error, /unknown GIF block 0x99 after 4 frames/);
  assert.equal(parseGif(new TextEncoder().encode("\x89PNG....")).error, "not a GIF");
  assert.match(parseGif(new TextEncoder().encode("GIF89a")).error, /truncated in its header/);
});
