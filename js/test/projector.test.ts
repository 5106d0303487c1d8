// The projector's pure parts: sampling maps, the points drawn, row styles, the
// routing of replies by request number.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Channels, Coloring } from "../src/projector/data";
import { search } from "../src/projector/data";
import type { Projection } from "../src/projector/model";
import { normalize, pointOfRow, projectionPoints, rowOfPoint, rowStyle, searchSummary } from "../src/projector/points";
import { Requests } from "../src/projector/requests";

const projection = (over: Partial<Projection>): Projection => ({
  request: 1, id: "e", method: "pca", dims: 3, sphereize: false,
  positions: Float32Array.from([0, 1, 2, 10, 11, 12]), stride: 3, m: 2,
  indices: null, variance: [0.5, 0.3, 0.2], iteration: 0, done: true, stopped: false, note: "",
  ...over,
});

test("rows and points: a sample maps both ways", () => {
  const ind = Int32Array.from([7, 3, 9]);
  assert.equal(pointOfRow(ind, 1), 3);
  assert.equal(pointOfRow(ind, 5), -1);
  assert.equal(rowOfPoint(ind, 3, 9), 2);
  assert.equal(rowOfPoint(ind, 3, 4), -1);
  assert.equal(pointOfRow(null, 4), 4);
  assert.equal(rowOfPoint(null, 3, 5), -1);
});

test("PCA points: the components chosen, titled with their variance", () => {
  const pts = projectionPoints(projection({}), 2, [2, 0, 1])!;
  assert.equal(pts.dims, 2);
  assert.deepEqual(Array.from(pts.x), [2, 12]);
  assert.deepEqual(Array.from(pts.y), [0, 10]);
  assert.equal(pts.z, null);
  assert.deepEqual(pts.titles, ["PC3 (20.0%)", "PC1 (50.0%)"]);
  // a component not received falls back to the axis' own
  const three = projectionPoints(projection({}), 3, [NaN, 7, 2])!;
  assert.deepEqual(Array.from(three.y), [1, 11]);
});

test("t-SNE points are scaled into [-1, 1]", () => {
  const pts = projectionPoints(projection({ method: "tsne", positions: Float32Array.from([0, 0, 0, 4, 2, 0]) }), 3, [])!;
  assert.deepEqual(Array.from(pts.x), [-1, 1]);
  assert.deepEqual(Array.from(pts.y), [-0.5, 0.5]);
  const axes = [Float32Array.from([5, 5])];
  normalize(axes, 1, 2);
  assert.deepEqual(Array.from(axes[0]), [0, 0]);
});

test("a selection dims all but the point and its neighbours, drawn bigger", () => {
  const red: Channels = [1, 0, 0, 1];
  const dim: Channels = [0.5, 0.5, 0.5, 1];
  const c: Coloring = { palette: [red], css: ["red"], of: new Uint16Array(4) };
  const s = rowStyle(4, 2, { coloring: c, indices: null, selected: 1, neighbors: Int32Array.from([3]), mask: null, dim });
  assert.deepEqual(s.color, [dim, red, dim, red]);
  assert.deepEqual(Array.from(s.size as Float32Array), [2, 5.2, 2, 3.4].map(Math.fround));
  const searched = rowStyle(2, 2, { coloring: c, indices: Int32Array.from([3, 0]), selected: -1, neighbors: null, mask: Uint8Array.from([1, 0, 0, 0]), dim });
  assert.deepEqual(searched.color, [dim, red]);
  assert.equal(searched.size, 2);
});

test("search: plain text ignores case; a regex follows the filters' dialect", () => {
  const labels = [["Cat", "dog", "bird", "cattle"]];
  assert.equal(search(labels, 4, "CA", false).count, 2);
  assert.equal(search(labels, 4, "^b", true).count, 1);
  assert.equal(search(labels, 4, "(?i)^C", true).count, 2);
  const bad = search(labels, 4, "(", true);
  assert.equal(bad.error, '"(" is not a valid regular expression');
  assert.equal(searchSummary(bad, null).text, 'invalid regex: "(" is not a valid regular expression');
  assert.deepEqual(searchSummary(search(labels, 4, "t", false), Int32Array.from([0, 1])), { text: "1 match (2 of all points)", matches: 1 });
});

test("replies count only for the request waited for, per kind", () => {
  const sent: { request: number }[] = [];
  const r = new Requests((req) => sent.push(req as { request: number }));
  const got: string[] = [];
  const handlers = {
    embedding: () => got.push("embedding"),
    projection: () => got.push("projection"),
    neighbors: () => got.push("neighbors"),
    error: (_: unknown, kind: string | null) => got.push(`error:${kind}`),
  };
  const first = r.ask("project", (request) => ({ type: "project", request, id: "e", method: "pca", dims: 3, sphereize: false }));
  const second = r.ask("project", (request) => ({ type: "project", request, id: "e", method: "pca", dims: 2, sphereize: false }));
  assert.notEqual(first, second);
  assert.deepEqual(sent.map((m) => m.request), [first, second]);
  r.route({ type: "projection", request: first }, handlers); // superseded
  r.route({ type: "projection", request: second }, handlers);
  r.route({ type: "update", seq: 1 }, handlers); // the board's own
  r.route({ type: "projector_error", request: second, error: "x" }, handlers);
  r.route({ type: "projector_error", request: null, error: "x" }, handlers);
  r.route({ type: "projector_error", request: first, error: "x" }, handlers);
  r.done("project");
  r.route({ type: "projection", request: second }, handlers);
  assert.deepEqual(got, ["projection", "error:project", "error:null"]);
});
