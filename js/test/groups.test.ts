// Run groups and tag regexes against the values numpy and Python's re give
// (tests/fixtures/groups.json, made by tests/compute/test_group_fixture.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import fixture from "../../tests/fixtures/groups.json";
import { alignGroup, binWidthOf, groupKey, groupRegex, groupRuns, groupSpecOf, type BandKind, type Center } from "../src/groups";
import { matchTags, tagRegex } from "../src/tag-match";

const num = (v: unknown): number => (v === "NaN" || v === null ? NaN : Number(v));

function close(got: ArrayLike<number>, want: unknown[], what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const w = num(want[i]);
    if (Number.isNaN(w)) assert.ok(Number.isNaN(got[i]), `${what}[${i}]: ${got[i]} is not NaN`);
    else assert.ok(Math.abs(got[i] - w) <= 1e-9 * Math.max(1, Math.abs(w)), `${what}[${i}]: ${got[i]} != ${w}`);
  }
}

for (const c of fixture.lines) {
  test(`group line: ${c.name}`, () => {
    const members = c.members.map((m) => {
      const step = Float64Array.from(m.step.map(num));
      return { n: step.length, step, wall: Float64Array.from(step, (s) => 1000 + s), value: Float64Array.from(m.value.map(num)) };
    });
    const g = alignGroup(members, c.center as Center, c.band as BandKind, c.width);
    close(g.step, c.expected.step, "step");
    close(g.center, c.expected.center, "center");
    close(g.lower, c.expected.lower, "lower");
    close(g.upper, c.expected.upper, "upper");
    close(g.count, c.expected.count, "count");
    assert.equal(g.members, members.length);
    assert.equal(g.binned, c.width > 0);
  });
}

test("group keys: the capture groups, else the match, else none", () => {
  for (const c of fixture.group_keys) {
    const { re, error } = groupRegex(c.regex);
    assert.equal(error, "");
    for (const [run, key] of Object.entries(c.keys)) assert.equal(groupKey(run, re!), key, `${c.regex} on ${run}`);
  }
  assert.match(groupRegex("lr_(").error, /invalid group regex/);
});

test("runs grouped in their order; unmatched runs left out", () => {
  const re = groupRegex("lr_(.*)_seed\\d+").re!;
  const g = groupRuns(["lr_1_seed1", "base", "lr_2_seed1", "lr_1_seed2"], (r) => groupKey(r, re));
  assert.deepEqual([...g.entries()], [
    ["1", ["lr_1_seed1", "lr_1_seed2"]],
    ["2", ["lr_2_seed1"]],
  ]);
});

test("bin width: 0 when every member is held whole, else the coarsest downsampling", () => {
  const whole = { n: 3, total: 3, step: [0, 1, 2], wall: [0, 0, 0], value: [1, 2, 3] };
  assert.equal(binWidthOf([whole]), 0);
  const down = { n: 100, total: 1000, step: Array.from({ length: 100 }, (_, i) => i * 10), wall: [], value: [] };
  assert.equal(binWidthOf([whole, down]), Math.ceil((990 * 2) / 100));
});

test("tag regexes match from the tag's start, as Python's re.match", () => {
  for (const c of fixture.tag_matches) assert.deepEqual(matchTags(c.patterns, c.tags).tags, c.matched, c.patterns.join(","));
  const bad = matchTags(["loss/(", "acc"], ["acc", "loss/x"]);
  assert.deepEqual(bad.tags, ["acc"]);
  assert.equal(bad.errors.length, 1);
  assert.match(bad.errors[0], /invalid regex "loss\/\("/);
  assert.equal(tagRegex("[").re, null);
});

test("a group spec from a trait: odd fields take their defaults", () => {
  assert.deepEqual(groupSpecOf({ by: "regex", regex: "a(.)", center: "median", band: "bogus", members: 1 }), {
    by: "regex", regex: "a(.)", hparam: "", center: "median", band: "minmax", members: false,
  });
  assert.equal(groupSpecOf(null).by, "");
});
