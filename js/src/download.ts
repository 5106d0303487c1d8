// A scalar card's data as a file: every point of every visible run of its tag, as
// CSV (run, step, wall_time, value: one row per point) or JSON ({tag, runs: [{run,
// step, wall_time, value}]}). Non-finite values are written NaN, Infinity, -Infinity
// (JSON has no such numbers: there they are strings). The points come from the
// browser when it holds every point, from the kernel otherwise (scalar-card.ts).
// Written as bytes in chunks (numtext.ts): a million rows make no giant string.
import { ByteWriter } from "./numtext";

export interface FullSeries {
  run: string;
  n: number;
  step: ArrayLike<number>;
  wall: ArrayLike<number>;
  value: ArrayLike<number>;
}

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const NEWLINE = 10;
const COMMA = 44;

/** A number as CSV writes it: NaN, Infinity and -Infinity spelled out. */
function csvNumber(w: ByteWriter, v: number): void {
  if (Number.isFinite(v)) w.number(v);
  else w.ascii(Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
}

export const CSV_HEADER = "run,step,wall_time,value\n";

/**
 * A column of numbers written once as text, comma-separated, for either format: a
 * JSON list is its bytes between brackets, a CSV row takes each number's slice. What
 * a download spends most on (3,000,000 numbers as exact text) is done so while the
 * person chooses a format (download-pool.ts, prepare), and the file is then put
 * together from these texts.
 */
export interface NumberColumn {
  /** the numbers' text, comma-separated; non-finite ones as CSV spells them */
  bytes: Uint8Array;
  /** where number i's text ends (it starts after the comma ending number i - 1) */
  ends: Uint32Array;
  /** every number finite (a JSON list is then the bytes as they are) */
  finite: boolean;
}

/** A series with its numbers written as text (worker-side, download-worker.ts). */
export interface PreparedSeries {
  run: string;
  n: number;
  step: NumberColumn;
  wall: NumberColumn;
  value: NumberColumn;
}

function numberColumn(a: ArrayLike<number>, n: number): NumberColumn {
  // 24 bytes is the longest number text (-1.2345678901234567e-300), and its comma
  const w = new ByteWriter(Math.max(16, n * 25));
  const ends = new Uint32Array(n);
  let finite = true;
  for (let i = 0; i < n; i++) {
    if (i) w.byte(COMMA);
    const v = a[i];
    if (!Number.isFinite(v)) finite = false;
    csvNumber(w, v);
    ends[i] = w.pos;
  }
  const [bytes] = w.done();
  return { bytes: (bytes ?? new Uint8Array(0)).slice(), ends, finite };
}

/** A series' numbers written as text, each column once (a worker's while a download menu is open). */
export function prepareSeries(s: FullSeries): PreparedSeries {
  return { run: s.run, n: s.n, step: numberColumn(s.step, s.n), wall: numberColumn(s.wall, s.n), value: numberColumn(s.value, s.n) };
}

/** Whether `p` holds `s`'s numbers (the same run and length; the caller's key says the same points). */
export function prepares(p: PreparedSeries | undefined, s: FullSeries): p is PreparedSeries {
  return !!p && p.run === s.run && p.n === s.n;
}

/** CSV rows written run by run (as their points arrive): one row per point, every number exact. */
export class CsvFile {
  private w = new ByteWriter();
  private utf8 = new TextEncoder();

  /** `header`: false for a part of a file (download-pool.ts: a worker's rows) */
  constructor(header = true) {
    if (header) this.w.ascii(CSV_HEADER);
  }

  add(s: FullSeries): void {
    const w = this.w;
    const run = this.utf8.encode(`${csvField(s.run)},`);
    const { step, wall, value } = s;
    for (let i = 0; i < s.n; i++) {
      w.bytes(run);
      csvNumber(w, step[i]);
      w.byte(COMMA);
      csvNumber(w, wall[i]);
      w.byte(COMMA);
      csvNumber(w, value[i]);
      w.byte(NEWLINE);
    }
  }

  /**
   * The rows of a series whose numbers are written already: its size known, written
   * into one buffer in one loop (137 ns a row here; 160 through the writer's methods).
   * (`_s`, its points, is for JsonRuns' non-finite columns: CSV spells them as prepared.)
   */
  addPrepared(p: PreparedSeries, _s?: FullSeries): void {
    const n = p.n;
    if (!n) return;
    const run = this.utf8.encode(`${csvField(p.run)},`);
    const rl = run.length;
    const sb = p.step.bytes;
    const wb = p.wall.bytes;
    const vb = p.value.bytes;
    const se = p.step.ends;
    const we = p.wall.ends;
    const ve = p.value.ends;
    // each row: the run and its comma, three numbers, two commas, a line break
    const out = new Uint8Array(n * (rl + 3) + sb.length + wb.length + vb.length - 3 * (n - 1));
    let o = 0;
    for (let i = 0, a = 0, b = 0, c = 0; i < n; i++) {
      for (let k = 0; k < rl; k++) out[o++] = run[k];
      for (const end = se[i]; a < end; ) out[o++] = sb[a++];
      out[o++] = COMMA;
      for (const end = we[i]; b < end; ) out[o++] = wb[b++];
      out[o++] = COMMA;
      for (const end = ve[i]; c < end; ) out[o++] = vb[c++];
      out[o++] = NEWLINE;
      a++; // past the commas between the numbers of a column
      b++;
      c++;
    }
    this.w.part(out);
  }

  /** The file's bytes, as Blob parts. */
  done(): Uint8Array<ArrayBuffer>[] {
    return this.w.done();
  }
}

/** A prepared column as a JSON list: its bytes, or number by number where some are not finite. */
function jsonColumn(w: ByteWriter, c: NumberColumn, a: ArrayLike<number>, n: number): void {
  if (c.finite) {
    w.byte(91); // [
    w.bytes(c.bytes);
    w.byte(93); // ]
  } else {
    jsonNumbers(w, a, n);
  }
}

/** A JSON list of numbers (JSON has no NaN or Infinity: those are strings). */
function jsonNumbers(w: ByteWriter, a: ArrayLike<number>, n: number): void {
  w.byte(91); // [
  for (let i = 0; i < n; i++) {
    if (i) w.byte(COMMA);
    const v = a[i];
    if (Number.isFinite(v)) w.number(v);
    else w.ascii(Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"');
  }
  w.byte(93); // ]
}

/** What a JSON file starts with, before its runs: `{"tag":...,"runs":[`. */
export function jsonHead(tag: string): string {
  return `{"tag":${JSON.stringify(tag)},"runs":[`;
}
export const JSON_TAIL = "]}";

/**
 * The runs of a JSON file, {run, step, wall_time, value} each, comma-separated;
 * `first`: these include the file's first run (no comma before it). A whole file
 * is jsonHead + JsonRuns(first) + JSON_TAIL (JsonFile), or, written in parts,
 * the head, each part's runs in order and the tail (download-pool.ts).
 */
export class JsonRuns {
  protected w = new ByteWriter();
  protected utf8 = new TextEncoder();
  private runs: number;

  constructor(first = true) {
    this.runs = first ? 0 : 1;
  }

  add(s: FullSeries): void {
    const w = this.w;
    w.bytes(this.utf8.encode(`${this.runs++ ? "," : ""}{"run":${JSON.stringify(s.run)},"step":`));
    jsonNumbers(w, s.step, s.n);
    w.ascii(',"wall_time":');
    jsonNumbers(w, s.wall, s.n);
    w.ascii(',"value":');
    jsonNumbers(w, s.value, s.n);
    w.byte(125); // }
  }

  /** A run whose numbers are written already (`s`: its points, for a column not all finite). */
  addPrepared(p: PreparedSeries, s: FullSeries): void {
    const w = this.w;
    w.bytes(this.utf8.encode(`${this.runs++ ? "," : ""}{"run":${JSON.stringify(p.run)},"step":`));
    jsonColumn(w, p.step, s.step, s.n);
    w.ascii(',"wall_time":');
    jsonColumn(w, p.wall, s.wall, s.n);
    w.ascii(',"value":');
    jsonColumn(w, p.value, s.value, s.n);
    w.byte(125); // }
  }

  done(): Uint8Array<ArrayBuffer>[] {
    return this.w.done();
  }
}

/** A JSON file written run by run: {tag, runs: [{run, step, wall_time, value}]}. */
export class JsonFile extends JsonRuns {
  constructor(tag: string) {
    super(true);
    this.w.bytes(this.utf8.encode(jsonHead(tag)));
  }

  override done(): Uint8Array<ArrayBuffer>[] {
    this.w.ascii(JSON_TAIL);
    return this.w.done();
  }
}

export function toCsv(series: readonly FullSeries[]): Uint8Array<ArrayBuffer>[] {
  const f = new CsvFile();
  for (const s of series) f.add(s);
  return f.done();
}

export function toJson(tag: string, series: readonly FullSeries[]): Uint8Array<ArrayBuffer>[] {
  const f = new JsonFile(tag);
  for (const s of series) f.add(s);
  return f.done();
}

/** A part, from the series' prepared texts where `prepared(i)` has them (the worker's). */
export function writePrepared(
  format: "csv" | "json",
  first: boolean,
  series: readonly FullSeries[],
  prepared: (i: number) => PreparedSeries | undefined,
): { parts: Uint8Array<ArrayBuffer>[]; reused: number } {
  let reused = 0;
  const file: CsvFile | JsonRuns = format === "csv" ? new CsvFile(false) : new JsonRuns(first);
  series.forEach((s, i) => {
    const p = prepared(i);
    if (prepares(p, s)) {
      file.addPrepared(p, s);
      reused++;
    } else file.add(s);
  });
  return { parts: file.done(), reused };
}

/** A file name for a tag: letters, digits, . _ - only. */
export function fileName(tag: string, ext: string): string {
  return `${tag.replace(/[^A-Za-z0-9_.-]+/g, "_") || "scalars"}.${ext}`;
}

/** Hands `parts` (text, or bytes in chunks) to the browser as a downloaded file. */
export function saveFile(name: string, parts: readonly BlobPart[], mime: string): void {
  saveBlob(new Blob(parts as BlobPart[], { type: mime }), name);
}

/** Hands `blob` to the browser as a downloaded file named `name` (every tab's downloads). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
