// The one rule for relative time (tests/fixtures/relative_time.json), as the
// Python side's tests/board/test_axes.py reads it too.
import assert from "node:assert/strict";
import { test } from "node:test";
import fixture from "../../tests/fixtures/relative_time.json";
import { relativeTitle, relativeUnit, wallSpan } from "../src/axes";

for (const c of fixture.cases) {
  test(`a span of ${c.span} s is shown in ${c.unit}`, () => {
    assert.deepEqual(relativeUnit(c.span), { scale: c.scale, unit: c.unit });
  });
}

test("the axis title names the unit", () => {
  assert.equal(relativeTitle("minutes"), "relative (minutes)");
});

test("a span is the longest distance between the wall times held", () => {
  assert.equal(wallSpan([5, 3, 9, 100], 3), 6); // only the n held count
  assert.equal(wallSpan([7], 1), 0);
  assert.equal(wallSpan([], 0), 0);
});
