"""The ``tbnb`` command: ``tbnb export LOGDIR -o report.html`` and ``--csv out.csv``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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

    from tbnb.board.export import export_csv, export_html, stderr_progress

    if not args.output and not args.csv:
        parser.error("export needs -o report.html and/or --csv out.csv")
    if args.output:
        export_html(args.logdir, args.output, stderr_progress)
    if args.csv:
        export_csv(args.logdir, sys.stdout if args.csv == "-" else Path(args.csv), stderr_progress)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
