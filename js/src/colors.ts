// The colours of the board: the run palette, a run's colour from its name (the same
// run has the same colour on every board, in every notebook, in the static snapshot,
// `tbnb export` and Board.figure: tbnb/board/settings.py run_colour is the same rule,
// both tested against tests/fixtures/colors.json), unless the person picked one, and
// colour arithmetic. The projector's categories take the palette in order.

// A palette of distinguishable colours.
const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#843c39", "#7b4173",
  "#3182bd", "#e6550d", "#31a354", "#756bb1",
];

/** The palette's colour at `index` (a category, or a run by its place in a list). */
export function runColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** The palette, in order (for the shared test cases). */
export const RUN_PALETTE: readonly string[] = PALETTE;

/** A colour the person may pick for a run: #rrggbb. */
export const PICKED_COLOR = /^#[0-9a-fA-F]{6}$/;

const utf8 = new TextEncoder();

/** FNV-1a (32 bits) of the UTF-8 bytes of `name`. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(name)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The colour of `run`: the one picked for it (run_colors), else the palette's by its name's hash. */
export function colorOfRun(run: string, picked?: Readonly<Record<string, string>> | null): string {
  const mine = picked && Object.prototype.hasOwnProperty.call(picked, run) ? picked[run] : undefined;
  if (typeof mine === "string" && PICKED_COLOR.test(mine)) return mine.toLowerCase();
  return PALETTE[nameHash(run) % PALETTE.length];
}

/** #rrggbb as [r, g, b] in 0..255. */
export function hexRgb(color: string): [number, number, number] {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `color` (#rrggbb) mixed with white: f = 0 the colour, 1 white. */
export function tint(color: string, f: number): string {
  const mix = (c: number) => Math.round(c + (255 - c) * f);
  const [r, g, b] = hexRgb(color);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** `color` (#rrggbb) with an alpha. */
export function alpha(color: string, a: number): string {
  const [r, g, b] = hexRgb(color);
  return `rgba(${r},${g},${b},${a})`;
}
