import assert from "node:assert/strict";
import { test } from "node:test";
import { symexp, symlog, symlogConstant, symlogTicks, tickLabel } from "../src/symlog";
import fixture from "../../tests/fixtures/symlog.json";

test("the transform is odd, monotonic and inverted by symexp", () => {
  const c = 0.01;
  let last = -Infinity;
  for (const y of [-1e6, -3, -0.01, -1e-9, 0, 1e-9, 0.01, 3, 1e6]) {
    const t = symlog(y, c);
    assert.ok(t > last, `${y}`);
    last = t;
    assert.equal(symlog(-y, c), -t);
    assert.ok(Math.abs(symexp(t, c) - y) <= 1e-9 * Math.max(1, Math.abs(y)), `${y}`);
  }
  assert.ok(Number.isNaN(symlog(NaN, 1)));
  assert.equal(symlog(Infinity, 1), Infinity);
});

test("the constant is a power of ten below the small magnitudes", () => {
  assert.equal(symlogConstant([]), 1);
  assert.equal(symlogConstant([0, NaN]), 1);
  const c = symlogConstant(Array.from({ length: 100 }, (_, i) => (i - 50) * 0.037));
  assert.equal(c, 0.1);
});

test("ticks sit at 0 and +-C*10^k, labelled with the values", () => {
  const c = 0.1;
  const ticks = symlogTicks(symlog(-5, c), symlog(200, c), c);
  assert.deepEqual(ticks.ticktext, ["-1", "-0.1", "0", "0.1", "1", "10", "100"]);
  ticks.tickvals.forEach((t, i) => assert.ok(Math.abs(symexp(t, c) - Number(ticks.ticktext[i])) < 1e-9));
  // many decades: at most `most` ticks, 0 kept
  const wide = symlogTicks(symlog(-1e12, 1e-6), symlog(1e12, 1e-6), 1e-6);
  assert.ok(wide.tickvals.length <= 9, wide.ticktext.join(" "));
  assert.ok(wide.ticktext.includes("0"));
  assert.equal(tickLabel(1e6), "1e+6");
  assert.equal(tickLabel(-0.0001), "-1e-4");
});

test("the shared cases (tbnb/compute/symlog.py gives the same)", () => {
  for (const k of fixture.cases) {
    const c = symlogConstant(k.values);
    assert.equal(c, k.c);
    assert.deepEqual(k.values.map((v) => symlog(v, c)), k.transformed);
    const lo = Math.min(...k.transformed);
    const hi = Math.max(...k.transformed);
    assert.deepEqual(symlogTicks(lo, hi, c), { tickvals: k.tickvals, ticktext: k.ticktext });
  }
});
