"""Give freed heap memory back to the operating system after a large load.

Decoding a big file allocates temporaries in several malloc arenas (one per reading
thread); glibc keeps freed arena memory resident unless asked to trim it.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from typing import Any


@functools.cache
def _malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_free_memory() -> None:
    """Call glibc's ``malloc_trim(0)``; does nothing where it is not available."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
