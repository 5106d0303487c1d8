// The hparams sessions held in the browser: one series per session run (at most one
// entry: the session as the kernel last assembled it), and the experiment configs.
import { decodeArray, type ExperimentEntry, type HParamsDelta, type HParamsInfo, type HParamValue, type SessionEntry } from "../protocol";
import { clearInto, seriesFor, type Change, type SeriesHolder } from "./holder";

/** One session, decoded: a row of the HParams table. */
export interface Session {
  run: string; // the session's own run
  tag: string; // "" (the holder's series key)
  parent: string;
  name: string;
  groupName: string;
  status: SessionEntry["status"];
  startTime: number | null;
  endTime: number | null;
  experiment: string;
  hparams: Map<string, HParamValue>;
  metrics: Map<string, number>; // metric key -> last value (NaN kept)
  notes: string[];
  version: number;
}

const str = (x: unknown): string => (typeof x === "string" ? x : x === null || x === undefined ? "" : String(x));
const num = (x: unknown): number | null => (typeof x === "number" ? x : null);
const STATUSES = new Set(["running", "success", "failure", "unknown"]);

function value(x: unknown): HParamValue {
  return typeof x === "boolean" || typeof x === "number" || typeof x === "string" ? x : null;
}

/** A SessionEntry as the kernel sent it, made safe to read. */
export function decodeSession(run: string, e: SessionEntry, buffers: readonly DataView[], version: number): Session {
  const keys = Array.isArray(e.metric_keys) ? e.metric_keys.map(str) : [];
  let values: ArrayLike<number> = [];
  try {
    values = e.metric_values ? decodeArray(e.metric_values, buffers) : [];
  } catch {
    values = [];
  }
  const metrics = new Map<string, number>();
  keys.forEach((k, i) => metrics.set(k, i < values.length ? Number(values[i]) : NaN));
  const hparams = new Map<string, HParamValue>();
  for (const pair of Array.isArray(e.hparams) ? e.hparams : []) if (Array.isArray(pair)) hparams.set(str(pair[0]), value(pair[1]));
  return {
    run,
    tag: "",
    parent: str(e.parent) || run,
    name: str(e.name) || run,
    groupName: str(e.group_name),
    status: STATUSES.has(e.status) ? e.status : "unknown",
    startTime: num(e.start_time),
    endTime: num(e.end_time),
    experiment: str(e.experiment),
    hparams,
    metrics,
    notes: Array.isArray(e.notes) ? e.notes.map(str) : [],
    version,
  };
}

export class HParamsHolder implements SeriesHolder<Session, HParamsDelta> {
  readonly series = new Map<string, Session>();
  experiments: ExperimentEntry[] = [];
  notes: string[] = [];
  /** bumped on every change of sessions or configs */
  version = 0;

  apply(deltas: readonly HParamsDelta[], buffers: readonly DataView[], change: Change): boolean {
    for (const d of deltas) {
      const entry = Array.isArray(d.sessions) && d.sessions.length ? d.sessions[d.sessions.length - 1] : null;
      this.version++;
      if (!entry) {
        const [k] = seriesFor(this.series, d.run, d.tag, () => decodeSession(d.run, {} as SessionEntry, buffers, 0));
        this.series.delete(k);
        change.of("hparams").add(k);
        continue;
      }
      const session = decodeSession(d.run, entry, buffers, this.version);
      const [k] = seriesFor(this.series, d.run, d.tag, () => session);
      this.series.set(k, session);
      change.of("hparams").add(k);
    }
    return false;
  }

  reset(_next: readonly HParamsDelta[], change: Change): void {
    clearInto(this.series, change, "hparams");
    this.version++;
  }

  /** Takes the pushed configs (the last entry of the list is the current one). */
  receive(items: readonly HParamsInfo[], change: Change): void {
    const info = Array.isArray(items) && items.length ? items[items.length - 1] : null;
    if (!info) return;
    this.experiments = Array.isArray(info.experiments) ? info.experiments : [];
    this.notes = Array.isArray(info.notes) ? info.notes.map(str) : [];
    this.version++;
    change.of("hparams_info").add("");
  }

  /** Every session, in run order. */
  sessions(): Session[] {
    return [...this.series.values()].sort((a, b) => (a.run < b.run ? -1 : a.run > b.run ? 1 : 0));
  }
}
