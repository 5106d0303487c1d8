// A download's rows written off the page's thread. A card of 100 runs x 10,000 points
// is 3,000,000 numbers to write as text: about half a second of script, which on the
// page's thread held every other card (and the kernel's messages bringing the next
// points) for that long. Workers write the rows instead, one job of about JOB_POINTS
// points each, as the series arrive (from the browser, or from the kernel in parts),
// two at once on a machine of two cores; the page joins their bytes in order.
//
// The workers' code is download-worker.ts, bundled by build.mjs and carried here as
// text (__TBNB_DOWNLOAD_WORKER__), started from a blob: URL, so it needs no file
// served beside the bundle. Where no worker can start (a page whose policy forbids
// them, node's tests) the rows are written here, as before.
import { CSV_HEADER, CsvFile, JSON_TAIL, jsonHead, JsonRuns, type FullSeries } from "./download";

declare const __TBNB_DOWNLOAD_WORKER__: string | undefined;

export type Format = "csv" | "json";

/** What a worker is sent: a part of a file (CSV rows, or JSON runs; `first`: the file's first run is among them). */
export interface WriteJob {
  id: number;
  format: Format;
  first: boolean;
  series: FullSeries[];
}

/** What a worker sends back: the part's bytes, or why it could not write them. */
export interface WriteResult {
  id: number;
  parts?: Uint8Array<ArrayBuffer>[];
  error?: string;
}

/** Writes parts of a file. */
export interface PartWriter {
  write(format: Format, first: boolean, series: FullSeries[]): Promise<Uint8Array<ArrayBuffer>[]>;
}

/** points per job: big enough that a worker's round trip is nothing beside it */
export const JOB_POINTS = 50_000;
const MAX_WORKERS = 4;
/** workers are let go after this long without a job (each holds a few MB) */
const IDLE_MS = 60_000;

/** A part written in this thread. */
export function writePart(format: Format, first: boolean, series: readonly FullSeries[]): Uint8Array<ArrayBuffer>[] {
  const file = format === "csv" ? new CsvFile(false) : new JsonRuns(first);
  for (const s of series) file.add(s);
  return file.done();
}

/** Writes in this thread (no worker could be started). */
export const inThread: PartWriter = {
  write: (format, first, series) => Promise.resolve(writePart(format, first, series)),
};

interface Pending {
  job: WriteJob;
  resolve: (parts: Uint8Array<ArrayBuffer>[]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Pending>;
  points: number; // points of the jobs it has not answered yet
}

/** Workers that write parts of files, each job to the least busy; in this thread when none can start. */
export class WorkerPool implements PartWriter {
  private slots: Slot[] = [];
  private broken = false;
  private nextId = 1;
  private idle: ReturnType<typeof setTimeout> | undefined;

  /** Workers running (0: parts are written in this thread). */
  get size(): number {
    return this.slots.length;
  }

  /** Starts the workers if none run (a download menu opened: they are ready by the click). */
  warm(): boolean {
    this.keepAlive();
    if (this.slots.length) return true;
    if (this.broken || typeof Worker === "undefined" || typeof __TBNB_DOWNLOAD_WORKER__ !== "string") return false;
    let url = "";
    try {
      url = URL.createObjectURL(new Blob([__TBNB_DOWNLOAD_WORKER__], { type: "text/javascript" }));
      const cores = typeof navigator !== "undefined" && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
      for (let i = 0; i < Math.max(1, Math.min(MAX_WORKERS, cores)); i++) {
        const slot: Slot = { worker: new Worker(url, { name: "tbnb download" }), jobs: new Map(), points: 0 };
        slot.worker.onmessage = (e: MessageEvent<WriteResult>) => this.answered(slot, e.data);
        // a worker that could not start (a policy against blob: workers) or broke:
        // its jobs, and every later one, are written here
        slot.worker.onerror = (e) => {
          e.preventDefault();
          this.fail(slot);
        };
        this.slots.push(slot);
      }
    } catch {
      for (const slot of this.slots) slot.worker.terminate();
      this.slots = [];
      this.broken = true;
    }
    // the workers have fetched their code once they answer; a minute is ample
    if (url) setTimeout(() => URL.revokeObjectURL(url), IDLE_MS);
    return this.slots.length > 0;
  }

  write(format: Format, first: boolean, series: FullSeries[]): Promise<Uint8Array<ArrayBuffer>[]> {
    if (!this.warm()) return inThread.write(format, first, series);
    let slot = this.slots[0];
    for (const s of this.slots) if (s.points < slot.points) slot = s;
    const own = series.map(owned);
    const job: WriteJob = { id: this.nextId++, format, first, series: own };
    const transfer: Transferable[] = [];
    for (const s of own) transfer.push(...[s.step, s.wall, s.value].map((a) => (a as Float64Array).buffer));
    let points = 0;
    for (const s of own) points += s.n;
    return new Promise((resolve, reject) => {
      slot.jobs.set(job.id, { job, resolve, reject });
      slot.points += points;
      slot.worker.postMessage(job, transfer);
    });
  }

  private answered(slot: Slot, res: WriteResult): void {
    const p = slot.jobs.get(res.id);
    if (!p) return;
    slot.jobs.delete(res.id);
    for (const s of p.job.series) slot.points -= s.n;
    if (res.parts) p.resolve(res.parts);
    else p.reject(new Error(res.error || "the download's writer failed"));
    this.keepAlive();
  }

  private fail(slot: Slot): void {
    slot.worker.terminate();
    this.slots = this.slots.filter((s) => s !== slot);
    if (!this.slots.length) this.broken = true;
    for (const p of slot.jobs.values()) {
      try {
        p.resolve(writePart(p.job.format, p.job.first, p.job.series));
      } catch (err) {
        p.reject(err as Error);
      }
    }
    slot.jobs.clear();
  }

  private keepAlive(): void {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.slots.some((s) => s.jobs.size)) {
        this.keepAlive();
        return;
      }
      for (const s of this.slots) s.worker.terminate();
      this.slots = [];
      this.idle = undefined;
    }, IDLE_MS);
  }
}

/** The page's writers, shared by every card of every board. */
export const pool = new WorkerPool();

/** A copy of a series whose arrays own their buffers (sent to a worker, not shared with the store). */
function owned(s: FullSeries): FullSeries {
  return { run: s.run, n: s.n, step: copy(s.step, s.n), wall: copy(s.wall, s.n), value: copy(s.value, s.n) };
}

function copy(a: ArrayLike<number>, n: number): ArrayLike<number> {
  if (ArrayBuffer.isView(a) && !(a instanceof DataView)) return (a as Float64Array).slice(0, n);
  return Float64Array.from({ length: n }, (_, i) => a[i]);
}

export interface Written {
  /** the file's bytes, in order */
  parts: BlobPart[];
  points: number;
  /** time spent waiting for series not yet there (the kernel's), not hidden by writing */
  waitMs: number;
  /** from the last series there to every row written */
  writeMs: number;
}

/**
 * A whole file of `sources` (in their order, each written as it arrives), its rows
 * written by `writer` in jobs of about `jobPoints` points. Rejects with the first
 * source that fails.
 */
export async function writeFile(
  format: Format,
  tag: string,
  sources: readonly Promise<FullSeries>[],
  writer: PartWriter = pool,
  jobPoints = JOB_POINTS,
): Promise<Written> {
  for (const s of sources) s.catch(() => undefined); // a failure is met below, once
  const jobs: Promise<Uint8Array<ArrayBuffer>[]>[] = [];
  let batch: FullSeries[] = [];
  let batchPoints = 0;
  let first = true;
  const send = () => {
    if (!batch.length) return;
    jobs.push(writer.write(format, first, batch));
    first = false;
    batch = [];
    batchPoints = 0;
  };
  let points = 0;
  let waitMs = 0;
  for (const source of sources) {
    const t0 = performance.now();
    const s = await source;
    waitMs += performance.now() - t0;
    batch.push(s);
    batchPoints += s.n;
    points += s.n;
    if (batchPoints >= jobPoints) send();
  }
  send();
  const t1 = performance.now();
  const written = await Promise.all(jobs);
  const writeMs = performance.now() - t1;
  const parts: BlobPart[] = [format === "csv" ? CSV_HEADER : jsonHead(tag)];
  for (const w of written) parts.push(...w);
  if (format === "json") parts.push(JSON_TAIL);
  return { parts, points, waitMs, writeMs };
}
