"""Where the bytes come from: a local directory or an fsspec URL.

Both list the event files and projector configs under the root with their sizes, and
read byte ranges, so files are read incrementally from their last offset.
"""

from __future__ import annotations

import os
import posixpath
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass
class Listing:
    """Run directories (relative, '/'-separated, '.' for the root) and their files."""

    event_files: dict[str, dict[str, int]] = field(default_factory=dict)  # run -> name -> size
    projector: dict[str, int] = field(default_factory=dict)  # run -> config size
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    root_ok: bool = True
    # why the root could not be listed at all (a store refusing, unreachable, no
    # credentials); None when it was listed or simply does not exist (yet)
    unreachable: str | None = None


def describe(err: BaseException) -> str:
    """An exception as a sentence for the board and the command line."""
    name = type(err).__name__
    text = str(err).strip() or name
    return text if name in ("OSError", "ValueError") else f"{text} ({name})"


def is_event_file(name: str) -> bool:
    return "tfevents" in name


PROJECTOR_CONFIG = "projector_config.pbtxt"
# Largest file read whole (a projector config, its tensors, metadata or sprite) unless
# the caller says less: a link to /dev/zero or a huge file must not exhaust memory.
MAX_WHOLE_FILE = 2 << 30


class NotRegularFileError(OSError):
    """A FIFO, device or socket where a file was expected: never opened for reading."""


def _open_regular(path: str) -> int:
    """A descriptor of ``path`` opened without blocking (a FIFO would block open() until
    a writer came), refused unless it is a regular file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFileError(f"{path} is not a regular file (a FIFO or device?)")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_limited(path: str, start: int, length: int | None, max_bytes: int) -> bytes:
    fd = _open_regular(path)
    with os.fdopen(fd, "rb") as f:
        if length is None:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise ValueError(f"file is {size:,} bytes, more than the {max_bytes:,} read")
            data = f.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise ValueError(f"file is more than the {max_bytes:,} bytes read")
            return data
        f.seek(start)
        return f.read(length)


class Source(Protocol):
    root: str

    def scan(self) -> Listing: ...

    def read(self, run: str, name: str, start: int, end: int) -> bytes: ...

    def read_rel(self, rel: str, max_bytes: int = ...) -> bytes: ...

    def size(self, run: str, name: str) -> int: ...

    def confined(self, rel: str, run: str = ...) -> bool: ...

    def prefetch(self, ranges: list[tuple[str, str, int, int]]) -> None: ...


def normalize_rel(rel: str) -> str | None:
    """Normalize a '/'-path relative to the root; None if it leaves the root."""
    if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return None
    norm = posixpath.normpath(rel)
    if norm == ".." or norm.startswith("../") or norm.startswith("/"):
        return None
    return norm


@dataclass
class _Folder:
    """What one listing of a directory found (kept while its mtime does not change)."""

    mtime_ns: int
    key: tuple[int, int]  # (st_dev, st_ino): a folder reached twice is read once
    trusted: bool  # its mtime was old enough when listed that a change would move it
    real: str  # resolved path
    folders: list[tuple[str, str]]  # (name, resolved path if a link, else "")
    events: list[str]  # event file names
    config: bool  # holds a projector config
    errors: list[tuple[str, str]]


# A directory whose mtime is this close to the time it was listed is listed again next
# time: a file added in the same tick of a coarse clock would not change its mtime.
RECENT_NS = 2_000_000_000


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


class LocalSource:
    """A directory on the local filesystem.

    A reload with nothing new costs one ``stat`` per directory and per event file
    (relative to the logdir's descriptor): a directory whose mtime has not changed since
    it was listed is not listed again, so a new file anywhere appears at the next reload.

    Symbolic links: a linked folder inside the logdir is read like any other (its event
    files and its own projector files), once (loops and second links are skipped). A
    linked file is read only if it resolves inside the logdir or inside its run folder as
    resolved; a link leaving both is refused, for event files and projector files alike.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.path = Path(root).expanduser().absolute()
        self.root = str(self.path)
        self._folders: dict[str, _Folder] = {}
        self._real_root = ""

    def _path(self, run: str, name: str) -> Path:
        base = self.path if run == "." else self.path.joinpath(*run.split("/"))
        return base / name

    def _abs(self, rel: str) -> str:
        """The path of ``rel`` ('/'-separated below the root) as a string."""
        return self.root if rel == "." else os.path.join(self.root, *rel.split("/"))  # noqa: PTH118

    def _list(self, rel: str, real: str, st: os.stat_result, now_ns: int) -> _Folder:
        path = self._abs(rel)
        trusted = st.st_mtime_ns + RECENT_NS < now_ns
        key = (st.st_dev, st.st_ino)
        folder = _Folder(st.st_mtime_ns, key, trusted, real, [], [], False, [])
        with os.scandir(path) as it:
            for entry in it:
                name = entry.name
                try:
                    link = entry.is_symlink()
                    if entry.is_dir():
                        folder.folders.append((name, os.path.realpath(entry.path) if link else ""))
                        continue
                    if not (is_event_file(name) or name == PROJECTOR_CONFIG):
                        continue
                    if not entry.is_file():
                        folder.errors.append(
                            (entry.path, "not a regular file (a FIFO or device?): skipped")
                        )
                    elif link and not self._link_ok(entry.path, real):
                        folder.errors.append(
                            (entry.path, "links outside its run folder and the logdir: refused")
                        )
                    elif is_event_file(name):
                        folder.events.append(name)
                    else:
                        folder.config = True
                except OSError as e:
                    folder.errors.append((entry.path, f"cannot stat: {e.strerror or e}"))
        return folder

    def _link_ok(self, path: str, run_real: str) -> bool:
        real = os.path.realpath(path)
        return _inside(real, run_real) or _inside(real, self._real_root)

    def scan(self) -> Listing:
        out = Listing()
        try:
            root_st = os.stat(self.root)  # noqa: PTH116 (no Path per call: 10,000s a reload)
        except OSError:
            root_st = None
        if root_st is None or not stat.S_ISDIR(root_st.st_mode):
            out.root_ok = False
            out.errors.append((self.root, "log directory does not exist or is not a directory"))
            self._folders = {}
            return out
        if not self._real_root:
            self._real_root = os.path.realpath(self.root)
        use_fd = os.stat in os.supports_dir_fd
        fd = os.open(self.root, os.O_RDONLY) if use_fd else None
        try:
            self._walk(out, root_st, fd)
        finally:
            if fd is not None:
                os.close(fd)
        return out

    def _walk(self, out: Listing, root_st: os.stat_result, fd: int | None) -> None:

        def stat_of(rel: str) -> os.stat_result:  # rel: '/'-separated, below the root
            if fd is not None:
                return os.stat(rel, dir_fd=fd)
            return os.stat(self._abs(rel))  # noqa: PTH116

        now_ns = time.time_ns()
        stack: list[tuple[str, str, os.stat_result | None]] = [(".", self._real_root, root_st)]
        seen: set[tuple[int, int]] = set()
        folders: dict[str, _Folder] = {}
        events = out.event_files
        while stack:
            rel, real, st = stack.pop()
            try:
                st = st if st is not None else stat_of(rel)
            except OSError:
                continue  # gone since its parent was listed (or a dangling link)
            if not stat.S_ISDIR(st.st_mode):
                continue
            folder = self._folders.get(rel)
            if folder is None or not folder.trusted or folder.mtime_ns != st.st_mtime_ns:
                try:
                    folder = self._list(rel, real, st, now_ns)
                except OSError as e:
                    msg = f"cannot list directory: {e.strerror or e}"
                    out.errors.append((self._abs(rel), msg))
                    continue
            if folder.key in seen:  # a symlink loop or a second link
                continue
            seen.add(folder.key)
            folders[rel] = folder
            if folder.errors:
                out.errors.extend(folder.errors)
            prefix = "" if rel == "." else f"{rel}/"
            for name, target in folder.folders:
                stack.append((prefix + name, target or f"{folder.real}{os.sep}{name}", None))
            if folder.events:
                sizes: dict[str, int] = {}
                for name in folder.events:
                    try:
                        sizes[name] = stat_of(prefix + name).st_size
                    except FileNotFoundError:
                        folder.trusted = False  # gone: list the folder again next time
                    except OSError as e:
                        msg = f"cannot stat: {e.strerror or e}"
                        out.errors.append((self._abs(prefix + name), msg))
                if sizes:
                    events[rel] = sizes
            if folder.config:
                try:
                    out.projector[rel] = stat_of(prefix + PROJECTOR_CONFIG).st_size
                except FileNotFoundError:
                    folder.trusted = False
                except OSError as e:
                    msg = f"cannot stat: {e.strerror or e}"
                    out.errors.append((self._abs(prefix + PROJECTOR_CONFIG), msg))
        self._folders = folders

    def read(self, run: str, name: str, start: int, end: int) -> bytes:
        return _read_limited(str(self._path(run, name)), start, end - start, 0)

    def size(self, run: str, name: str) -> int:
        return self._path(run, name).stat().st_size

    def read_rel(self, rel: str, max_bytes: int = MAX_WHOLE_FILE) -> bytes:
        return _read_limited(str(self.path.joinpath(*rel.split("/"))), 0, None, max_bytes)

    def prefetch(self, ranges: list[tuple[str, str, int, int]]) -> None:
        """Nothing: a local read costs no round trip."""

    def confined(self, rel: str, run: str = ".") -> bool:
        """Whether ``rel`` resolves inside the logdir, or inside the folder of ``run``
        (which may be a linked folder) as resolved."""
        real = str(self.path.joinpath(*rel.split("/")).resolve())
        run_real = str(self._path(run, "").resolve())
        return _inside(real, str(self.path.resolve())) or _inside(real, run_real)


class FsspecSource:
    """Any fsspec filesystem (s3://, gs://, memory://, ...), read with range requests.

    A reload lists the logdir with one recursive listing (``find``: for S3 one
    ListObjectsV2 without a delimiter, a request per page of 1,000 keys), and the first
    range of every file with new bytes is fetched at once, concurrently
    (``cat_ranges``: the store's async client keeps its connection pool busy), before
    the files are read. A reload with nothing new makes the listing and no other request.
    """

    def __init__(self, url: str, **storage_options: Any) -> None:
        import fsspec

        fs, path = fsspec.core.url_to_fs(url, **storage_options)
        self.fs: Any = fs
        self.root = str(path).rstrip("/") or "/"
        self.url = url
        self._lock = threading.Lock()
        # (run, name) -> (start, bytes) fetched ahead, each handed out once
        self._ahead: dict[tuple[str, str], tuple[int, bytes]] = {}

    def _path(self, run: str, name: str) -> str:
        base = self.root if run == "." else f"{self.root}/{run}"
        return f"{base}/{name}"

    def scan(self) -> Listing:
        out = Listing()
        try:
            self.fs.invalidate_cache()
            found = self.fs.find(self.root, detail=True)
            missing = not found and not self.fs.exists(self.root)
        except FileNotFoundError:
            found, missing = {}, True
        except Exception as e:  # each store has its own errors (botocore's, gcsfs'...)
            out.root_ok = False
            out.unreachable = f"cannot list {self.url}: {describe(e)}"
            out.errors.append((self.url, out.unreachable))
            return out
        prefix = self.root.rstrip("/") + "/"
        for path, info in found.items():
            p = str(path)
            if not p.startswith(prefix.lstrip("/")) and not p.startswith(prefix):
                continue
            rel = p[len(prefix) :] if p.startswith(prefix) else p[len(prefix.lstrip("/")) :]
            run, _, name = rel.rpartition("/")
            run = run or "."
            size = int(info.get("size") or 0)
            if is_event_file(name):
                out.event_files.setdefault(run, {})[name] = size
            elif name == PROJECTOR_CONFIG:
                out.projector[run] = size
        if missing:
            out.root_ok = False
            out.errors.append((self.url, "log directory does not exist"))
        return out

    def prefetch(self, ranges: list[tuple[str, str, int, int]]) -> None:
        """Fetch ``(run, name, start, end)`` ranges concurrently; a later ``read`` of
        a range inside one of them is served from it, once, until the next call (which
        drops what was not read). A range that fails is left to that ``read`` (which
        reports the error)."""
        with self._lock:
            self._ahead = {}  # what the last call fetched and no read took: dropped
        if not ranges:
            return
        paths = [self._path(run, name) for run, name, _, _ in ranges]
        try:
            got = self.fs.cat_ranges(
                paths, [r[2] for r in ranges], [r[3] for r in ranges], on_error="return"
            )
        except Exception:  # the reads that follow report it, one file at a time
            return
        with self._lock:
            for (run, name, start, _), data in zip(ranges, got, strict=True):
                if isinstance(data, (bytes, bytearray, memoryview)):
                    self._ahead[(run, name)] = (start, bytes(data))

    def read(self, run: str, name: str, start: int, end: int) -> bytes:
        with self._lock:
            ahead = self._ahead.pop((run, name), None)
        if ahead is not None:
            at, data = ahead
            if at <= start and end <= at + len(data):
                return data[start - at : end - at]
        return bytes(self.fs.cat_file(self._path(run, name), start=start, end=end))

    def size(self, run: str, name: str) -> int:
        return int(self.fs.size(self._path(run, name)))

    def read_rel(self, rel: str, max_bytes: int = MAX_WHOLE_FILE) -> bytes:
        path = f"{self.root}/{rel}"
        size = int(self.fs.size(path))
        if size > max_bytes:
            raise ValueError(f"file is {size:,} bytes, more than the {max_bytes:,} read")
        return bytes(self.fs.cat_file(path))

    def confined(self, rel: str, run: str = ".") -> bool:
        return normalize_rel(rel) is not None


def open_source(
    path: str | os.PathLike[str], storage_options: dict[str, Any] | None = None
) -> Source:
    """A LocalSource for paths and file:// URLs, an FsspecSource for other URLs."""
    s = os.fspath(path)
    if "://" in s and not s.startswith("file://"):
        return FsspecSource(s, **(storage_options or {}))
    if s.startswith("file://"):
        s = s[len("file://") :]
    return LocalSource(s)


__all__ = ["FsspecSource", "Listing", "LocalSource", "Source", "normalize_rel", "open_source"]
