"""Processes a build starts die with it, even when it is killed outright.

A build killed with SIGKILL (the out-of-memory killer, a CI timeout, ``kill -9``) gets no
chance to stop its forked workers or Pagefind. Left running, they went on writing into the
staging folder, and the next build failed clearing it (or could publish their pages). On
Linux the kernel kills them instead (PR_SET_PDEATHSIG); elsewhere nothing is done.

``python -m brief.tether PID PROGRAM ARGS...`` runs PROGRAM tied to process PID: the
tie survives exec, so a program brief did not write is tied too.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> None:
    """Have this process killed when ``parent`` (the process that started it) dies; exit at
    once if it died already, before the tie was made."""
    if not sys.platform.startswith("linux"):
        return
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def tethered(command: list[str]) -> list[str]:
    """``command`` run so that it dies with this process (as is, where that cannot be done)."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-m", "brief.tether", str(os.getpid()), *command]


def main(argv: list[str]) -> None:
    parent, program, *args = argv
    die_with(int(parent))
    os.execv(program, [program, *args])


if __name__ == "__main__":
    main(sys.argv[1:])
