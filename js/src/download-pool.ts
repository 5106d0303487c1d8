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
import { CSV_HEADER, JSON_TAIL, jsonHead, writePrepared, type FullSeries } from "./download";

declare const __TBNB_DOWNLOAD_WORKER__: string | undefined;

export type Format = "csv" | "json";

/** Where a job's series are in a download's plan: series `start` on, the plan's job `job`. */
export interface JobAt {
  plan: string;
  start: number;
  job: number;
}

/**
 * What a worker is sent: a part of a file (CSV rows, or JSON runs; `first`: the
 * file's first run is among them); with `at`, series the worker may have prepared.
 */
export interface WriteJob {
  kind: "write";
  id: number;
  format: Format;
  first: boolean;
  series: FullSeries[];
  at?: JobAt;
}

/** Series to write as text ahead (a download menu is open): kept by the worker for the plan's writes. */
export interface PrepareJob {
  kind: "prepare";
  at: JobAt;
  series: FullSeries[];
}

/** What a worker sends back: the part's bytes (and how many series were prepared), or why it could not write them. */
export interface WriteResult {
  id: number;
  parts?: Uint8Array<ArrayBuffer>[];
  reused?: number;
  error?: string;
}

/** Writes parts of a file. */
export interface PartWriter {
  write(format: Format, first: boolean, series: FullSeries[], at?: JobAt): Promise<Uint8Array<ArrayBuffer>[]>;
}

/** points per job: big enough that a worker's round trip is nothing beside it */
export const JOB_POINTS = 50_000;
const MAX_WORKERS = 4;
/** workers are let go after this long without a job (each holds a few MB) */
const IDLE_MS = 60_000;

/** A part written in this thread. */
export function writePart(format: Format, first: boolean, series: readonly FullSeries[]): Uint8Array<ArrayBuffer>[] {
  return writePrepared(format, first, series, () => undefined).parts;
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
  /** series written from texts prepared ahead, over the pool's life (tests, benchmarks) */
  reused = 0;
  /** the worker each job of the plan being prepared was sent to */
  private preparedBy = new Map<string, Slot>();
  private preparing = "";

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

  write(format: Format, first: boolean, series: FullSeries[], at?: JobAt): Promise<Uint8Array<ArrayBuffer>[]> {
    if (!this.warm()) return inThread.write(format, first, series);
    // a job prepared ahead goes to the worker that prepared it; others to the least busy
    let slot = at && this.preparedBy.get(jobKey(at));
    if (at) this.preparedBy.delete(jobKey(at));
    if (!slot || !this.slots.includes(slot)) {
      slot = this.slots[0];
      for (const s of this.slots) if (s.points < slot.points) slot = s;
    }
    const [own, transfer] = owned(series);
    const job: WriteJob = { kind: "write", id: this.nextId++, format, first, series: own, at };
    let points = 0;
    for (const s of own) points += s.n;
    return new Promise((resolve, reject) => {
      slot.jobs.set(job.id, { job, resolve, reject });
      slot.points += points;
      slot.worker.postMessage(job, transfer);
    });
  }

  /**
   * Writes the numbers of `sources` as text ahead, in the jobs `writeFile` will make of
   * them (a download menu is open: the person has not chosen a format yet). Each job's
   * worker keeps the texts for the plan's write of that job; a later plan replaces them.
   */
  async prepare(plan: string, sources: readonly Promise<FullSeries>[], jobPoints = JOB_POINTS): Promise<void> {
    if (!this.warm()) return;
    if (plan !== this.preparing) this.preparedBy.clear();
    this.preparing = plan;
    await batches(sources, jobPoints, (series, at) => {
      if (!this.slots.length || this.preparing !== plan) return;
      const [own, transfer] = owned(series);
      const job: PrepareJob = { kind: "prepare", at: { plan, ...at }, series: own };
      // spread over every worker: with one worker preparing (to leave the other core to
      // the points arriving), the writes after the click queued behind it (a CSV took
      // 0.73 s instead of about 0.5 s)
      const slot = this.slots[at.job % this.slots.length];
      this.preparedBy.set(jobKey(job.at), slot);
      slot.worker.postMessage(job, transfer);
    });
  }

  private answered(slot: Slot, res: WriteResult): void {
    const p = slot.jobs.get(res.id);
    if (!p) return;
    slot.jobs.delete(res.id);
    for (const s of p.job.series) slot.points -= s.n;
    this.reused += res.reused ?? 0;
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

function jobKey(at: JobAt): string {
  return `${at.job}\n${at.plan}`;
}

/** Copies of series whose arrays own their buffers (sent to a worker, not shared with the store), and those buffers. */
function owned(series: readonly FullSeries[]): [FullSeries[], Transferable[]] {
  const own = series.map((s) => ({ run: s.run, n: s.n, step: copy(s.step, s.n), wall: copy(s.wall, s.n), value: copy(s.value, s.n) }));
  const transfer: Transferable[] = [];
  for (const s of own) transfer.push(...[s.step, s.wall, s.value].map((a) => (a as Float64Array).buffer));
  return [own, transfer];
}

/**
 * Goes through `sources` in order as they arrive, in jobs of about `jobPoints` points:
 * `job(series, {start, job})` for each. The one way a download's series are cut into
 * jobs, so that the jobs prepared ahead are the jobs written. Returns the points and
 * the time spent waiting for sources; rejects with the first that fails.
 */
async function batches(
  sources: readonly Promise<FullSeries>[],
  jobPoints: number,
  job: (series: FullSeries[], at: { start: number; job: number }) => void,
): Promise<{ points: number; waitMs: number }> {
  let batch: FullSeries[] = [];
  let batchPoints = 0;
  let start = 0;
  let jobs = 0;
  const send = () => {
    if (!batch.length) return;
    job(batch, { start, job: jobs++ });
    start += batch.length;
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
  return { points, waitMs };
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
  plan?: string,
): Promise<Written> {
  for (const s of sources) s.catch(() => undefined); // a failure is met below, once
  const jobs: Promise<Uint8Array<ArrayBuffer>[]>[] = [];
  // `plan`: the sources begin with the ones prepared under it (WorkerPool.prepare)
  const { points, waitMs } = await batches(sources, jobPoints, (series, at) => {
    jobs.push(writer.write(format, at.job === 0, series, plan === undefined ? undefined : { plan, ...at }));
  });
  const t1 = performance.now();
  const written = await Promise.all(jobs);
  const writeMs = performance.now() - t1;
  const parts: BlobPart[] = [format === "csv" ? CSV_HEADER : jsonHead(tag)];
  for (const w of written) parts.push(...w);
  if (format === "json") parts.push(JSON_TAIL);
  return { parts, points, waitMs, writeMs };
}
