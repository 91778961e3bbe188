"""A command -> its wall time and peak memory, the way the benchmark measures every build.

Peak memory is the larger of the biggest process's maximum RSS (from wait4) and the sampled
sum of the proportional set sizes (PSS, else RSS) of the whole process tree: brief's forked
workers share pages with their parent, which a plain sum of RSS would count twice.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Measure:
    """One timed run of one command."""

    seconds: float
    peak_mb: float


class BuildFailed(Exception):
    """A measured command exited with an error: the benchmark stops and shows its output."""


def measure(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Measure:
    """Run ``argv`` and return its wall time and peak memory; BuildFailed on a non-zero exit.
    Data the last command left unwritten is flushed first, so that its write-back is not
    timed in this one."""
    os.sync()
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=out)
        sampler = _TreeMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        if process.returncode != 0:
            out.seek(0)
            tail = out.read().decode("utf-8", "replace")[-3000:]
            raise BuildFailed(f"{' '.join(argv)} (in {cwd}) exited {process.returncode}:\n{tail}")
    peak_kb = max(usage.ru_maxrss, sampler.peak_kb)  # ru_maxrss is in KiB on Linux
    return Measure(seconds, peak_kb / 1024)


class _TreeMemory(threading.Thread):
    """Samples the summed PSS (else RSS) of a process and its descendants every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak_kb = max(self.peak_kb, sum(_memory_kb(p) for p in _tree(self.pid)))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    queue.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def _memory_kb(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}") as status:
                for line in status:
                    if line.startswith(key):
                        return int(line.split()[1])
        except (OSError, ValueError):
            continue
    return 0


def tree_size(root: Path) -> tuple[int, int]:
    """How many files, and how many bytes, under ``root``."""
    files = size = 0
    for folder, _, names in os.walk(root):
        for name in names:
            files += 1
            size += os.lstat(os.path.join(folder, name)).st_size
    return files, size
