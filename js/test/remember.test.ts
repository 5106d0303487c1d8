import assert from "node:assert/strict";
import { test } from "node:test";
import { isUnset, toRestore } from "../src/remember";

test("what a board has not set is restored from what was remembered", () => {
  const saved = { pinned_cards: ['["scalars","loss"]'], run_colors: { a: "#112233" }, full_size_cards: [], card_width: 480 };
  assert.deepEqual(toRestore(saved, { pinned_cards: [], run_colors: {}, full_size_cards: [], card_width: 0 }), {
    pinned_cards: ['["scalars","loss"]'],
    run_colors: { a: "#112233" },
    card_width: 480,
  });
  // a board's own choice wins
  assert.deepEqual(toRestore(saved, { pinned_cards: ["x"], run_colors: { b: "#000000" }, full_size_cards: [], card_width: 300 }), {});
});

test("remembered values that are not what they should be are ignored", () => {
  const bad = { pinned_cards: [1, 2], run_colors: { a: "red; background:url(x)" }, card_width: -5, full_size_cards: "x" };
  assert.deepEqual(toRestore(bad, {}), {});
  assert.deepEqual(toRestore("not json", {}), {});
  assert.deepEqual(toRestore(null, {}), {});
});

test("unset means the default", () => {
  assert.ok(isUnset([]) && isUnset({}) && isUnset(0) && isUnset(undefined));
  assert.ok(!isUnset(["a"]) && !isUnset({ a: "#000000" }) && !isUnset(300));
});
