// The colours of the board: the run palette (a run keeps its colour on every chart,
// and the projector's categories take the same palette), and colour arithmetic.

// A palette of distinguishable colours.
const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#843c39", "#7b4173",
  "#3182bd", "#e6550d", "#31a354", "#756bb1",
];

/** The colour of the run (or category) at `index` in display order. */
export function runColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
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
