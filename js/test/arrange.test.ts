// Run groups as a chart draws them (arrange.ts): the runs' keys from a regex or an
// hparam (a session's run and its parent: torch's add_hparams sub-runs), each group's
// members put together per tag, the others left as they are, the bands as traces.
import assert from "node:assert/strict";
import { test } from "node:test";
import { arranged, groupingOf, groupSeries, type Tagged } from "../src/arrange";
import { alignGroup } from "../src/groups";
import type { Model } from "../src/settings";
import type { Store } from "../src/store";

function series(run: string, tag: string, values: number[]): Tagged {
  const step = Float64Array.from(values, (_, i) => i * 10);
  return { run, tag, n: values.length, total: values.length, step, wall: step, value: Float64Array.from(values), version: 0 };
}

function fakes(groups: unknown, sessions: { run: string; parent: string; hparams: [string, unknown][] }[]): { model: Model; store: Store } {
  const model = { get: (k: string) => (k === "run_groups" ? groups : undefined) } as unknown as Model;
  const store = { kinds: { hparams: { sessions: () => sessions.map((s) => ({ ...s, hparams: new Map(s.hparams) })) } } } as unknown as Store;
  return { model, store };
}

test("groups by an hparam: a session's run and its parent take its value", () => {
  const { model, store } = fakes({ by: "hparam", hparam: "lr" }, [
    { run: "a", parent: "a", hparams: [["lr", 0.1]] },
    { run: "b/1700000000.5", parent: "b", hparams: [["lr", 0.1]] },
    { run: "c", parent: "c", hparams: [["lr", 0.01], ["opt", "sgd"]] },
  ]);
  const { spec, keyOf, error } = groupingOf(model, store);
  assert.equal(error, "");
  assert.deepEqual(["a", "b", "c", "d"].map((r) => keyOf!(r)), ["lr=0.1", "lr=0.1", "lr=0.01", null]);
  const shown = [series("a", "loss", [1, 2, 3]), series("b", "loss", [3, 4]), series("c", "loss", [5, 5, 5]), series("d", "loss", [0, 0, 0])];
  const out = groupSeries(shown, spec, keyOf!, (key) => key);
  assert.deepEqual(out.map((s) => s.run), ["lr=0.1", "lr=0.01", "d"]);
  const want = alignGroup([shown[0], shown[1]], "mean", "minmax");
  assert.deepEqual(Array.from(out[0].value), Array.from(want.center));
  assert.deepEqual(Array.from(out[0].band!.count!), [2, 2, 1]);
  assert.deepEqual(Array.from(out[0].band!.lower), [1, 2, 3]);
  assert.deepEqual(Array.from(out[0].band!.upper), [3, 4, 3]);
  assert.equal(out[2], shown[3]); // not grouped: drawn as it is
});

test("a bad group regex groups nothing and says why", () => {
  const { model, store } = fakes({ by: "regex", regex: "lr_(" }, []);
  const g = groupingOf(model, store);
  assert.equal(g.keyOf, null);
  assert.match(g.error, /invalid group regex/);
  assert.equal(groupingOf(fakes({}, []).model, store).keyOf, null);
});

test("bands and faint members become plotly traces under the lines, the band filled tonexty", () => {
  const { model, store } = fakes({ by: "regex", regex: "(x)", members: true }, []);
  const { spec, keyOf } = groupingOf(model, store);
  const shown = [series("x1", "t", [1, 2]), series("x2", "t", [3, 4])];
  const a = arranged(groupSeries(shown, spec, keyOf!, (k, t) => `${k} · ${t}`), () => "#102030", true);
  assert.deepEqual(a.series.map((s) => s.run), ["x · t"]);
  const traces = a.under((ys) => ys, (s) => ({ x: Array.from({ length: s.n }, (_, i) => s.step[i]), raw: Array.from({ length: s.n }, (_, i) => s.value[i]), smoothed: Array.from({ length: s.n }, (_, i) => s.value[i]) }));
  assert.deepEqual(traces.map((t) => (t.meta as { kind: string }).kind), ["member", "member", "band-lower", "band-upper"]);
  assert.deepEqual(traces[2].y, [1, 2]);
  assert.deepEqual(traces[3].y, [3, 4]);
  assert.equal(traces[3].fill, "tonexty");
  assert.equal(traces[3].fillcolor, "rgba(16,32,48,0.2)");
});
