// Every case of the shared dialect (tests/fixtures/filters.json), as the Python
// side's tests/board/test_filters.py reads them too.
import assert from "node:assert/strict";
import { test } from "node:test";
import fixture from "../../tests/fixtures/filters.json";
import { compileFilter, passes } from "../src/filters";

interface Case {
  pattern: string;
  ok: boolean;
  match?: string[];
  nomatch?: string[];
  error?: string;
}

const cases = fixture.cases as Case[];

test("the shared file has cases of both kinds", () => {
  assert.ok(cases.some((c) => c.ok) && cases.some((c) => !c.ok));
});

for (const c of cases) {
  test(`filter ${JSON.stringify(c.pattern)}`, () => {
    const f = compileFilter(c.pattern);
    if (c.ok) {
      assert.equal(f.error, "");
      assert.ok(f.re, "compiled");
      for (const name of c.match ?? []) assert.ok(passes(f, name) && f.re.test(name), `${c.pattern} should match ${name}`);
      for (const name of c.nomatch ?? []) assert.ok(!f.re.test(name), `${c.pattern} should not match ${name}`);
    } else {
      assert.equal(f.re, null);
      assert.equal(f.error, `"${c.pattern}" ${c.error}`);
      // a rejected filter hides nothing
      assert.ok(passes(f, "anything"));
    }
  });
}

test("constructs inside a character class or escaped are characters", () => {
  for (const p of ["[(?i)]", "\\(\\?P<x>", "[*+]", "a\\*+"]) assert.equal(compileFilter(p).error, "", p);
  assert.ok(compileFilter("[(?P<x>]").re!.test("P"));
});
