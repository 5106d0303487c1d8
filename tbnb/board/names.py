"""Names (runs, tags) as shown: every invisible character becomes ``[U+XXXX]``.

Controls, bidirectional overrides and isolates (which make ``r3_<U+202E>txt.exe`` read
as ``r3_exe.txt``), zero-width and other invisible formatting characters, variation
selectors: shown, so that no name can pass for another. The front end's list is
js/src/names.ts; both are tested against tests/fixtures/names.json.
"""

from __future__ import annotations

import re

_HIDDEN = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]"
)


def visible(name: str) -> str:
    """``name`` with every invisible character shown as [U+XXXX]."""
    return _HIDDEN.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", name)


def plotly_text(name: str) -> str:
    """A name as plotly label text: visible, and ``<b>``, ``<a href>``... shown as text
    (plotly reads a few HTML-like tags in labels as formatting and links)."""
    return visible(name).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
