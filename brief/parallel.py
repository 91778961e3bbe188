"""A list of work items -> results in the same order, from worker processes when it pays.

Workers are forked, so the large read-only inputs (the site, the knowledge) are inherited
rather than pickled; only each chunk's results travel back. This process is one of the
workers: it takes chunks while the result it needs next is not ready. Output never depends
on the number of workers or on who took which chunk: chunks are contiguous and results are
joined in item order.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from brief.errors import BuildError, error
from brief.tether import die_with

Item = TypeVar("Item")
Result = TypeVar("Result")
Value = TypeVar("Value")

MIN_ITEMS = 300  # below this, starting processes costs more than it saves
_STEP = 64  # items per chunk handed on by stream_chunks in one process
_SWITCH = 0.0005  # seconds between thread switches while a pool works (see stream_chunks)
_JOB: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any]] | None = None


@contextmanager
def paused_collector() -> Iterator[None]:
    """No cyclic garbage collection in this process while the block runs (a build). A build
    makes millions of objects that live to its end (the articles, the site, the pages), and
    the collector walked all of them again and again as they were made: 40% of a one-article
    rebuild of 10,000 articles in a fresh process. What a build leaves in cycles is small and
    is collected later; brief serve collects after each rebuild, when idle. A collector that
    is already off (brief serve pauses it itself) stays off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def _collecting_new_garbage() -> Iterator[None]:
    """Work done in this process while a build has the collector paused collects its own
    garbage, as a worker does (see _start_worker): rendering 10,000 pages with Jinja in one
    process (one CPU, --workers 1, no fork on Windows) left about 150 MB in cycles."""
    if gc.isenabled():
        yield
        return
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.disable()
        gc.unfreeze()


def workers_for(count: int, requested: int | None) -> int:
    """How many processes to use for ``count`` items: 1 unless it is big enough to pay."""
    if requested is not None:
        return max(1, requested)
    if count < MIN_ITEMS or not _may_fork():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _may_fork() -> bool:
    # Forking a threaded process (brief serve) can deadlock: stay in one.
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Aside:
    """Jobs done by forked children while this process goes on, for work whose result
    this process does not need (saving the cache): a child works on a core this process
    leaves idle (merging and planning, after reading, run in this process alone). Where
    forking is not done, or ``processes`` is 1, a job is done at once, here. ``wait()``
    waits for every child; a job that fails in a child is lost, as a cache that cannot be
    written is."""

    def __init__(self) -> None:
        self.children: list[int] = []

    def run(self, job: Callable[[], object], processes: int) -> None:
        if processes <= 1 or not _may_fork():
            job()
            return
        parent = os.getpid()
        # Ctrl-C is held back until the child is forked and counted: landing in between, it
        # would have run the build's own clean-up in the child, or left a child unawaited.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, ())  # the mask as it is
        try:
            # Python checks for signals after changing the mask: a Ctrl-C already pending
            # raises here, and must not leave it blocked for the rest of the build.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            raise
        try:
            child = os.fork()
        except OSError:  # no memory or no process left for a child: the job is done here
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            job()
            return
        if child == 0:  # the child leaves by os._exit, never by returning
            code = 1
            try:
                die_with(parent)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the job is short
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                job()
                code = 0
            finally:
                os._exit(code)
        self.children.append(child)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def wait(self) -> bool:
        """Wait for every child; False if one failed (its job was lost)."""
        done = True
        while self.children:
            child = self.children[-1]
            try:
                _, status = os.waitpid(child, 0)
            except ChildProcessError:  # SIGCHLD ignored (as inherited): it was reaped
                status = 0
            self.children.pop()
            done = done and status == 0
        return done


class Later(Generic[Value]):
    """A job done once, when its value is first asked for."""

    def __init__(self, job: Callable[[], Value]) -> None:
        self._job: Callable[[], Value] | None = job
        self._value: Value | None = None

    @classmethod
    def known(cls, value: Value) -> Later[Value]:
        """One already done."""
        later = cls(lambda: value)
        later()
        return later

    def __call__(self) -> Value:
        if self._job is not None:
            self._value = self._job()
            self._job = None
        return self._value  # type: ignore[return-value]


class Meanwhile:
    """Other work for this process, in steps: stream_chunks does one whenever this process
    would wait for a worker's results, and what is left at its end; finish() does the
    rest. Steps as short as a chunk keep the workers fed: the pool's queue is topped up
    between two of them."""

    def __init__(self, steps: Iterable[Callable[[], object]]) -> None:
        self._steps = iter(steps)

    def step(self) -> bool:
        """Do the next step; False when none was left."""
        step = next(self._steps, None)
        if step is None:
            return False
        step()
        return True

    def finish(self) -> None:
        while self.step():
            pass


def stream_chunks(
    work: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    workers: int,
    hold: int = 2,
    meanwhile: Meanwhile | None = None,
) -> Iterator[Result]:
    """``work`` over contiguous chunks of ``items``, each chunk's results handed on in item
    order as soon as they are in, so that a caller writing them out never holds all of
    them at once. This process works on a chunk whenever the next result is not in,
    keeping at most ``hold`` of its own chunks' results waiting for their turn: a small
    number when results are big and handed on (pages), a big one when they are small (a
    page's path and size, once a worker has written it) or all kept anyway (articles). Two
    left it idle, waiting for the pool's queue, about half of the time.

    ``meanwhile`` is other work of this process, done while the workers work on their first
    chunks (before the first chunk when there are none): work that would otherwise be done
    before or after, while the other cores wait."""
    if workers <= 1 or len(items) < 2:
        if meanwhile is not None:
            meanwhile.finish()
        with _collecting_new_garbage():
            for start in range(0, len(items), _STEP):
                yield from work(items[start : start + _STEP])
        return
    global _JOB
    _JOB = (work, items)
    # Small chunks: a worker holds a chunk's results until it is done and pickled, and
    # chunks of an eighth of a 10,000-article site held 33 MB of pages each, twice over.
    size = min(-(-len(items) // (workers * 4)), _STEP)
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    # An executor, not multiprocessing.Pool: a worker that dies (the out-of-memory killer)
    # breaks it and the build stops with a message, where a Pool waited for its chunk for
    # ever.
    pool = ProcessPoolExecutor(
        workers - 1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    switching = sys.getswitchinterval()
    # The pool's results come in through a thread of this process, which needs the
    # interpreter between this process's own chunks: at the default 5 ms it got it so late
    # that a worker sat blocked on a full pipe, and reading 10,000 articles took 6.5 s
    # instead of 5.7 s.
    sys.setswitchinterval(_SWITCH)
    try:
        yield from _shared_with(pool, workers - 1, work, items, bounds, hold, meanwhile)
    except BrokenProcessPool:
        raise BuildError(
            error(
                "brief",
                None,
                "worker",
                "a worker process died while building (killed, or out of memory?)",
                "build again; if it keeps dying, free memory or build with fewer workers",
            )
        ) from None
    finally:
        sys.setswitchinterval(switching)
        _JOB = None
        pool.shutdown(wait=True, cancel_futures=True)  # a running chunk is short


def _shared_with(
    pool: ProcessPoolExecutor,
    processes: int,
    work: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    bounds: Sequence[tuple[int, int]],
    hold: int,
    meanwhile: Meanwhile | None,
) -> Iterator[Result]:
    """The chunks' results in order, made by ``pool`` and by this process whenever it would
    otherwise wait for the pool. This process used to only wait while a worker per core
    worked, and each forked worker copies the pages of this process's memory that it
    touches (reference counts): 110-130 MB each at 10,000 articles. Now one process fewer
    is forked. The pool has four chunks a process queued at most (fewer left it idle while
    this process worked), and this process keeps ``hold`` of its own results waiting for
    their turn at most (see stream_chunks)."""
    queued: deque[Future[list[Result]] | list[Result]] = deque()
    in_pool = 0
    own = 0
    assigned = 0
    while queued or assigned < len(bounds):
        while assigned < len(bounds) and in_pool < 4 * processes:
            queued.append(pool.submit(_run, bounds[assigned]))
            assigned, in_pool = assigned + 1, in_pool + 1
        head = queued[0]
        waiting = isinstance(head, Future) and not head.done()
        if waiting and meanwhile is not None:  # done with the collector paused, as before
            if meanwhile.step():
                continue
            meanwhile = None
        if waiting and assigned < len(bounds) and own < hold:
            start, end = bounds[assigned]
            with _collecting_new_garbage():
                queued.append(work(items[start:end]))
            assigned, own = assigned + 1, own + 1
            continue
        queued.popleft()
        if isinstance(head, Future):
            in_pool -= 1
            part = head.result()
        else:
            own -= 1
            part = head
        yield from part
    if meanwhile is not None:
        meanwhile.finish()


def _start_worker(parent: int) -> None:
    """A worker dies with the building process (see brief.tether). It collects its own
    garbage (rendering with Jinja makes cycles, page after page), but leaves what it
    inherited out of every collection: walking it would be slow, and would copy each page
    of the parent's memory that it touched. Ctrl-C is the building process's to handle: it
    stops the workers; each printed a traceback of its own."""
    die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    gc.enable()


def _run(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None
    work, items = _JOB
    return work(items[bounds[0] : bounds[1]])
