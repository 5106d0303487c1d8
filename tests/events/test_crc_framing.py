"""CRC32C and record framing against TensorBoard's own implementation."""

from __future__ import annotations

import numpy as np
from evhelpers import frame, scalar_event, version_event
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c as tb_masked

from tbnb.events import crc
from tbnb.events.framing import Loose, Strided, find_header, frame_bytes


def test_masked_crc_matches_tensorboard() -> None:
    rng = np.random.default_rng(1)
    for n in (0, 1, 7, 8, 31, 200):
        data = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        assert crc.masked_crc32c(data) == tb_masked(data)


def test_column_crc_matches_per_record_crc() -> None:
    rng = np.random.default_rng(2)
    rows = rng.integers(0, 256, (300, 41), dtype=np.uint8)
    const = np.zeros(41, dtype=bool)
    const[[0, 3, 4, 40]] = True
    rows[:, const] = rows[0, const]
    got = crc.masked_crc_columns(rows, const, rows[0])
    want = [tb_masked(r.tobytes()) for r in rows]
    assert got.tolist() == want


def test_periodic_records_are_found_in_bulk() -> None:
    tags = ["loss", "accuracy", "lr"]
    events = [version_event()] + [scalar_event(t, s, float(s)) for s in range(1, 120) for t in tags]
    raw = b"".join(frame(e) for e in events)
    fr = frame_bytes(raw, np.frombuffer(raw, np.uint8))
    assert fr.end == len(raw) and not fr.problems
    n = sum(s.n_records if isinstance(s, Strided) else len(s.starts) for s in fr.segments)
    assert n == len(events)
    assert any(isinstance(s, Strided) and s.count > 10 for s in fr.segments)
    # every record start recovered, in order
    starts: list[int] = []
    for s in fr.segments:
        if isinstance(s, Loose):
            starts.extend(s.starts)
        else:
            for j in range(s.count):
                starts.extend(s.base + j * s.stride + o for o in s.offsets)
    want, p = [], 0
    for e in events:
        want.append(p)
        p += len(e) + 16
    assert starts == want


def test_find_header_skips_garbage() -> None:
    rec = frame(scalar_event("a", 1, 1.0))
    raw = bytes(range(200)) + rec
    assert find_header(np.frombuffer(raw, np.uint8), 0, len(raw)) == 200


def test_incomplete_record_is_left_for_later() -> None:
    raw = frame(version_event()) + frame(scalar_event("a", 1, 1.0))
    cut = raw[:-1]
    fr = frame_bytes(cut, np.frombuffer(cut, np.uint8))
    assert fr.end == len(frame(version_event())) and not fr.problems
