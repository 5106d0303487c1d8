// The HParams tab's pure parts: columns, values shown, sorting (missing and NaN
// last), CSV quoting and the formula guard, filters, axes and brushes.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExperimentEntry } from "../src/protocol";
import type { ScalarSeries } from "../src/store";
import { session } from "./hparams-helpers";
import {
  buildColumns,
  cellOf,
  compareCells,
  csvCell,
  csvField,
  formatCell,
  formatNumber,
  scalarStat,
  scalarTagsOf,
  sortOrder,
  toCsv,
  type Cell,
} from "../src/hparams/model";

const experiment = (run: string, hp: [string, string][], metrics: [string, string][]): ExperimentEntry => ({
  run,
  time_created: 0,
  hparams: hp.map(([name, display_name]) => ({ name, display_name, description: "", type: "", domain_kind: "", values: [], min: null, max: null })),
  metrics: metrics.map(([key, display_name]) => ({ key, tag: key, group: "", display_name, description: "", dataset_type: "" })),
  notes: [],
});

test("columns: fixed ones, hparams and metrics over every experiment (display names), then sessions' own, then scalar columns", () => {
  const e1 = experiment("a", [["lr", ""], ["opt", "Optimizer"]], [["acc", "Accuracy"]]);
  const e2 = experiment("b", [["lr", "Learning rate"], ["layers", ""]], [["loss", ""], ["acc", ""]]);
  const s = [session("a", { lr: 1, zeta: 2, alpha: 3 }, { acc: 1, extra: 2 })];
  const cols = buildColumns([e1, e2], s, [{ tag: "Loss/train", stat: "min" }, { tag: "Loss/train", stat: "min" }]);
  assert.deepEqual(
    cols.map((c) => c.id),
    ["name", "status", "start", "hparam:lr", "hparam:opt", "hparam:layers", "hparam:alpha", "hparam:zeta", "metric:acc", "metric:loss", "metric:extra", "scalar:Loss/train:min"],
  );
  const label = (id: string) => cols.find((c) => c.id === id)!.label;
  assert.equal(label("hparam:lr"), "Learning rate");
  assert.equal(label("hparam:opt"), "Optimizer");
  assert.equal(label("metric:acc"), "Accuracy");
  assert.equal(label("metric:loss"), "loss");
});

const series = (run: string, tag: string, values: number[]): ScalarSeries => ({
  run,
  tag,
  n: values.length,
  total: values.length,
  step: Float64Array.from(values.map((_, i) => i)),
  wall: new Float64Array(values.length),
  value: Float64Array.from(values),
  version: 1,
});

test("cells: hparams, metrics (NaN kept), missing as null; scalar columns read the session's run, else its parent", () => {
  const s = session("exp1/123", { lr: 0.1, opt: "adam" }, { acc: NaN }, { parent: "exp1", name: "exp1" });
  const all = new Map([
    ["exp1|Loss/train", series("exp1", "Loss/train", [3, 1, NaN, 2])],
    ["exp1/123|acc", series("exp1/123", "acc", [0.5])],
  ]);
  const lookup = (run: string, tag: string) => all.get(`${run}|${tag}`);
  const cols = buildColumns([], [s], [{ tag: "Loss/train", stat: "last" }, { tag: "Loss/train", stat: "min" }, { tag: "Loss/train", stat: "max" }, { tag: "acc", stat: "last" }, { tag: "none", stat: "last" }]);
  const cell = (id: string) => cellOf(s, cols.find((c) => c.id === id)!, lookup);
  assert.equal(cell("name"), "exp1");
  assert.equal(cell("hparam:lr"), 0.1);
  assert.ok(Number.isNaN(cell("metric:acc")));
  assert.equal(cell("scalar:Loss/train:last"), 2);
  assert.equal(cell("scalar:Loss/train:min"), 1);
  assert.equal(cell("scalar:Loss/train:max"), 3);
  assert.equal(cell("scalar:acc:last"), 0.5);
  assert.equal(cell("scalar:none:last"), null);
  assert.equal(cellOf(session("x", {}, {}), cols.find((c) => c.id === "hparam:lr")!, lookup), null);
  assert.deepEqual(scalarTagsOf([s], [...all.values(), series("other", "x", [1])]), ["Loss/train", "acc"]);
});

test("scalar statistics: min and max over finite values, last as it is", () => {
  assert.equal(scalarStat([1, NaN, Infinity, -2], 4, "min"), -2);
  assert.equal(scalarStat([1, NaN, Infinity, -2], 4, "max"), 1);
  assert.ok(Number.isNaN(scalarStat([1, NaN], 2, "last")));
  assert.ok(Number.isNaN(scalarStat([NaN], 1, "max")));
  assert.ok(Number.isNaN(scalarStat([], 0, "last")));
});

test("formatting: 5 significant digits, integers whole, NaN named, missing empty", () => {
  assert.equal(formatNumber(0.000123456), "0.00012346");
  assert.equal(formatNumber(1.23456789e-7), "1.2346e-7");
  assert.equal(formatNumber(12345678), "12345678");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(-Infinity), "-Infinity");
  assert.equal(formatCell(null, "hparam"), "");
  assert.equal(formatCell(true, "hparam"), "true");
  assert.equal(formatCell("adam", "hparam"), "adam");
  assert.match(formatCell(0, "start"), /^19(69|70)-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

test("sorting: numbers numerically, then booleans, then strings; NaN then missing last in both directions; ties stable", () => {
  const cells: Cell[] = [10, null, 2, NaN, "b", 2, true, "a", -1, false];
  const asc = sortOrder(cells.length, (i) => cells[i], "ascending").map((i) => cells[i]);
  assert.deepEqual(asc.map(String), ["-1", "2", "2", "10", "false", "true", "a", "b", "NaN", "null"]);
  const order = sortOrder(cells.length, (i) => cells[i], "descending");
  assert.deepEqual(order.map((i) => String(cells[i])), ["b", "a", "true", "false", "10", "2", "2", "-1", "NaN", "null"]);
  // the two 2s keep their order (index 2 before index 5) in both directions
  assert.ok(order.indexOf(2) < order.indexOf(5));
  assert.equal(compareCells(NaN, null), -1);
  assert.equal(compareCells(NaN, NaN), 0);
});

test("CSV: numbers in full, NaN, missing empty, quoting of commas, quotes and line breaks", () => {
  assert.equal(csvField(0.1 + 0.2), "0.30000000000000004");
  assert.equal(csvField(NaN), "NaN");
  assert.equal(csvField(null), "");
  assert.equal(csvField(false), "false");
  assert.equal(csvField('say "hi", ok'), '"say ""hi"", ok"');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(toCsv(["a", "b"], [[1, "x"], [null, NaN]]), "a,b\r\n1,x\r\n,NaN\r\n");
});

test("CSV: text starting with = + - @ (or tab, carriage return) gets an apostrophe; numbers do not", () => {
  assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvField("+1"), "'+1");
  assert.equal(csvField("-x"), "'-x");
  assert.equal(csvField("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvField("\tx"), "'\tx");
  assert.equal(csvField('=a,"b"'), `"'=a,""b"""`);
  assert.equal(csvField(-0.5), "-0.5");
  assert.equal(csvField("a=b"), "a=b");
  assert.equal(csvCell(0, "start"), "1970-01-01T00:00:00.000Z");
  assert.equal(csvCell(5, "metric"), 5);
});
