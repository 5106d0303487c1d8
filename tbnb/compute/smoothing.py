"""TensorBoard's debiased exponential moving average (the same as js/src/smoothing.ts).

Non-finite values pass through and do not enter the average; a constant series is left
as it is.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def smooth(values: npt.ArrayLike, weight: float) -> F64:
    y = np.asarray(values, dtype=np.float64)
    out: F64 = y.copy()
    if len(y) == 0 or weight <= 0 or bool(np.all(y == y[0])):
        return out
    last = 0.0
    count = 0
    for i, v in enumerate(y.tolist()):
        if not np.isfinite(v):
            continue
        last = last * weight + (1 - weight) * v
        count += 1
        debias = 1.0 if weight == 1 else 1 - weight**count
        out[i] = last / debias
    return out
