import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_SMOOTHING, quantile, smooth } from "../src/smoothing";

const close = (a: ArrayLike<number>, b: number[], eps = 1e-12) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i])) assert.ok(Number.isNaN(a[i]), `index ${i}: ${a[i]} is not NaN`);
    else assert.ok(a[i] === b[i] || Math.abs(a[i] - b[i]) <= eps * Math.max(1, Math.abs(b[i])), `index ${i}: ${a[i]} != ${b[i]}`);
  }
};

/** TensorBoard's debiased EMA written out plainly, to compare with. */
function reference(values: number[], w: number): number[] {
  let last = 0;
  let k = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    k++;
    return last / (1 - Math.pow(w, k));
  });
}

test("the default weight is TensorBoard's 0.6", () => {
  assert.equal(DEFAULT_SMOOTHING, 0.6);
});

test("debiased EMA: the first value stays, the rest follow the formula", () => {
  const v = [1, 2, 3, 10, -4];
  const got = smooth(v, v.length, 0.6);
  assert.equal(got[0], 1);
  close(got, [1, 1.625, 2.326530612244898, ...reference(v, 0.6).slice(3)]);
  close(smooth(v, v.length, 0.9), reference(v, 0.9));
});

test("NaN and Inf pass through and do not enter the average", () => {
  const v = [1, NaN, 3, Infinity, -Infinity, 5];
  const got = smooth(v, v.length, 0.6);
  close(got, reference(v, 0.6));
  assert.ok(Number.isNaN(got[1]));
  assert.equal(got[3], Infinity);
  assert.equal(got[4], -Infinity);
  // the average after them is that of the finite values alone
  close([got[5]], [reference([1, 3, 5], 0.6)[2]]);
});

test("weight 0 and a constant series are left as they are; only n values are read", () => {
  close(smooth([3, 1, 2], 3, 0), [3, 1, 2]);
  close(smooth([2, 2, 2, 2], 4, 0.99), [2, 2, 2, 2]);
  const held = Float64Array.from([1, 2, 3, 99, 99]); // capacity beyond n
  close(smooth(held, 3, 0.6), reference([1, 2, 3], 0.6));
});

test("quantile: linear between ranks", () => {
  const s = Float64Array.from([1, 2, 3, 4, 5]);
  assert.equal(quantile(s, 0), 1);
  assert.equal(quantile(s, 0.5), 3);
  assert.equal(quantile(s, 0.25), 2);
  assert.equal(quantile(s, 0.1), 1.4);
  assert.ok(Number.isNaN(quantile(new Float64Array(0), 0.5)));
});
