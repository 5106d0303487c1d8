// The PR curves held in the browser: each (run, tag)'s points in step order, each
// point's [6, k] tensor as the kernel sent it (null, with its error, when it is not one).
import { decodeArray, type PRCurveDelta } from "../protocol";
import { clearInto, seriesFor, type Change, type SeriesHolder } from "./holder";

export interface PRCurveSeries {
  run: string;
  tag: string;
  n: number;
  total: number;
  step: number[];
  wall: number[];
  /** per point: 6 * k values, row by row (TP, FP, TN, FN, precision, recall), or null */
  curves: (Float32Array | null)[];
  errors: string[];
  version: number;
}

export class PRCurveHolder implements SeriesHolder<PRCurveSeries, PRCurveDelta> {
  readonly series = new Map<string, PRCurveSeries>();

  apply(deltas: readonly PRCurveDelta[], buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const counts = decodeArray(d.thresholds, buffers);
      const data = decodeArray(d.data, buffers);
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({ run: d.run, tag: d.tag, n: 0, total: 0, step: [], wall: [], curves: [], errors: [], version: 0 }));
      const start = Math.min(d.start, s.n);
      s.step.length = start;
      s.wall.length = start;
      s.curves.length = start;
      s.errors.length = start;
      let at = 0;
      for (let i = 0; i < step.length; i++) {
        const size = 6 * Math.max(0, counts[i] ?? 0);
        const fits = size > 0 && at + size <= data.length;
        s.step.push(step[i]);
        s.wall.push(wall[i]);
        s.curves.push(fits ? Float32Array.from(data.subarray(at, at + size)) : null);
        s.errors.push(String(d.errors?.[i] ?? "") || (fits ? "" : `step ${step[i]}: no PR curve data`));
        at += size;
      }
      s.n = s.step.length;
      s.total = d.total;
      s.version++;
      change.of("pr_curves").add(k);
    }
    return false;
  }

  reset(_next: readonly PRCurveDelta[], change: Change): void {
    clearInto(this.series, change, "pr_curves");
  }
}
