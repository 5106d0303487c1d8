"""The expected values of the front end's run groups and tag regexes (js/src/groups.ts,
js/src/tag-match.ts), computed here with numpy and Python's re and kept in
tests/fixtures/groups.json, which js/test/groups.test.ts checks the TypeScript against.

``python tests/compute/test_group_fixture.py`` writes the fixture again; the test fails
when the committed fixture is not what numpy computes now.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "groups.json"


def group_line(
    members: list[dict[str, list[float]]], center: str, band: str, width: float
) -> dict[str, list[float | None]]:
    """The group line by the rule of js/src/groups.ts, written with numpy."""
    steps = [np.asarray(m["step"], dtype=np.float64) for m in members]
    first = min(float(s.min()) for s in steps if s.size)
    keys = [np.floor((s - first) / width) if width > 0 else s for s in steps]
    uniq = np.unique(np.concatenate(keys))
    out: dict[str, list[float | None]] = {
        k: [] for k in ("step", "center", "lower", "upper", "count")
    }
    for key in uniq:
        at = [k == key for k in keys]
        step_pts = np.concatenate([s[a] for s, a in zip(steps, at, strict=True)])
        vals = []
        for m, a in zip(members, at, strict=True):
            v = np.asarray(m["value"], dtype=np.float64)[a]
            v = v[np.isfinite(v)]
            if v.size:
                vals.append(float(v.mean()))
        out["step"].append(float(step_pts.mean()))
        out["count"].append(len(vals))
        if not vals:
            for k in ("center", "lower", "upper"):
                out[k].append(None)
            continue
        x = np.asarray(vals)
        mid = float(np.median(x)) if center == "median" else float(x.mean())
        if band == "minmax":
            lo, hi = float(x.min()), float(x.max())
        elif band == "std":
            sd = float(x.std(ddof=1)) if x.size > 1 else 0.0
            lo, hi = mid - sd, mid + sd
        elif band == "ci95":
            lo, hi = (float(q) for q in np.quantile(x, [0.025, 0.975]))
        else:
            lo = hi = mid
        out["center"].append(mid)
        out["lower"].append(lo)
        out["upper"].append(hi)
    return out


def _cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(16)
    steps = list(range(0, 50, 5))
    seeds = [
        {"step": steps, "value": list(rng.normal(1.0, 0.2, len(steps)))},
        {"step": steps, "value": list(rng.normal(1.2, 0.3, len(steps)))},
        {"step": steps, "value": list(rng.normal(0.9, 0.1, len(steps)))},
        {"step": steps, "value": list(rng.normal(1.1, 0.4, len(steps)))},
    ]
    # a member that lacks steps (stopped early, logs every other step) and one with a NaN
    gaps = [
        seeds[0],
        {"step": steps[:6], "value": seeds[1]["value"][:6]},
        {"step": steps[::2], "value": seeds[2]["value"][::2]},
        {
            "step": steps,
            "value": [math.nan if i == 3 else v for i, v in enumerate(seeds[3]["value"])],
        },
    ]
    dense = [{"step": list(range(0, 200, 1)), "value": list(rng.normal(0, 1, 200))}]
    dense.append({"step": list(range(0, 200, 3)), "value": list(rng.normal(0, 1, 67))})
    cases = []
    for name, members, width in (("seeds", seeds, 0), ("gaps", gaps, 0), ("binned", dense, 8)):
        for center in ("mean", "median"):
            for band in ("minmax", "std", "ci95", "none"):
                cases.append(
                    {
                        "name": f"{name} {center} {band}",
                        "members": members,
                        "center": center,
                        "band": band,
                        "width": width,
                        "expected": group_line(members, center, band, width),
                    }
                )
    return cases


RUNS = [
    "lr_0.1_seed1",
    "lr_0.1_seed2",
    "lr_0.01_seed1",
    "lr_0.01_seed2",
    "baseline",
    "x/lr_1_seed3",
]
GROUP_REGEXES = [r"lr_(.*)_seed\d+", r"lr_([\d.]+)", r"seed\d", r"(lr)_(\d)"]
TAGS = ["loss/train", "loss/test", "acc/mean", "acc/lower", "accuracy", "lr", "train/loss"]
TAG_PATTERNS = [["loss/.*"], ["acc"], ["loss"], [".*/loss", "lr"], ["acc/(mean|upper)"], ["x", "y"]]


def _key(run: str, pattern: str) -> str | None:
    m = re.search(pattern, run)
    if m is None:
        return None
    return " · ".join(g or "" for g in m.groups()) if m.groups() else m.group(0)


def expected() -> dict[str, Any]:
    return {
        "lines": _cases(),
        "group_keys": [
            {"regex": p, "keys": {run: _key(run, p) for run in RUNS}} for p in GROUP_REGEXES
        ],
        "tag_matches": [
            {
                "patterns": ps,
                "tags": TAGS,
                "matched": [t for t in TAGS if any(re.match(p, t) for p in ps)],
            }
            for ps in TAG_PATTERNS
        ],
    }


def _json(obj: Any) -> str:
    return json.dumps(obj, allow_nan=True).replace("NaN", '"NaN"') + "\n"


def test_fixture_is_what_numpy_computes() -> None:
    assert FIXTURE.read_text() == _json(expected()), (
        "run python tests/compute/test_group_fixture.py"
    )


if __name__ == "__main__":
    FIXTURE.write_text(_json(expected()))
