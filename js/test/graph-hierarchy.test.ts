// The graph tab's pure parts: labels, series folding, aggregated edges, the item
// each node is shown as, search matches.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileFilter } from "../src/filters";
import { boxLabel, Hierarchy, matchNodes, opLabel, opSecondLine, ROOT, seriesRuns } from "../src/graphs/hierarchy";
import { GraphBuilder, resnet, transformer } from "./graph-fixtures";

const find = (h: Hierarchy, name: string, kind?: string) => {
  for (let id = 0; id < h.size; id++) if (h.name[id] === name && (!kind || h.kind(id) === kind)) return id;
  throw new Error(`no item ${name}`);
};

test("box labels from torch scope segments", () => {
  assert.equal(boxLabel("Conv2d[conv1]"), "Conv2d conv1");
  assert.equal(boxLabel("Sequential[blocks]"), "Sequential blocks");
  assert.equal(boxLabel("Block[3]"), "Block 3");
  assert.equal(boxLabel("dense1"), "dense1");
  assert.equal(boxLabel("weird[a]b"), "weird[a]b");
});

test("op labels: torch's short op; an IO node, TF and Keras nodes their name's last segment", () => {
  assert.equal(opLabel("aten::linear", "Net/Linear[fc]/input.3"), "linear");
  assert.equal(opLabel("prim::Constant", "Net/1000"), "Constant");
  assert.equal(opLabel("IO Node", "input/x"), "x");
  assert.equal(opLabel("IO Node", "output/output.1"), "output.1");
  assert.equal(opLabel("MatMul", "dense1/MatMul"), "MatMul");
  assert.equal(opLabel("Dense", "sequential/hidden"), "hidden");
  assert.equal(opLabel("_Arg", "x"), "x");
  assert.equal(opSecondLine("_Arg", "x"), "_Arg");
  assert.equal(opSecondLine("MatMul", "dense1/MatMul"), "");
  assert.equal(opSecondLine("aten::linear", "Net/Linear[fc]/input.3"), "");
  assert.equal(opSecondLine("IO Node", "input/x"), "");
});

test("series: Block[0..15] and layers.0..11 fold", () => {
  const blocks = Array.from({ length: 16 }, (_, i) => `Block[${i}]`);
  assert.deepEqual(
    seriesRuns(blocks).map((r) => r.label),
    ["Block[0..15]"],
  );
  const layers = Array.from({ length: 12 }, (_, i) => `layers.${i}`);
  assert.deepEqual(
    seriesRuns(layers).map((r) => [r.label, r.members.length]),
    [["layers.0..11", 12]],
  );
  assert.deepEqual(
    seriesRuns(["conv_1", "conv_2", "conv_3", "pool"]).map((r) => r.label),
    ["conv_1..3"],
  );
});

test("series: no fold of Linear[0], ReLU[1], Linear[2], of two members, of gaps", () => {
  assert.deepEqual(seriesRuns(["Linear[0]", "ReLU[1]", "Linear[2]", "ReLU[3]", "Linear[4]"]), []);
  assert.deepEqual(seriesRuns(["Block[0]", "Block[1]"]), []);
  assert.deepEqual(seriesRuns(["Linear[0]", "Linear[2]", "Linear[4]"]), []);
  // two runs split by a gap: only the long one folds
  assert.deepEqual(
    seriesRuns(["B[0]", "B[1]", "B[3]", "B[4]", "B[5]"]).map((r) => r.label),
    ["B[3..5]"],
  );
});

test("the tree of a torch graph: input, the model box, output at the top; Blocks in a series", () => {
  const h = new Hierarchy(resnet(16));
  const top = h.children[ROOT].map((c) => `${h.kind(c)}:${h.name[c]}`);
  assert.deepEqual(top.sort(), ["box:Net", "box:input", "box:output"]);
  const series = find(h, "Net/Sequential[blocks]/Block[0..15]", "series");
  assert.equal(h.label[series], "Block[0..15]");
  assert.equal(h.children[series].length, 16);
  assert.equal(h.kind(h.children[series][0]), "box");
  assert.equal(h.name[h.children[series][3]], "Net/Sequential[blocks]/Block[3]");
  assert.equal(h.label[h.children[series][3]], "Block 3");
  assert.equal(h.count[series], 16 * 6);
  assert.equal(h.count[ROOT], h.graph.names.length);
  // op nodes never fold
  const conv = find(h, "Net/Sequential[blocks]/Block[2]/Conv2d[conv]", "box");
  assert.equal(h.label[conv], "Conv2d conv");
  assert.ok(h.children[conv].some((c) => h.kind(c) === "op"));
});

test("ModuleList[layers]/Linear[0], ReLU[1], Linear[2] stay boxes", () => {
  const b = new GraphBuilder();
  for (const [i, m] of ["Linear", "ReLU", "Linear", "ReLU", "Linear"].entries()) b.node(`Net/ModuleList[layers]/${m}[${i}]/out.${i}`);
  b.node("Net/ModuleList[layers]/Linear[0]/weight/weight.29", "prim::GetAttr");
  const h = new Hierarchy(b.build());
  const list = find(h, "Net/ModuleList[layers]");
  assert.deepEqual(
    h.children[list].map((c) => h.kind(c)),
    ["box", "box", "box", "box", "box"],
  );
});

test("a node named like a scope sits inside that scope's box (TF2: dense1/MatMul and dense1/MatMul/ReadVariableOp)", () => {
  const b = new GraphBuilder();
  b.edge("dense1/MatMul/ReadVariableOp", "dense1/MatMul");
  b.edge("x", "dense1/MatMul");
  b.edge("dense1/MatMul", "dense1/add");
  const h = new Hierarchy(b.build());
  const box = find(h, "dense1/MatMul", "box");
  const op = find(h, "dense1/MatMul", "op");
  assert.equal(h.parent[op], box);
  assert.equal(h.children[box].length, 2);
});

test("aggregated edges between a box's children: count, shape when all agree, summed size", () => {
  const b = new GraphBuilder();
  b.edge("A/a1", "B/b1", "2×3", 6);
  b.edge("A/a2", "B/b2", "2×3", 6);
  b.edge("A/a2", "C/c1", "4", 4);
  b.edge("A/a1", "C/c1", "5", 5);
  b.edge("B/b1", "C/c1", "", NaN, true);
  b.edge("A/a1", "A/a2", "1", 1);
  const h = new Hierarchy(b.build());
  const [A, B, C] = ["A", "B", "C"].map((n) => find(h, n));
  const ab = h.innerEdge(ROOT, A, B)!;
  assert.deepEqual([ab.count, ab.shape, ab.size, ab.control], [2, "2×3", 12, false]);
  const ac = h.innerEdge(ROOT, A, C)!;
  assert.deepEqual([ac.count, ac.shape, ac.size], [2, "", 9]);
  const bc = h.innerEdge(ROOT, B, C)!;
  assert.deepEqual([bc.count, bc.shape, Number.isNaN(bc.size), bc.control], [1, "", true, true]);
  assert.equal(h.innerEdges(ROOT).length, 3);
  assert.equal(h.innerEdges(A).length, 1);
  // across the borders: A's children feeding outside it, B's fed from outside
  const a1 = find(h, "A/a1");
  const a2 = find(h, "A/a2");
  assert.deepEqual([...h.edgesOutOfChildren(A).keys()].sort(), [a1, a2].sort());
  assert.equal(h.edgesOutOfChildren(A).get(a2)!.count, 2);
  assert.equal(h.edgesIntoChildren(B).size, 2);
  assert.equal(h.edgesIntoChildren(A).size, 0);
  const boundary = h.itemBoundary(A);
  assert.equal(boundary.inputs.size, 0);
  assert.equal(boundary.outputs.size, 3);
});

test("edges between members of a series are filed at the series", () => {
  const h = new Hierarchy(resnet(4));
  const series = find(h, "Net/Sequential[blocks]/Block[0..3]", "series");
  const [b0, b1] = h.children[series];
  assert.equal(h.innerEdge(series, b0, b1)!.count, 2); // into conv and into add (the residual)
  assert.ok(h.edgesIntoChildren(series).has(b0));
  assert.ok(h.edgesOutOfChildren(series).has(h.children[series][3]));
});

test("the item a node is shown as: its outermost collapsed ancestor", () => {
  const h = new Hierarchy(resnet(4));
  const node = h.graph.names.indexOf("Net/Sequential[blocks]/Block[2]/Conv2d[conv]/input.2");
  const net = find(h, "Net");
  const blocks = find(h, "Net/Sequential[blocks]");
  const series = find(h, "Net/Sequential[blocks]/Block[0..3]");
  const block2 = find(h, "Net/Sequential[blocks]/Block[2]");
  const conv = find(h, "Net/Sequential[blocks]/Block[2]/Conv2d[conv]");
  const expanded = new Set<number>();
  assert.equal(h.visibleNode(node, expanded), net);
  expanded.add(net);
  assert.equal(h.visibleNode(node, expanded), blocks);
  expanded.add(blocks);
  assert.equal(h.visibleNode(node, expanded), series);
  expanded.add(series);
  assert.equal(h.visibleNode(node, expanded), block2);
  // a collapsed box deep down does not matter while an outer one is collapsed
  expanded.add(conv);
  expanded.delete(net);
  assert.equal(h.visibleNode(node, expanded), net);
  const all = new Set<number>();
  h.expandTo(h.leaf[node], all);
  assert.equal(h.visibleNode(node, all), h.leaf[node]);
  assert.deepEqual([...all].sort(), [net, blocks, series, block2, conv].sort());
});

test("search matches full names and ops in the filter dialect", () => {
  const g = resnet(4);
  const by = (p: string) => matchNodes(g, compileFilter(p).re!).map((i) => g.names[i]);
  assert.deepEqual(by("Block\\[2\\].*batch"), []);
  assert.deepEqual(by("Block\\[2\\]/BatchNorm"), ["Net/Sequential[blocks]/Block[2]/BatchNorm2d[bn]/2"]);
  assert.equal(by("batch_norm").length, 4); // ops
  assert.equal(by("(?i)BATCH_NORM").length, 4);
  assert.equal(by("^input/").length, 1);
  assert.ok(compileFilter("(?P<x>a)").error);
});

test("a 20,000-node transformer builds its tree with Layer[0..47] folded", () => {
  const g = transformer(48);
  assert.ok(g.names.length > 19000, `${g.names.length} nodes`);
  const h = new Hierarchy(g);
  const series = find(h, "Model/Encoder[enc]/ModuleList[layers]/Layer[0..47]", "series");
  assert.equal(h.children[series].length, 48);
});
