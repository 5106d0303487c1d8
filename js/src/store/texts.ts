// The text series held in the browser: each (run, tag)'s texts in step order.
import { decodeArray, type TextDelta, type TextEntry } from "../protocol";
import { clearInto, seriesFor, type Change, type SeriesHolder } from "./holder";

export interface TextSeries {
  run: string;
  tag: string;
  n: number;
  total: number;
  step: number[];
  wall: number[];
  texts: TextEntry[];
  version: number;
}

/** An entry as the kernel sent it, made safe to read (missing parts become empty). */
function textEntry(t: Partial<TextEntry> | undefined): TextEntry {
  const e = t ?? {};
  return { text: String(e.text ?? ""), shape: Array.isArray(e.shape) ? e.shape : [], cells: Array.isArray(e.cells) ? e.cells.map(String) : [] };
}

export class TextHolder implements SeriesHolder<TextSeries, TextDelta> {
  readonly series = new Map<string, TextSeries>();

  apply(deltas: readonly TextDelta[], buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const [k, s] = seriesFor(this.series, d.run, d.tag, () => ({ run: d.run, tag: d.tag, n: 0, total: 0, step: [], wall: [], texts: [], version: 0 }));
      const start = Math.min(d.start, s.n);
      s.step.length = start;
      s.wall.length = start;
      s.texts.length = start;
      for (let i = 0; i < step.length; i++) {
        s.step.push(step[i]);
        s.wall.push(wall[i]);
        s.texts.push(textEntry(d.texts[i]));
      }
      s.n = s.step.length;
      s.total = d.total;
      s.version++;
      change.of("texts").add(k);
    }
    return false;
  }

  reset(_next: readonly TextDelta[], change: Change): void {
    clearInto(this.series, change, "texts");
  }
}
