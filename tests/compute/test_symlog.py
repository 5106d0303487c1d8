"""The symlog axis of Board.figure and the static snapshot: the browser's rule
(js/src/symlog.ts), on the cases both sides are checked against."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tbnb.compute.symlog import symexp, symlog, symlog_constant, symlog_ticks, tick_label

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "symlog.json").read_text())["cases"]


def test_the_browsers_cases() -> None:
    for case in CASES:
        c = symlog_constant(case["values"])
        assert c == case["c"]
        t = symlog(case["values"], c)
        np.testing.assert_allclose(t, case["transformed"], rtol=1e-12, atol=1e-15)
        vals, text = symlog_ticks(float(t.min()), float(t.max()), c)
        assert text == case["ticktext"]
        np.testing.assert_allclose(vals, case["tickvals"], rtol=1e-12, atol=1e-15)


def test_transform_and_labels() -> None:
    assert np.isnan(symlog([np.nan], 1.0)[0]) and symlog([np.inf], 1.0)[0] == np.inf
    for y in (-1e6, -3.0, 0.0, 0.01, 5.0):
        assert abs(symexp(float(symlog(y, 0.01)), 0.01) - y) <= 1e-9 * max(1.0, abs(y))
    assert [tick_label(v) for v in (0, 1e6, -1e-4, 0.012345, 123.456)] == [
        "0", "1e+6", "-1e-4", "0.0123", "123",
    ]  # fmt: skip
