// The histogram series held in the browser: each (run, tag)'s histograms on the
// kernel's shared grid, with their distribution bands (HistogramDelta).
import { decodeArray, type HistogramDelta } from "../protocol";
import { asFloat64, clearInto, grow, seriesFor, type Change, type SeriesHolder } from "./holder";

/** The basis points of HistogramDelta.bands' columns (min, -1.5 sigma, ..., median, ..., max). */
export const BAND_BASIS_POINTS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000] as const;
/** Columns of a row of bands: one per basis point. */
export const BAND_COLUMNS = BAND_BASIS_POINTS.length;

/** The histograms of one (run, tag) on the kernel's shared grid, and their bands. */
export interface HistogramSeries {
  run: string;
  tag: string;
  n: number;
  total: number;
  bins: number;
  edges: Float64Array; // bins + 1
  step: Float64Array; // capacity >= n
  wall: Float64Array;
  counts: Float64Array; // row-major [n, bins]
  bands: Float64Array; // row-major [n, BAND_COLUMNS]
  version: number;
}

export class HistogramHolder implements SeriesHolder<HistogramSeries, HistogramDelta> {
  readonly series = new Map<string, HistogramSeries>();

  /** Returns true when a delta did not fit what is held (a resync is needed). */
  apply(deltas: readonly HistogramDelta[], buffers: readonly DataView[], change: Change): boolean {
    let bad = false;
    const B = BAND_COLUMNS;
    for (const d of deltas) {
      const edges = asFloat64(decodeArray(d.edges, buffers));
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const counts = decodeArray(d.counts, buffers);
      const bands = decodeArray(d.bands, buffers);
      const bins = Math.max(0, edges.length - 1);
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({
        run: d.run, tag: d.tag, n: 0, total: 0, bins, edges,
        step: new Float64Array(0), wall: new Float64Array(0), counts: new Float64Array(0), bands: new Float64Array(0), version: 0,
      }));
      let start = Math.min(d.start, s.n);
      if (bins !== s.bins && start > 0) {
        // a new grid must come whole (start 0): take what came, ask for everything
        bad = true;
        start = 0;
      }
      const n = start + step.length;
      s.bins = bins;
      s.edges = edges;
      s.step = grow(s.step, n, start);
      s.wall = grow(s.wall, n, start);
      s.counts = grow(s.counts, n * bins, start * bins);
      s.bands = grow(s.bands, n * B, start * B);
      s.step.set(step, start);
      s.wall.set(wall, start);
      s.counts.set(counts.subarray(0, step.length * bins), start * bins);
      s.bands.set(bands.subarray(0, step.length * B), start * B);
      s.n = n;
      s.total = d.total;
      s.version++;
      change.of("histograms").add(k);
    }
    return bad;
  }

  reset(_next: readonly HistogramDelta[], change: Change): void {
    clearInto(this.series, change, "histograms");
  }
}
