// What the projector knows of an embedding's points in the browser: metadata
// columns (with how each can colour the points), colours, the sprite of thumbnails,
// search. The vectors themselves stay in the kernel. Nothing here touches the DOM
// except Sprite.draw (a canvas), so it is cheap to call on 100,000 points.
import { hexRgb, runColor } from "../colors";
import { compileFilter } from "../filters";

/** A column with at most this many distinct values is a category (palette + legend). */
export const MAX_CATEGORIES = 20;

export interface Column {
  name: string;
  values: string[];
  /** category: few distinct values; number: many numeric values; text: neither (not colourable) */
  kind: "category" | "number" | "text";
  categories: string[]; // distinct values (category kind), in legend order
  counts: number[]; // points per category
  codes: Int32Array | null; // category index of each point
  numbers: Float64Array | null; // number kind: the value of each point (NaN when not a number)
  min: number;
  max: number;
  nans: number; // number kind: points whose value is not a number
}

function isNumber(v: string): boolean {
  return v.trim() !== "" && Number.isFinite(Number(v));
}

export function analyzeColumn(name: string, values: string[]): Column {
  const col: Column = { name, values, kind: "text", categories: [], counts: [], codes: null, numbers: null, min: NaN, max: NaN, nans: 0 };
  const distinct = new Map<string, number>();
  let many = false;
  for (const v of values) {
    const c = distinct.get(v);
    if (c !== undefined) distinct.set(v, c + 1);
    else if (distinct.size >= MAX_CATEGORIES) {
      many = true;
      break;
    } else distinct.set(v, 1);
  }
  let numeric = 0;
  for (const v of values) if (isNumber(v)) numeric++;
  const allNumeric = values.length > 0 && numeric === values.length;
  // one value per point (ids, names) colours nothing: leave it as text
  const unique = distinct.size === values.length && values.length > MAX_CATEGORIES / 2;
  if (!many && distinct.size > 0 && !unique) {
    const cats = [...distinct.keys()];
    if (allNumeric) cats.sort((a, b) => Number(a) - Number(b));
    else cats.sort((a, b) => distinct.get(b)! - distinct.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
    const index = new Map(cats.map((c, i) => [c, i]));
    const codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i])!;
    col.kind = "category";
    col.categories = cats;
    col.counts = cats.map((c) => distinct.get(c)!);
    col.codes = codes;
  } else if (values.length > 0 && numeric >= 0.9 * values.length) {
    const nums = new Float64Array(values.length);
    let min = Infinity;
    let max = -Infinity;
    let nans = 0;
    for (let i = 0; i < values.length; i++) {
      const v = isNumber(values[i]) ? Number(values[i]) : NaN;
      nums[i] = v;
      if (Number.isNaN(v)) nans++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    col.kind = "number";
    col.numbers = nums;
    col.min = min;
    col.max = max;
    col.nans = nans;
  }
  return col;
}

/** The column to colour by when an embedding is first shown: the first category. */
export function defaultColorColumn(columns: readonly Column[]): number {
  return columns.findIndex((c) => c.kind === "category");
}

export function categoryColor(i: number): string {
  return runColor(i);
}

// viridis, as matplotlib and TensorBoard draw numeric columns
const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];

const VIRIDIS_RGB = VIRIDIS.map(hexRgb);

function scaleRgb(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS_RGB.length - 1);
  const i = Math.min(VIRIDIS_RGB.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS_RGB[i];
  const b = VIRIDIS_RGB[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** The colour of t in [0, 1] on the continuous scale. */
export function scaleColor(t: number): string {
  const [r, g, b] = scaleRgb(t);
  return `rgb(${r},${g},${b})`;
}

/** A CSS gradient of the continuous scale, for its legend. */
export function scaleGradient(): string {
  return `linear-gradient(to right, ${VIRIDIS.join(", ")})`;
}

export const NAN_COLOR = "#bbbbbb";
export const PLAIN_COLOR = "#3e78b2";

/**
 * A colour as plotly's WebGL traces take it fastest: channels in [0, 1]. Plotly parses
 * every per-point colour string with a CSS colour parser (~30 ms per 100,000 points
 * on each restyle); arrays of channels skip the parser. One array per palette entry,
 * shared by every point.
 */
export type Channels = readonly [number, number, number, number];

function channels(rgb: readonly number[], a = 1): Channels {
  return [rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, a];
}

/**
 * Points not highlighted while a search or a selection highlights others: faint in 2D;
 * in 3D an opaque pale grey (WebGL blending of many translucent points in 3D leaves
 * them invisible), dark on a dark theme.
 */
export function dimColor(dims: 2 | 3, darkTheme: boolean): Channels {
  if (dims === 2) return [0.6, 0.6, 0.6, 0.25];
  return darkTheme ? [0.3, 0.3, 0.3, 1] : [0.86, 0.86, 0.86, 1];
}
export const DIM_CSS = "rgba(158,158,158,0.4)";

/** Whether a CSS colour (the text colour) is light, as on a dark theme. */
export function isLight(cssColor: string): boolean {
  const m = /rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(cssColor);
  if (!m) return false;
  return (0.299 * Number(m[1]) + 0.587 * Number(m[2]) + 0.114 * Number(m[3])) / 255 > 0.5;
}

/** How the points are coloured: a palette and each point's entry in it. */
export interface Coloring {
  palette: Channels[];
  css: string[]; // the same colours for CSS (legend swatches, hover card)
  of: Uint16Array; // per original point: its palette entry
}

const SHADES = 256;

/** The colouring of `n` points by `col` (null or a text column: one colour for all). */
export function coloring(col: Column | null, n: number): Coloring {
  const of = new Uint16Array(n);
  if (!col || col.kind === "text") {
    return { palette: [channels(hexRgb(PLAIN_COLOR))], css: [PLAIN_COLOR], of };
  }
  if (col.kind === "category") {
    const css = col.categories.map((_, i) => categoryColor(i));
    of.set(col.codes!.subarray(0, n));
    return { palette: css.map((c) => channels(hexRgb(c))), css, of };
  }
  // numbers: SHADES steps of the scale (shared arrays), then the colour of NaN
  const palette: Channels[] = [];
  const css: string[] = [];
  for (let s = 0; s < SHADES; s++) {
    const rgb = scaleRgb(s / (SHADES - 1));
    palette.push(channels(rgb));
    css.push(`rgb(${rgb[0]},${rgb[1]},${rgb[2]})`);
  }
  palette.push(channels(hexRgb(NAN_COLOR)));
  css.push(NAN_COLOR);
  const span = col.max - col.min || 1;
  const nums = col.numbers!;
  for (let i = 0; i < n; i++) {
    const v = nums[i];
    of[i] = Number.isNaN(v) ? SHADES : Math.round(((v - col.min) / span) * (SHADES - 1));
  }
  return { palette, css, of };
}

// TensorBoard's sprite limit, a side (the kernel checks the sheet; this guards the cell)
export const MAX_SPRITE_SIDE = 8192;

/** A sprite cell's [width, height] if it is a usable size (whole, positive, within the limit). */
export function spriteCell(size: readonly number[] | null | undefined): [number, number] | null {
  if (!size || size.length !== 2) return null;
  const [w, hh] = size;
  const ok = (v: number) => Number.isInteger(v) && v > 0 && v <= MAX_SPRITE_SIDE;
  return ok(w) && ok(hh) ? [w, hh] : null;
}

/** The sprite sheet: point i's thumbnail is cell i of a square grid, row-major. */
export class Sprite {
  bitmap: ImageBitmap | null = null;
  error = "";
  private cols: number;
  private closed = false;

  constructor(
    bytes: Uint8Array,
    readonly w: number,
    readonly h: number,
    n: number,
    onReady: () => void,
  ) {
    this.cols = Math.max(1, Math.ceil(Math.sqrt(n)));
    const blob = new Blob([bytes as BlobPart], { type: "image/png" });
    createImageBitmap(blob).then(
      (bitmap) => {
        if (this.closed) {
          bitmap.close();
          return;
        }
        this.bitmap = bitmap;
        // the sheet's own width says how many cells a row holds
        if (bitmap.width >= w) this.cols = Math.floor(bitmap.width / w);
        onReady();
      },
      (err: unknown) => {
        this.error = `the thumbnails could not be decoded (${String(err)})`;
        onReady();
      },
    );
  }

  /**
   * Draws point i's thumbnail into `canvas` at its own size (w x h pixels), and sizes
   * the canvas on screen to fit `box` CSS pixels (small thumbnails grown by a whole
   * factor, pixelated). False if not ready or the cell is outside the sheet.
   */
  draw(canvas: HTMLCanvasElement, i: number, box: number): boolean {
    if (!this.bitmap || i < 0) return false;
    const sx = (i % this.cols) * this.w;
    const sy = Math.floor(i / this.cols) * this.h;
    if (sx + this.w > this.bitmap.width || sy + this.h > this.bitmap.height) return false;
    canvas.width = this.w;
    canvas.height = this.h;
    const ctx = canvas.getContext("2d");
    if (!ctx) return false;
    ctx.clearRect(0, 0, this.w, this.h);
    ctx.drawImage(this.bitmap, sx, sy, this.w, this.h, 0, 0, this.w, this.h);
    const big = Math.max(this.w, this.h);
    const scale = big <= box ? Math.max(1, Math.floor(box / big)) : box / big;
    canvas.style.width = `${Math.round(this.w * scale)}px`;
    canvas.style.height = `${Math.round(this.h * scale)}px`;
    return true;
  }

  close(): void {
    this.closed = true;
    this.bitmap?.close();
    this.bitmap = null;
  }
}

export interface SearchResult {
  mask: Uint8Array | null; // per original point: 1 if it matches (null: no search)
  count: number;
  error: string; // an invalid regex, said in words
}

/**
 * A text (case-insensitive substring) or regex (filters.ts's dialect, case-insensitive) search over the points' values in
 * `columns` (a point matches when any of them does).
 */
export function search(columns: readonly (readonly string[])[], n: number, query: string, regex: boolean): SearchResult {
  if (query === "") return { mask: null, count: 0, error: "" };
  let test: (s: string) => boolean;
  if (regex) {
    // the filters' dialect (filters.ts), case-insensitive as the plain search
    const filter = compileFilter(query);
    if (!filter.re) return { mask: null, count: 0, error: filter.error };
    const re = filter.re.flags.includes("i") ? filter.re : new RegExp(filter.re.source, "i");
    test = (s) => re.test(s);
  } else {
    const q = query.toLowerCase();
    test = (s) => s.toLowerCase().includes(q);
  }
  const mask = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (const col of columns) {
      if (test(col[i] ?? "")) {
        mask[i] = 1;
        count++;
        break;
      }
    }
  }
  return { mask, count, error: "" };
}

/** "1,234" */
export function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

/** A distance or a share for the screen: 4 significant digits. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number(v.toPrecision(4)).toString();
}
