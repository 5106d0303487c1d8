// TensorBoard's debiased exponential moving average: non-finite values pass through
// and do not enter the average; a constant series is left as it is.

/** The smoothing weight of a board nobody set one for (TensorBoard's). */
export const DEFAULT_SMOOTHING = 0.6;

export function smooth(values: ArrayLike<number>, n: number, weight: number): Float64Array {
  const out = new Float64Array(n);
  let constant = true;
  for (let i = 1; i < n; i++) {
    if (values[i] !== values[0]) {
      constant = false;
      break;
    }
  }
  let last = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const y = values[i];
    if (constant || !Number.isFinite(y) || weight <= 0) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    count++;
    const debias = weight === 1 ? 1 : 1 - Math.pow(weight, count);
    out[i] = last / debias;
  }
  return out;
}

/** The q-th quantile (0..1) of the finite values, linear between ranks. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
