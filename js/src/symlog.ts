// The symlog y axis: log for values spanning zero (losses that go negative,
// gradients). plotly has no such axis, so the values are transformed here,
// t(y) = sign(y) * log10(1 + |y| / C), linear within about +-C and logarithmic
// beyond, and the ticks are placed at transformed round values (0, +-C, +-10C, ...)
// labelled with the values themselves, so the axis reads in the data's own units.
// C is a power of ten from the data: the 5th percentile of the non-zero magnitudes,
// rounded down (1 when there is none).

export function symlogConstant(values: Iterable<number>): number {
  const mags: number[] = [];
  for (const v of values) if (Number.isFinite(v) && v !== 0) mags.push(Math.abs(v));
  if (!mags.length) return 1;
  mags.sort((a, b) => a - b);
  const q = mags[Math.floor((mags.length - 1) * 0.05)];
  return Number(`1e${Math.floor(Math.log10(q))}`); // exactly rounded (Math.pow(10, -4) is not)
}

export function symlog(y: number, c: number): number {
  if (!Number.isFinite(y)) return y;
  return Math.sign(y) * Math.log10(1 + Math.abs(y) / c);
}

export function symexp(t: number, c: number): number {
  return Math.sign(t) * c * (Math.pow(10, Math.abs(t)) - 1);
}

/** A value as a tick label: 0, 0.01, 100, 1e+6, -1e-5. */
export function tickLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

export interface SymlogTicks {
  tickvals: number[];
  ticktext: string[];
}

/**
 * Ticks for transformed values in [lo, hi]: 0 (when in range) and +-C*10^k, every
 * other decade when there would be more than `most` ticks.
 */
export function symlogTicks(lo: number, hi: number, c: number, most = 9): SymlogTicks {
  const values: number[] = [];
  if (lo <= 0 && hi >= 0) values.push(0);
  const top = Math.max(Math.abs(lo), Math.abs(hi));
  const decades = Math.max(0, Math.ceil(Math.log10(symexp(top, c) / c + 1e-12)));
  for (let k = 0; k <= decades; k++) {
    const v = c * Math.pow(10, k);
    for (const s of [1, -1]) {
      const t = symlog(s * v, c);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) values.push(s * v);
    }
  }
  let kept = values;
  for (let every = 2; kept.length > most; every++) {
    kept = values.filter((v) => v === 0 || Math.round(Math.log10(Math.abs(v) / c)) % every === 0);
  }
  kept.sort((a, b) => a - b);
  return { tickvals: kept.map((v) => symlog(v, c)), ticktext: kept.map(tickLabel) };
}
