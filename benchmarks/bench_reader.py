"""Benchmark of tbnb's reading engine against TensorBoard's loaders and tbparse.

Corpus: 4 runs x 10 tags x 100,000 steps of scalars as tensorboardX's
``SummaryWriter.add_scalar`` writes them (4 million events, about 200 MB), written by
fastwrite.py (its bytes checked against tensorboardX's first) once into
``benchmarks/.cache/`` (git-ignored; delete that folder to regenerate; seconds).
``--quick`` uses a small corpus (4 runs x 10 tags x 2,000 steps). Each figure is
printed as soon as it is measured; tbnb's peak RSS while loading is printed beside
what it settles at.

Run from the repository root::

    python benchmarks/bench_reader.py            # full corpus (first run writes it: minutes)
    python benchmarks/bench_reader.py --quick    # seconds
    python benchmarks/bench_reader.py --no-peers # tbnb only
    TBNB_SRC=/path/to/other/checkout python benchmarks/bench_reader.py   # its tbnb measured
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
# TBNB_SRC: another checkout's tbnb to measure (the code before a change), else this one
sys.path[:0] = [os.environ.get("TBNB_SRC", str(HERE.parent)), str(HERE)]
CACHE = HERE / ".cache"
TAGS = [
    "loss",
    "accuracy",
    "lr",
    "grad_norm",
    "train/loss_total",
    "val/loss",
    "val/accuracy",
    "weights/l2",
    "throughput/samples_per_sec",
    "memory/gpu_mb",
]
N_RUNS = 4


def _write_run(args: tuple[str, int, int]) -> str:
    """One run as tensorboardX's ``add_scalar`` loop writes it (fastwrite.py: the same
    bytes, checked against tensorboardX first): for each step, each tag in turn."""
    from fastwrite import write_scalars

    path, steps, seed = args
    rng = np.random.default_rng(seed)
    values = rng.standard_normal((steps, len(TAGS)))
    step = np.arange(steps, dtype=np.int64)
    # a step every 10 ms, each tag 1 us after the previous one
    walls = 1.7e9 + seed + step[:, None] * 0.01 + np.arange(len(TAGS)) * 1e-6
    Path(path).mkdir(parents=True, exist_ok=True)
    name = Path(path) / f"events.out.tfevents.{1_700_000_000 + seed}.bench"
    write_scalars(name, TAGS, step, values, walls, 1.7e9 + seed)
    return path


def corpus(steps: int) -> Path:
    """Write (once) and return the corpus directory for ``steps`` steps per tag."""
    from fastwrite import check_against_tensorboardx

    root = CACHE / f"fast_{N_RUNS}x{len(TAGS)}x{steps}"
    done = root / ".complete"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        n = check_against_tensorboardx(tmp)
    print(f"fast writer: the same bytes as tensorboardX's add_scalar on {n} records", flush=True)
    t0 = time.perf_counter()
    print(f"writing {root} ({N_RUNS} runs x {len(TAGS)} tags x {steps:,} steps)", flush=True)
    for i in range(N_RUNS):
        _write_run((str(root / f"run{i}"), steps, i))
        print(f"  run{i} written ({time.perf_counter() - t0:.1f} s)", flush=True)
    done.write_text("ok\n")
    print(f"wrote corpus {root} in {time.perf_counter() - t0:.1f} s", flush=True)
    return root


# ---------------------------------------------------------------- measurements
def _proc_rss(pid: int | str = "self") -> int:
    """Resident set size in bytes (Linux /proc), 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _rss() -> int:
    return _proc_rss()


def _reset_peak() -> bool:
    """Set this process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss() -> int:
    """This process's peak RSS in bytes: VmHWM, else getrusage's ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure_tbnb(path: str) -> dict[str, float]:
    """Full load in this (fresh) process: seconds, points, RSS growth once settled and
    at its peak during the load (both from the RSS before it)."""
    from tbnb.events import Logdir

    gc.collect()
    rss0 = _rss()
    reset = _reset_peak()
    ld = Logdir(path)
    t0 = time.perf_counter()
    ld.reload()
    secs = time.perf_counter() - t0
    peak = _peak_rss()
    gc.collect()
    rss1 = _rss()
    points = sum(len(ld.scalars(r, t)) for r in ld.runs() for t in ld.tags(r)["scalars"])
    assert not ld.problems, ld.problems[:3]
    return {
        "seconds": secs,
        "points": points,
        "rss_growth": rss1 - rss0,
        "peak_growth": peak - rss0,
        "peak_reset": float(reset),
    }


def _child(func: str, *args: str) -> dict[str, float]:
    """Run ``func`` of this module in a fresh interpreter; return its JSON result."""
    import json

    src = os.environ.get("TBNB_SRC", str(HERE.parent))
    code = (
        f"import json, sys; sys.path[:0] = [{src!r}, {str(HERE)!r}]; import bench_reader as b; "
        f"print(json.dumps(b.{func}(*{list(args)!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=HERE.parent
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def prefix_copy(src_dir: Path, n_events: int, dst_dir: Path) -> int:
    """Copy the first ``n_events`` records of each run's file (a subset corpus)."""
    import struct

    total = 0
    for run in sorted(p for p in src_dir.iterdir() if p.is_dir())[:1]:
        (f,) = list(run.iterdir())
        raw = f.read_bytes()
        p = 0
        for _ in range(n_events):
            if p >= len(raw):
                break
            (length,) = struct.unpack_from("<Q", raw, p)
            p += length + 16
            total += 1
        out = dst_dir / run.name
        out.mkdir(parents=True, exist_ok=True)
        (out / f.name).write_bytes(raw[:p])
    return total


def measure_event_accumulator(path: str) -> dict[str, float]:
    from tensorboard.backend.event_processing.event_multiplexer import EventMultiplexer

    t0 = time.perf_counter()
    mux = EventMultiplexer(size_guidance={"scalars": 0})  # 0 = keep all
    mux.AddRunsFromDirectory(path)
    mux.Reload()
    secs = time.perf_counter() - t0
    points = 0
    for run, tags in mux.Runs().items():
        for tag in tags.get("scalars", []):
            points += len(mux.Scalars(run, tag))
    return {"seconds": secs, "points": points}


def measure_tbparse(path: str) -> dict[str, float]:
    from tbparse import SummaryReader

    t0 = time.perf_counter()
    df = SummaryReader(path, pivot=False, extra_columns={"dir_name"}).scalars
    secs = time.perf_counter() - t0
    return {"seconds": secs, "points": len(df)}


def measure_data_server(path: str, expected_points: int, checksum: bool) -> dict[str, float]:
    """Time until tensorboard-data-server (keeping all scalars) serves every point."""
    import grpc
    import tensorboard_data_server
    from tensorboard.data.proto import data_provider_pb2 as pb
    from tensorboard.data.proto import data_provider_pb2_grpc as pbg

    binary = tensorboard_data_server.server_binary()
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        args = [
            binary,
            "--logdir",
            path,
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--reload",
            "once",
            "--samples-per-plugin",
            "scalars=all",
            "--host",
            "127.0.0.1",
        ]
        args.append("--checksum" if checksum else "--no-checksum")
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not port_file.exists() or not port_file.read_text().strip():
                time.sleep(0.002)
            port = int(port_file.read_text())
            chan = grpc.insecure_channel(
                f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", -1)]
            )
            stub = pbg.TensorBoardDataProviderStub(chan)
            req = pb.ListScalarsRequest(experiment_id="")
            req.plugin_filter.plugin_name = "scalars"
            want_max = None
            while True:
                resp = stub.ListScalars(req)
                maxes = [t.metadata.max_step for r in resp.runs for t in r.tags]
                n_tags = len(maxes)
                if want_max is None and n_tags:
                    want_max = expected_points
                if n_tags and sum(m + 1 for m in maxes) >= expected_points:
                    break
                time.sleep(0.01)
            secs = time.perf_counter() - t0
            rss = _proc_rss(proc.pid)
            # check: read every point back
            rreq = pb.ReadScalarsRequest(experiment_id="")
            rreq.plugin_filter.plugin_name = "scalars"
            rreq.downsample.num_points = 10**9
            got = 0
            for r in resp.runs:
                rreq.run_tag_filter.runs.names.append(r.run_name)
                for t in r.tags:
                    if t.tag_name not in rreq.run_tag_filter.tags.names:
                        rreq.run_tag_filter.tags.names.append(t.tag_name)
            for rd in stub.ReadScalars(rreq).runs:
                for td in rd.tags:
                    got += len(td.data.step)
            chan.close()
        finally:
            proc.kill()
            proc.wait()
    return {"seconds": secs, "points": got, "rss": rss}


def thousand_runs(root: Path) -> Path:
    d = root / "runs1000"
    if (d / ".complete").exists():
        return d
    import struct

    from tensorboard.compat.proto import event_pb2
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

    def rec(data: bytes) -> bytes:
        h = struct.pack("<Q", len(data))
        return (
            h + struct.pack("<I", masked_crc32c(h)) + data + struct.pack("<I", masked_crc32c(data))
        )

    blob = b""
    for s in range(10):
        ev = event_pb2.Event(wall_time=1e9 + s, step=s)
        ev.summary.value.add(tag="loss", simple_value=s / 10)
        blob += rec(ev.SerializeToString())
    for i in range(1000):
        run = d / f"run{i:04d}"
        run.mkdir(parents=True, exist_ok=True)
        (run / "events.out.tfevents.1.host").write_bytes(blob)
    (d / ".complete").write_text("ok\n")
    return d


def measure_noop_and_append(root: Path, big_file: Path) -> dict[str, float]:

    from tbnb.events import Logdir

    out: dict[str, float] = {}
    d = thousand_runs(root)
    ld = Logdir(d)
    ld.reload()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        ch = ld.reload()
        times.append(time.perf_counter() - t0)
        assert not ch
    out["noop_1000_runs"] = sorted(times)[2]

    # appending k events to a file already read: time ~ k, not file size
    import struct

    from tensorboard.compat.proto import event_pb2
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

    def rec(data: bytes) -> bytes:
        h = struct.pack("<Q", len(data))
        return (
            h + struct.pack("<I", masked_crc32c(h)) + data + struct.pack("<I", masked_crc32c(data))
        )

    with tempfile.TemporaryDirectory() as tmp:
        for label, src in (("small", None), ("big", big_file)):
            run = Path(tmp) / label
            run.mkdir()
            f = run / "events.out.tfevents.1.host"
            if src is None:
                f.write_bytes(b"")
            else:
                shutil.copyfile(src, f)
            ld = Logdir(run)
            ld.reload()
            step = 10**6
            for k in (10, 1000, 100000):
                blob = bytearray()
                for i in range(k):
                    ev = event_pb2.Event(wall_time=2e9 + i, step=step + i)
                    ev.summary.value.add(tag=TAGS[i % len(TAGS)], simple_value=i / 3)
                    blob += rec(ev.SerializeToString())
                step += k
                with f.open("ab") as fh:
                    fh.write(blob)
                t0 = time.perf_counter()
                ld.reload()
                out[f"append_{label}_{k}"] = time.perf_counter() - t0
    return out


def irregular_corpus(root: Path, n: int = 400_000) -> Path:
    """One file of ``n`` scalar events with tags in random order (no period to find)."""
    import random
    import struct

    from tensorboard.compat.proto import event_pb2
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

    d = root / f"irregular_{n}"
    if (d / ".complete").exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(0)
    parts = []
    for i in range(n):
        ev = event_pb2.Event(wall_time=1.7e9 + i / 100, step=i)
        ev.summary.value.add(tag=rnd.choice(TAGS), simple_value=rnd.random())
        data = ev.SerializeToString()
        h = struct.pack("<Q", len(data))
        parts.append(h + struct.pack("<I", masked_crc32c(h)) + data)
        parts.append(struct.pack("<I", masked_crc32c(data)))
    (d / "events.out.tfevents.1.host").write_bytes(b"".join(parts))
    (d / ".complete").write_text("ok\n")
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small corpus (seconds)")
    ap.add_argument(
        "--subset",
        type=int,
        default=100_000,
        help="events per loader for EventAccumulator/tbparse (extrapolated)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="best of N for tbnb and the server")
    ap.add_argument("--generate-only", type=int, metavar="STEPS", help=argparse.SUPPRESS)
    ap.add_argument("--no-peers", action="store_true", help="tbnb only (no loaders to compare)")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if args.generate_only:
        corpus(args.generate_only)
        return
    steps = 2_000 if args.quick else 100_000
    root = corpus(steps)
    files = sorted(root.glob("*/*tfevents*"))
    size = sum(f.stat().st_size for f in files)
    n_events = N_RUNS * len(TAGS) * steps
    print(f"corpus: {root} ({len(files)} files, {size / 1e6:.0f} MB, {n_events:,} scalar events)")

    runs = [_child("measure_tbnb", str(root)) for _ in range(args.repeat)]
    tb = min(runs, key=lambda r: r["seconds"])
    assert tb["points"] == n_events, tb
    rate = n_events / tb["seconds"]
    all_secs = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    print(
        f"tbnb full load (all points kept, every CRC verified), best of {args.repeat} fresh "
        f"processes: {tb['seconds']:.2f} s = {rate / 1e6:.2f} M events/s (all: {all_secs} s)"
    )
    per_point = tb["rss_growth"] / n_events
    print(
        f"tbnb RSS growth: {tb['rss_growth'] / 1e6:.0f} MB = {per_point:.1f} bytes/point "
        f"(target <= 32{'; small corpus: fixed overheads dominate' if args.quick else ''})"
    )
    peaks = [r["peak_growth"] / n_events for r in runs]
    settled = [r["rss_growth"] / n_events for r in runs]
    ratios = [p / s for p, s in zip(peaks, settled, strict=True)]
    how = "VmHWM reset before the load" if tb["peak_reset"] else "ru_maxrss (not reset)"
    print(
        f"tbnb peak RSS while loading: {max(peaks):.1f} bytes/point against {min(settled):.1f} "
        f"settled: {max(ratios):.2f}x (goal <= 1.5x; each of {args.repeat} fresh processes: "
        + ", ".join(f"{p:.1f}/{s:.1f}" for p, s in zip(peaks, settled, strict=True))
        + f"; {how})",
        flush=True,
    )

    if args.no_peers:
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.quick:
            sub, n_sub = str(root), n_events
        else:
            n_sub = prefix_copy(root, args.subset, Path(tmp))
            sub = tmp
        note = "" if args.quick else f" (on a {n_sub:,}-event subset, extrapolated per event)"
        ea = _child("measure_event_accumulator", sub)
        ea_rate = ea["points"] / ea["seconds"]
        print(
            f"EventAccumulator (size_guidance scalars=0, keep all){note}: "
            f"{ea_rate / 1e3:.1f} k events/s -> {n_events / ea_rate:.1f} s for the corpus; "
            f"tbnb is {rate / ea_rate:.0f}x faster (target >= 50x)"
        )
        tp = _child("measure_tbparse", sub)
        tp_rate = tp["points"] / tp["seconds"]
        print(
            f"tbparse SummaryReader{note}: {tp_rate / 1e3:.1f} k events/s -> "
            f"{n_events / tp_rate:.1f} s; tbnb is {rate / tp_rate:.0f}x faster (target >= 50x)"
        )

    for checksum in (False, True):
        try:
            ds_runs = [
                measure_data_server(str(root), n_events, checksum) for _ in range(args.repeat)
            ]
            ds = min(ds_runs, key=lambda r: r["seconds"])
        except Exception as e:  # binary missing or not runnable here
            print(f"tensorboard-data-server not measured ({e!r}); the issue's figure is 2.9 s")
            break
        flag = "--checksum" if checksum else "default --no-checksum"
        print(
            f"tensorboard-data-server (scalars=all, {flag}), best of {args.repeat}: "
            f"{ds['seconds']:.2f} s to serve "
            f"{ds['points']:,.0f} points, RSS {ds['rss'] / ds['points']:.0f} bytes/point; "
            f"tbnb/data-server speed ratio {ds['seconds'] / tb['seconds']:.2f}x"
        )

    irr = irregular_corpus(CACHE, 40_000 if args.quick else 400_000)
    ir = _child("measure_tbnb", str(irr))
    print(
        f"tbnb on {ir['points']:,.0f} scalar events in random tag order (no period; grouped by "
        f"record length): {ir['points'] / ir['seconds'] / 1e6:.2f} M events/s"
    )

    ap_ = measure_noop_and_append(CACHE, files[0])
    print(
        f"reload() with nothing new, 1,000 runs: {ap_['noop_1000_runs'] * 1e3:.1f} ms "
        f"(target <= 100 ms)"
    )
    for label in ("small", "big"):
        parts = [f"k={k}: {ap_[f'append_{label}_{k}'] * 1e3:.2f} ms" for k in (10, 1000, 100000)]
        what = "empty file" if label == "small" else f"{files[0].stat().st_size / 1e6:.0f} MB file"
        print(f"append k events to an already read {what}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
