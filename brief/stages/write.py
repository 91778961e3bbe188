"""OutputFiles -> the output folder, written beside it and swapped in whole.

A failed or killed build leaves the previous site as it was. brief deletes nothing but its
own output folder (recognized by its marker file), its own staging folders and the spare
site it keeps in the cache (see Spare).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import threading
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from brief.cache import CACHE_DIR
from brief.config import CONFIG_NAME, Config
from brief.errors import OutputError, error
from brief.model import OutputFile

MARKER = ".brief-output"
_MARKER_TEXT = b"This folder is written by brief and replaced whole on every build.\n"
_RENAME_EXCHANGE = 2
_REMOVING: list[threading.Thread] = []  # old sites being deleted
_REMOVING_SPARES: list[threading.Thread] = []  # replaced spare sites being deleted


def check_output(config: Config) -> Path:
    """The resolved output folder, or OutputError when brief must not replace it."""
    root = config.root.resolve()
    output = (config.root / config.output_dir).resolve()
    line = config.line_of("output_dir")
    where = CONFIG_NAME if line else "--output / output_dir"
    sources = {
        (root / config.content_dir).resolve(),
        (root / config.templates_dir).resolve(),
        (root / CACHE_DIR).resolve(),
    }
    if root not in output.parents:
        return _refuse(
            where,
            line,
            f"{output} is not inside the project {root}",
            "brief writes only inside the project; use a folder such as site",
        )
    if any(output == s or output in s.parents or s in output.parents for s in sources):
        return _refuse(
            where,
            line,
            f"{config.output_dir!r} overlaps the content, templates or cache folder",
            "use a folder of its own, such as site",
        )
    if (config.root / config.output_dir).is_symlink():
        return _refuse(
            where, line, f"{config.output_dir!r} is a symbolic link", "use a real folder"
        )
    if output.exists():
        if not output.is_dir():
            return _refuse(
                where, line, f"{config.output_dir!r} is a file", "move it away or pick another name"
            )
        if any(output.iterdir()) and not (output / MARKER).is_file():
            return _refuse(
                where,
                line,
                f"{config.output_dir!r} holds files brief did not write",
                "empty or remove it yourself, or pick another output folder",
            )
    return output


@dataclass(frozen=True, slots=True)
class Spare:
    """The site before last, kept in the cache so that the next build can bring it up to
    date instead of making ten thousand folders and links again.

    ``reuse`` maps the paths whose file in the spare is already what this build wants to
    their size (empty when none of its files can be kept); ``folders`` are the folders the new
    site has, which the spare keeps even when it can reuse none of their files (after a
    template edit): making ten thousand folders again cost 4 s, removing them 2 s more.
    ``keep_old`` says the site being replaced is known (its manifest was the build's
    starting point), so it becomes the next spare instead of being deleted."""

    folder: Path
    reuse: Mapping[str, int]
    folders: Container[str]
    keep_old: bool


Put = Callable[[OutputFile], int]
"""Writes one new file into the staging folder, in whichever process made it; its size."""

Fill = Callable[[Put], Iterable[object]]
"""Writes a build's new files with the ``put`` it is given (rendering them as it goes),
handing on one item as each is written."""


def write(
    fill: Fill,
    output: Path,
    keep: Iterable[str] = (),
    stamp: Callable[[], str] | None = None,
    before_swap: Callable[[Path], None] | None = None,
    spare: Spare | None = None,
) -> int:
    """Hard-link the ``keep`` paths from the current output into a staging folder, have
    ``fill`` write the new files into it, then swap it with ``output``; return how many files
    were written. With a usable ``spare``, the staging folder is the spare, with the files
    it already has right left in place. ``stamp()``, asked for once the files are written,
    is the build stamp the output's marker file carries."""
    staging = output.with_name(f".{output.name}.brief-staging")
    clear_leftovers(output)
    try:
        count = _stage(fill, output, staging, keep, stamp, before_swap, spare)
    except BaseException:
        # The files come from rendering as they are written: a template error (or Ctrl-C)
        # stops it half-way, and a half-staged site is not left lying beside the output.
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, output, spare.folder if spare is not None and spare.keep_old else None)
    return count


def writing(files: Iterable[OutputFile]) -> Fill:
    """A fill that writes ``files``, made beforehand, in this process."""
    return lambda put: map(put, files)


_NEW_FILE = (
    os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)
"""The flags open(path, "wb") opens with."""


class _Staging:
    """Places files in the staging folder. Forked workers use their own copy: the folders
    each one made are remembered per process, and making one twice is harmless."""

    def __init__(self, root: str) -> None:
        # Paths as strings, not pathlib objects: this runs for every page of the site (a
        # fifth of a one-article rebuild's writing at 10,000 articles went to pathlib).
        self.root = root
        self.made = {""}

    def place(self, path: str) -> str:
        if path.startswith("/") or any(p in ("..", ".", "") for p in path.split("/")):
            raise OutputError(error(path, None, "output", "page path leaves the output folder"))
        folder = path.rpartition("/")[0]
        if folder not in self.made:
            target = os.path.join(self.root, folder)
            try:  # the parent is nearly always made: one call, where makedirs made two
                os.mkdir(target)
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(target, exist_ok=True)
            self.made.add(folder)
        return os.path.join(self.root, path)

    def put(self, file: OutputFile) -> int:
        # os.open, not open(): a file object asks the system for the file's status and
        # whether it is a terminal, and writing 13,700 pages took 12% longer.
        try:
            handle = os.open(self.place(file.path), _NEW_FILE, 0o666)
            try:
                data = memoryview(file.data)
                while data:
                    data = data[os.write(handle, data) :]
            finally:
                os.close(handle)
        except OSError as exc:  # a full disk, a folder where the page should be
            raise OutputError(
                error(
                    file.path,
                    None,
                    "output",
                    f"cannot write this page: {exc.strerror or exc}",
                    "free disk space, or check the output folder; the site was left as it was",
                )
            ) from None
        return len(file.data)


def _stage(
    fill: Fill,
    output: Path,
    staging: Path,
    keep: Iterable[str],
    stamp: Callable[[], str] | None,
    before_swap: Callable[[Path], None] | None,
    spare: Spare | None,
) -> int:
    """Fill the staging folder: the spare's good files, links to the kept ones, the new files
    and the marker; return how many files were written."""
    kept = _take_spare(spare, staging) if spare is not None else set()
    if not kept:
        staging.mkdir(exist_ok=True)
    staged = _Staging(str(staging))
    place, source = staged.place, str(output)
    for path in keep:
        if path in kept:
            continue
        # A link, not a copy: nothing is written for an unchanged page, and the old site's
        # file is never written through, because new files are always new inodes.
        target = place(path)
        try:
            os.link(os.path.join(source, path), target)
        except OSError:  # another file system: a copy, to a new file (never through a link)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            shutil.copy2(os.path.join(source, path), target)
    count = sum(1 for _ in fill(staged.put))
    made = stamp() if stamp is not None else ""
    (staging / MARKER).write_bytes(_MARKER_TEXT + (f"build: {made}\n" if made else "").encode())
    if before_swap is not None:
        before_swap(staging)  # derived files made from the staged pages (the search index)
    return count


def _take_spare(spare: Spare, staging: Path) -> set[str]:
    """Make the spare the staging folder, holding only the files in ``spare.reuse`` (and at
    their recorded size) and the folders in ``spare.folders``; return those files."""
    folder = spare.folder
    if folder.is_symlink() or not (folder / MARKER).is_file():
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
        return set()
    try:
        os.rename(folder, staging)  # killed from here on, the next build clears staging
    except OSError:  # another file system: no spare, then
        shutil.rmtree(folder, ignore_errors=True)
        return set()
    try:
        return _prune(staging, spare.reuse, spare.folders)
    except (OSError, RecursionError):  # whatever is wrong with it, staging starts afresh
        shutil.rmtree(staging, ignore_errors=True)
        return set()


def _prune(folder: Path, reuse: Mapping[str, int], folders: Container[str]) -> set[str]:
    """Delete the files ``reuse`` does not list, and the folders left empty that ``folders``
    does not list; return the files left."""
    left: set[str] = set()
    _prune_folder(str(folder), "", reuse, folders, left)
    return left


def _prune_folder(
    path: str, prefix: str, reuse: Mapping[str, int], folders: Container[str], left: set[str]
) -> int:
    """Prune one folder (recursively); how many entries remain in it. One lstat per file at
    most, from scandir's entries: this runs on every rebuild, over the whole spare site."""
    remaining = 0
    with os.scandir(path) as entries:
        listed = list(entries)
    for entry in listed:
        rel = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            if _prune_folder(entry.path, rel + "/", reuse, folders, left) or rel in folders:
                remaining += 1
            else:
                os.rmdir(entry.path)
            continue
        size = reuse.get(rel)
        # brief writes no links and no special files; whatever made them, they go
        if (
            size is not None
            and entry.is_file(follow_symlinks=False)
            and entry.stat(follow_symlinks=False).st_size == size
        ):
            left.add(rel)
            remaining += 1
        else:
            os.unlink(entry.path)
    return remaining


def strays(output: Path, paths: Iterable[str], own: Container[str]) -> list[str]:
    """The names at the top of ``output`` that the new site (``paths``, and brief's ``own``
    files such as the search index) will not have: files a user put there, which the swap
    leaves out. Only the top is looked at (a CNAME, notes): one listing, not a walk of
    13,000 folders on every build."""
    try:
        with os.scandir(output) as entries:
            present = [entry.name for entry in entries]
    except OSError:
        return []
    tops = {path.split("/", 1)[0] for path in paths}
    return sorted(n for n in present if n not in tops and n != MARKER and n not in own)


def read_stamp(output: Path) -> str:
    """The build stamp in the output's marker file ("" if none): which manifest it matches."""
    try:
        text = (output / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return next((line[7:] for line in text.splitlines() if line.startswith("build: ")), "")


def make_spare(output: Path, folder: Path, wanted: Container[str]) -> bool:
    """A copy of the site in ``folder``, made of links to its files that ``wanted`` lists and
    to its marker, for the next build to bring up to date; False when it cannot be made
    (then there is none). The site's own tree is walked, never followed through a link, so
    a path planted in the cache's manifest cannot reach outside it."""
    making = folder.with_name(folder.name + ".brief-making")
    trash = folder.with_name(folder.name + ".brief-trash")
    try:
        _discard(making)
        _join(_REMOVING_SPARES)
        _discard(trash)
        _link_tree(str(output), str(making), "", wanted)
        if folder.is_dir() and not folder.is_symlink():
            # The spare it replaces goes in a thread that builds do not wait for: 10,000
            # unlinks took 2-4 s here, and brief serve's next rebuild would have.
            os.rename(folder, trash)
            _delete_in_thread(trash, _REMOVING_SPARES)
        else:
            _discard(folder)
        os.replace(making, folder)
    except (OSError, RecursionError):
        shutil.rmtree(making, ignore_errors=True)
        return False
    return True


def _discard(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _link_tree(source: str, target: str, prefix: str, wanted: Container[str]) -> None:
    os.mkdir(target)
    with os.scandir(source) as entries:
        listed = list(entries)
    for entry in listed:
        rel = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            _link_tree(entry.path, os.path.join(target, entry.name), rel + "/", wanted)
        elif entry.is_file(follow_symlinks=False) and (rel in wanted or rel == MARKER):
            os.link(entry.path, os.path.join(target, entry.name), follow_symlinks=False)


def _swap(staging: Path, output: Path, spare: Path | None) -> None:
    """Swap the staged site in; the old one becomes the spare, or is deleted."""
    if output.exists() and _exchange(staging, output):
        if spare is not None and _keep(staging, spare):
            return
        _remove_later(staging)
        return
    old = output.with_name(f".{output.name}.brief-old")
    if output.exists():
        os.rename(output, old)
    os.rename(staging, output)
    # Without the exchange (macOS, Windows, some network drives) the old site is still the
    # spare: made again by brief serve after every rebuild, it cost more than it saved.
    if old.exists() and not (spare is not None and _keep(old, spare)):
        shutil.rmtree(old)


def _keep(old: Path, spare: Path) -> bool:
    try:
        spare.parent.mkdir(parents=True, exist_ok=True)
        os.rename(old, spare)
    except OSError:
        return False
    return True


def _remove_later(old: Path) -> None:
    """Delete the swapped-out site in a thread: it is already out of the way, and the rest
    of the build (saving the cache) need not wait for ten thousand unlinks. The process
    waits for the thread before it exits; a killed one leaves the folder to clear_leftovers."""
    trash = old.with_name(old.name.replace("brief-staging", "brief-trash"))
    os.rename(old, trash)
    _delete_in_thread(trash, _REMOVING)


def _delete_in_thread(folder: Path, threads: list[threading.Thread]) -> None:
    thread = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True})
    threads.append(thread)
    thread.start()


def finish_removals() -> None:
    """Wait for old sites and spares still being deleted (before the process exits)."""
    _join(_REMOVING)
    _join(_REMOVING_SPARES)


def _join(threads: list[threading.Thread]) -> None:
    while threads:
        threads.pop().join()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def clear_leftovers(output: Path) -> None:
    """Staging from a killed build goes; an old site left mid-swap comes back first."""
    _join(_REMOVING)  # the next build must not race them (spares are not in its way)
    old = output.with_name(f".{output.name}.brief-old")
    if old.is_dir() and not output.exists() and (old / MARKER).is_file():
        os.rename(old, output)
    for leftover in (
        old,
        output.with_name(f".{output.name}.brief-staging"),
        output.with_name(f".{output.name}.brief-trash"),
    ):
        if leftover.is_dir() and not leftover.is_symlink():
            try:
                shutil.rmtree(leftover)
            except OSError as exc:  # no permission; or a process of that build still writing
                raise OutputError(
                    error(
                        str(leftover),
                        None,
                        "output",
                        f"cannot remove what an interrupted build left: {exc.strerror or exc}",
                        "if another brief is still building this site, let it finish; else "
                        "check the folder's permissions, or delete it yourself",
                    )
                ) from None


def _refuse(where: str, line: int | None, message: str, hint: str) -> Path:
    raise OutputError(error(where, line, "output", message, hint))
