"""Where the bytes come from: a local directory or an fsspec URL.

Both list the event files and projector configs under the root with their sizes, and
read byte ranges, so files are read incrementally from their last offset.
"""

from __future__ import annotations

import os
import posixpath
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


def is_event_file(name: str) -> bool:
    return "tfevents" in name


PROJECTOR_CONFIG = "projector_config.pbtxt"


class Source(Protocol):
    root: str

    def scan(self) -> Listing: ...

    def read(self, run: str, name: str, start: int, end: int) -> bytes: ...

    def read_rel(self, rel: str) -> bytes: ...

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
                        elif is_event_file(name):
                            size = entry.stat().st_size
                            out.event_files.setdefault(rel, {})[name] = size
                        elif name == PROJECTOR_CONFIG:
                            out.projector[rel] = entry.stat().st_size
                    except OSError as e:
                        out.errors.append((entry.path, f"cannot stat: {e.strerror or e}"))
        return out

    def read(self, run: str, name: str, start: int, end: int) -> bytes:
        with self._path(run, name).open("rb") as f:
            f.seek(start)
            return f.read(end - start)

    def size(self, run: str, name: str) -> int:
        return self._path(run, name).stat().st_size

    def read_rel(self, rel: str) -> bytes:
        return self.path.joinpath(*rel.split("/")).read_bytes()

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
        except (OSError, ValueError) as e:
            out.root_ok = False
            out.errors.append((self.url, f"cannot list: {e}"))
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
        if not found and not self.fs.exists(self.root):
            out.root_ok = False
            out.errors.append((self.url, "log directory does not exist"))
        return out

    def read(self, run: str, name: str, start: int, end: int) -> bytes:
        return bytes(self.fs.cat_file(self._path(run, name), start=start, end=end))

    def size(self, run: str, name: str) -> int:
        return int(self.fs.size(self._path(run, name)))

    def read_rel(self, rel: str) -> bytes:
        return bytes(self.fs.cat_file(f"{self.root}/{rel}"))

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
