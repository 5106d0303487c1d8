// What the projector accepts of a sprite cell size (issue 12: a hostile
// single_image_dim must not reach a canvas).
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_SPRITE_SIDE, spriteCell } from "../src/projector/data";

test("a sprite cell is a whole positive size within the limit", () => {
  assert.deepEqual(spriteCell([10, 12]), [10, 12]);
  assert.deepEqual(spriteCell([MAX_SPRITE_SIDE, 1]), [MAX_SPRITE_SIDE, 1]);
  for (const bad of [null, undefined, [], [10], [0, 0], [0, 8], [-1, 4], [2 ** 31 - 1, 2 ** 31 - 1], [1.5, 2], [Number.NaN, 3], [MAX_SPRITE_SIDE + 1, 1], [1, 2, 3]]) {
    assert.equal(spriteCell(bad), null, JSON.stringify(bad));
  }
});
