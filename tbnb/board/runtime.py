"""The front end's code held once per notebook (issue 18; CONTRIBUTING.md, principle 4).

anywidget keeps a widget's code in its model, so each board saved its own 2.5 MB copy
of the bundle with the notebook and each view imported it again. Instead, one model per
kernel, the `Runtime`, holds the bundle's text; every board's own code is the small
loader (js/src/loader.ts), which finds that model by the reference in the board's
``runtime`` trait, imports its code once per page and hands the board to it. Saved
widget state then holds the code once, and a notebook re-opened without a kernel
restores the runtime model with the boards.

The runtime is an anywidget with no view whose code is that same loader: when the page
gets the model it starts importing the bundle. ``%load_ext tbnb`` opens it, so by the
time a ``%tbnb`` line has read its logdir the page has the code parsed (and when both
are in one cell, the page parses while the kernel reads).

Hosts whose widget manager cannot hand one model to another (Colab shows each output
in its own frame; marimo runs each anywidget alone) get the whole bundle in each
board, as before; so does ``TBNB_SHARED_RUNTIME=0``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import sys
from pathlib import Path

import anywidget
import traitlets

STATIC = Path(__file__).resolve().parent.parent / "static"
BUNDLE = STATIC / "widget.js"
LOADER = STATIC / "loader.js"


class FrontEndMissingError(RuntimeError):
    """The built front end is not where the package expects it."""


def check_built() -> None:
    for path in (BUNDLE, LOADER):
        if not path.is_file():
            raise FrontEndMissingError(
                f"tbnb's front end is not built ({path} is missing). Install tbnb with "
                "`pip install .` or `pip install -e .` from the repository, which builds "
                "js/ with npm, or run `npm --prefix js ci && npm --prefix js run build`."
            )


# path -> ((mtime, size), text): each file read once per build of it
_TEXT: dict[Path, tuple[tuple[float, int], str]] = {}


def _text(path: Path) -> str:
    st = path.stat()
    key = (st.st_mtime, st.st_size)
    cached = _TEXT.get(path)
    if cached is None or cached[0] != key:
        cached = (key, path.read_text(encoding="utf-8"))
        _TEXT[path] = cached
    return cached[1]


def bundle_text() -> str:
    """The built front end's code (js/src/index.ts and everything it imports)."""
    return _text(BUNDLE)


def loader_text() -> str:
    """The code each board carries when the bundle is shared (js/src/loader.ts)."""
    return _text(LOADER)


PACK = STATIC / "widget.pack.gz"
PACK_FORMAT = b'{"format":"tbnb-chunks-1"'


def packed(code: str) -> str:
    """What the runtime model holds, gzipped, in base64 (2.6 MB of JavaScript is 0.9 MB
    so, in the saved notebook and on the wire; the page unpacks it with its own
    DecompressionStream). The build writes the bundle's chunks in a pack beside it
    (js/build.mjs), which the loader turns into modules without parsing the bundle's
    module first; where that pack is missing or older than the bundle, or names a main
    chunk the bundle does not hold, the bundle itself, which the loader also takes."""
    data = b""
    try:
        if PACK.stat().st_mtime >= BUNDLE.stat().st_mtime:
            data = PACK.read_bytes()
            # its first line only (decompressing the whole pack was 12 ms of %load_ext)
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as pack:
                head = pack.readline(1 << 20).rstrip(b"\n")
            main = json.loads(head).get("main", "") if head.startswith(PACK_FORMAT) else ""
            if not main or f'"{main}"' not in code:
                data = b""
    except (OSError, EOFError, ValueError, gzip.BadGzipFile):
        data = b""
    return base64.b64encode(data or gzip.compress(code.encode("utf-8"), mtime=0)).decode()


class Runtime(anywidget.AnyWidget):
    """A model with no view holding the bundle's code, one per kernel (see module doc).
    Its code (``_esm``, set per instance) is the loader, which starts the import."""

    code_gzip = traitlets.Unicode("").tag(sync=True)  # packed(bundle_text())
    # a hash of the code: the page imports each version once, whichever model holds it
    version = traitlets.Unicode("").tag(sync=True)

    def __init__(self, code: str, version: str) -> None:
        self._esm = loader_text()  # its own: the class's file watcher would hold it
        self.code = code
        super().__init__(code_gzip=packed(code), version=version)


# this kernel's runtime model, once opened
_opened: dict[str, Runtime] = {}


def in_colab() -> bool:
    """Colab does not show widget updates sent from threads (colabtools#3373), and shows
    each output in its own frame."""
    return "google.colab" in sys.modules


def shared_runtime_supported() -> bool:
    """Whether boards can share one runtime model in this kernel's host."""
    if os.environ.get("TBNB_SHARED_RUNTIME", "1").strip().lower() in ("0", "false", "no"):
        return False
    return not in_colab() and "marimo" not in sys.modules


def runtime() -> Runtime:
    """This kernel's runtime model, opened on first use (and again if it was closed or
    the bundle was rebuilt since)."""
    code = bundle_text()
    current = _opened.get("runtime")
    if current is not None and current.comm is not None and current.code is code:
        return current
    version = hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]
    if current is None or current.comm is None or current.version != version:
        current = Runtime(code, version)
        _opened["runtime"] = current
    return current


def preload() -> None:
    """Open the runtime model now, so the page has the code before the first board
    (``%load_ext tbnb``); nothing outside a kernel, or where boards cannot share it."""
    from IPython.core.getipython import get_ipython

    ip = get_ipython()
    if ip is None or getattr(ip, "kernel", None) is None or not shared_runtime_supported():
        return
    check_built()
    runtime()


def front_end() -> tuple[str, str]:
    """(the code a new widget carries as ``_esm``, its ``runtime`` reference)."""
    check_built()
    if not shared_runtime_supported():
        return bundle_text(), ""
    return loader_text(), f"IPY_MODEL_{runtime().model_id}"
