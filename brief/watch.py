"""Filesystem events -> debounced sets of changed project files (content, templates, config).

watchdog reports far more than edits: plain reads (opened, closed_no_write), attribute
changes, the build's own output and cache, editors' swap and probe files. Only created,
modified, deleted and moved events of files a build reads count, and an editor's atomic save
(write a temporary file, rename it over the original) counts through the move's destination.
Bursts (a git checkout of 500 files) are coalesced: changes are handed out after a short
quiet spell, or after at most ``longest`` seconds of continuous events.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from brief.cache import CACHE_DIR
from brief.config import Config
from brief.errors import ConfigError, error
from brief.templating import template_folders

QUIET = 0.1
"""Seconds without a relevant event before a change is handed out: an editor's save (write,
rename) and a checkout's writes come milliseconds apart; watchfiles waits 50 ms. Every
tenth of a second here is a tenth of a second on each save-to-browser."""
LONGEST = 1.0
"""Seconds after the first pending event when changes are handed out even if events go on."""

_EDITS = {EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED}
_EDIT_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
"""Asked of the kernel (inotify's mask): without it every file a build reads reaches the
watcher thread as opened and closed events, 2,000 of them for a 1,000-article rebuild, and
handling them in Python while the build runs slowed each rebuild by about a third."""
_NOISE_SUFFIXES = (
    "~",
    ".swp",
    ".swo",
    ".swx",
    ".tmp",
    ".temp",
    ".bak",
    ".part",
    ".crdownload",
    ".kate-swp",
    "___jb_tmp___",
    "___jb_old___",
)


def is_noise(name: str) -> bool:
    """Hidden files and editors' droppings (vim's 4913 probe, emacs's .# locks and #autosaves#,
    JetBrains' ___jb_tmp___): never a change worth a build."""
    return (
        name.startswith((".", "#", "~"))
        or name.endswith(_NOISE_SUFFIXES)
        or name in ("4913", "Thumbs.db", "desktop.ini")
    )


@dataclass(frozen=True, slots=True)
class Scope:
    """Which paths under the project a build reads, from one config."""

    root: Path
    trees: tuple[Path, ...]
    """Watched recursively: the content folder and the template folders."""
    ignored: tuple[Path, ...]
    """Never relevant even inside a tree: the output folder and the cache."""

    @classmethod
    def of(cls, config: Config) -> Scope:
        root = config.root.resolve()
        trees = {config.content_path.resolve(), *(f.resolve() for f in template_folders(config))}
        output = config.output_path.resolve()
        return cls(root, tuple(sorted(trees)), (output, root / CACHE_DIR))

    def relevant(self, path: Path) -> bool:
        """A file (or folder) whose change can change the site."""
        if any(path == i or i in path.parents for i in self.ignored):
            return False
        for tree in self.trees:
            if path == tree:
                return True  # the folder itself appearing or going away
            if tree in path.parents:
                # discover skips hidden folders, and editors keep their backups in them
                return not any(is_noise(part) for part in path.relative_to(tree).parts)
        # Beside brief.yaml: the config, the taxonomy and the data files that extend brief/data/
        return (
            path.parent == self.root
            and path.suffix in (".yaml", ".yml")
            and not is_noise(path.name)
        )

    def label(self, path: Path) -> str:
        """A path as the user knows it: relative to the project where it is inside."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


class Watcher:
    """Watches what a config's build reads; ``changes()`` hands out debounced changes."""

    def __init__(self, poll: bool = False) -> None:
        # Polling for WSL's /mnt drives, Docker bind mounts and network drives, where inotify
        # sees nothing
        self._observer: BaseObserver = PollingObserver(timeout=0.5) if poll else Observer()
        self._handler = _Handler(self)
        self._watches: dict[tuple[Path, bool], ObservedWatch] = {}
        self._scope: Scope | None = None
        self._pending: set[str] = set()
        self._first = 0.0
        self._last = 0.0
        self._closed = False
        self._lock = threading.Condition()
        self._observer.start()

    def follow(self, config: Config) -> None:
        """Watch what ``config``'s build reads; a changed content_dir or templates_dir moves the
        watches, and a folder created later is picked up at the next call. Called from one
        thread at a time (serve's build loop); ConfigError when the system refuses a watch."""
        scope = Scope.of(config)
        wanted = {(scope.root, False)} | {(t, True) for t in scope.trees if t.is_dir()}
        # A tree inside another tree is covered by the outer one (a checkout's theme is the
        # project's own templates/).
        wanted = {
            (path, recursive)
            for path, recursive in wanted
            if not any(t != path and t in path.parents for t, r in wanted if r)
        }
        with self._lock:
            self._scope = scope
        # Not under self._lock: watchdog holds its own lock while it calls our handler, which
        # takes self._lock; scheduling under it would deadlock.
        for key in set(self._watches) - wanted:
            self._observer.unschedule(self._watches.pop(key))
        for path, recursive in sorted(wanted - set(self._watches)):
            try:
                self._watches[(path, recursive)] = self._observer.schedule(
                    self._handler, str(path), recursive=recursive, event_filter=_EDIT_EVENTS
                )
            except (FileNotFoundError, NotADirectoryError):
                continue  # gone since we looked; the root's watch sees it come back
            except OSError as exc:  # inotify's limits (ENOSPC, EMFILE) on a big tree
                raise ConfigError(
                    error(
                        scope.label(path),
                        None,
                        "watch",
                        f"cannot watch this folder: {exc.strerror or exc}",
                        "pass --poll, or raise fs.inotify.max_user_watches and "
                        "fs.inotify.max_user_instances (sysctl)",
                    )
                ) from None

    def idle(self, seconds: float, stop: threading.Event) -> bool:
        """Wait up to ``seconds`` for a change; True when none came (and not stopped)."""
        ends = time.monotonic() + seconds
        with self._lock:
            while not self._pending and not self._closed and not stop.is_set():
                left = ends - time.monotonic()
                if left <= 0:
                    return True
                self._lock.wait(min(left, 0.25))
        return False

    def changes(
        self, stop: threading.Event, quiet: float = QUIET, longest: float = LONGEST
    ) -> frozenset[str] | None:
        """Block until files changed and things went quiet; the changed paths, or None once
        ``stop`` is set or the watcher is closed. Changes seen during a build wait here for
        the next call, so a burst during a build makes one follow-up build."""
        with self._lock:
            while not self._pending:
                if stop.is_set() or self._closed:
                    return None
                self._lock.wait(0.25)
            while True:
                if stop.is_set() or self._closed:
                    return None
                now = time.monotonic()
                wait = min(self._last + quiet, self._first + longest) - now
                if wait <= 0:
                    break
                self._lock.wait(wait)
            changed = frozenset(self._pending)
            self._pending.clear()
            return changed

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._observer.stop()
        self._observer.join(timeout=5)

    def _record(self, paths: list[Path]) -> None:
        with self._lock:
            if self._scope is None:
                return
            labels = {self._scope.label(p) for p in paths if self._scope.relevant(p)}
            if not labels:
                return
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._last = now
            self._pending |= labels
            self._lock.notify_all()


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _EDITS:
            return  # opened, closed, closed_no_write, attrib: reads and chmods, not edits
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return  # a folder's time stamp: its files' own events say what changed
        paths = [_path(event.src_path)]
        if event.event_type == EVENT_TYPE_MOVED:
            paths.append(_path(event.dest_path))
        self._watcher._record(paths)


def _path(raw: str | bytes) -> Path:
    return Path(raw.decode() if isinstance(raw, bytes) else raw)
