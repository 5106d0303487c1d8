// A scalar card's data as a file: every point of every visible run of its tag, as
// CSV (run, step, wall_time, value: one row per point) or JSON ({tag, runs: [{run,
// step, wall_time, value}]}). Non-finite values are written NaN, Infinity, -Infinity
// (JSON has no such numbers: there they are strings). The points come from the
// browser when it holds every point, from the kernel otherwise (scalar-card.ts).

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

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

export function toCsv(series: readonly FullSeries[]): string {
  const parts: string[] = ["run,step,wall_time,value\n"];
  for (const s of series) {
    const run = csvField(s.run);
    let chunk = "";
    for (let i = 0; i < s.n; i++) {
      chunk += `${run},${num(s.step[i])},${num(s.wall[i])},${num(s.value[i])}\n`;
      if (chunk.length > 1 << 16) {
        parts.push(chunk);
        chunk = "";
      }
    }
    parts.push(chunk);
  }
  return parts.join("");
}

function jsonNumbers(a: ArrayLike<number>, n: number): string {
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out[i] = Number.isFinite(v) ? String(v) : `"${num(v)}"`;
  }
  return `[${out.join(",")}]`;
}

export function toJson(tag: string, series: readonly FullSeries[]): string {
  const runs = series.map(
    (s) => `{"run":${JSON.stringify(s.run)},"step":${jsonNumbers(s.step, s.n)},"wall_time":${jsonNumbers(s.wall, s.n)},"value":${jsonNumbers(s.value, s.n)}}`,
  );
  return `{"tag":${JSON.stringify(tag)},"runs":[${runs.join(",")}]}`;
}

/** A file name for a tag: letters, digits, . _ - only. */
export function fileName(tag: string, ext: string): string {
  return `${tag.replace(/[^A-Za-z0-9_.-]+/g, "_") || "scalars"}.${ext}`;
}

/** Hands `text` to the browser as a downloaded file. */
export function saveFile(name: string, text: string, mime: string): void {
  saveBlob(new Blob([text], { type: mime }), name);
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
