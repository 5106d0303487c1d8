import assert from "node:assert/strict";
import { test } from "node:test";
import { chartUnit, drawnNote, nonFiniteMarkers, scalarLine, xValues } from "../src/points";

const series = {
  n: 4,
  step: Float64Array.from([0, 10, 20, 30, 999]),
  wall: Float64Array.from([1000, 1060, 1120, 1300, 99999]),
  value: Float64Array.from([1, NaN, 3, -Infinity, 7]),
};

test("x is the steps, the wall times as dates, or relative time in the chart's unit", () => {
  assert.deepEqual(scalarLine(series, "step", 1, 0).x, [0, 10, 20, 30]);
  const wall = scalarLine(series, "wall", 1, 0).x as Date[];
  assert.deepEqual(wall.map((d) => d.getTime()), [1000000, 1060000, 1120000, 1300000]);
  const unit = chartUnit([series]);
  assert.deepEqual(unit, { scale: 60, unit: "minutes" }); // a span of 300 s
  assert.deepEqual(scalarLine(series, "relative", unit.scale, 0).x, [0, 1, 2, 5]);
});

test("a chart's unit comes from its longest series", () => {
  const short = { n: 2, wall: [0, 50] };
  const long = { n: 2, wall: [0, 8000] };
  assert.equal(chartUnit([short]).unit, "seconds");
  assert.equal(chartUnit([short, long]).unit, "hours");
  assert.equal(chartUnit([]).unit, "seconds");
});

test("relative x counts from the earliest point given", () => {
  assert.deepEqual(xValues(series, [2, 1], "relative", 1), [60, 0]);
});

test("the smoothed line skips non-finite values; markers stand for them", () => {
  const line = scalarLine(series, "step", 1, 0.6);
  assert.equal(line.raw.length, 4);
  assert.equal(line.smoothed[0], 1);
  assert.ok(Number.isNaN(line.smoothed[1]));
  const m = nonFiniteMarkers(line);
  assert.deepEqual(m.x, [10, 30]);
  assert.deepEqual(m.text, ["NaN", "-Inf"]);
  assert.deepEqual(m.symbol, ["x", "triangle-down"]);
  assert.equal(m.y[0], 1); // the last finite smoothed value before it
  assert.equal(m.y[1], line.smoothed[2]);
  // without smoothing, the raw line is the smoothed one
  const raw = scalarLine(series, "step", 1, 0);
  assert.equal(raw.smoothed, raw.raw);
});

test("the note says how many points are drawn when the kernel holds more", () => {
  assert.equal(drawnNote(640, 50000), "640 of 50,000 points drawn");
  assert.equal(drawnNote(10, 10), "");
  assert.equal(drawnNote(500, 2000, "histograms"), "500 of 2,000 histograms drawn");
});
