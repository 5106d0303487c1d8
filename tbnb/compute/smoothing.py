"""TensorBoard's debiased exponential moving average (the same as js/src/smoothing.ts).

Non-finite values pass through and do not enter the average; a constant series is left
as it is.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _ema(f: F64, w: float) -> F64:
    """e_k = w e_{k-1} + (1 - w) f_k from e_{-1} = 0, vectorized by blocks.

    Inside a block of B values, e_{s+j} = w^(j+1) e_{s-1} + (1-w) w^j sum_{i<=j} w^-i f_{s+i};
    B is chosen so that w^-B stays far from overflow.
    """
    n = len(f)
    out = np.empty(n, dtype=np.float64)
    if w <= 0:
        out[:] = f
        return out
    block = max(1, min(4096, int(200 / -math.log10(w))))  # w^-block <= 1e200
    j = np.arange(block, dtype=np.float64)
    up = w ** (-j)  # w^-i
    down = w**j  # w^j
    carry = 0.0
    for s in range(0, n, block):
        chunk = f[s : s + block]
        m = len(chunk)
        acc = np.cumsum(chunk * up[:m]) * down[:m] * (1 - w)
        acc += carry * w * down[:m]
        out[s : s + m] = acc
        carry = float(acc[-1])
    return out


def smooth(values: npt.ArrayLike, weight: float) -> F64:
    y = np.asarray(values, dtype=np.float64)
    out: F64 = y.copy()
    if len(y) == 0 or weight <= 0 or bool(np.all(y == y[0])):
        return out
    finite = np.isfinite(y)
    f = y[finite]
    if weight >= 1:
        out[finite] = 0.0  # TensorBoard's formula at weight 1: the average stays at 0
        return out
    # the debias factor 1 - w^k is 1.0 in float64 once w^k < 1e-17: compute only those
    k = len(f) if weight > 0.999999 else min(len(f), int(-17 / math.log10(weight)) + 1)
    debias = np.ones(len(f), dtype=np.float64)
    debias[:k] = 1 - weight ** np.arange(1, k + 1, dtype=np.float64)
    out[finite] = _ema(f, weight) / debias
    return out
