"""content/ folder -> SourceFiles in sorted order, plus warnings for what was skipped."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from brief.config import Config
from brief.errors import ContentError, Diagnostic, error, warning
from brief.model import SourceFile

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
MAX_BYTES = {"txt": 5_000_000, "md": 5_000_000, "html": 20_000_000}
"""No dispatch is this long: a bigger file is a mistake (a log, a dump) that would stall."""
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def discover(config: Config) -> tuple[tuple[SourceFile, ...], tuple[Diagnostic, ...]]:
    """Read every content file under the content folder, recursively, sorted by path."""
    root = config.root.resolve()
    content = config.content_path
    if not content.is_dir():
        return (), (
            error(
                config.content_dir,
                None,
                "content",
                "the content folder does not exist",
                f"create {config.content_dir}/ and put articles in it",
            ),
        )
    files: list[SourceFile] = []
    problems: list[Diagnostic] = []
    for path in sorted(_walk(content), key=lambda p: p.as_posix()):
        rel = path.relative_to(config.root).as_posix()
        if _is_ignored(path.name):
            continue
        if not _printable(rel):
            problems.append(
                warning(
                    _shown(rel),
                    None,
                    "file-name",
                    "the name is not valid UTF-8 or holds a control character; skipped",
                    "rename the file",
                )
            )
            continue
        if path.suffix.lower() not in FORMATS:
            problems.append(
                warning(
                    rel,
                    None,
                    "skipped",
                    f"unsupported file type {path.suffix!r}",
                    "brief reads .txt, .md and .html files",
                )
            )
            continue
        target = _resolved(path) if path.is_symlink() else path
        if target is None:
            problems.append(
                error(rel, None, "symlink", "the symbolic link loops", "remove the link")
            )
            continue
        if path.is_symlink() and not _inside(target, root):
            problems.append(
                error(
                    rel,
                    None,
                    "symlink",
                    "links to a file outside the project",
                    "copy the file into content/ instead",
                )
            )
            continue
        try:
            data = _read(path)
        except FileNotFoundError:
            problems.append(
                warning(
                    rel,
                    None,
                    "read",
                    "the file disappeared while brief was reading it; skipped",
                    "build again once the files have settled",
                )
            )
            continue
        except OSError as exc:
            problems.append(
                error(
                    rel,
                    None,
                    "read",
                    f"cannot read: {exc.strerror or exc}",
                    "check the file's permissions",
                )
            )
            continue
        except _TooLarge as exc:
            problems.append(exc.diagnostic(rel))
            continue
        files.append(SourceFile(rel, data, hashlib.sha256(data).hexdigest()))
    return tuple(files), tuple(problems)


def _printable(name: str) -> bool:
    """A name that can be shown in a message and a URL: valid UTF-8, no control characters."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by os.fsdecode as surrogates
        return False
    return _CONTROL.search(name) is None


def _shown(name: str) -> str:
    """``name`` with bad bytes and control characters written as escapes."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return "".join(c if 32 <= ord(c) != 127 else f"\\x{ord(c):02x}" for c in text)


def _resolved(path: Path) -> Path | None:
    """Where a symbolic link leads; None for a loop."""
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:  # a dangling link: where it would lead
        return path.resolve()
    except (OSError, RuntimeError):  # ELOOP; RuntimeError before Python 3.13
        return None


class _TooLarge(Exception):
    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit

    def diagnostic(self, rel: str) -> Diagnostic:
        return error(
            rel,
            None,
            "too-large",
            f"the file is {self.size / 1e6:.1f} MB; brief reads files up to "
            f"{self.limit / 1e6:.0f} MB",
            "keep only the article's text, or split it into several files",
        )


def _read(path: Path) -> bytes:
    """The file's bytes; _TooLarge before reading a file no dispatch could fill."""
    limit = MAX_BYTES[FORMATS[path.suffix.lower()]]
    with path.open("rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge(path.stat().st_size, limit)
    return data


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    # Symlinked folders are not followed: that rules out loops and escapes in one go.
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(Path(dirpath) / name for name in filenames)
    return found


def _is_ignored(name: str) -> bool:
    """Hidden files and the droppings of editors: never content."""
    return (
        name.startswith((".", "#", "~"))
        or name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".bak"))
        or name in ("Thumbs.db", "desktop.ini")
    )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def read_one(config: Config, path: Path) -> SourceFile:
    """One content file named by the user (brief inspect), with discover's checks."""
    root = config.root.resolve()
    resolved = path.resolve()
    try:
        rel = resolved.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()  # outside the project: still readable, named as given
    if path.suffix.lower() not in FORMATS:
        raise ContentError(
            error(
                rel,
                None,
                "format",
                f"unsupported file type {path.suffix!r}",
                "brief reads .txt, .md and .html files",
            )
        )
    try:
        data = _read(path)
    except OSError as exc:
        raise ContentError(
            error(rel, None, "read", f"cannot read: {exc.strerror or exc}")
        ) from None
    except _TooLarge as exc:
        raise ContentError(exc.diagnostic(rel)) from None
    return SourceFile(rel, data, hashlib.sha256(data).hexdigest())
