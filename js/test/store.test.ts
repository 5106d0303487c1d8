// The store applying the kernel's UpdateMessages: full updates, deltas replacing
// from `start`, the seq rules (stale deltas ignored, a gap asks for a resync).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AudioDelta, HistogramDelta, ImageDelta, ScalarDelta, TextDelta, UpdateMessage } from "../src/protocol";
import { seqStatus, Store, type Change } from "../src/store";
import { Buffers } from "./helpers";
import media from "../../tests/fixtures/media.json";

interface Scalar {
  run: string;
  tag: string;
  start: number;
  total?: number;
  steps: number[];
  values: number[];
}

function update(seq: number, full: boolean, runs: string[], parts: { scalars?: Scalar[]; histograms?: HistogramDelta[]; images?: ImageDelta[]; texts?: TextDelta[] }, b = new Buffers()) {
  const scalars: ScalarDelta[] = (parts.scalars ?? []).map((s) => ({
    run: s.run,
    tag: s.tag,
    start: s.start,
    total: s.total ?? s.start + s.steps.length,
    step: b.add(s.steps, "int64"),
    wall_time: b.add(s.steps.map((x) => 1000 + x)),
    value: b.add(s.values, "float32"),
  }));
  const msg: UpdateMessage = {
    type: "update",
    seq,
    full,
    runs,
    scalars,
    histograms: parts.histograms ?? [],
    images: parts.images ?? [],
    texts: parts.texts ?? [],
    graphs: [],
    hparams: [],
    pr_curves: [],
    custom_scalars: [],
    image_data: [],
    graph_data: [],
    hparams_info: [],
    audio: [],
    audio_data: [],
    meshes: [],
    mesh_data: [],
  };
  return { msg, buffers: b.views };
}

function watch(store: Store): Change[] {
  const seen: Change[] = [];
  store.subscribe((c) => seen.push(c));
  return seen;
}

const values = (store: Store, run: string, tag: string) => {
  const s = store.kinds.scalars.series.get(Store.key(run, tag))!;
  return { steps: Array.from(s.step.subarray(0, s.n)), values: Array.from(s.value.subarray(0, s.n)), total: s.total };
};

test("seq: the next delta applies, older ones are stale, a jump is a gap", () => {
  assert.equal(seqStatus(-1, 1), "next");
  assert.equal(seqStatus(-1, 5), "gap");
  assert.equal(seqStatus(4, 5), "next");
  assert.equal(seqStatus(4, 4), "stale");
  assert.equal(seqStatus(4, 2), "stale");
  assert.equal(seqStatus(4, 7), "gap");
});

test("a full update, then deltas replacing points from their start", () => {
  const store = new Store();
  const changes = watch(store);
  const full = update(3, true, ["a", "b"], { scalars: [{ run: "a", tag: "loss", start: 0, steps: [0, 1, 2], values: [3, 2, 1] }] });
  assert.equal(store.apply(full.msg, full.buffers), false);
  assert.deepEqual(values(store, "a", "loss"), { steps: [0, 1, 2], values: [3, 2, 1], total: 3 });
  assert.deepEqual(store.runs, ["a", "b"]);
  assert.equal(changes[0].full, true);
  assert.equal(changes[0].runs, true);
  assert.deepEqual([...changes[0].of("scalars")], [Store.key("a", "loss")]);

  // seq 4: the last point replaced and two added (the kernel downsampled again from index 2)
  const d = update(4, false, ["a", "b"], { scalars: [{ run: "a", tag: "loss", start: 2, total: 10, steps: [5, 8, 9], values: [0.5, 0.25, 0.125] }] });
  assert.equal(store.apply(d.msg, d.buffers), false);
  assert.deepEqual(values(store, "a", "loss"), { steps: [0, 1, 5, 8, 9], values: [3, 2, 0.5, 0.25, 0.125], total: 10 });
  assert.equal(changes[1].full, false);
  assert.equal(changes[1].runs, false);
  assert.deepEqual(store.kinds.scalars.tags(), ["loss"]);
  assert.equal(store.kinds.scalars.seriesOf("loss").length, 1);

  // the same delta again (a snapshot made after it, then the delta): ignored
  const again = update(4, false, ["a", "b"], { scalars: [{ run: "a", tag: "loss", start: 0, steps: [42], values: [42] }] });
  assert.equal(store.apply(again.msg, again.buffers), false);
  assert.equal(values(store, "a", "loss").steps.length, 5);
  assert.equal(changes.length, 2);
});

test("a missed delta is applied and asks for a resync; the full update then replaces everything", () => {
  const store = new Store();
  const first = update(1, false, ["a"], { scalars: [{ run: "a", tag: "x", start: 0, steps: [0], values: [1] }] });
  assert.equal(store.apply(first.msg, first.buffers), false);
  const jump = update(3, false, ["a", "c"], { scalars: [{ run: "c", tag: "y", start: 0, steps: [0], values: [2] }] });
  assert.equal(store.apply(jump.msg, jump.buffers), true);
  assert.ok(store.kinds.scalars.series.has(Store.key("c", "y")));
  const changes = watch(store);
  const full = update(3, true, ["c"], { scalars: [{ run: "c", tag: "y", start: 0, steps: [0, 1], values: [2, 3] }] });
  assert.equal(store.apply(full.msg, full.buffers), false);
  assert.equal(store.kinds.scalars.series.has(Store.key("a", "x")), false);
  // the series gone are in the change set, so views redraw them away
  assert.ok(changes[0].of("scalars").has(Store.key("a", "x")));
  assert.equal(store.seq, 3);
});

test("histograms: a delta on a new grid that does not start at 0 asks for a resync", () => {
  const b = new Buffers();
  const hist = (start: number, bins: number, steps: number[]): HistogramDelta => ({
    run: "r",
    tag: "w",
    start,
    total: start + steps.length,
    edges: b.add(Array.from({ length: bins + 1 }, (_, i) => i)),
    step: b.add(steps),
    wall_time: b.add(steps),
    counts: b.add(steps.flatMap(() => Array.from({ length: bins }, (_, j) => j)), "float64", [steps.length, bins]),
    bands: b.add(steps.flatMap((s) => Array.from({ length: 9 }, (_, j) => s + j)), "float64", [steps.length, 9]),
  });
  const store = new Store();
  const full = update(1, true, ["r"], { histograms: [hist(0, 3, [0, 1])] }, b);
  assert.equal(store.apply(full.msg, b.views), false);
  const s = store.kinds.histograms.series.get(Store.key("r", "w"))!;
  assert.equal(s.n, 2);
  assert.equal(s.bins, 3);
  assert.deepEqual(Array.from(s.bands.subarray(9, 18)), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const same = update(2, false, ["r"], { histograms: [hist(2, 3, [2])] }, b);
  assert.equal(store.apply(same.msg, b.views), false);
  assert.equal(s.n, 3);
  const regrid = update(3, false, ["r"], { histograms: [hist(3, 5, [3])] }, b);
  assert.equal(store.apply(regrid.msg, b.views), true);
  assert.equal(s.bins, 5);
  assert.equal(s.n, 1); // what came, from 0
});

test("texts: entries from start on are replaced, missing parts read as empty", () => {
  const b = new Buffers();
  const text = (start: number, steps: number[], texts: string[]): TextDelta => ({
    run: "r",
    tag: "t",
    start,
    total: start + steps.length,
    step: b.add(steps),
    wall_time: b.add(steps),
    texts: texts.map((t) => ({ text: t, shape: [], cells: [] })),
  });
  const store = new Store();
  const full = update(1, true, ["r"], { texts: [text(0, [0, 1], ["a", "b"])] }, b);
  store.apply(full.msg, b.views);
  const d = update(2, false, ["r"], { texts: [text(1, [5], ["c"])] }, b);
  d.msg.texts[0].texts = [{} as never];
  store.apply(d.msg, b.views);
  const s = store.kinds.texts.series.get(Store.key("r", "t"))!;
  assert.deepEqual(s.step, [0, 5]);
  assert.deepEqual(s.texts.map((t) => t.text), ["a", ""]);
});

test("images: bytes pushed are cached, replaced indexes forget theirs, requests are batched", async () => {
  const b = new Buffers();
  const index = (start: number, steps: number[]): ImageDelta => ({
    run: "r",
    tag: "img",
    start,
    total: start + steps.length,
    step: b.add(steps),
    wall_time: b.add(steps),
    width: b.add(steps.map(() => 2), "int32"),
    height: b.add(steps.map(() => 2), "int32"),
  });
  const store = new Store();
  const sent: unknown[] = [];
  store.sender = (m) => sent.push(m);
  const full = update(1, true, ["r"], { images: [index(0, [0, 10])] }, b);
  const png = [0x89, 0x50, 0x4e, 0x47, 1, 2, 3];
  full.msg.image_data = [{ run: "r", tag: "img", index: 1, step: 10, mime: "", data: b.add(png, "uint8"), error: "" }];
  const changes = watch(store);
  store.apply(full.msg, b.views);
  const key = Store.key("r", "img");
  assert.ok(changes[0].of("images").has(key) && changes[0].of("image_data").has(key));
  const cached = store.kinds.images.cached(key, 1)!;
  assert.equal(cached.step, 10);
  assert.equal(cached.bytes, png.length);
  assert.match(cached.url!, /^blob:/);
  assert.equal(store.kinds.images.cached(key, 0), undefined);

  store.kinds.images.request("r", "img", [0, 1]);
  store.kinds.images.request("r", "img", [0]);
  assert.ok(store.kinds.images.isPending(key, 0));
  await Promise.resolve();
  assert.deepEqual(sent, [{ type: "image", items: [{ run: "r", tag: "img", index: 0 }] }]);

  // an answer for a step since replaced is dropped; an error is kept to be shown
  store.applyImageData([{ run: "r", tag: "img", index: 0, step: 99, mime: "image/png", data: b.add(png, "uint8"), error: "" }], b.views);
  assert.equal(store.kinds.images.cached(key, 0), undefined);
  store.applyImageData([{ run: "r", tag: "img", index: 0, step: -1, mime: "", data: null, error: "gone" }], b.views);
  assert.equal(store.kinds.images.cached(key, 0)!.error, "gone");

  // a delta from index 1 on forgets the bytes of index 1
  const d = update(2, false, ["r"], { images: [index(1, [20])] }, b);
  store.apply(d.msg, b.views);
  assert.equal(store.kinds.images.cached(key, 1), undefined);
  assert.equal(store.kinds.images.series.get(key)!.n, 2);
});

test("audio: the clip index with its labels, clips read once as they arrive, asked for in one request", async () => {
  const b = new Buffers();
  const index = (start: number, steps: number[], labels: string[]): AudioDelta => ({
    run: "r",
    tag: "a",
    start,
    total: start + steps.length,
    step: b.add(steps),
    wall_time: b.add(steps),
    sample_rate: b.add(steps.map(() => 0)),
    labels,
  });
  const store = new Store();
  const sent: unknown[] = [];
  store.sender = (m) => sent.push(m);
  const wav = Array.from(atob(media.wav), (c) => c.charCodeAt(0));
  const full = update(1, true, ["r"], {}, b);
  full.msg.audio = [index(0, [0, 0, 5], ["*one*", "two", ""])];
  full.msg.audio_data = [
    { run: "r", tag: "a", index: 2, step: 5, mime: "audio/wav", data: b.add(wav, "uint8"), error: "" },
    { run: "r", tag: "a", index: 1, step: 0, mime: "audio/wav", data: b.add(wav.slice(0, 100), "uint8"), error: "" },
    { run: "r", tag: "a", index: 0, step: 0, mime: "", data: b.add([1, 2, 3, 4], "uint8"), error: "" },
  ];
  const changes = watch(store);
  store.apply(full.msg, b.views);
  const key = Store.key("r", "a");
  assert.ok(changes[0].of("audio").has(key) && changes[0].of("audio_data").has(key));
  const s = store.kinds.audio.series.get(key)!;
  assert.deepEqual([s.n, s.labels], [3, ["*one*", "two", ""]]);
  const clip = store.kinds.audio.cached(key, 2)!;
  assert.deepEqual([clip.error, clip.about, clip.peaks.length, clip.mime], ["", "0.10 s · 1,000 Hz · mono · 16-bit PCM", 200, "audio/wav"]);
  assert.match(clip.url!, /^blob:/);
  assert.match(store.kinds.audio.cached(key, 1)!.error, /truncated/);
  assert.match(store.kinds.audio.cached(key, 0)!.error, /not a WAV/);

  store.kinds.audio.request("r", "a", [1, 2]);
  await Promise.resolve();
  assert.deepEqual(sent, []); // held already
  const next = update(2, false, ["r"], {}, b);
  next.msg.audio = [index(3, [9], ["new"])];
  store.apply(next.msg, b.views);
  assert.deepEqual(s.labels, ["*one*", "two", "", "new"]);
  store.kinds.audio.request("r", "a", [3]);
  await Promise.resolve();
  assert.deepEqual(sent, [{ type: "audio", items: [{ run: "r", tag: "a", index: 3 }] }]);
  store.applyAudioData([{ run: "r", tag: "a", index: 3, step: -1, mime: "", data: null, error: "could not read the clip: gone" }], b.views);
  assert.equal(store.kinds.audio.cached(key, 3)!.error, "could not read the clip: gone");
});

test("every point of a card's runs: held whole from the browser, the others asked in parts", async () => {
  const b = new Buffers();
  const store = new Store();
  const sent: { type: string; items: { run: string; tag: string }[] }[] = [];
  store.sender = (m) => sent.push(m as (typeof sent)[number]);
  const runs = Array.from({ length: 23 }, (_, i) => `r${i}`);
  // r0 held whole; the others downsampled (total > points held)
  const parts = runs.map((run, i) => ({ run, tag: "t", start: 0, total: i ? 100 : 2, steps: [0, 1], values: [1, 2] }));
  store.apply(update(1, true, runs, { scalars: parts }, b).msg, b.views);
  const got = store.kinds.scalars.fullOf(runs, "t");
  assert.deepEqual(sent.map((m) => m.items.length), [10, 10, 2]);
  assert.deepEqual(sent.flatMap((m) => m.items.map((it) => it.run)), runs.slice(1));
  assert.equal((await got[0]).n, 2);
  // the kernel's compact answer: int32 steps, float32 values
  store.applyScalarData(
    runs.slice(1).map((run) => ({
      run, tag: "t", error: run === "r5" ? "gone" : "",
      step: b.add([0, 1, 2], "int32"), wall_time: b.add([10.5, 11.25, 12]), value: b.add([0.5, NaN, 2], "float32"),
    })),
    b.views,
  );
  const r1 = await got[1];
  assert.deepEqual([Array.from(r1.step), Array.from(r1.wall), Array.from(r1.value)], [[0, 1, 2], [10.5, 11.25, 12], [0.5, NaN, 2]]);
  const failed = await got[5].then(() => "", (e: Error) => e.message);
  assert.equal(failed, "gone");
});
