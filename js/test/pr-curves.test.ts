import assert from "node:assert/strict";
import { test } from "node:test";
import fixture from "../../tests/fixtures/pr_curves.json";
import { curvePoints } from "../src/pr-curve-data";

for (const c of fixture.cases) {
  test(`PR curve points: ${c.name}`, () => {
    const k = c.tensor[0].length;
    const got = curvePoints(c.tensor.flat(), k);
    assert.deepEqual(got.recall, c.recall);
    assert.deepEqual(got.precision, c.precision);
    assert.equal(got.info.length, c.info.length);
    got.info.forEach((row, i) => {
      assert.ok(Math.abs(row[0] - c.info[i][0]) < 1e-12, `threshold ${i}`);
      assert.deepEqual(row.slice(1), c.info[i].slice(1));
    });
  });
}
