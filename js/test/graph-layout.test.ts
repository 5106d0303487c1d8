// The graph tab's layout: per-box dagre layouts, cached, put together without overlaps;
// edges routed top to bottom through the borders of the boxes they cross.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Hierarchy, ROOT } from "../src/graphs/hierarchy";
import { curve, HUGE_BOX, Layouts, place, type Scene, type SceneItem } from "../src/graphs/layout";
import { GraphBuilder, resnet, transformer } from "./graph-fixtures";

const find = (h: Hierarchy, name: string, kind?: string) => {
  for (let id = 0; id < h.size; id++) if (h.name[id] === name && (!kind || h.kind(id) === kind)) return id;
  throw new Error(`no item ${name}`);
};

/** Items that share a container must not overlap; an item must lie inside its container. */
function checkNoOverlap(h: Hierarchy, scene: Scene): void {
  const byId = new Map(scene.items.map((i) => [i.id, i]));
  const groups = new Map<number, SceneItem[]>();
  for (const it of scene.items) {
    const p = h.parent[it.id];
    if (!groups.has(p)) groups.set(p, []);
    groups.get(p)!.push(it);
    const box = byId.get(p);
    if (box) {
      assert.ok(it.x >= box.x - 0.5 && it.y >= box.y - 0.5 && it.x + it.w <= box.x + box.w + 0.5 && it.y + it.h <= box.y + box.h + 0.5, `${h.name[it.id]} inside ${h.name[p]}`);
    }
  }
  for (const list of groups.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        const apart = a.x + a.w <= b.x + 0.5 || b.x + b.w <= a.x + 0.5 || a.y + a.h <= b.y + 0.5 || b.y + b.h <= a.y + 0.5;
        assert.ok(apart, `${h.name[a.id]} and ${h.name[b.id]} overlap`);
      }
    }
  }
}

test("the first view: the top level, collapsed, without overlaps", () => {
  const h = new Hierarchy(resnet(16));
  const layouts = new Layouts(h);
  const scene = place(layouts);
  assert.equal(scene.items.length, 3);
  checkNoOverlap(h, scene);
  // input above Net above output
  const y = (name: string) => scene.items.find((i) => h.name[i.id] === name)!.y;
  assert.ok(y("input") < y("Net") && y("Net") < y("output"));
  assert.equal(scene.edges.length, 2);
});

test("every box expanded: nothing overlaps, every item is inside its box", () => {
  const h = new Hierarchy(resnet(16));
  const layouts = new Layouts(h);
  layouts.setAll(h.containers());
  const scene = place(layouts);
  assert.equal(scene.items.length, h.size - 1);
  checkNoOverlap(h, scene);
  for (const e of scene.edges) assert.ok(e.points.length >= 2);
});

test("an edge into an expanded box enters through its top and reads top to bottom", () => {
  const h = new Hierarchy(resnet(4));
  const layouts = new Layouts(h);
  const net = find(h, "Net");
  const stem = find(h, "Net/Sequential[stem]");
  layouts.setExpanded(net, true);
  layouts.setExpanded(stem, true);
  layouts.setExpanded(find(h, "input"), true);
  const scene = place(layouts);
  checkNoOverlap(h, scene);
  const x = find(h, "input/x", "op");
  const conv = find(h, "Net/Sequential[stem]/Conv2d[0]");
  const e = scene.edges.find((s) => s.from === x && s.to === conv)!;
  assert.ok(e, "an edge input/x -> Conv2d[0]");
  assert.equal(e.shape, "2×3×16×16");
  const netItem = scene.items.find((i) => i.id === net)!;
  // passes the top border of Net, going down all the way
  assert.ok(e.points.some((p) => Math.abs(p.y - netItem.y) < 0.01));
  for (let i = 1; i < e.points.length; i++) assert.ok(e.points[i].y >= e.points[i - 1].y - 0.5, `down at ${i}: ${JSON.stringify(e.points)}`);
});

test("layouts are cached per box; expanding one re-lays only it and its ancestors", () => {
  const h = new Hierarchy(resnet(4));
  const layouts = new Layouts(h);
  const net = find(h, "Net");
  const input = find(h, "input");
  layouts.setExpanded(net, true);
  layouts.setExpanded(input, true);
  place(layouts);
  const inputLayout = layouts.interior(input);
  const rootLayout = layouts.interior(ROOT);
  layouts.setExpanded(find(h, "Net/Sequential[stem]"), true);
  assert.equal(layouts.interior(input), inputLayout, "a sibling's layout is kept");
  assert.notEqual(layouts.interior(ROOT), rootLayout, "the root is laid out again");
});

test("the transformer: the first view and one expansion lay out only a few boxes", () => {
  const h = new Hierarchy(transformer(48));
  const layouts = new Layouts(h);
  let scene = place(layouts);
  assert.equal(scene.items.length, 3);
  const model = find(h, "Model");
  layouts.setExpanded(model, true);
  scene = place(layouts);
  checkNoOverlap(h, scene);
  layouts.setExpanded(find(h, "Model/Encoder[enc]"), true);
  layouts.setExpanded(find(h, "Model/Encoder[enc]/ModuleList[layers]"), true);
  layouts.setExpanded(find(h, "Model/Encoder[enc]/ModuleList[layers]/Layer[0..47]"), true);
  scene = place(layouts);
  checkNoOverlap(h, scene);
  assert.ok(scene.items.length < 70, `${scene.items.length} items`);
});

test("curve: a path through every point", () => {
  assert.equal(curve([{ x: 0, y: 0 }, { x: 0, y: 10 }]), "M0,0L0,10");
  const d = curve([
    { x: 0, y: 0 },
    { x: 10, y: 10 },
    { x: 0, y: 20 },
  ]);
  assert.ok(d.startsWith("M0,0") && d.endsWith(" 0,20") && d.includes(" 10,10C"), d);
  // going down, the curve leaves and enters vertically and never passes its points sideways
  const down = curve([
    { x: 0, y: 0 },
    { x: 0, y: 10 },
    { x: 100, y: 20 },
    { x: 100, y: 40 },
  ]);
  const xs = [...down.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => Number(m[1]));
  assert.ok(Math.min(...xs) >= 0 && Math.max(...xs) <= 100, down);
  assert.ok(down.startsWith("M0,0C0,"), down);
});

test("a box of thousands of children (a graph without scopes) is laid out quickly, without overlaps", () => {
  const b = new GraphBuilder();
  for (let i = 0; i < 3000; i++) b.node(`op_${i}`, "Add");
  for (let i = 1; i < 3000; i++) b.edge(`op_${Math.floor((i - 1) / 2)}`, `op_${i}`, "4", 4);
  b.edge("op_2999", "op_0"); // a cycle
  const h = new Hierarchy(b.build());
  const layouts = new Layouts(h);
  const scene = place(layouts);
  assert.ok(h.children[ROOT].length > HUGE_BOX);
  assert.equal(scene.items.length, 3000);
  checkNoOverlap(h, scene);
  assert.equal(scene.edges.length, 3000);
});
