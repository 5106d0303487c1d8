"""The ``tbnb`` command: ``tbnb export LOGDIR -o report.html`` and ``--csv out.csv``.

A failure is one line on standard error and a non-zero exit status: a logdir that
cannot be read (missing, a file, a remote store refusing), an output that cannot be
written (checked before the logdir is read), a closed pipe, Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tbnb.board.export import ExportError

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def check_writable(path: Path) -> None:
    """Raise ExportError unless ``path`` can be written (before anything is read)."""
    if path.is_dir():
        raise ExportError(f"{path} is a directory, not a file to write")
    parent = path.parent
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(f"cannot write {path}: permission denied")
    if not path.exists() and not os.access(parent, os.W_OK):
        raise ExportError(f"cannot write {path}: folder {parent} is not writable")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tbnb", description="tbnb: TensorBoard in notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser(
        "export",
        help="a logdir as a standalone HTML dashboard, or its scalars as CSV",
        description="Write a standalone HTML dashboard of LOGDIR (opens offline) or "
        "its scalars as CSV (run, tag, step, wall_time, value).",
    )
    ex.add_argument("logdir", help="directory or fsspec URL")
    ex.add_argument("-o", "--output", type=Path, help="HTML file to write")
    ex.add_argument("--csv", help="CSV file to write ('-' for standard output)")
    args = parser.parse_args(argv)
    if not args.output and not args.csv:
        parser.error("export needs -o report.html and/or --csv out.csv")
    try:
        return _export(args)
    except ExportError as err:
        print(f"tbnb export: {err}", file=sys.stderr, flush=True)
        return EXIT_FAILED
    except BrokenPipeError:
        # the reader of standard output went away: say so once, and let the
        # interpreter's last flush of stdout go nowhere instead of printing a traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        print("tbnb export: the output was closed before the export ended", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("tbnb export: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED


def _export(args: argparse.Namespace) -> int:
    from tbnb.board.export import export_csv, export_html, read_logdir, stderr_progress

    csv_path = None if args.csv in (None, "-") else Path(args.csv)
    for out in (args.output, csv_path):
        if out is not None:
            check_writable(out)
    engine = read_logdir(args.logdir, stderr_progress)
    try:
        if args.output:
            export_html(engine, args.output, stderr_progress)
        if args.csv:
            export_csv(engine, sys.stdout if csv_path is None else csv_path, stderr_progress)
    except OSError as err:
        if isinstance(err, BrokenPipeError):
            raise
        raise ExportError(f"cannot write: {err.strerror or err}") from None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
