"""Where the bytes come from: a local directory or an fsspec URL.

Both list the event files and projector configs under the root with their sizes, and
read byte ranges, so files are read incrementally from their last offset.
"""

from __future__ import annotations

import os
import posixpath
import stat
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

    def confined(self, rel: str) -> bool: ...


def normalize_rel(rel: str) -> str | None:
    """Normalize a '/'-path relative to the root; None if it leaves the root."""
    if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return None
    norm = posixpath.normpath(rel)
    if norm == ".." or norm.startswith("../") or norm.startswith("/"):
        return None
    return norm


class LocalSource:
    """A directory on the local filesystem."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.path = Path(root).expanduser().absolute()
        self.root = str(self.path)

    def _path(self, run: str, name: str) -> Path:
        base = self.path if run == "." else self.path.joinpath(*run.split("/"))
        return base / name

    def scan(self) -> Listing:
        out = Listing()
        if not self.path.is_dir():
            out.root_ok = False
            out.errors.append((self.root, "log directory does not exist or is not a directory"))
            return out
        stack = [(self.root, ".")]
        seen = {os.path.realpath(self.root)}
        while stack:
            path, rel = stack.pop()
            try:
                it = os.scandir(path)
            except OSError as e:
                out.errors.append((path, f"cannot list directory: {e.strerror or e}"))
                continue
            with it:
                for entry in it:
                    name = entry.name
                    try:
                        if entry.is_dir():
                            real = os.path.realpath(entry.path)
                            if real in seen:  # a symlink loop or a second link
                                continue
                            seen.add(real)
                            child = name if rel == "." else f"{rel}/{name}"
                            stack.append((entry.path, child))
                        elif (is_event_file(name) or name == PROJECTOR_CONFIG) and not (
                            entry.is_file()
                        ):
                            out.errors.append(
                                (entry.path, "not a regular file (a FIFO or device?): skipped")
                            )
                        elif is_event_file(name):
                            size = entry.stat().st_size
                            out.event_files.setdefault(rel, {})[name] = size
                        elif name == PROJECTOR_CONFIG:
                            out.projector[rel] = entry.stat().st_size
                    except OSError as e:
                        out.errors.append((entry.path, f"cannot stat: {e.strerror or e}"))
        return out

    def read(self, run: str, name: str, start: int, end: int) -> bytes:
        return _read_limited(str(self._path(run, name)), start, end - start, 0)

    def size(self, run: str, name: str) -> int:
        return self._path(run, name).stat().st_size

    def read_rel(self, rel: str, max_bytes: int = MAX_WHOLE_FILE) -> bytes:
        return _read_limited(str(self.path.joinpath(*rel.split("/"))), 0, None, max_bytes)

    def confined(self, rel: str) -> bool:
        real_root = self.path.resolve()
        real = self.path.joinpath(*rel.split("/")).resolve()
        return real == real_root or real_root in real.parents


class FsspecSource:
    """Any fsspec filesystem (s3://, gs://, memory://, ...), read with range requests."""

    def __init__(self, url: str, **storage_options: Any) -> None:
        import fsspec

        fs, path = fsspec.core.url_to_fs(url, **storage_options)
        self.fs: Any = fs
        self.root = str(path).rstrip("/") or "/"
        self.url = url

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

    def read(self, run: str, name: str, start: int, end: int) -> bytes:
        return bytes(self.fs.cat_file(self._path(run, name), start=start, end=end))

    def size(self, run: str, name: str) -> int:
        return int(self.fs.size(self._path(run, name)))

    def read_rel(self, rel: str, max_bytes: int = MAX_WHOLE_FILE) -> bytes:
        path = f"{self.root}/{rel}"
        size = int(self.fs.size(path))
        if size > max_bytes:
            raise ValueError(f"file is {size:,} bytes, more than the {max_bytes:,} read")
        return bytes(self.fs.cat_file(path))

    def confined(self, rel: str) -> bool:
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
