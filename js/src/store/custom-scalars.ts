// The Custom Scalars layout held in the browser: one series (run and tag ""), the
// board's layout merged over its runs by the kernel (tbnb/board/feeds/custom_scalars.py).
// The charts' data are the scalar series the scalars holder holds.
import type { CustomScalarsDelta, LayoutCategoryEntry } from "../protocol";
import { clearInto, seriesFor, type Change, type SeriesHolder } from "./holder";

export interface LayoutSeries {
  run: string;
  tag: string;
  categories: LayoutCategoryEntry[];
  notes: string[];
  version: number;
}

export class CustomScalarsHolder implements SeriesHolder<LayoutSeries, CustomScalarsDelta> {
  readonly series = new Map<string, LayoutSeries>();

  apply(deltas: readonly CustomScalarsDelta[], _buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({ run: d.run, tag: d.tag, categories: [], notes: [], version: 0 }));
      if (d.total === 0) this.series.delete(k);
      s.categories = d.categories ?? [];
      s.notes = d.notes ?? [];
      s.version++;
      change.of("custom_scalars").add(k);
    }
    return false;
  }

  reset(_next: readonly CustomScalarsDelta[], change: Change): void {
    clearInto(this.series, change, "custom_scalars");
  }

  /** The layout (null: no run holds one). */
  layout(): LayoutSeries | null {
    for (const s of this.series.values()) return s;
    return null;
  }
}
