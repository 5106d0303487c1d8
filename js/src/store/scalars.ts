// The scalar series held in the browser: the kernel's downsampled points of each
// (run, tag), replaced from each delta's `start` on; and every point of a series,
// asked of the kernel for a download (ScalarRequest) when the browser holds fewer.
import { decodeArray, type ScalarData, type ScalarDelta, type ScalarRequest } from "../protocol";
import { clearInto, grow, seriesFor, seriesKey, type Change, type SeriesHolder } from "./holder";

export interface ScalarSeries {
  run: string;
  tag: string;
  n: number; // points held (downsampled)
  total: number; // raw points in the kernel
  step: Float64Array;
  wall: Float64Array;
  value: Float64Array;
  version: number; // bumped on every change, for redraw decisions
}

/** Every point of one series (what a download holds). */
export interface FullScalars {
  run: string;
  n: number;
  step: ArrayLike<number>;
  wall: ArrayLike<number>;
  value: ArrayLike<number>;
}

/** series asked of the kernel per ScalarRequest (a card of 100 runs: 10 answers) */
export const RUNS_PER_REQUEST = 10;

type Waiter = { resolve: (s: FullScalars) => void; reject: (e: Error) => void };

export class ScalarHolder implements SeriesHolder<ScalarSeries, ScalarDelta> {
  readonly series = new Map<string, ScalarSeries>();
  /** sends a request to the kernel (set by index.ts through the store) */
  sender?: (msg: ScalarRequest) => void;
  private waiting = new Map<string, Waiter[]>();

  /**
   * Every point of the series of `runs` for `tag`, in the runs' order: those the
   * browser holds whole at once, the others asked of the kernel (which answers once a
   * running cell is done), RUNS_PER_REQUEST a request, not one message per run.
   */
  fullOf(runs: readonly string[], tag: string): Promise<FullScalars>[] {
    const ask: { run: string; tag: string }[] = [];
    const out = runs.map((run) => {
      const k = seriesKey(run, tag);
      const s = this.series.get(k);
      if (s && s.n >= s.total) return Promise.resolve({ run, n: s.n, step: s.step, wall: s.wall, value: s.value });
      return new Promise<FullScalars>((resolve, reject) => {
        const list = this.waiting.get(k);
        if (list) {
          list.push({ resolve, reject });
          return;
        }
        if (!this.sender) {
          reject(new Error("no kernel to ask"));
          return;
        }
        this.waiting.set(k, [{ resolve, reject }]);
        ask.push({ run, tag });
      });
    });
    // in parts, answered one after the other: the browser writes the first runs' rows
    // while the kernel sends the next ones
    for (let i = 0; i < ask.length && this.sender; i += RUNS_PER_REQUEST) {
      this.sender({ type: "scalar_request", items: ask.slice(i, i + RUNS_PER_REQUEST) });
    }
    return out;
  }

  /** The kernel's answer to a ScalarRequest. */
  receiveFull(items: readonly ScalarData[], buffers: readonly DataView[]): void {
    for (const item of items) {
      const k = seriesKey(item.run, item.tag);
      const list = this.waiting.get(k);
      if (!list) continue;
      this.waiting.delete(k);
      if (item.error || !item.step || !item.wall_time || !item.value) {
        for (const w of list) w.reject(new Error(item.error || "the kernel sent no points"));
        continue;
      }
      const step = decodeArray(item.step, buffers);
      const full = { run: item.run, n: step.length, step, wall: decodeArray(item.wall_time, buffers), value: decodeArray(item.value, buffers) };
      for (const w of list) w.resolve(full);
    }
  }

  apply(deltas: readonly ScalarDelta[], buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const value = decodeArray(d.value, buffers);
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({
        run: d.run, tag: d.tag, n: 0, total: 0, step: new Float64Array(0), wall: new Float64Array(0), value: new Float64Array(0), version: 0,
      }));
      const start = Math.min(d.start, s.n);
      const n = start + step.length;
      s.step = grow(s.step, n, start);
      s.wall = grow(s.wall, n, start);
      s.value = grow(s.value, n, start);
      s.step.set(step, start);
      s.wall.set(wall, start);
      s.value.set(value, start);
      s.n = n;
      s.total = d.total;
      s.version++;
      change.of("scalars").add(k);
    }
    return false;
  }

  reset(_next: readonly ScalarDelta[], change: Change): void {
    clearInto(this.series, change, "scalars");
  }

  /** Every scalar tag held, sorted. */
  tags(): string[] {
    const out = new Set<string>();
    for (const s of this.series.values()) out.add(s.tag);
    return [...out].sort();
  }

  /** The series of one tag (one per run holding it). */
  seriesOf(tag: string): ScalarSeries[] {
    const out: ScalarSeries[] = [];
    for (const s of this.series.values()) if (s.tag === tag) out.push(s);
    return out;
  }
}
