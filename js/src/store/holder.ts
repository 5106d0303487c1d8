// What every kind of data the board holds has in common: series keyed by
// (run, tag), a holder that applies the kernel's deltas for its kind, and the
// change set an update leaves for the views (which keys of which kind changed).
import type { UpdateMessage } from "../protocol";

/** The key of a (run, tag) series, in every holder and every change set. */
export function seriesKey(run: string, tag: string): string {
  return JSON.stringify([run, tag]);
}

/** What every series has: its run and tag (the views' cards are made from these). */
export interface SeriesRef {
  run: string;
  tag: string;
}

/**
 * The UpdateMessage fields that carry a list of series deltas (entries with a `start`):
 * one holder each (store/index.ts). The other list fields carry pushed data.
 */
export type DeltaField = { [K in keyof UpdateMessage]: UpdateMessage[K] extends readonly { start: number }[] ? K : never }[keyof UpdateMessage];

/** The UpdateMessage fields of pushed data (image bytes, graphs, the hparams configs). */
export type PushedField = Exclude<{ [K in keyof UpdateMessage]: UpdateMessage[K] extends readonly unknown[] ? K : never }[keyof UpdateMessage], DeltaField | "runs">;

/** Names of the change sets: a kind's series, or pushed data received. */
export type ChangeName = DeltaField | PushedField;

/**
 * What one update changed, so views redraw only that: per change name the keys
 * (seriesKey) of the series changed. `full`: everything was replaced; `runs`: the
 * list of runs changed.
 */
export class Change {
  full = false;
  runs = false;
  private sets = new Map<ChangeName, Set<string>>();

  /** The keys changed under `name` (an empty set when none). */
  of(name: ChangeName): Set<string> {
    let set = this.sets.get(name);
    if (!set) {
      set = new Set();
      this.sets.set(name, set);
    }
    return set;
  }

  /** Whether anything at all changed. */
  get empty(): boolean {
    return !this.full && !this.runs && [...this.sets.values()].every((s) => s.size === 0);
  }
}

/**
 * The browser's part of one kind of data: its series by key, kept current by the
 * kernel's deltas of that kind (the UpdateMessage field it is registered under).
 */
export interface SeriesHolder<S extends SeriesRef, D> {
  readonly series: ReadonlyMap<string, S>;
  /**
   * Applies a list of deltas, marking the keys changed; returns true when a delta
   * did not fit what is held (the store then asks the kernel for everything).
   */
  apply(deltas: readonly D[], buffers: readonly DataView[], change: Change): boolean;
  /** Forgets every series before a full update (`next`: its deltas of this kind). */
  reset(next: readonly D[], change: Change): void;
}

/** The delta type of an UpdateMessage field. */
export type DeltaOf<F extends DeltaField> = UpdateMessage[F][number];

/** `a` with room for `need` elements, keeping its first `keep`. */
export function grow(a: Float64Array, need: number, keep: number): Float64Array {
  if (a.length >= need) return a;
  const b = new Float64Array(Math.max(need, a.length * 2, 64));
  b.set(a.subarray(0, keep));
  return b;
}

export function asFloat64(a: ArrayLike<number>): Float64Array {
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

/** The series of `map` keyed by (run, tag), made empty by `make` when first seen. */
export function seriesFor<S>(map: Map<string, S>, run: string, tag: string, make: () => S): [string, S] {
  const k = seriesKey(run, tag);
  let s = map.get(k);
  if (!s) {
    s = make();
    map.set(k, s);
  }
  return [k, s];
}

/** Marks every key of `map` as changed under `name`, then empties it. */
export function clearInto(map: Map<string, unknown>, change: Change, name: ChangeName): void {
  for (const k of map.keys()) change.of(name).add(k);
  map.clear();
}
