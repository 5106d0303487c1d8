"""The one regex dialect of the tag and run filters (the front end's is js/src/filters.ts;
both are checked against the cases in tests/fixtures/filters.json).

A filter is searched for anywhere in a name. A leading ``(?i)`` makes it ignore case
(as Python and TensorBoard users type it). Constructs that Python's ``re`` and the
browser's ``RegExp`` read differently, or that only one of them has, are refused with
the same message on both sides, so that what the board accepts the snapshot, the magic
and ``Board(...)`` accept, and the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Callable

INVALID = "is not a valid regular expression"

ONLY_AT_START = "an inline flag such as (?i) is only allowed at the start"
ONLY_I = "only the (?i) flag is supported"
NO_NAMED = "named groups are not supported"
NO_ANCHORS = "\\A, \\Z and \\z are not supported (use ^ and $)"
NO_ATOMIC = "atomic groups and possessive quantifiers are not supported"
# an inline flag group at the start of a string: (?flags) or (?flags:...)
_FLAG_GROUP = re.compile(r"\(\?([aiLmsux-]+)([):])")
_COUNTED_POSSESSIVE = re.compile(r"\{\d*(,\d*)?\}\+")


def _unsupported(body: str) -> str:
    """Why ``body`` (the pattern after a leading (?i)) is outside the dialect, or "".

    The same scan as js/src/filters.ts: escapes and character classes are skipped, so
    ``[*+]`` or ``[(?s)]`` are characters, not constructs."""
    in_class, i, n = False, 0, len(body)
    while i < n:
        c = body[i]
        nxt = body[i + 1] if i + 1 < n else ""
        if c == "\\":
            if not in_class and nxt in ("A", "Z", "z"):
                return NO_ANCHORS
            if not in_class and nxt == "k" and body[i + 2 : i + 3] == "<":
                return NO_NAMED
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if nxt == "^":
                i += 1
            if body[i + 1 : i + 2] == "]":
                i += 1  # a ']' first in a class is a character
        elif c == "(" and nxt == "?":
            rest = body[i + 2 :]
            if rest.startswith(("P<", "P=")) or re.match(r"<[^=!]", rest):
                return NO_NAMED
            if rest.startswith(">"):
                return NO_ATOMIC
            flags = _FLAG_GROUP.match(body, i)
            if flags:
                late = flags.group(1) == "i" and flags.group(2) == ")"
                return ONLY_AT_START if late else ONLY_I
        elif c in "*+?" and nxt == "+":
            return NO_ATOMIC
        elif c == "{":
            counted = _COUNTED_POSSESSIVE.match(body, i)
            if counted and counted.group(0) != "{}+":
                return NO_ATOMIC
        i += 1
    return ""


class FilterError(ValueError):
    """A filter that is not in the dialect; the message is the one the board shows."""


def compile_filter(pattern: str) -> re.Pattern[str]:
    """The compiled filter; FilterError with the board's message when it is refused."""
    body, flags = pattern, 0
    lead = _FLAG_GROUP.match(pattern)
    if lead and lead.group(2) == ")":
        if lead.group(1) != "i":
            raise FilterError(_message(pattern, ONLY_I))
        body, flags = pattern[lead.end() :], re.IGNORECASE
    why = _unsupported(body)
    if why:
        raise FilterError(_message(pattern, why))
    try:
        return re.compile(body, flags)
    except re.error:
        raise FilterError(_message(pattern, "")) from None


def _message(pattern: str, why: str) -> str:
    quoted = '"' + pattern + '"'
    return f"{quoted} {INVALID}" + (f": {why}" if why else "")


def check_filter(name: str, pattern: str) -> str:
    """``pattern`` if it is a valid filter, else ValueError naming the setting."""
    try:
        compile_filter(pattern)
    except FilterError as err:
        raise ValueError(f"{name}: {err}") from None
    return pattern


def matcher(pattern: str) -> Callable[[str], bool]:
    """A test of names for ``pattern`` ('' and a refused pattern let every name through,
    as the board does while the person is still typing)."""
    if not pattern:
        return lambda _name: True
    try:
        compiled = compile_filter(pattern)
    except FilterError:
        return lambda _name: True
    return lambda name: compiled.search(name) is not None
