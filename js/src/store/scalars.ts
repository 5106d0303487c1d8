// The scalar series held in the browser: the kernel's downsampled points of each
// (run, tag), replaced from each delta's `start` on.
import { decodeArray, type ScalarDelta } from "../protocol";
import { clearInto, grow, seriesFor, type Change, type SeriesHolder } from "./holder";

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

export class ScalarHolder implements SeriesHolder<ScalarSeries, ScalarDelta> {
  readonly series = new Map<string, ScalarSeries>();

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
