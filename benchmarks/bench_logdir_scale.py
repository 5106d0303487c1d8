"""Scale figures of tbnb's reader (issue 12): many runs, many rows, a gigabyte of zeros.

Each figure is printed beside its goal as soon as it is measured:

(a) 10,000 runs: ``reload()`` with nothing new (what a 1 s poller pays each second);
(b) 2,000 runs x 5 tags x 100 points: first ``reload()``;
(c) ``Logdir.to_pandas()`` of those 1,000,000 rows;
(d) a file holding 1 GB of zeros between valid records: ``reload()`` crossing them;
(e) ``Board.figure()`` of one tag over the 2,000 runs of (b).

TensorBoard's EventMultiplexer (EventAccumulator) and tbparse are measured on the same
logdirs where the measurement means the same thing (on a subset, scaled, when the whole
would take minutes). Logdirs are written into ``benchmarks/.cache/scale/`` (git-ignored;
kept between runs) by a direct framing writer whose bytes are checked against
tensorboardX's on a sample first. Run from the repository root::

    python benchmarks/bench_logdir_scale.py            # everything, < 10 minutes
    python benchmarks/bench_logdir_scale.py --no-peers # tbnb only
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache" / "scale"
# TBNB_SRC: another checkout to measure (e.g. the code before a change), this one if unset
sys.path.insert(0, os.environ.get("TBNB_SRC", str(HERE.parent)))

import google_crc32c  # noqa: E402

TAGS = ("loss", "accuracy", "lr", "grad_norm", "val/loss")
NAME = "events.out.tfevents.1700000000.bench"


# ---------------------------------------------------------------- writing
def _masked(data: bytes) -> int:
    c = google_crc32c.value(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _frame(data: bytes) -> bytes:
    head = struct.pack("<Q", len(data))
    return head + struct.pack("<I", _masked(head)) + data + struct.pack("<I", _masked(data))


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def version_record(wall: float) -> bytes:
    v = b"brain.Event:2"
    return _frame(b"\x09" + struct.pack("<d", wall) + b"\x1a" + _varint(len(v)) + v)


def scalar_record(tag: str, step: int, value: float, wall: float) -> bytes:
    """An Event as tensorboardX's add_scalar writes it (simple_value)."""
    t = tag.encode()
    val = b"\x0a" + _varint(len(t)) + t + b"\x15" + struct.pack("<f", value)
    summ = b"\x0a" + _varint(len(val)) + val
    ev = b"\x09" + struct.pack("<d", wall)
    if step:
        ev += b"\x10" + _varint(step)
    ev += b"\x2a" + _varint(len(summ)) + summ
    return _frame(ev)


def check_writer() -> None:
    """The direct writer's bytes equal tensorboardX's, given the same wall times."""
    from tensorboardX import SummaryWriter

    from tbnb.events.proto import events_pb2

    with tempfile.TemporaryDirectory() as d:
        with SummaryWriter(d) as w:
            for step in (0, 1, 2, 127, 128, 300, 70000):
                for i, tag in enumerate(TAGS):
                    w.add_scalar(tag, step * 0.37 + i, step)
        (path,) = Path(d).iterdir()
        raw = path.read_bytes()
    p, ours = 0, []
    while p < len(raw):
        (n,) = struct.unpack_from("<Q", raw, p)
        ev = events_pb2.Event.FromString(raw[p + 12 : p + 12 + n])  # type: ignore[attr-defined]
        if ev.file_version:
            ours.append(version_record(ev.wall_time))
        else:
            v = ev.summary.value[0]
            ours.append(scalar_record(v.tag, ev.step, v.simple_value, ev.wall_time))
        p += n + 16
    assert b"".join(ours) == raw, "the direct writer differs from tensorboardX"
    print(f"direct writer: same bytes as tensorboardX on {len(ours)} records")


def write_runs(root: Path, n_runs: int, n_tags: int, n_points: int) -> Path:
    """``n_runs`` runs (run00000/...) of ``n_tags`` tags x ``n_points`` steps, once."""
    done = root / ".complete"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    t0 = time.perf_counter()
    tags = TAGS[:n_tags]
    for r in range(n_runs):
        run = root / f"run{r:05d}"
        run.mkdir()
        parts = [version_record(1.7e9 + r)]
        for s in range(n_points):
            wall = 1.7e9 + r + s * 0.01
            parts.extend(scalar_record(t, s, (r + s * i) * 0.001, wall) for i, t in enumerate(tags))
        (run / NAME).write_bytes(b"".join(parts))
    done.write_text("ok\n")
    print(f"  wrote {root.name} in {time.perf_counter() - t0:.1f} s")
    return root


def write_zeros(root: Path, gb: float) -> Path:
    done = root / ".complete"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    t0 = time.perf_counter()
    block = bytes(64 << 20)
    with (root / NAME).open("wb") as f:
        f.write(version_record(1.7e9))
        f.write(b"".join(scalar_record("loss", s, s, 1.7e9 + s) for s in range(10)))
        for _ in range(int(gb * 16)):
            f.write(block)
        f.write(b"".join(scalar_record("loss", s, s, 1.7e9 + s) for s in range(10, 20)))
    done.write_text("ok\n")
    print(f"  wrote {root.name} in {time.perf_counter() - t0:.1f} s")
    return root


# ---------------------------------------------------------------- measuring
def timed(f: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def show(label: str, seconds: float, goal: float | None = None, note: str = "") -> None:
    if goal is None:
        print(f"  {label:<52} {seconds:8.3f} s  {note}", flush=True)
        return
    verdict = "met" if seconds <= goal else "NOT MET"
    print(f"  {label:<52} {seconds:8.3f} s  goal <= {goal:g} s: {verdict} {note}", flush=True)


def bench_idle(peers: bool) -> None:
    from tbnb.events import Logdir

    print("(a) 10,000 runs x 1 tag x 5 points: reload() with nothing new")
    root = write_runs(CACHE / "runs10000", 10_000, 1, 5)
    ld = Logdir(root)
    show("tbnb first reload", timed(ld.reload))
    # as a 1 s poller calls it (folders are looked at again every few seconds, each
    # at its own time): 15 reloads one second apart
    idle, cpu = [], []
    for _ in range(15):
        t0, c0 = time.perf_counter(), time.process_time()
        ld.reload()
        idle.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - t0)))
    show("tbnb reload, nothing new, 1 s poller (median of 15)", statistics.median(idle), 0.1)
    show("  slowest of the 15", max(idle))
    show("  CPU time per reload, mean (share of a core)", statistics.mean(cpu))
    if peers:
        from tensorboard.backend.event_processing import event_multiplexer

        sub = 1_000
        mux = event_multiplexer.EventMultiplexer(size_guidance={"scalars": 0})
        for r in range(sub):
            mux.AddRunsFromDirectory(str(root / f"run{r:05d}"), name=f"run{r:05d}")
        mux.Reload()
        t = statistics.median(timed(mux.Reload) for _ in range(3)) * 10_000 / sub
        show("EventMultiplexer.Reload, nothing new (x10 of 1,000)", t)


def bench_first_read(peers: bool) -> None:
    from tbnb.events import Logdir

    print("(b) 2,000 runs x 5 tags x 100 points: first reload()")
    root = write_runs(CACHE / "runs2000x5x100", 2_000, 5, 100)
    timed(lambda: Logdir(root).reload())  # warm the page cache
    ld = Logdir(root)
    show("tbnb first reload", timed(ld.reload), 2.0)
    print("(c) Logdir.to_pandas() of 1,000,000 rows")
    frame = None

    def to_pandas() -> None:
        nonlocal frame
        frame = ld.to_pandas()

    t = timed(to_pandas)
    show("tbnb to_pandas", t, 1.0, f"({len(frame) if frame is not None else 0:,} rows)")
    bench_figure(root)
    if not peers:
        return
    from tensorboard.backend.event_processing import event_multiplexer

    sub = 200
    scale = 2_000 / sub
    mux = event_multiplexer.EventMultiplexer(size_guidance={"scalars": 0})
    for r in range(sub):
        mux.AddRunsFromDirectory(str(root / f"run{r:05d}"), name=f"run{r:05d}")
    show("EventMultiplexer first Reload (x10 of 200 runs)", timed(mux.Reload) * scale)
    try:
        from tbparse import SummaryReader
    except ImportError:
        return
    with tempfile.TemporaryDirectory() as d:
        for r in range(sub):
            (Path(d) / f"run{r:05d}").symlink_to(root / f"run{r:05d}")
        t = timed(lambda: SummaryReader(d, pivot=False).scalars)
    show("tbparse SummaryReader(...).scalars (x10 of 200 runs)", t * scale, note="(read + frame)")


def bench_figure(root: Path) -> None:
    """(e) Board.figure() of one tag over the 2,000 runs (what a notebook asks for a paper)."""
    import tbnb

    print("(e) Board.figure('loss') of 2,000 runs (smoothed and raw line each)")
    board = tbnb.Board(root, reload_interval=0)
    try:
        fig = None

        def make() -> None:
            nonlocal fig
            fig = board.figure("loss")

        t = timed(make)
        traces = len(fig.data) if fig is not None else 0
        show("tbnb Board.figure", t, 1.0, f"({traces:,} traces)")
    finally:
        board.close()


def bench_zeros(gb: float) -> None:
    from tbnb.events import Logdir

    print(f"(d) one file with {gb:g} GB of zeros between records: reload()")
    root = write_zeros(CACHE / f"zeros{gb:g}gb", gb)
    path = root / NAME
    t_read = timed(lambda: _read_all(path))  # disk (page cache) speed, for comparison
    ld = Logdir(root)
    t = timed(ld.reload)
    n = len(ld.scalars(".", "loss"))
    count = getattr(ld, "problem_count", len(ld.problems))  # older code: no count
    show(f"tbnb reload across {gb:g} GB of zeros", t, None, f"({n} points, {count} problems)")
    show("reading the same file with f.read in 64 MiB chunks", t_read)


def _read_all(path: Path) -> None:
    with path.open("rb") as f:
        while f.read(64 << 20):
            pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-peers", action="store_true", help="tbnb only")
    ap.add_argument("--zeros-gb", type=float, default=1.0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    check_writer()
    bench_idle(not args.no_peers)
    bench_first_read(not args.no_peers)
    bench_zeros(args.zeros_gb)
    print(f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
