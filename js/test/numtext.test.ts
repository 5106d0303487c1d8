import assert from "node:assert/strict";
import { test } from "node:test";
import { ByteWriter, concat, numberText } from "../src/numtext";

function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

test("numbers as text: the usual ones as String() writes them", () => {
  for (const x of [0, -0, 1, -7, 42, 1e16, 2 ** 53 - 1, 0.5, -0.25, 0.1, 1 / 3, 123.456, 1e-6, 0.000123, 1765432109.5, 99.99, 0.9999999999999999]) {
    assert.equal(numberText(x), String(x), `${x}`);
  }
  // a float32 value as a float64 (what add_scalar writes): 17 digits
  assert.equal(numberText(Math.fround(0.1)), "0.10000000149011612");
  // out of the fast paths' range: String()
  for (const x of [1e-7, 5e-324, 1e21, 1.7976931348623157e308, 2 ** 60, 123456789012345680]) assert.equal(numberText(x), String(x));
});

test("numbers as text: every float reads back as itself, mostly as String() writes it", () => {
  const rnd = random(7);
  const f32 = new Float32Array(1);
  let same = 0;
  let total = 0;
  const check = (x: number) => {
    const t = numberText(x);
    assert.equal(Number(t), x, `${x} written ${t}`);
    assert.match(t, /^-?(\d+(\.\d+)?|\d\.\d+e[-+]\d+|\d+e[-+]\d+)$/);
    total++;
    if (t === String(x)) same++;
  };
  for (let i = 0; i < 100_000; i++) {
    f32[0] = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 16 - 7);
    check(f32[0]);
    check((rnd() - 0.5) * 10 ** (rnd() * 34 - 12));
    check(1.6e9 + rnd() * 2e8);
    check(Math.round(rnd() * 1e6) / 1000);
    check(Math.round(rnd() * 1e5) / 64);
  }
  // one digit more than String() at times (ties rounded the other way), never wrong
  assert.ok(same / total > 0.99, `${same} of ${total}`);
});

test("numbers as text: many in chunks", () => {
  const w = new ByteWriter(64);
  for (let i = 0; i < 1000; i++) {
    w.number(i + 0.5);
    w.byte(32);
  }
  const parts = w.done();
  assert.ok(parts.length > 10);
  const text = new TextDecoder().decode(concat(parts));
  assert.equal(text, Array.from({ length: 1000 }, (_, i) => `${i + 0.5} `).join(""));
});
