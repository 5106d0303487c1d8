import assert from "node:assert/strict";
import { test } from "node:test";
import { curvePoints } from "../src/pr-curve-data";

// TF's pr_curve summary of the shared corpus, step 0 (11 thresholds): rows TP, FP, TN,
// FN, precision, recall as TensorBoard reads them (tf2_dashboards/expected.json)
const TF = [
  [11, 11, 11, 11, 8, 6, 6, 4, 1, 0, 0],
  [29, 22, 20, 18, 11, 7, 0, 0, 0, 0, 0],
  [0, 7, 9, 11, 18, 22, 29, 29, 29, 29, 29],
  [0, 0, 0, 0, 3, 5, 5, 7, 10, 11, 11],
  [0.275, 0.3333, 0.3548, 0.3793, 0.4211, 0.4615, 1, 1, 1, 0, 0],
  [1, 1, 1, 1, 0.7273, 0.5455, 0.5455, 0.3636, 0.0909, 0, 0],
];

test("a curve is recall (x) against precision (y), thresholds i / (k - 1)", () => {
  const c = curvePoints(TF.flat(), 11);
  // the last two thresholds predict nothing positive (TP + FP = 0): left out
  assert.equal(c.recall.length, 9);
  assert.deepEqual(c.recall, TF[5].slice(0, 9));
  assert.deepEqual(c.precision, TF[4].slice(0, 9));
  assert.deepEqual(c.info[0], [0, 11, 29, 0, 0]);
  assert.deepEqual(c.info[8], [0.8, 1, 0, 29, 10]);
  assert.ok(Math.abs(c.info[4][0] - 0.4) < 1e-12);
});

test("a curve where every threshold predicts something keeps every point", () => {
  const k = 3;
  const data = [10, 8, 5, 5, 3, 1, 0, 2, 4, 0, 2, 5, 0.66, 0.72, 0.83, 1, 0.8, 0.5];
  const c = curvePoints(data, k);
  assert.deepEqual(c.recall, [1, 0.8, 0.5]);
  assert.deepEqual(c.precision, [0.66, 0.72, 0.83]);
  assert.deepEqual(c.info.map((i) => i[0]), [0, 0.5, 1]);
});

test("a curve of one threshold, and one predicting nothing, keep their first point", () => {
  assert.deepEqual(curvePoints([3, 1, 2, 0, 0.75, 1], 1).info, [[0, 3, 1, 2, 0]]);
  const none = curvePoints([0, 0, 0, 0, 5, 5, 1, 1, 0, 0, 0, 0], 2);
  assert.equal(none.recall.length, 1);
});
