import assert from "node:assert/strict";
import { test } from "node:test";
import { toCsv, toJson, type FullSeries } from "../src/download";
import { inThread, writeFile, writePart, type PartWriter } from "../src/download-pool";
import { concat } from "../src/numtext";

function series(run: string, n: number, seed: number): FullSeries {
  const step = new Int32Array(n);
  const wall = new Float64Array(n);
  const value = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    step[i] = i * 2;
    wall[i] = 1765432109.5 + i * 0.013 + seed;
    value[i] = Math.cos(i + seed) * 3;
  }
  return { run, n, step, wall, value };
}

async function bytes(parts: BlobPart[]): Promise<string> {
  return new Blob(parts).text();
}

const text = (parts: Uint8Array[]) => new TextDecoder().decode(concat(parts));

// a writer whose parts come back in the reverse order they were asked for (as two
// workers may answer): the file must still hold them in the series' order
function reversed(): PartWriter & { jobs: number } {
  const w = {
    jobs: 0,
    write(format: "csv" | "json", first: boolean, s: FullSeries[]) {
      const k = ++w.jobs;
      return new Promise<Uint8Array<ArrayBuffer>[]>((resolve) => setTimeout(() => resolve(writePart(format, first, s)), 40 - k * 5));
    },
  };
  return w;
}

test("a file written in parts is the file written whole: CSV and JSON, in the series' order", async () => {
  const all = [series('a,"b"', 700, 1), series("c", 0, 2), series("rün", 1_300, 3), series("d", 5, 4)];
  for (const format of ["csv", "json"] as const) {
    const whole = format === "csv" ? text(toCsv(all)) : text(toJson("loss/t", all));
    const writer = reversed();
    const got = await writeFile(format, "loss/t", all.map((s) => Promise.resolve(s)), writer, 500);
    assert.equal(writer.jobs, 3); // 700 | 0 + 1,300 | 5
    assert.equal(await bytes(got.parts), whole);
    assert.equal(got.points, 2_005);
    const alone = await writeFile(format, "loss/t", all.map((s) => Promise.resolve(s)), inThread);
    assert.equal(await bytes(alone.parts), whole);
  }
  // the first run written alone, then the rest: no comma before it, one between
  const json = JSON.parse(await bytes((await writeFile("json", "t", all.map((s) => Promise.resolve(s)), inThread, 1)).parts));
  assert.deepEqual(json.runs.map((r: { run: string }) => r.run), ['a,"b"', "c", "rün", "d"]);
});

test("a file of no series, and a series that could not be had", async () => {
  assert.equal(await bytes((await writeFile("csv", "t", [])).parts), "run,step,wall_time,value\n");
  assert.deepEqual(JSON.parse(await bytes((await writeFile("json", "t", [])).parts)), { tag: "t", runs: [] });
  const bad = [Promise.resolve(series("a", 3, 0)), Promise.reject(new Error("no such series on this board"))];
  await assert.rejects(writeFile("csv", "t", bad, inThread), /no such series/);
});

test("series arriving late are waited for, and counted as waiting", async () => {
  const late = new Promise<FullSeries>((resolve) => setTimeout(() => resolve(series("b", 10, 1)), 30));
  const got = await writeFile("csv", "t", [Promise.resolve(series("a", 10, 0)), late], inThread);
  assert.ok(got.waitMs >= 20, `${got.waitMs}`);
  assert.equal((await bytes(got.parts)).split("\n").length, 22);
});
