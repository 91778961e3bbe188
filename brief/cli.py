"""Command line -> library calls; the one place that prints messages and picks exit codes.

Exit codes: 0 ok, 1 content or build errors, 2 usage or config errors, 3 publish refused.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from brief import __version__
from brief.adding import add_dispatch
from brief.build import build
from brief.check import check
from brief.config import Config, load_config
from brief.errors import (
    BriefError,
    ConfigError,
    ContentError,
    OutputError,
    PublishError,
    error,
)
from brief.inspection import as_json, describe, inspect_file
from brief.progress import Progress
from brief.publish import PublishReport, publish
from brief.scaffold import scaffold
from brief.stages.write import finish_removals
from brief.verify import verify

if TYPE_CHECKING:
    from brief.server import Rebuild


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
        warnings = sum(d.severity == "warning" for d in exc.diagnostics)
        if isinstance(exc, PublishError):
            print("Publishing refused: nothing was pushed.", file=sys.stderr)
            return 3
        if isinstance(exc, ContentError) and args.command == "build":
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
    except OSError as exc:
        # The last guard, for what no stage foresaw (a file brief may not read or write, a
        # folder where a file belongs): the file and the reason, not a traceback.
        where = exc.filename or "brief"
        print(
            f"{where}: {exc.strerror or exc} (check that it is there and that brief may read "
            "and write it)",
            file=sys.stderr,
        )
        return 1


def main_entry() -> NoReturn:
    """The ``brief`` command and ``python -m brief``: main(), then an exit that skips the
    interpreter's teardown. Freeing a 10,000-article build's million objects one by one
    took 0.85 s after the work was done, a fifth of a one-article rebuild. What the
    teardown would still do is done here: the old site being deleted in a thread is
    waited for, and the output is flushed."""
    code = main()
    finish_removals()
    for child in multiprocessing.active_children():  # none is left by a build; if one were,
        child.terminate()  # it would outlive the exit that skips multiprocessing's own cleanup
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(code)


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
    build_cmd.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="processes that read and render (default: one per core, up to 8, for 300 or "
        "more articles; else 1)",
    )
    build_cmd.add_argument(
        "--verify",
        action="store_true",
        help="then check the output equals a clean build, byte for byte (exit 1 if not)",
    )
    build_cmd.set_defaults(command="build", run=_build)

    serve_cmd = commands.add_parser(
        "serve",
        help="build, serve the site locally and rebuild on every change",
        description="Build the site, serve it on http://127.0.0.1:8000/ under its base path, "
        "watch content/, templates/ and the config, rebuild on change and reload open pages. "
        "Errors are shown in the pages; the last good site stays served.",
    )
    serve_cmd.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    serve_cmd.add_argument(
        "--port", type=int, default=8000, help="the port (default: 8000; 0: any free port)"
    )
    serve_cmd.add_argument(
        "--find-port", action="store_true", help="if the port is busy, use the next free one"
    )
    serve_cmd.add_argument(
        "--poll",
        action="store_true",
        help="poll for changes (WSL drives, Docker mounts, network drives)",
    )
    serve_cmd.add_argument(
        "--base-url", help="override base_url, e.g. https://user.github.io/briefing/"
    )
    serve_cmd.add_argument("--drafts", action="store_true", help="include articles marked draft")
    serve_cmd.set_defaults(command="serve", run=_serve)

    inspect_cmd = commands.add_parser(
        "inspect",
        help="show how brief reads one file",
        description="Print the normalized article: fields and where each came from, quotes, "
        "mentions, topics with their evidence, warnings.",
    )
    inspect_cmd.add_argument("file", type=Path, help="a .txt or .md file")
    inspect_cmd.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    inspect_cmd.add_argument("--json", action="store_true", help="print JSON instead of text")
    inspect_cmd.set_defaults(command="inspect", run=_inspect)

    check_cmd = commands.add_parser(
        "check",
        help="run the whole pipeline without writing; list every guess",
        description="Read, normalize, tag and render everything without writing, and list each "
        "problem and each guess (inferred year, unknown dateline, unattributed quote).",
    )
    check_cmd.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    check_cmd.add_argument("--drafts", action="store_true", help="include articles marked draft")
    check_cmd.add_argument(
        "--strict", action="store_true", help="exit 1 on any warning or guess (for CI)"
    )
    check_cmd.set_defaults(command="check", run=_check)

    add_cmd = commands.add_parser(
        "add",
        help="save a dispatch under content/YYYY/MM/",
        description="Normalize a dispatch from a file or standard input and save it as "
        "content/YYYY/MM/<slug>.txt, with front matter for what was inferred. Never overwrites.",
    )
    add_cmd.add_argument("file", nargs="?", default="-", help="a text file, or - for stdin")
    add_cmd.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    add_cmd.set_defaults(command="add", run=_add)

    publish_cmd = commands.add_parser(
        "publish",
        help="build and push the site to the gh-pages branch",
        description="Build the site, commit it to the gh-pages branch (with .nojekyll, and "
        "CNAME for a custom domain) and push it. Your branch, index and working tree are not "
        "touched. Exit code 3 when publishing is refused; nothing is pushed then.",
    )
    publish_cmd.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    publish_cmd.add_argument("--remote", default="origin", help="the remote to push to (origin)")
    publish_cmd.add_argument("--branch", default="gh-pages", help="the branch (gh-pages)")
    publish_cmd.add_argument(
        "--message", "-m", help="the commit message (default: names the source commit)"
    )
    publish_cmd.add_argument(
        "--force",
        action="store_true",
        help="replace the remote branch even if it has other commits",
    )
    publish_cmd.add_argument(
        "--dry-run", action="store_true", help="say what would be pushed; commit and push nothing"
    )
    publish_cmd.add_argument("--no-build", action="store_true", help="publish the site as built")
    publish_cmd.set_defaults(command="publish", run=_publish)

    init_cmd = commands.add_parser(
        "init",
        help="start a new briefing project",
        description="Write brief.yaml, topics.yaml, an example article, .gitignore, a GitHub "
        "Pages workflow and the requirements.txt it installs brief from into DIR. Existing "
        "files are left alone unless --force.",
    )
    init_cmd.add_argument("dir", nargs="?", type=Path, default=Path("."), help="the folder (.)")
    init_cmd.add_argument("--force", action="store_true", help="overwrite existing files")
    init_cmd.add_argument(
        "--requirement",
        metavar="SPEC",
        help="the pip requirement the workflow installs brief with (default: where this "
        "brief was installed from, e.g. brief @ git+https://github.com/OWNER/brief@COMMIT)",
    )
    init_cmd.set_defaults(command="init", run=_init)
    return parser


def _build(args: argparse.Namespace) -> int:
    root: Path = args.root
    _project(root)  # the folder and its brief.yaml must be sound before overrides apply
    overrides = {}
    if args.base_url is not None:
        overrides["base_url"] = args.base_url
    if args.output is not None:
        output = Path(args.output)
        overrides["output_dir"] = str(output if output.is_absolute() else Path.cwd() / output)
        overrides["output_dir"] = _relative_to(Path(overrides["output_dir"]), root)
    config = load_config(root, overrides)
    args.output_dir_label = config.output_dir + "/"
    progress = Progress(enabled=False if args.quiet else None)
    try:
        report = build(
            config,
            drafts=args.drafts,
            strict=args.strict,
            workers=args.workers,
            progress=progress,
        )
    finally:
        progress.close()
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
    if not args.quiet:
        print(
            f"Built {_plural(report.articles, 'article')}, {_plural(report.pages, 'page')} "
            f"({report.files} files written, {report.skipped} unchanged, "
            f"{report.removed} removed), "
            f"{_plural(sum(w.severity == 'warning' for w in report.warnings), 'warning')} "
            f"in {report.seconds:.2f} s into {report.output}/"
        )
    if args.verify:
        return _verify(config, args)
    return 0


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return number


def _verify(config: Config, args: argparse.Namespace) -> int:
    differences = verify(config, drafts=args.drafts)
    for difference in differences:
        print(difference.format(), file=sys.stderr)
    if differences:
        print(
            f"Verify failed: a clean build differs in {_plural(len(differences), 'file')} "
            f"of {config.output_dir}/.",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        print(f"Verified: {config.output_dir}/ equals a clean build, byte for byte.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from brief.server import is_loopback, serve

    _project(args.root)
    if not 0 <= args.port <= 65535:
        raise ConfigError(error("--port", None, "usage", f"{args.port} is not a port number"))
    if not is_loopback(args.host):
        print(
            f"Warning: listening on {args.host}: anyone who can reach this machine can read "
            "the site, drafts included. brief serve is for previews, not for publishing.",
            file=sys.stderr,
        )
    overrides = {} if args.base_url is None else {"base_url": args.base_url}
    stop = threading.Event()
    printed: set[str] = set()

    def on_ready(url: str) -> None:
        print(f"Serving {url} (Ctrl-C to stop)", flush=True)

    def on_build(rebuild: Rebuild) -> None:
        _print_rebuild(rebuild, printed)

    def halt(signum: int, frame: object) -> None:
        stop.set()

    handled = (signal.SIGINT, signal.SIGTERM)
    in_main = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, halt) for s in handled} if in_main else {}
    try:
        serve(
            args.root,
            stop=stop,
            on_ready=on_ready,
            on_build=on_build,
            overrides=overrides,
            host=args.host,
            port=args.port,
            find_port=args.find_port,
            poll=args.poll,
            drafts=args.drafts,
        )
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("Stopped.", flush=True)
    return 0


def _print_rebuild(rebuild: Rebuild, printed: set[str]) -> None:
    """One build's outcome; each warning once per session, not again on every rebuild."""
    changed = ""
    if rebuild.changed:
        names = ", ".join(rebuild.changed[:3])
        more = len(rebuild.changed) - 3
        changed = f" after {names}{f' and {more} more' if more > 0 else ''} changed"
    report = rebuild.report
    for diagnostic in report.warnings if report else rebuild.problems:
        text = diagnostic.format()
        if diagnostic.severity == "error" or text not in printed:
            print(text, file=sys.stderr, flush=True)
            printed.add(text)
    if rebuild.crash:
        print(rebuild.crash, file=sys.stderr, end="", flush=True)
    if report is None:
        errors = sum(d.severity == "error" for d in rebuild.problems)
        print(
            f"Build failed{changed} ({_plural(errors, 'error')}, {rebuild.seconds:.2f} s); "
            "still serving the last good site.",
            file=sys.stderr,
            flush=True,
        )
        return
    verb = "Built" if rebuild.number == 1 else "Rebuilt"
    print(
        f"{verb} {_plural(report.articles, 'article')}{changed} in {rebuild.seconds:.2f} s: "
        f"{report.files} files written, {report.skipped} unchanged, {report.removed} removed",
        flush=True,
    )


def _project(root: Path) -> Config:
    if not root.is_dir():
        raise ConfigError(error("--root", None, "usage", f"{root} is not a folder"))
    return load_config(root)


def _inspect(args: argparse.Namespace) -> int:
    article = inspect_file(_project(args.root), args.file)
    if args.json:
        print(json.dumps(as_json(article), ensure_ascii=False, indent=2))
    else:
        print(describe(article), end="")
    return 0


def _check(args: argparse.Namespace) -> int:
    report = check(_project(args.root), drafts=args.drafts)
    for diagnostic in (*report.problems, *report.guesses):
        print(diagnostic.format())
    warnings = sum(p.severity == "warning" for p in report.problems)
    print(
        f"Checked {_plural(report.articles, 'article')}: {_plural(report.errors, 'error')}, "
        f"{_plural(warnings, 'warning')}, {_plural(len(report.guesses), 'guess')}."
    )
    if report.errors or (args.strict and (warnings or report.guesses)):
        return 1
    return 0


def _add(args: argparse.Namespace) -> int:
    config = _project(args.root)
    if args.file == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        path = Path(args.file)
        try:
            data, name = path.read_bytes(), path.name
        except OSError as exc:
            raise ContentError(error(args.file, None, "read", exc.strerror or str(exc))) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(
            error(
                name,
                None,
                "encoding",
                f"invalid UTF-8 at byte offset {exc.start}",
                "re-save it as UTF-8",
            )
        ) from None
    target, article = add_dispatch(config, text, date.today(), name)
    for warning in article.warnings:
        print(warning.format(), file=sys.stderr)
    print(f"Added {target.relative_to(config.root).as_posix()}: {article.title}")
    return 0


def _publish(args: argparse.Namespace) -> int:
    config = _project(args.root)
    report = publish(
        config,
        remote=args.remote,
        branch=args.branch,
        message=args.message,
        force=args.force,
        dry_run=args.dry_run,
        build_first=not args.no_build,
    )
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
    if report.build:
        print(f"Built {_plural(report.build.articles, 'article')} into {report.build.output}/")
    print(_published(report))
    if args.dry_run:
        for name in report.files:
            print(f"  {name}")
    return 0


def _published(report: PublishReport) -> str:
    where = f"{report.remote}/{report.branch}"
    megabytes = report.size / 1_000_000
    amount = f"{megabytes:.1f} MB" if megabytes >= 1 else f"{report.size / 1000:.0f} kB"
    size = f"{_plural(len(report.files), 'file')} ({amount})"
    on_top = (
        f"on top of {report.parent[:7]}" if report.parent else f"as the first commit of {where}"
    )
    source = f", built from {report.source[:7]}" if report.source else ""
    same = "; the files are unchanged since the last publish" if report.unchanged else ""
    if report.commit is None:
        return f"Dry run: would push {size} to {where} {on_top}{source}{same}; nothing was pushed."
    return f"Published {size} to {where}: commit {report.commit[:7]} {on_top}{source}{same}."


def _init(args: argparse.Namespace) -> int:
    from brief.provenance import Requirement, installed_requirement

    requirement = Requirement(args.requirement) if args.requirement else installed_requirement()
    report = scaffold(args.dir, requirement.line, force=args.force)
    for name in report.written:
        print(f"  {'replaced' if name in report.replaced else 'created'} {name}")
    for note in requirement.notes:
        print(note.format(), file=sys.stderr)
    print(
        f"Started a briefing in {report.root}. Next: cd {report.root} && brief build; "
        "push to GitHub and set Settings > Pages > Source to GitHub Actions."
    )
    return 0


def _relative_to(path: Path, root: Path) -> str:
    """Paths given on the command line are relative to where the user is, not to --root."""
    return os.path.relpath(path.resolve(), root.resolve())


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word}{'es' if word.endswith('s') else 's'}"
