import assert from "node:assert/strict";
import { test } from "node:test";
import { colorOfRun, nameHash, RUN_PALETTE, runColor } from "../src/colors";
import fixture from "../../tests/fixtures/colors.json";

test("the palette is the Python side's", () => {
  assert.deepEqual([...RUN_PALETTE], fixture.palette);
});

for (const c of fixture.cases) {
  test(`colour of ${JSON.stringify(c.name.slice(0, 40))}`, () => {
    assert.equal(nameHash(c.name), c.hash);
    assert.equal(colorOfRun(c.name), c.color);
    assert.equal(colorOfRun(c.name, {}), c.color);
  });
}

test("a picked #rrggbb overrides the name's colour; anything else is ignored", () => {
  for (const c of fixture.picked) assert.equal(colorOfRun(c.name, c.picked), c.color);
  // an inherited key is not a pick
  assert.equal(colorOfRun("toString", {}), colorOfRun("toString"));
});

test("runColor by index still cycles the palette", () => {
  assert.equal(runColor(0), RUN_PALETTE[0]);
  assert.equal(runColor(RUN_PALETTE.length + 1), RUN_PALETTE[1]);
  assert.equal(runColor(-1), RUN_PALETTE[RUN_PALETTE.length - 1]);
});
