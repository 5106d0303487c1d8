import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeArray } from "../src/protocol";
import { Buffers } from "./helpers";

test("every dtype decodes from a buffer at an offset", () => {
  const b = new Buffers();
  const f64 = b.add([1.5, -2, NaN, Infinity], "float64");
  const f32 = b.add([0.25, -3], "float32");
  const i32 = b.add([-7, 2147483647], "int32");
  const u32 = b.add([4294967295, 1], "uint32");
  const u8 = b.add([0, 255, 137], "uint8");
  const got64 = decodeArray(f64, b.views);
  assert.ok(got64 instanceof Float64Array);
  assert.deepEqual(Array.from(got64.subarray(0, 2)), [1.5, -2]);
  assert.ok(Number.isNaN(got64[2]));
  assert.equal(got64[3], Infinity);
  assert.deepEqual(Array.from(decodeArray(f32, b.views)), [0.25, -3]);
  assert.deepEqual(Array.from(decodeArray(i32, b.views)), [-7, 2147483647]);
  assert.deepEqual(Array.from(decodeArray(u32, b.views)), [4294967295, 1]);
  const bytes = decodeArray(u8, b.views);
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual(Array.from(bytes), [0, 255, 137]);
});

test("int64 becomes float64 (exact up to 2^53), negatives included", () => {
  const b = new Buffers();
  const ref = b.add([0n, -5n, 2n ** 40n, 2n ** 53n, -(2n ** 53n)], "int64");
  const got = decodeArray(ref, b.views);
  assert.ok(got instanceof Float64Array);
  assert.deepEqual(Array.from(got), [0, -5, 2 ** 40, 2 ** 53, -(2 ** 53)]);
});

test("a 2-D shape reads rows * cols elements, and the copy is the decoder's own", () => {
  const b = new Buffers();
  const ref = b.add([1, 2, 3, 4, 5, 6], "float64", [2, 3]);
  const got = decodeArray(ref, b.views);
  assert.equal(got.length, 6);
  got[0] = 42; // the widget's buffer must not change with it
  assert.equal(b.views[0].getFloat64(0, true), 1);
});
