import assert from "node:assert/strict";
import { test } from "node:test";
import { ELLIPSIS, firstDifference, lastDifference, shortenName, shortNames, visible } from "../src/names";
import shownFixture from "../../tests/fixtures/names.json";

// the runs torch's tutorial makes with add_scalars (one run per curve, under its parent)
const TORCH = [
  "fashion_mnist_experiment_1",
  "fashion_mnist_experiment_1/Training vs. Validation Loss_Training",
  "fashion_mnist_experiment_1/Training vs. Validation Loss_Validation",
  "fashion_mnist_experiment_2/Training vs. Validation Loss_Training",
  "fashion_mnist_experiment_2/Training vs. Validation Loss_Validation",
];

test("differences from the start and from the end", () => {
  assert.equal(firstDifference("abcd", "abxd"), 2);
  assert.equal(firstDifference("ab", "abc"), 2);
  assert.equal(lastDifference("run_a/loss", "run_b/loss"), 4);
  assert.equal(lastDifference("x/loss", "loss"), 1);
  assert.equal(lastDifference("loss", "x/loss"), -1);
});

for (const max of [20, 28, 32, 40]) {
  test(`runs sharing a long start stay apart in ${max} characters`, () => {
    const shown = shortNames(TORCH, max);
    const texts = TORCH.map((r) => shown.get(r)!);
    assert.equal(new Set(texts).size, TORCH.length, texts.join(" | "));
    for (const t of texts) assert.ok(t.length <= max, `${t} is longer than ${max}`);
    // a start is kept, and the end that tells Training from Validation
    const train = shown.get(TORCH[1])!;
    assert.ok(train.startsWith("fashi") && train.endsWith("raining") && train.includes(ELLIPSIS), train);
    assert.ok(shown.get(TORCH[2])!.endsWith("idation"));
  });
}

test("the experiment number is kept where the two experiments differ", () => {
  const shown = shortNames(TORCH, 28);
  assert.ok(shown.get(TORCH[1])!.includes("_1/"), shown.get(TORCH[1]));
  assert.ok(shown.get(TORCH[3])!.includes("_2/"), shown.get(TORCH[3]));
});

test("names that fit, or whose start tells them apart, are left whole", () => {
  const evil = "<img src=x onerror=window.__pwned=3>";
  const shown = shortNames(["exp1", "exp2", evil, "a_very_long_name_of_a_single_run_with_no_rival"], 28);
  assert.equal(shown.get("exp1"), "exp1");
  assert.equal(shown.get(evil), evil);
  assert.equal(shown.get("a_very_long_name_of_a_single_run_with_no_rival"), "a_very_long_name_of_a_single_run_with_no_rival");
});

test("shortenName keeps within max and marks each cut", () => {
  const name = "abcdefghijklmnopqrstuvwxyz0123456789";
  const out = shortenName(name, [], 12);
  assert.equal(out.length, 12);
  assert.ok(out.startsWith("abc") && out.endsWith("789") && out.includes(ELLIPSIS), out);
  assert.equal(shortenName("short", [], 12), "short");
  assert.equal(shortenName(name, [], 4), `abc${ELLIPSIS}`);
});

test("invisible characters are shown (the cases of tests/fixtures/names.json)", () => {
  for (const c of shownFixture.cases) assert.equal(visible(c.name), c.shown, JSON.stringify(c.name));
});

test("a name hiding a right-to-left override is shown with it in the run list", () => {
  const names = shortNames(["r3_\u202etxt.exe", "r3_exe.txt"], 28);
  assert.equal(names.get("r3_\u202etxt.exe"), "r3_[U+202E]txt.exe");
  assert.equal(names.get("r3_exe.txt"), "r3_exe.txt");
});
