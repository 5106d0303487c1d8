import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCell, moveStep, nearestIndex, rangeRows, sortRows, stepAxis, stepRows, stepsOf, STEP_AXIS } from "../src/steps";
import { tooltipRows } from "../src/hover";
import { csvField, toCsv, toJson } from "../src/download";
import { concat } from "../src/numtext";
import { smooth } from "../src/smoothing";

function line(run: string, steps: number[], values: number[], wall?: number[]) {
  const w = wall ?? steps.map((s) => 1000 + s);
  return {
    run, name: run, color: "#000000",
    series: { n: steps.length, step: Float64Array.from(steps), wall: Float64Array.from(w) },
    x: Float64Array.from(steps),
    raw: Float64Array.from(values),
    smoothed: smooth(values, values.length, 0.6),
  };
}

test("nearest index: exact, between (earlier on a tie), outside", () => {
  const s = [0, 10, 20, 30];
  assert.equal(nearestIndex(s, 4, 20), 2);
  assert.equal(nearestIndex(s, 4, 14), 1);
  assert.equal(nearestIndex(s, 4, 15), 1);
  assert.equal(nearestIndex(s, 4, 16), 2);
  assert.equal(nearestIndex(s, 4, -5), 0);
  assert.equal(nearestIndex(s, 4, 99), 3);
  assert.equal(nearestIndex(s, 0, 1), -1);
  assert.equal(nearestIndex(s, 4, NaN), -1);
});

test("steps of several runs, and moving over them", () => {
  const steps = stepsOf([line("a", [0, 10, 20], [1, 2, 3]), line("b", [5, 10, 40], [1, 2, 3])]);
  assert.deepEqual([...steps], [0, 5, 10, 20, 40]);
  assert.equal(moveStep(steps, 10, 1), 20);
  assert.equal(moveStep(steps, 11, -1), 5);
  assert.equal(moveStep(steps, 40, 1), 40);
  assert.equal(moveStep(steps, 0, -10), 0);
});

test("rows at a step: value, TensorBoard's smoothed value, step, times", () => {
  const values = [1, 0.5, 0.8, 0.2];
  const rows = stepRows([line("a", [0, 10, 20, 30], values, [100, 101, 103, 110])], 21);
  assert.equal(rows.length, 1);
  const r = rows[0].values;
  assert.equal(r.step, 20);
  assert.equal(r.value, 0.8);
  // debiased EMA by hand
  let last = 0;
  const ema = values.slice(0, 3).map((v, i) => (last = last * 0.6 + 0.4 * v) / (1 - 0.6 ** (i + 1)));
  assert.ok(Math.abs(r.smoothed - ema[2]) < 1e-12);
  assert.equal(r.relative, 3);
  assert.equal(r.wall, 103);
});

test("rows over a range: min, max, mean, start, end, change, % change of the finite values", () => {
  const rows = rangeRows([line("a", [0, 10, 20, 30, 40], [4, 2, NaN, 8, 100])], 35, 5);
  const r = rows[0].values;
  assert.deepEqual([r.min, r.max, r.mean, r.start, r.end, r.change, r.pct], [2, 8, 5, 2, 8, 6, 300]);
  const empty = rangeRows([line("b", [0], [1])], 5, 6)[0].values;
  assert.ok(Number.isNaN(empty.mean));
});

test("sorting the table: by a column either way, NaN last, by run name", () => {
  const rows = stepRows([line("b", [0], [2]), line("a", [0], [NaN]), line("c", [0], [1])], 0);
  assert.deepEqual(sortRows(rows, "value", false).map((r) => r.run), ["c", "b", "a"]);
  assert.deepEqual(sortRows(rows, "value", true).map((r) => r.run), ["b", "c", "a"]);
  assert.deepEqual(sortRows(rows, "run", false).map((r) => r.run), ["a", "b", "c"]);
  assert.deepEqual(sortRows(rows, "", false).map((r) => r.run), ["b", "a", "c"]);
});

test("cells: numbers to 5 digits, non-finite named", () => {
  assert.equal(formatCell(0.123456789, "number"), "0.12346");
  assert.equal(formatCell(NaN, "number"), "NaN");
  assert.equal(formatCell(-Infinity, "number"), "-Inf");
  assert.equal(formatCell(30, "step"), "30");
  assert.equal(formatCell(12.5, "percent"), "12.5%");
  assert.equal(formatCell(90, "seconds"), "90 s");
});

test("tooltip rows: ordered by value, nearest, name; limited", () => {
  const lines = [line("b", [0, 10], [3, 3]), line("a", [0, 10], [1, 1]), line("c", [0, 10], [2, 2])];
  const names = (sort: Parameters<typeof tooltipRows>[2], limit = 0, y: number | null = null) => tooltipRows(lines, 9, sort, limit, y).rows.map((r) => r.run);
  assert.deepEqual(names("default"), ["b", "a", "c"]);
  assert.deepEqual(names("descending"), ["b", "c", "a"]);
  assert.deepEqual(names("ascending"), ["a", "c", "b"]);
  assert.deepEqual(names("alphabetical"), ["a", "b", "c"]);
  assert.deepEqual(names("nearest", 0, 2.2), ["c", "b", "a"]);
  assert.deepEqual(names("nearest", 0, null), ["b", "a", "c"]);
  const limited = tooltipRows(lines, 9, "ascending", 2, null);
  assert.deepEqual(limited.rows.map((r) => r.run), ["a", "c"]);
  assert.equal(limited.more, 1);
  assert.equal(tooltipRows(lines, 9, "default", 0, null).rows[0].step, 10);
});

test("downloads: every point, run names quoted, non-finite written out", () => {
  const s = [
    { run: 'a,"b"', n: 2, step: [0, 1], wall: [1.5, 2.5], value: [0.25, NaN] },
    { run: "c", n: 1, step: [7], wall: [3], value: [-Infinity] },
  ];
  const text = (parts: Uint8Array[]) => new TextDecoder().decode(concat(parts));
  assert.equal(text(toCsv(s)), 'run,step,wall_time,value\n"a,""b""",0,1.5,0.25\n"a,""b""",1,2.5,NaN\nc,7,3,-Infinity\n');
  const j = JSON.parse(text(toJson("loss", s)));
  assert.deepEqual(j, { tag: "loss", runs: [{ run: 'a,"b"', step: [0, 1], wall_time: [1.5, 2.5], value: [0.25, "NaN"] }, { run: "c", step: [7], wall_time: [3], value: ["-Infinity"] }] });
  assert.equal(csvField("plain"), "plain");
});

test("downloads: the kernel's compact arrays, rows across chunks, names in UTF-8, every value exact", () => {
  const n = 60_000; // more than one 1 MiB chunk of rows
  const f32 = new Float32Array(n);
  const wall = new Float64Array(n);
  const step = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    f32[i] = Math.sin(i) * 10 ** ((i % 9) - 4);
    wall[i] = 1765432109.123 + i * 0.0371;
    step[i] = i * 3 - 5;
  }
  f32[7] = NaN;
  const s = [{ run: "rün,1 ✓", n, step, wall, value: f32 }];
  const parts = toCsv(s);
  assert.ok(parts.length > 1);
  const rows = new TextDecoder().decode(concat(parts)).split("\n");
  assert.equal(rows.length, n + 2);
  assert.equal(rows[n + 1], "");
  for (let i = 0; i < n; i++) {
    const row = rows[i + 1];
    assert.ok(row.startsWith('"rün,1 ✓",'), row);
    const [st, w, v] = row.slice('"rün,1 ✓",'.length).split(",");
    assert.equal(Number(st), step[i]);
    assert.equal(Number(w), wall[i]);
    if (i === 7) assert.equal(v, "NaN");
    else assert.equal(Number(v), f32[i], `${row} != ${f32[i]}`);
  }
  const j = JSON.parse(new TextDecoder().decode(concat(toJson("t", s))));
  assert.deepEqual(j.runs[0].step, Array.from(step));
  assert.deepEqual(j.runs[0].wall_time, Array.from(wall));
  assert.deepEqual(j.runs[0].value, Array.from(f32, (v) => (Number.isNaN(v) ? "NaN" : v)));
});

test("steps on a time axis: through the fullest line, both ways", () => {
  const short = { x: [0, 5], series: { n: 2, step: [0, 10] } };
  const full = { x: [100, 130, 160, 190], series: { n: 4, step: [0, 10, 20, 30] } };
  assert.equal(stepAxis([short, full], true), STEP_AXIS);
  const a = stepAxis([short, full], false);
  assert.equal(a.toX(20), 160);
  assert.equal(a.toX(24), 160); // the nearest step it holds
  assert.equal(a.toX(99), 190);
  assert.equal(a.toStep(135), 10);
  assert.equal(a.toStep(0), 0);
  assert.ok(Number.isNaN(stepAxis([{ x: [], series: { n: 0, step: [] } }], false).toX(3)));
});
