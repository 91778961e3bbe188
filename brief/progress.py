"""Build progress events (stage, done, total) -> a one-line bar on a terminal's stderr.

The library never prints: the CLI makes a Progress and hands it to build() as a callback.
The bar appears only on a terminal and only once a build has run for about a second, so a
quick rebuild, a piped run or CI output shows nothing; each update overwrites the line with
a carriage return, and close() clears it before the summary is printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

DELAY = 1.0  # seconds of building before a bar is worth showing
_INTERVAL = 0.1  # seconds between redraws: a terminal need not see every page
_BAR = 24


class Progress:
    """A callable progress reporter: ``progress("writing pages", 120, 2000)``."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        enabled: bool | None = None,
        delay: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = _is_terminal(self._stream) if enabled is None else enabled
        self._clock = clock
        self._start = clock()
        self._delay = DELAY if delay is None else delay
        self._drawn = 0.0
        self._width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self._enabled:
            return
        now = self._clock()
        if now - self._start < self._delay:
            return
        if self._width and done < total and now - self._drawn < _INTERVAL:
            return
        self._drawn = now
        self._draw(line(stage, done, total))

    def close(self) -> None:
        """Clear the bar, so that what is printed next starts on a clean line."""
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def _draw(self, text: str) -> None:
        padding = " " * max(0, self._width - len(text))
        self._stream.write("\r" + text + padding)
        self._stream.flush()
        self._width = max(self._width, len(text))


def line(stage: str, done: int, total: int) -> str:
    """``writing pages [########----------------]  1234/3000``."""
    total = max(total, 0)
    done = min(max(done, 0), total)
    filled = _BAR * done // total if total else _BAR
    bar = "#" * filled + "-" * (_BAR - filled)
    return f"{stage} [{bar}] {done:>{len(str(total))}}/{total}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
