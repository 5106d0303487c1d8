// The HParams tab's filters, parallel-coordinates axes and brushes, and what the
// tab derives from its rows (filter masks, order, brushes kept over axis changes).
import assert from "node:assert/strict";
import { test } from "node:test";
import { axesFor, brushMask, carryBrushes, filterMask, filterSpecs, orderRows, pickSplom, splomDims } from "../src/hparams/derive";
import {
  axisTicks,
  axisValue,
  axisValues,
  brushPredicate,
  chooseAxis,
  describeBrush,
  distinctValues,
  emptyFilter,
  filterKind,
  filterPredicate,
  niceTicks,
  normalizeRanges,
  valueKey,
  type FilterState,
} from "../src/hparams/filtering";
import { buildColumns, cellOf, type Cell, type Column } from "../src/hparams/model";
import type { RowData } from "../src/hparams/table";
import { session } from "./hparams-helpers";

const col = (kind: Column["kind"], key = "x"): Column => ({ id: `${kind}:${key}`, kind, key, label: key, description: "" });

test("filter kinds: checkboxes for booleans, few numbers, few strings, statuses and discrete domains; ranges and regexes otherwise", () => {
  const hp = col("hparam");
  assert.equal(filterKind(hp, distinctValues([true, false, null])), "set");
  assert.equal(filterKind(hp, distinctValues([1, 2, 4])), "set");
  assert.equal(filterKind(hp, distinctValues([1, 2, 3, 4, 5, 6, 7])), "range");
  assert.equal(filterKind(hp, distinctValues([0.1, 0.01])), "range", "fractions are a range");
  assert.equal(filterKind(hp, distinctValues(["adam", "sgd"])), "set");
  assert.equal(filterKind(hp, distinctValues(Array.from({ length: 20 }, (_, i) => `s${i}`))), "regex");
  const discrete = { name: "x", display_name: "", description: "", type: "number" as const, domain_kind: "discrete" as const, values: [1, 2, 3, 4, 5, 6, 7, 8], min: null, max: null };
  assert.equal(filterKind(hp, distinctValues([1, 2, 3, 4, 5, 6, 7, 8]), discrete), "set");
  assert.equal(filterKind(col("metric"), [0.1, 0.2]), "range");
  assert.equal(filterKind(col("status", ""), ["success"]), "set");
  assert.equal(filterKind(col("name", ""), []), "regex");
});

test("value keys tell types apart; distinct values come sorted, missing last", () => {
  assert.notEqual(valueKey(1), valueKey("1"));
  assert.notEqual(valueKey(true), valueKey("true"));
  assert.deepEqual(distinctValues([3, null, 1, 3, "a", true]), [1, 3, true, "a", null]);
});

test("filter predicates: excluded values, inclusive bounds (missing and NaN fail a bound), the regex dialect", () => {
  const f: FilterState = { ...emptyFilter(), excluded: new Set([valueKey("sgd"), valueKey(null)]) };
  const set = filterPredicate("set", f)!;
  assert.ok(set("adam") && !set("sgd") && !set(null));
  const range = filterPredicate("range", { ...emptyFilter(), min: 0.1, max: 0.5 })!;
  assert.ok(range(0.1) && range(0.5) && !range(0.6) && !range(NaN) && !range(null) && !range("0.2"));
  const lower = filterPredicate("range", { ...emptyFilter(), min: 1 })!;
  assert.ok(lower(1e9) && !lower(0));
  const re = filterPredicate("regex", { ...emptyFilter(), pattern: "(?i)^ADA" })!;
  assert.ok(re("adam") && re("adagrad") && !re("sgd") && !re(null));
  assert.equal(filterPredicate("range", emptyFilter()), null, "an empty filter tests nothing");
  assert.equal(filterPredicate("regex", { ...emptyFilter(), pattern: "" }), null);
  // a pattern the dialect rejects lets everything through (the field says why)
  assert.ok(filterPredicate("regex", { ...emptyFilter(), pattern: "(?P<x>a)" })!("b"));
});

test("axes: numbers numeric (log offered when all > 0), anything else categorical with ticks by name", () => {
  const num = chooseAxis("hparam:lr", [0.001, 0.1, null, 0.01], "log");
  assert.equal(num.categories, null);
  assert.ok(num.canLog);
  assert.equal(num.scale, "log");
  // the session without a value is drawn below the others, at "(none)"
  assert.equal(num.missing, -3 - 2 * 0.12);
  assert.deepEqual(num.range, [num.missing, -1]);
  assert.equal(axisValue(num, 0.01), -2);
  assert.equal(axisValue(num, null), num.missing);
  assert.deepEqual(axisTicks(num), { tickvals: [num.missing, -3, -2, -1], ticktext: ["(none)", "0.001", "0.01", "0.1"] });
  assert.deepEqual(axisTicks(chooseAxis("lr", [0.0026, 0.079], "log"))!.ticktext, ["0.005", "0.01", "0.02", "0.05"]);
  assert.deepEqual(axisTicks(chooseAxis("lr", [1e-5, 0.1], "log"))!.ticktext, ["0.00001", "0.0001", "0.001", "0.01", "0.1"]);
  assert.deepEqual(axisTicks(chooseAxis("lr", [0.011, 0.018], "log"))!.ticktext, ["0.012", "0.014", "0.016", "0.018"]);
  const full = chooseAxis("m", [0.5, 2.5, 1], "linear");
  assert.equal(full.missing, null);
  assert.deepEqual(full.range, [0.5, 2.5]);
  assert.equal(axisTicks(full), null, "plotly ticks a linear axis without missing values");
  const nan = chooseAxis("m", [0, NaN, 10], "linear");
  assert.equal(nan.missing, -1.2);
  assert.equal(axisValue(nan, NaN), -1.2);
  assert.deepEqual(axisTicks(nan)!.ticktext, ["(none)", "0", "2", "4", "6", "8", "10"]);
  const withZero = chooseAxis("hparam:d", [0, 0.5], "log");
  assert.ok(!withZero.canLog);
  assert.equal(withZero.scale, "linear", "log only when every value > 0");
  assert.equal(axisTicks(withZero), null);
  const flat = chooseAxis("m", [2, 2], "linear");
  assert.ok(flat.range[0] < 2 && flat.range[1] > 2, "a single value gets a range around it");
  const cat = chooseAxis("hparam:opt", ["sgd", "adam", null, "sgd"], "linear");
  assert.deepEqual(cat.categories, ["adam", "sgd", null]);
  assert.deepEqual(axisValues(cat, ["sgd", null, "adam", "other"]), [1, 2, 0, NaN]);
  assert.deepEqual(axisTicks(cat), { tickvals: [0, 1, 2], ticktext: ["adam", "sgd", "(none)"] });
  const bool = chooseAxis("hparam:bn", [true, false], "linear");
  assert.deepEqual(bool.categories, [false, true]);
});

test("round ticks", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.03, 0.97, 4), [0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(-7, 12), [-5, 0, 5, 10]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test("brushes: plotly's constraintrange forms, inclusive ranges in axis units, categories by index", () => {
  assert.deepEqual(normalizeRanges([0.2, 0.1]), [[0.1, 0.2]]);
  assert.deepEqual(normalizeRanges([[0, 1], [2, 3]]), [[0, 1], [2, 3]]);
  assert.deepEqual(normalizeRanges(undefined), []);
  assert.deepEqual(normalizeRanges([]), []);
  const lin = chooseAxis("m", [0, 1], "linear");
  const p = brushPredicate(lin, [[0.2, 0.4], [0.8, 0.9]])!;
  assert.ok(p(0.2) && p(0.4) && p(0.85) && !p(0.5) && !p(NaN) && !p(null));
  assert.equal(brushPredicate(lin, []), null);
  const log = chooseAxis("lr", [0.001, 1], "log");
  const lp = brushPredicate(log, [[-3, -2]])!;
  assert.ok(lp(0.001) && lp(0.005) && !lp(0.1));
  assert.equal(describeBrush(log, [[-3, -2]]), "0.001 \u2013 0.01");
  const gaps = chooseAxis("m", [0, null, 10], "linear");
  const gp = brushPredicate(gaps, [[-2, 1]])!;
  assert.ok(gp(null) && gp(NaN) && gp(0.5) && !gp(5), "a brush over (none) takes the sessions without a value");
  assert.equal(describeBrush(gaps, [[-2, 1]]), "(none), 0 \u2013 1");
  assert.equal(describeBrush(gaps, [[-1.5, -1]]), "(none)");
  assert.ok(!brushPredicate(gaps, [[0, 10]])!(null));
  const cat = chooseAxis("opt", ["adam", "rmsprop", "sgd"], "linear");
  const cp = brushPredicate(cat, [[0.6, 2.2]])!;
  assert.ok(!cp("adam") && cp("rmsprop") && cp("sgd"));
  assert.equal(describeBrush(cat, [[0.6, 2.2]]), "rmsprop, sgd");
});

function rowsOf(sessions: ReturnType<typeof session>[]): { rows: RowData[]; columns: Column[] } {
  const columns = buildColumns([], sessions);
  const rows = sessions.map((s) => ({ session: s, cells: new Map(columns.map((c) => [c.id, cellOf(s, c, () => undefined)] as [string, Cell])) }));
  return { rows, columns };
}

const sweep = [
  session("r0", { lr: 0.1, opt: "adam" }, { acc: 0.9 }),
  session("r1", { lr: 0.01, opt: "sgd" }, { acc: NaN }, { status: "running" }),
  session("r2", { lr: 0.001, opt: "adam" }, { acc: 0.5 }),
  session("r3", { opt: "sgd" }, { acc: 0.7 }),
];

test("derived: filters (of shown columns) and brushes mask rows; the order sorts what passes", () => {
  const { rows, columns } = rowsOf(sweep);
  const filters = new Map<string, FilterState>();
  const specs = filterSpecs(columns, rows, filters, new Map());
  assert.ok(!specs.some((s) => s.col.id === "start"), "no filter on the start time");
  assert.equal(specs.find((s) => s.col.id === "hparam:opt")!.kind, "set");
  assert.deepEqual(filterMask(rows, specs), [true, true, true, true]);
  filters.get("status")!.excluded.add(valueKey("running"));
  assert.deepEqual(filterMask(rows, specs), [true, false, true, true]);
  filters.get("metric:acc")!.min = 0.6;
  const mask = filterMask(rows, specs);
  assert.deepEqual(mask, [true, false, false, true]);
  // a filter in use keeps its kind when a value arriving would change it
  const { rows: rows2 } = rowsOf([...sweep, session("r4", { opt: "x" }, {}), ...Array.from({ length: 12 }, (_, i) => session(`n${i}`, { opt: `o${i}` }, {}))]);
  filters.get("hparam:opt")!.excluded.add(valueKey("sgd"));
  assert.equal(filterSpecs(columns, rows2, filters, new Map()).find((s) => s.col.id === "hparam:opt")!.kind, "set");
  filters.get("hparam:opt")!.excluded.clear();
  assert.equal(filterSpecs(columns, rows2, filters, new Map()).find((s) => s.col.id === "hparam:opt")!.kind, "regex");
  // a hidden column's filter is not applied
  const shown = columns.filter((c) => c.id !== "metric:acc");
  assert.deepEqual(filterMask(rows, filterSpecs(shown, rows, filters, new Map())), [true, false, true, true]);

  const axes = axesFor(columns, rows, new Map(), []);
  assert.deepEqual(axes.map((a) => a.col), ["hparam:lr", "hparam:opt", "metric:acc"]);
  const brushed = brushMask(rows, axes, new Map([["hparam:opt", [[-0.2, 0.2]] as [number, number][]]]));
  assert.deepEqual(brushed, [true, false, true, false]);
  const all = [true, true, true, true];
  assert.deepEqual(orderRows(rows, all, { col: "metric:acc", dir: "descending" }), [0, 3, 2, 1], "NaN last descending");
  assert.deepEqual(orderRows(rows, all, { col: "hparam:lr", dir: "ascending" }), [2, 1, 0, 3], "missing last");
  assert.deepEqual(orderRows(rows, [true, false, true, true], null), [0, 2, 3]);
});

test("derived: the axes keep the order dragged to; brushes follow their categories and scale changes", () => {
  const { rows, columns } = rowsOf(sweep);
  const axes = axesFor(columns, rows, new Map(), ["metric:acc", "hparam:lr"]);
  assert.deepEqual(axes.map((a) => a.col), ["metric:acc", "hparam:opt", "hparam:lr"]);
  const before = new Map(axes.map((a) => [a.col, a]));
  const brushes = new Map<string, [number, number][]>([
    ["hparam:opt", [[0.8, 1.2]]], // sgd
    ["hparam:lr", [[0.005, 0.05]]],
  ]);
  const more = rowsOf([...sweep, session("r4", { lr: 0.5, opt: "adagrad" }, { acc: 0.1 })]);
  const after = axesFor(more.columns, more.rows, new Map([["hparam:lr", "log" as const]]), ["metric:acc", "hparam:lr"]);
  const carried = carryBrushes(brushes, before, after);
  const opt = after.find((a) => a.col === "hparam:opt")!;
  assert.deepEqual(opt.categories, ["adagrad", "adam", "sgd"]);
  assert.deepEqual(carried.get("hparam:opt"), [[1.75, 2.25]], "still sgd");
  const lr = carried.get("hparam:lr")!;
  assert.ok(Math.abs(lr[0][0] - Math.log10(0.005)) < 1e-12 && Math.abs(lr[0][1] - Math.log10(0.05)) < 1e-12);
  const mask = brushMask(more.rows, after, carried);
  assert.deepEqual(mask, [false, true, false, false, false]);
});

test("derived: the scatter matrix takes hparams then metrics, at most 6 unless picked; values by axis type", () => {
  const { rows, columns } = rowsOf(sweep);
  const byId = new Map(columns.map((c) => [c.id, c]));
  const axes = axesFor(columns, rows, new Map(), ["metric:acc"]);
  assert.deepEqual(pickSplom(axes, byId, null).map((a) => a.col), ["hparam:lr", "hparam:opt", "metric:acc"]);
  assert.deepEqual(pickSplom(axes, byId, new Set(["metric:acc", "hparam:lr"])).map((a) => a.col), ["hparam:lr", "metric:acc"]);
  const dims = splomDims(rows, [0, 1, 3], pickSplom(axes, byId, null), byId);
  assert.deepEqual(dims.map((d) => d.type), ["linear", "category", "linear"]);
  assert.deepEqual(dims[0].values, [0.1, 0.01, null]);
  assert.deepEqual(dims[1].values, ["adam", "sgd", "sgd"]);
  assert.deepEqual(dims[2].values, [0.9, null, 0.7], "NaN is no point");
  const many = rowsOf([session("x", Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`h${i}`, i])), { m0: 1, m1: 2, m2: 3 })]);
  const manyAxes = axesFor(many.columns, many.rows, new Map(), []);
  const picked = pickSplom(manyAxes, new Map(many.columns.map((c) => [c.id, c])), null);
  assert.deepEqual(picked.map((a) => a.col), ["hparam:h0", "hparam:h1", "hparam:h2", "hparam:h3", "metric:m0", "metric:m1"]);
});
