import assert from "node:assert/strict";
import { test } from "node:test";
import { prepareSeries, toCsv, toJson, writePrepared, type FullSeries } from "../src/download";
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

test("rows put together from numbers written ahead are the rows written from the points", () => {
  const odd: FullSeries = {
    run: "odd,run",
    n: 7,
    step: [0, 1, 2 ** 40, 3, 4, 5, 6],
    wall: [1765432109.123456, -0, 1e-7, 1e21, 123.5, 5e-324, 1.7976931348623157e308],
    value: [NaN, Infinity, -Infinity, 0.1, -2.5e-9, 3, Math.fround(0.3)],
  };
  const all = [series("a", 300, 1), odd, series("", 0, 2), series("b", 40, 3)];
  for (const format of ["csv", "json"] as const) {
    for (const first of [true, false]) {
      const direct = text(writePart(format, first, all));
      const ready = all.map(prepareSeries);
      const got = writePrepared(format, first, all, (i) => ready[i]);
      assert.equal(got.reused, all.length);
      assert.equal(text(got.parts), direct, `${format} first=${first}`);
      // texts of another series (a run that grew since) are not used
      const stale = writePrepared(format, first, all, (i) => (i === 0 ? prepareSeries(series("a", 299, 1)) : undefined));
      assert.equal(stale.reused, 0);
      assert.equal(text(stale.parts), direct);
    }
  }
  // non-finite values: spelled out in CSV, strings in JSON, from the prepared texts too
  const json = JSON.parse(`{"tag":"t","runs":[${text(writePrepared("json", true, [odd], () => prepareSeries(odd)).parts)}]}`);
  assert.deepEqual(json.runs[0].value.slice(0, 3), ["NaN", "Infinity", "-Infinity"]);
  assert.ok(text(writePrepared("csv", false, [odd], () => prepareSeries(odd)).parts).startsWith("\"odd,run\",0,1765432109.123456,NaN\n"));
});

test("a download's jobs are the jobs prepared: each names its series' place in the plan", async () => {
  const all = [series("a", 700, 1), series("c", 0, 2), series("d", 1_300, 3), series("e", 5, 4)];
  const seen: { first: boolean; runs: string[]; at?: { plan: string; start: number; job: number } }[] = [];
  const writer: PartWriter = {
    write(format, first, s, at) {
      seen.push({ first, runs: s.map((x) => x.run), at });
      return Promise.resolve(writePart(format, first, s));
    },
  };
  const got = await writeFile("json", "t", all.map((s) => Promise.resolve(s)), writer, 500, "plan-1");
  assert.deepEqual(seen, [
    { first: true, runs: ["a"], at: { plan: "plan-1", start: 0, job: 0 } },
    { first: false, runs: ["c", "d"], at: { plan: "plan-1", start: 1, job: 1 } },
    { first: false, runs: ["e"], at: { plan: "plan-1", start: 3, job: 2 } },
  ]);
  assert.equal(await bytes(got.parts), text(toJson("t", all)));
});
