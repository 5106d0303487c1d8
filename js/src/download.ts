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

  /** The file's bytes, as Blob parts. */
  done(): Uint8Array<ArrayBuffer>[] {
    return this.w.done();
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
