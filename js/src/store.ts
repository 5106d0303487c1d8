// The data a board's browsers hold: one Store per widget model, shared by all of
// its views, kept current by the kernel's UpdateMessages (protocol.ts).
import { decodeArray, type Snapshot, type UpdateMessage } from "./protocol";

export interface Series {
  run: string;
  tag: string;
  n: number; // points held (downsampled)
  total: number; // raw points in the kernel
  step: Float64Array;
  wall: Float64Array;
  value: Float64Array;
  version: number; // bumped on every change, for redraw decisions
}

function grow(a: Float64Array, need: number, keep: number): Float64Array {
  if (a.length >= need) return a;
  const b = new Float64Array(Math.max(need, a.length * 2, 64));
  b.set(a.subarray(0, keep));
  return b;
}

export type Listener = (changedTags: Set<string>, runsChanged: boolean) => void;

export class Store {
  runs: string[] = [];
  series = new Map<string, Series>();
  seq = -1;
  private listeners = new Set<Listener>();

  static key(run: string, tag: string): string {
    return JSON.stringify([run, tag]);
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  applySnapshot(snapshot: Snapshot | null | undefined): void {
    if (snapshot && snapshot.message) this.apply(snapshot.message, snapshot.buffers ?? []);
  }

  /** Applies an update; returns true when a delta was missed (ask for a resync). */
  apply(msg: UpdateMessage, buffers: readonly DataView[]): boolean {
    if (msg.type !== "update") return false;
    let gap = false;
    if (msg.full) {
      this.series.clear();
    } else if (msg.seq <= this.seq) {
      return false; // already held (a snapshot made after this delta)
    } else if (this.seq >= 0 && msg.seq !== this.seq + 1) {
      gap = true;
    } else if (this.seq < 0 && msg.seq !== 1) {
      gap = true;
    }
    this.seq = msg.seq;
    const runsChanged = msg.full || msg.runs.length !== this.runs.length || msg.runs.some((r, i) => r !== this.runs[i]);
    this.runs = msg.runs.slice();
    const changed = new Set<string>();
    for (const d of msg.scalars) {
      const step = decodeArray(d.step, buffers);
      const wall = decodeArray(d.wall_time, buffers);
      const value = decodeArray(d.value, buffers);
      const k = Store.key(d.run, d.tag);
      let s = this.series.get(k);
      if (!s) {
        s = { run: d.run, tag: d.tag, n: 0, total: 0, step: new Float64Array(0), wall: new Float64Array(0), value: new Float64Array(0), version: 0 };
        this.series.set(k, s);
      }
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
      changed.add(d.tag);
    }
    if (msg.full) for (const s of this.series.values()) changed.add(s.tag);
    for (const fn of this.listeners) fn(changed, runsChanged);
    return gap;
  }

  tags(): string[] {
    const out = new Set<string>();
    for (const s of this.series.values()) out.add(s.tag);
    return [...out].sort();
  }

  seriesOf(tag: string): Series[] {
    const out: Series[] = [];
    for (const s of this.series.values()) if (s.tag === tag) out.push(s);
    return out;
  }
}
