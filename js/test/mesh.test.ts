import assert from "node:assert/strict";
import { test } from "node:test";
import { cameraOf, column, DEFAULT_EYE, extent, meshTrace, pointPixels, rgbChannels, sceneSettings } from "../src/mesh-scene";
import type { MeshData, MeshEntry } from "../src/protocol";
import { Change } from "../src/store/holder";
import { decodeMesh, MeshHolder } from "../src/store/meshes";
import { Buffers } from "./helpers";

const VERTS = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
const FACES = [0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3];
const COLORS = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0];

function data(b: Buffers, over: Partial<MeshData> = {}): MeshData {
  return {
    run: "r", tag: "m", index: 0, step: 5,
    vertices: b.add(VERTS, "float32", [4, 3]), faces: b.add(FACES, "int32", [4, 3]), colors: b.add(COLORS, "uint8", [4, 3]),
    error: "", ...over,
  };
}

function entry(step: number, error = ""): MeshEntry {
  return { step, wall_time: 1000 + step, vertices: 4, faces: 4, colors: true, samples: 1, config: "", error };
}

test("decodeMesh: the arrays, and what is wrong with them", () => {
  const b = new Buffers();
  const m = decodeMesh(data(b), b.views);
  assert.ok(typeof m !== "string");
  assert.deepEqual([...m.vertices], VERTS);
  assert.deepEqual([...m.faces!], FACES);
  assert.deepEqual([...m.colors!], COLORS);
  assert.equal(m.step, 5);
  const past = new Buffers();
  assert.equal(decodeMesh(data(past, { faces: past.add([0, 1, 4], "int32", [1, 3]) }), past.views), "face 0 uses vertex 4, but the mesh has 4 vertices");
  const few = new Buffers();
  assert.equal(decodeMesh(data(few, { colors: few.add([1, 2, 3], "uint8", [1, 3]) }), few.views), "1 colours for 4 vertices");
  assert.equal(decodeMesh(data(new Buffers(), { error: "no VERTEX tensor" }), []), "no VERTEX tensor");
  const cloud = new Buffers();
  const c = decodeMesh(data(cloud, { faces: null, colors: null }), cloud.views);
  assert.ok(typeof c !== "string" && c.faces === null && c.colors === null);
});

test("scene settings: camera, fov, projection, point size; the rest noted", () => {
  const d = sceneSettings("");
  assert.deepEqual(d.eye, DEFAULT_EYE);
  assert.equal(d.projection, "perspective");
  assert.deepEqual(sceneSettings("null").eye, DEFAULT_EYE);
  assert.deepEqual(sceneSettings("{not json").notes, ["its config is not JSON: ignored"]);
  const s = sceneSettings(JSON.stringify({ camera: { cls: "PerspectiveCamera", fov: 45, position: [0, 0, 3], up: [0, 1, 0], near: 0.1 }, lights: [] }));
  const len = Math.hypot(1.25, 1.25, 1.25);
  assert.ok(Math.abs(s.eye.z - len) < 1e-9 && s.eye.x === 0 && s.eye.y === 0); // fov 45 = plotly's: same distance
  assert.deepEqual(s.up, { x: 0, y: 1, z: 0 });
  assert.deepEqual(s.notes, ["camera.near", "lights"]);
  const wide = sceneSettings(JSON.stringify({ camera: { fov: 90 } }));
  assert.ok(Math.hypot(wide.eye.x, wide.eye.y, wide.eye.z) > len * 2); // a wider view: the eye moves back
  const ortho = sceneSettings(JSON.stringify({ camera: { cls: "OrthographicCamera" } }));
  assert.deepEqual(cameraOf(ortho).projection, { type: "orthographic" });
  const pts = sceneSettings(JSON.stringify({ material: { cls: "PointsMaterial", size: 0.1 } }));
  assert.equal(pointPixels(pts, 100, 1), 30 * 1); // 0.1 of the extent: 30 px of 300
  assert.equal(pointPixels(sceneSettings(JSON.stringify({ material: { size: 5, sizeAttenuation: false } })), 100, 1), 5);
  assert.equal(pointPixels(d, 100, 1), 4);
  assert.equal(pointPixels(d, 100_000, 1), 1.5);
});

test("traces: mesh3d with faces and vertex colours, points3d for a point cloud", () => {
  const v = Float32Array.from(VERTS);
  const mesh = meshTrace({ step: 0, vertices: v, faces: Int32Array.from(FACES), colors: Uint8Array.from(COLORS) }, "#123456", sceneSettings(""));
  assert.equal(mesh.type, "mesh3d");
  assert.deepEqual([...(mesh.x as Float32Array)], [0, 1, 0, 0]);
  assert.deepEqual([...(mesh.k as Int32Array)], [1, 3, 2, 3]);
  assert.deepEqual((mesh.vertexcolor as Float32Array[]).map((c) => [...c]), [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1], [1, 1, 0, 1]]);
  assert.equal(mesh.color, undefined);
  const cloud = meshTrace({ step: 0, vertices: v, faces: null, colors: null }, "#123456", sceneSettings(""));
  assert.equal(cloud.type, "points3d");
  assert.equal(cloud.pointsize, 4);
  assert.equal(cloud.color, "#123456");
  const many = meshTrace({ step: 0, vertices: new Float32Array(3 * 5000), faces: null, colors: Uint8Array.from({ length: 3 * 5000 }, (_, i) => i % 256) }, "#123456", sceneSettings(""));
  assert.equal(many.pointsize, 3);
  assert.equal(many.color, undefined);
  assert.equal((many.vertexcolor as Float32Array[]).length, 5000);
  assert.deepEqual(rgbChannels(Uint8Array.from([51, 102, 255])).map((c) => [...c]), [[Math.fround(0.2), Math.fround(0.4), 1, 1]]);
  assert.deepEqual([...column(Int32Array.from([1, 2, 3, 4, 5, 6]), 1)], [2, 5]);
  assert.equal(extent(v), Math.sqrt(3));
});

test("holder: entries from start replaced, their meshes forgotten; a step's mesh asked for once", () => {
  const h = new MeshHolder();
  const sent: unknown[] = [];
  h.sender = (m) => sent.push(m);
  const ch = new Change();
  h.apply([{ run: "r", tag: "m", start: 0, total: 2, meshes: [entry(1), entry(5)] }], [], ch);
  assert.deepEqual(h.state("r", "m", 1), { state: "none" });
  h.request("r", "m", 1);
  h.request("r", "m", 1);
  assert.deepEqual(sent, [{ type: "mesh", items: [{ run: "r", tag: "m", index: 1 }] }]);
  assert.deepEqual(h.state("r", "m", 1), { state: "waiting" });
  const b = new Buffers();
  h.receive([{ ...data(b), index: 1 }], b.views, ch);
  assert.equal(h.state("r", "m", 1).state, "ready");
  // a later delta replaces index 1 (a restart at step 5): its mesh is forgotten
  h.apply([{ run: "r", tag: "m", start: 1, total: 2, meshes: [entry(5, "mesh 'm' at step 5 has no VERTEX tensor (only FACE)")] }], [], ch);
  assert.deepEqual(h.state("r", "m", 1), { state: "error", error: "mesh 'm' at step 5 has no VERTEX tensor (only FACE)" });
  // a mesh of a step no longer held is dropped
  const b2 = new Buffers();
  h.receive([{ ...data(b2), index: 0, step: 99 }], b2.views, ch);
  assert.deepEqual(h.state("r", "m", 0), { state: "none" });
});
