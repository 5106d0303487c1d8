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

# (what is found, why it is refused); checked on the pattern after a leading (?i)
_REFUSED: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\(\?P?<(?![=!])"), "named groups are not supported"),
    (re.compile(r"\(\?P="), "named groups are not supported"),
    (
        re.compile(r"\(\?>|(?<!\\)[*+?}]\+"),
        "atomic groups and possessive quantifiers are not supported",
    ),
    (re.compile(r"(?<!\\)(?:\\\\)*\\[AZz]"), "\\A, \\Z and \\z are not supported (use ^ and $)"),
]
_FLAGS = re.compile(r"\(\?[a-zA-Z-]+[):]")


class FilterError(ValueError):
    """A filter that is not in the dialect; the message is the one the board shows."""


def compile_filter(pattern: str) -> re.Pattern[str]:
    """The compiled filter; FilterError with the board's message when it is refused."""
    body, flags = pattern, 0
    if body.startswith("(?i)"):
        body, flags = body[4:], re.IGNORECASE
    for found, why in _REFUSED:
        if found.search(body):
            raise FilterError(_message(pattern, why))
    flag = _FLAGS.search(body)
    if flag:
        late = flag.group(0) == "(?i)" and (flag.start() > 0 or bool(flags))
        why = (
            "an inline flag such as (?i) is only allowed at the start"
            if late
            else "only the (?i) flag is supported"
        )
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
