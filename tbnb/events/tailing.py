"""Reading one event file from its offset: chunks, records longer than the file, rewrites.

Every byte is judged once: a file keeps its offset past what was read or skipped, and
while the record at its offset claims more bytes than the file holds, only the bytes
written since the last look are searched for a valid record (which would prove that
length wrong). A file whose size fell below its offset, or whose bytes just before
the offset changed (they are read again with the new bytes, in the same request), was
rewritten: the caller reads its run again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tbnb.events.framing import OVERHEAD, implausible
from tbnb.events.problems import ProblemSink
from tbnb.events.resync import HEADER, MAX_PENDING, data_ok, find_record
from tbnb.events.run import FileState, Run
from tbnb.events.source import Source

# Bytes just before a file's offset kept and read again with the next new bytes (in the
# same request): if they changed, the file is not the one read so far.
TAIL_BYTES = 32
# a run to read: its files with new bytes (and their listed sizes), and every listed file
Work = tuple[Run, list[tuple[FileState, int]], dict[str, int]]


def first_ranges(batch: list[Work], chunk: int) -> list[tuple[str, str, int, int]]:
    """The range (run, file, start, end) each file's ``read_file`` starts with: the
    first chunk of its new bytes, and the ``TAIL_BYTES`` before them."""
    out = []
    for run, todo, _ in batch:
        for fs, size in todo:
            if fs.dead or fs.waiting >= 0 or size <= fs.offset:
                continue
            check = min(TAIL_BYTES, fs.offset)
            out.append(
                (run.name, fs.name, fs.offset - check, fs.offset + min(chunk, size - fs.offset))
            )
    return out


def batches(work: list[Work], chunk: int, budget: int) -> list[list[Work]]:
    """``work`` in batches whose first ranges hold at most ``budget`` bytes together
    (a batch of one run may hold more)."""
    out: list[list[Work]] = [[]]
    held = 0
    for item in work:
        want = sum(min(chunk, max(0, size - fs.offset)) for fs, size in item[1])
        if out[-1] and held + want > budget:
            out.append([])
            held = 0
        out[-1].append(item)
        held += want
    return out


def read_file(
    source: Source,
    run: Run,
    fs: FileState,
    size: int,
    chunk: int,
    problem: ProblemSink,
    once: Callable[[str, str], None],
) -> bool:
    """Read ``fs`` from its offset up to ``size`` bytes into ``run``; ``once`` reports a
    problem that is not repeated while it lasts. False: the file was rewritten (it is
    shorter than what was read, or the bytes before its offset changed), nothing was
    read, and the caller reads the run again."""
    rel = fs.name if run.name == "." else f"{run.name}/{fs.name}"
    if fs.dead:
        return True
    if size < fs.offset:
        return False
    run_name, fname = run.name, fs.name

    def reader(offset: int, length: int) -> bytes:
        return source.read(run_name, fname, offset, offset + length + OVERHEAD)

    check = min(TAIL_BYTES, fs.offset)  # bytes before the offset to recognize the file
    want = chunk
    try:
        while fs.offset < size:
            if fs.waiting >= 0:
                if fs.offset + fs.waiting + OVERHEAD > size:
                    if check:  # no read at the offset this time: the tail alone
                        tail = source.read(run.name, fs.name, fs.offset - check, fs.offset)
                        if tail != fs.tail:
                            return False
                        check = 0
                    if not _look_past(source, run.name, fs, size, chunk):
                        break  # it may be a record being written: wait
                    if not fs.corrupt:
                        problem(rel, fs.offset, implausible(fs.waiting))
                    fs.offset, fs.tail = fs.scan_from, b""
                    fs.waiting, fs.pending, fs.corrupt = -1, [], False
                    check = 0
                    continue
                want = max(chunk, fs.waiting + OVERHEAD)
            n = min(want, size - fs.offset)
            start = fs.offset - check
            raw = source.read(run.name, fs.name, start, fs.offset + n)
            if check and raw[:check] != fs.tail:
                return False
            if len(raw) <= check:
                break
            try:
                fr = run.ingest(rel, raw, start, reader, fs.corrupt, check)
            except Exception as e:  # a reader bug must not stop the other files
                fs.dead = True
                problem(rel, fs.offset, f"internal error, file no longer read: {e!r}")
                return True
            used = fr.end - check
            if used:
                last = raw[max(0, fr.end - TAIL_BYTES) : fr.end]
                fs.tail = (
                    last if check or len(last) == TAIL_BYTES else (fs.tail + last)[-TAIL_BYTES:]
                )
            got = len(raw) - check
            raw = b""  # not held while the next chunk is read
            fs.offset += used
            if 2 * used >= n and fs.offset < size:  # more to come: the columns grow once
                run.expect((size - fs.offset) / used)
            fs.corrupt = fr.corrupt
            fs.waiting = fr.waiting
            check = 0
            if fr.waiting >= 0:
                if fs.offset + fr.waiting + OVERHEAD > size:
                    # longer than the file: a record being written, or a wrong length
                    fs.scan_from, fs.pending = fs.offset + 1, []
                continue
            if used == 0 or got < n:
                break  # fewer bytes than a header, or the file is being cut: wait
            want = chunk
        fs.size = size
    except OSError as e:
        once(rel, f"cannot read: {e.strerror or e}")
    return True


def _look_past(source: Source, run: str, fs: FileState, size: int, chunk: int) -> bool:
    """Search the bytes after the waiting record for a valid one. True: found, at
    ``fs.scan_from``; False: none yet (``fs.scan_from`` and ``fs.pending`` say what
    the next look starts from)."""

    def valid(h: int, length: int) -> bool:
        raw = source.read(run, fs.name, h, h + length + OVERHEAD)
        return len(raw) == length + OVERHEAD and data_ok(raw, 0, length)

    still: list[tuple[int, int]] = []
    for h, length in fs.pending:  # headers seen before, now perhaps complete
        if h + length + OVERHEAD > size:
            still.append((h, length))
        elif valid(h, length):
            fs.scan_from = h
            return True
    fs.pending = still
    pos = fs.scan_from
    while pos + HEADER <= size:
        raw = source.read(run, fs.name, pos, min(size, pos + chunk))
        if len(raw) < HEADER:
            break
        q, pend = find_record(raw, np.frombuffer(raw, dtype=np.uint8), 0, len(raw))
        for h, length in pend:
            if q >= 0 and h > q:
                break
            if pos + h + length + OVERHEAD <= size:  # complete in the file, not the chunk
                if valid(pos + h, length):
                    fs.scan_from = pos + h
                    return True
            elif len(fs.pending) < MAX_PENDING:
                fs.pending.append((pos + h, length))
        if q >= 0:
            fs.scan_from = pos + q
            return True
        pos += len(raw) - HEADER + 1
    fs.scan_from = pos
    return False
