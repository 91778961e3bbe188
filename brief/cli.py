"""Command line -> library calls; the one place that prints messages and picks exit codes.

Exit codes: 0 ok, 1 content or build errors, 2 usage or config errors, 3 publish refused.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from brief import __version__
from brief.build import build
from brief.config import load_config
from brief.errors import BriefError, ConfigError, ContentError, OutputError, error


def main(argv: Sequence[str] | None = None) -> int:
    """Run brief with ``argv``; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except BriefError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        warnings = len(exc.diagnostics) - errors
        if isinstance(exc, ContentError):
            print(
                f"Build failed: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}; "
                f"{args.output_dir_label} was left as it was.",
                file=sys.stderr,
            )
            return 1
        return 2 if isinstance(exc, (ConfigError, OutputError)) else 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


def main_entry() -> None:
    raise SystemExit(main())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brief", description="Turn a folder of news dispatches into a static briefing site."
    )
    parser.add_argument("--version", action="version", version=f"brief {__version__}")
    parser.set_defaults(command=None, output_dir_label="the output folder")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    build_cmd = commands.add_parser(
        "build",
        help="build the site into site/",
        description="Read content/, build the site into site/.",
    )
    build_cmd.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="the project folder (default: the current folder)",
    )
    build_cmd.add_argument(
        "--base-url", help="override base_url, e.g. https://user.github.io/briefing/"
    )
    build_cmd.add_argument("--output", "-o", help="override output_dir (inside the project)")
    build_cmd.add_argument("--drafts", action="store_true", help="include articles marked draft")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build_cmd.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    build_cmd.set_defaults(command="build", run=_build)
    return parser


def _build(args: argparse.Namespace) -> int:
    root: Path = args.root
    if not root.is_dir():
        raise ConfigError(error("--root", None, "usage", f"{root} is not a folder"))
    overrides = {}
    if args.base_url is not None:
        overrides["base_url"] = args.base_url
    if args.output is not None:
        output = Path(args.output)
        overrides["output_dir"] = str(output if output.is_absolute() else Path.cwd() / output)
        overrides["output_dir"] = _relative_to(Path(overrides["output_dir"]), root)
    config = load_config(root, overrides)
    args.output_dir_label = config.output_dir + "/"
    report = build(config, drafts=args.drafts, strict=args.strict)
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
    if not args.quiet:
        print(
            f"Built {_plural(report.articles, 'article')}, {_plural(report.pages, 'page')} "
            f"({report.files} files), {_plural(len(report.warnings), 'warning')} "
            f"in {report.seconds:.2f} s into {report.output}/"
        )
    return 0


def _relative_to(path: Path, root: Path) -> str:
    """Paths given on the command line are relative to where the user is, not to --root."""
    return os.path.relpath(path.resolve(), root.resolve())


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
