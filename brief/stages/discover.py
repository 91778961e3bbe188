"""content/ folder -> SourceFiles in sorted order, plus warnings for what was skipped."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
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
    prefix = content.relative_to(config.root).as_posix() + "/"
    folder = str(content)
    found, unread = _walk(content)
    problems.extend(_folder_problem(prefix + sub, kind) for sub, kind in unread)
    for sub, name, link in found:
        rel = prefix + sub
        if _is_ignored(name):
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
        suffix = os.path.splitext(name)[1]
        if suffix.lower() not in FORMATS:
            problems.append(
                warning(
                    rel,
                    None,
                    "skipped",
                    f"unsupported file type {suffix!r}",
                    "brief reads .txt, .md and .html files",
                )
            )
            continue
        path = os.path.join(folder, sub)  # a str, not a Path: 10,000 of them per rebuild
        refused = _link_problem(Path(path), root, rel) if link else None
        if refused is not None:
            problems.append(refused)
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
                    "move it out of the content folder"
                    if isinstance(exc, _NotAFile)
                    else "check the file's permissions",
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


def _link_problem(link: Path, root: Path, rel: str) -> Diagnostic | None:
    """Why a symbolic link in the content folder is not read: it loops, or leads out of the
    project; None when it leads to a file inside it."""
    target = _resolved(link)
    if target is None:
        return error(rel, None, "symlink", "the symbolic link loops", "remove the link")
    if not os.path.lexists(target):
        return error(
            rel,
            None,
            "symlink",
            "the symbolic link leads nowhere: what it names is missing",
            "remove the link, or put back what it named",
        )
    if not _inside(target, root):
        return error(
            rel,
            None,
            "symlink",
            "links to a file outside the project",
            "copy the file into content/ instead",
        )
    return None


def _resolved(path: Path) -> Path | None:
    """Where a symbolic link leads; None for a loop."""
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:  # a dangling link: where it would lead
        return path.resolve()
    except (OSError, RuntimeError):  # ELOOP; RuntimeError before Python 3.13
        return None


class _NotAFile(OSError):
    """A named pipe, a device or a socket where a content file was expected."""


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


def _read(path: str | Path) -> bytes:
    """The file's bytes; _TooLarge before reading a file no dispatch could fill."""
    limit = MAX_BYTES[FORMATS[os.path.splitext(path)[1].lower()]]
    # A bare descriptor, not a file object: a no-change rebuild reads every content file,
    # and io's buffered reader made 10,000 of them take 0.35 s instead of 0.14 s.
    # O_NONBLOCK: a named pipe saved in content/ would otherwise wait for a writer for ever
    # (it changes nothing for a file); O_BINARY: Windows would otherwise turn CRLF into LF.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise _NotAFile(errno.EINVAL, "not a regular file (a pipe, a device or a socket)")
        size = status.st_size
        # read(n) sets aside n bytes first: asking for the file's size, not the limit, saves
        # a 5 MB allocation per file. A file that grew while read, or reports no size (a
        # pipe, a device), is read on up to the limit.
        data = _read_up_to(descriptor, min(size, limit) + 1) if size else b""
        if not size or len(data) > size:
            data += _read_up_to(descriptor, limit + 1 - len(data))
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise _TooLarge(os.stat(path).st_size, limit)
    return data


def _read_up_to(descriptor: int, wanted: int) -> bytes:
    """Up to ``wanted`` bytes, fewer only at the end of the file (a read may return less)."""
    data = os.read(descriptor, wanted)
    if not data or len(data) == wanted:
        return data
    parts = [data]
    got = len(data)
    while got < wanted and (more := os.read(descriptor, wanted - got)):
        parts.append(more)
        got += len(more)
    return b"".join(parts)


Unread = tuple[str, str]
"""A folder the walk did not go into (path below the content folder, why): "unreadable",
"vanished" or "link"."""


def _walk(folder: Path) -> tuple[list[tuple[str, str, bool]], list[Unread]]:
    """(path below ``folder`` in POSIX form, file name, is a symbolic link) of every file,
    sorted by that path, and the folders not gone into. Plain strings and scandir's
    entries, not Paths: this runs over every content file on every rebuild, and the type of
    an entry comes without a stat."""
    found: list[tuple[str, str, bool]] = []
    unread: list[Unread] = []
    _scan(str(folder), "", found, unread)
    found.sort()
    unread.sort()
    return found, unread


def _scan(
    folder: str, prefix: str, found: list[tuple[str, str, bool]], unread: list[Unread]
) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except FileNotFoundError:
        unread.append((prefix.rstrip("/"), "vanished"))
        return
    except OSError:
        unread.append((prefix.rstrip("/"), "unreadable"))
        return
    for entry in entries:
        if _is_folder(entry):
            if entry.name.startswith("."):
                continue
            # Symlinked folders are not followed: that rules out loops and escapes in one go.
            if entry.is_symlink():
                unread.append((prefix + entry.name, "link"))
            else:
                _scan(entry.path, prefix + entry.name + "/", found, unread)
        else:
            found.append((prefix + entry.name, entry.name, entry.is_symlink()))


def _folder_problem(rel: str, kind: str) -> Diagnostic:
    """What a reader must hear of a folder whose articles were not read."""
    if kind == "unreadable":
        return error(
            rel,
            None,
            "read",
            "cannot read this folder: the articles in it would be left out",
            "check the folder's permissions",
        )
    if kind == "vanished":
        return warning(
            rel,
            None,
            "read",
            "the folder disappeared while brief was reading it; skipped",
            "build again once the files have settled",
        )
    return warning(
        rel,
        None,
        "symlink",
        "a symbolic link to a folder is not followed: the articles there are not read",
        "move or copy the folder into the content folder instead",
    )


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # a link to a folder too, as os.walk sees it
    except OSError:  # a link loop: a file to the walk, and discover reports it
        return False


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
