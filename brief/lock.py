"""One build at a time into an output folder.

Two builds of one site at once (brief serve rebuilding while ``brief build`` runs, two
terminals) used the same staging folder: the second cleared it under the first, and the
site swapped in could hold pages of both. The second now waits for the first. The lock is
the kernel's (flock) on the folder that holds the output and its staging folder: no file
of its own is left in the project, and a build that dies, however it dies, holds it no
longer; its workers, which share it, die with it (see brief.tether).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no lock; builds there are one at a time by hand
    fcntl = None  # type: ignore[assignment]


def lock_path(output: Path) -> Path:
    """What is locked: the folder the output and its staging folder are in."""
    return output.parent


@contextlib.contextmanager
def one_at_a_time(
    output: Path, waiting: Callable[[], None] | None = None, *, wait: bool = True
) -> Iterator[bool]:
    """Hold the output folder's lock while the block runs, and yield True. When another
    build holds it: call ``waiting`` and wait for it, or, with ``wait=False``, yield False
    at once (what may be left for later is)."""
    if fcntl is None:
        yield True
        return
    try:
        descriptor = os.open(lock_path(output), os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # not there yet: the build says so when it writes
        yield True
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            if waiting is not None:
                waiting()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError:  # a file system without locks (some network drives): as before
            pass
        yield True
    finally:
        os.close(descriptor)
