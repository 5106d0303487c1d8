// The pure part of the PR Curves tab: a point's [6, k] tensor as the curve drawn.

/** Rows of a PR curve tensor, as the writers lay it out. */
export const TP = 0;
export const FP = 1;
export const TN = 2;
export const FN = 3;
export const PRECISION = 4;
export const RECALL = 5;

export interface Curve {
  recall: number[];
  precision: number[];
  /** per drawn point: [threshold, TP, FP, TN, FN] (the hover's numbers) */
  info: [number, number, number, number, number][];
}

/**
 * The points drawn of a [6, k] curve (row-major `data`): threshold i is i / (k - 1), as
 * the writers compute them. Thresholds at the end where TP + FP = 0 (nothing predicted
 * positive: precision undefined, written as 0) are left out, as TensorBoard does.
 */
export function curvePoints(data: ArrayLike<number>, k: number): Curve {
  const at = (row: number, i: number) => Number(data[row * k + i]);
  let end = k;
  while (end > 1 && at(TP, end - 1) + at(FP, end - 1) === 0) end--;
  const out: Curve = { recall: [], precision: [], info: [] };
  for (let i = 0; i < end; i++) {
    out.recall.push(at(RECALL, i));
    out.precision.push(at(PRECISION, i));
    out.info.push([k > 1 ? i / (k - 1) : 0, at(TP, i), at(FP, i), at(TN, i), at(FN, i)]);
  }
  return out;
}
