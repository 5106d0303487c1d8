"""The symlog y axis, as the board draws it (js/src/symlog.ts is the same rule, both
checked on the same cases): t(y) = sign(y) * log10(1 + |y| / C), C a power of ten from
the data (the 5th percentile of the non-zero magnitudes, rounded down; 1 when none),
ticks at 0 and +-C * 10^k labelled with the values themselves."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


def symlog_constant(values: npt.ArrayLike) -> float:
    a = np.abs(np.asarray(values, dtype=np.float64).ravel())
    mags = np.sort(a[np.isfinite(a) & (a != 0)])
    if not len(mags):
        return 1.0
    q = float(mags[int((len(mags) - 1) * 0.05)])
    return float(10.0 ** math.floor(math.log10(q)))


def symlog(y: npt.ArrayLike, c: float) -> npt.NDArray[np.float64]:
    v = np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out: npt.NDArray[np.float64] = np.where(
            np.isfinite(v), np.sign(v) * np.log10(1 + np.abs(v) / c), v
        )
    return out


def symexp(t: float, c: float) -> float:
    return math.copysign(c * (10.0 ** abs(t) - 1), t)


def tick_label(v: float) -> str:
    """0, 0.01, 100, 1e+6, -1e-5 (as the browser writes them)."""
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e5 or a < 1e-3:
        mantissa, exp = f"{v:.0e}".split("e")
        return f"{mantissa}e{int(exp):+d}"
    text = f"{float(f'{v:.3g}'):.15g}"
    return text


def symlog_ticks(lo: float, hi: float, c: float, most: int = 9) -> tuple[list[float], list[str]]:
    """Tick positions (transformed) and labels for transformed values in [lo, hi]."""
    values: list[float] = []
    if lo <= 0 <= hi:
        values.append(0.0)
    top = max(abs(lo), abs(hi))
    decades = max(0, math.ceil(math.log10(symexp(top, c) / c + 1e-12)))
    for k in range(decades + 1):
        v = c * 10.0**k
        for s in (1, -1):
            t = float(symlog(s * v, c))
            if lo - 1e-9 <= t <= hi + 1e-9:
                values.append(s * v)
    kept = values
    every = 2
    while len(kept) > most:
        kept = [v for v in values if v == 0 or round(math.log10(abs(v) / c)) % every == 0]
        every += 1
    kept.sort()
    return [float(symlog(v, c)) for v in kept], [tick_label(v) for v in kept]
