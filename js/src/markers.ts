// The size of points by how many there are: one rule for the projector's points and the
// Mesh tab's point clouds (points3d.ts), and the shape of the projector's scatter3d
// markers (pure: tested in node).

/** Point size (px) for n points: smaller as they crowd. */
export function pointSize(n: number, dims: 2 | 3): number {
  if (dims === 3) return n > 50_000 ? 1.5 : n > 10_000 ? 2 : n > 2_000 ? 3 : 4;
  return n > 50_000 ? 2 : n > 10_000 ? 3 : n > 2_000 ? 4 : 6;
}

/**
 * scatter3d draws each marker as the triangles of a glyph, twice a frame (the picture,
 * then the buffer that finds the point under the mouse): a circle is dozens of
 * triangles, a square two. Above SQUARE_ABOVE points (3 px or less, where both look
 * the same) squares: rotating 10,000 points took 433 ms a frame as circles, 117 ms as
 * squares with WebGL in software (benchmarks/bench_projector.py).
 */
export function markerSymbol(n: number, dims: 2 | 3): string {
  return dims === 3 && n > SQUARE_ABOVE ? "square" : "circle";
}
export const SQUARE_ABOVE = 2_000;
