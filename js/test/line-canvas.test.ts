import assert from "node:assert/strict";
import { test } from "node:test";
import { areaOf, extentOf, strokeGroups, type LineArea, type LineGroup, type Pen } from "../src/line-canvas";

/** A pen that records what it is asked to draw: one entry a stroke, its polylines in px. */
class Recorder implements Pen {
  globalAlpha = 1;
  lineWidth = 1;
  strokeStyle: string | CanvasGradient | CanvasPattern = "";
  lineJoin: CanvasLineJoin = "miter";
  strokes: { color: unknown; alpha: number; width: number; parts: [number, number][][] }[] = [];
  private parts: [number, number][][] = [];
  beginPath(): void {
    this.parts = [];
  }
  moveTo(x: number, y: number): void {
    this.parts.push([[x, y]]);
  }
  lineTo(x: number, y: number): void {
    this.parts[this.parts.length - 1].push([x, y]);
  }
  stroke(): void {
    this.strokes.push({ color: this.strokeStyle, alpha: this.globalAlpha, width: this.lineWidth, parts: this.parts });
  }
}

const AREA: LineArea = { l: 50, t: 8, w: 100, h: 50, x0: 0, x1: 10, y0: 0, y1: 5, logY: false };

function group(lines: { x: number[]; y: number[] }[], over: Partial<LineGroup> = {}): LineGroup {
  return { kind: "raw", color: "#123456", width: 1.5, opacity: 1, runs: lines.map((_, i) => `r${i}`), lines, ...over };
}

test("each group is one stroke in its colour, opacity and width; each line a polyline in px", () => {
  const pen = new Recorder();
  const g1 = group([{ x: [0, 5, 10], y: [0, 5, 2.5] }, { x: [2], y: [1] }], { opacity: 0.25, width: 1 });
  const g2 = group([{ x: [0, 10], y: [5, 0] }], { color: "#abcdef", kind: "smoothed" });
  strokeGroups(pen, [g1, g2], AREA);
  assert.equal(pen.strokes.length, 2);
  assert.deepEqual(pen.strokes[0].parts, [[[0, 50], [50, 0], [100, 25]], [[20, 40]]]);
  assert.equal(pen.strokes[0].alpha, 0.25);
  assert.equal(pen.strokes[0].width, 1);
  assert.deepEqual(pen.strokes[1].parts, [[[0, 0], [100, 50]]]);
  assert.equal(pen.strokes[1].color, "#abcdef");
  assert.equal(pen.strokes[1].alpha, 1);
  assert.equal(pen.globalAlpha, 1, "the pen is left opaque");
});

test("a scale multiplies the pixels and the width (a device pixel ratio, a PNG's scale)", () => {
  const pen = new Recorder();
  strokeGroups(pen, [group([{ x: [0, 10], y: [0, 5] }])], AREA, 2);
  assert.deepEqual(pen.strokes[0].parts, [[[0, 100], [200, 0]]]);
  assert.equal(pen.strokes[0].width, 3);
});

test("NaN and +-Inf break a line, as plotly's gaps; on a log axis so do values <= 0", () => {
  const pen = new Recorder();
  strokeGroups(pen, [group([{ x: [0, 1, 2, 3, 4, 5], y: [1, NaN, 2, 3, Infinity, 4] }])], AREA);
  assert.deepEqual(pen.strokes[0].parts.map((p) => p.length), [1, 2, 1]);
  const log = new Recorder();
  const area = { ...AREA, y0: 0, y1: 2, logY: true }; // 1 .. 100
  strokeGroups(log, [group([{ x: [0, 5, 10], y: [10, 0, 100] }, { x: [0, 10], y: [-1, 1] }])], area);
  assert.deepEqual(log.strokes[0].parts, [[[0, 25]], [[100, 0]], [[100, 50]]]);
});

test("a zoomed axis: points far off the plot are kept within reach of the rasteriser", () => {
  const pen = new Recorder();
  strokeGroups(pen, [group([{ x: [0, 1e300], y: [1, 1] }])], AREA);
  const [[a, b]] = pen.strokes[0].parts;
  assert.deepEqual(a, [0, 40]);
  assert.equal(b[0], 1e7);
});

test("the extent plotly's autorange is given: finite points, positive ones on a log axis", () => {
  const g = group([{ x: [1, 2, 3], y: [-2, NaN, 4] }, { x: [0, 9], y: [0.5, Infinity] }]);
  assert.deepEqual(extentOf([g], false), { x: [0, 3], y: [-2, 4] });
  assert.deepEqual(extentOf([g], true), { x: [0, 3], y: [0.5, 4] });
  assert.equal(extentOf([group([{ x: [1], y: [NaN] }])], false), null);
  assert.equal(extentOf([], false), null);
});

test("the area from plotly's full layout: ranges in linear units (dates as ms), none before a drawing", () => {
  const date = (v: unknown) => Date.parse(String(v));
  const fl = {
    _size: { l: 50, t: 8, w: 300, h: 196 },
    xaxis: { range: ["2026-01-01", "2026-01-02"], type: "date", r2l: date },
    yaxis: { range: [-1, 2], type: "log", r2l: Number },
  };
  const a = areaOf(fl);
  assert.deepEqual(a, { l: 50, t: 8, w: 300, h: 196, x0: Date.parse("2026-01-01"), x1: Date.parse("2026-01-02"), y0: -1, y1: 2, logY: true });
  assert.equal(areaOf(undefined), null);
  assert.equal(areaOf({ ...fl, yaxis: { range: [1, 1] } }), null);
});
