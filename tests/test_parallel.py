"""Work split across forked processes: order, chunk size, and the garbage collector."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import pytest

from brief.errors import BuildError, OutputError, error
from brief.parallel import Aside, Later, Meanwhile, paused_collector, stream_chunks


def test_results_come_back_in_item_order_from_two_workers() -> None:
    items = list(range(1000))
    doubled = stream_chunks(lambda chunk: [i * 2 for i in chunk], items, 2, hold=len(items))
    assert list(doubled) == [i * 2 for i in items]


def test_no_worker_is_handed_more_than_64_items_at_once() -> None:
    # A worker holds a chunk's results until the chunk is done: big chunks were 33 MB each.
    sizes = list(stream_chunks(lambda chunk: [len(chunk)] * len(chunk), list(range(5000)), 2))
    assert len(sizes) == 5000
    assert max(sizes) == 64


def test_two_workers_are_one_forked_process_and_this_one_when_it_would_wait() -> None:
    # Each forked worker copies the parent's memory it touches (110-130 MB at 10,000
    # articles): this process renders while the next result it needs is not ready, instead
    # of waiting for a second forked one.
    def slow(chunk: Sequence[int]) -> list[tuple[int, int]]:
        time.sleep(0.02)
        return [(i, os.getpid()) for i in chunk]

    results = list(stream_chunks(slow, list(range(400)), 2, hold=400))
    assert [i for i, _ in results] == list(range(400))
    pids = {pid for _, pid in results}
    assert os.getpid() in pids and len(pids) == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_other_work_is_done_here_in_steps_while_the_workers_start(workers: int) -> None:
    # A cold build's page fingerprints and outline: 0.6 s of one process, done while the
    # other core rendered, not before it started.
    handed_on: list[int] = []
    done: list[tuple[int, int, int]] = []  # (step, process, results handed on by then)

    def step(number: int) -> None:
        done.append((number, os.getpid(), len(handed_on)))

    def slow(chunk: Sequence[int]) -> list[int]:
        time.sleep(0.02)
        return list(chunk)

    meanwhile = Meanwhile(partial(step, n) for n in range(20))
    for result in stream_chunks(slow, list(range(400)), workers, 400, meanwhile):
        handed_on.append(result)
    assert handed_on == list(range(400))
    assert [n for n, _, _ in done] == list(range(20))  # each once, in order
    assert {pid for _, pid, _ in done} == {os.getpid()}
    assert done[0][2] == 0  # begun before any result was handed on
    meanwhile.finish()  # nothing is left to do
    assert len(done) == 20


def test_what_a_stream_left_undone_is_done_by_finish_and_a_later_job_once() -> None:
    calls: list[str] = []
    meanwhile = Meanwhile([lambda: calls.append("a"), lambda: calls.append("b")])
    assert meanwhile.step() and calls == ["a"]
    meanwhile.finish()
    meanwhile.finish()
    assert calls == ["a", "b"] and not meanwhile.step()
    later = Later(lambda: calls.append("job") or len(calls))
    assert later() == later() == 3 and calls == ["a", "b", "job"]
    assert Later.known("x")() == "x"


def test_the_collector_is_paused_for_a_build_and_then_back_on() -> None:
    assert gc.isenabled()
    with paused_collector():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_paused_collector_stays_paused_after_a_nested_pause() -> None:
    gc.disable()  # as brief serve does around a rebuild
    try:
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_workers_collect_their_own_garbage_but_not_what_they_inherited() -> None:
    def state(chunk: Sequence[int]) -> list[tuple[bool, int]]:
        return [(gc.isenabled(), gc.get_freeze_count())] * len(chunk)

    with paused_collector():  # the parent forks them with its collector off
        seen = set(stream_chunks(state, list(range(400)), 2, hold=400))
    assert all(enabled for enabled, _ in seen)
    assert all(frozen > 0 for _, frozen in seen)


def test_work_in_this_process_collects_its_own_garbage_while_a_build_has_paused_it() -> None:
    # One worker (one CPU, --workers 1, Windows): rendering runs here, and Jinja's cycles
    # must still be collected, with what the build holds frozen out of the way.
    def state(chunk: Sequence[int]) -> list[tuple[bool, int]]:
        return [(gc.isenabled(), gc.get_freeze_count())] * len(chunk)

    with paused_collector():
        seen = set(stream_chunks(state, list(range(400)), 1))
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0  # unfrozen again afterwards
    assert gc.isenabled()
    # Frozen objects that are freed leave the count: chunks may see different counts.
    assert all(enabled and frozen > 0 for enabled, frozen in seen)


def test_an_error_raised_in_a_forked_worker_reaches_this_process_whole() -> None:
    # Workers write the pages they render: the output folder's guard may refuse one there.
    here = os.getpid()
    refused = error("a/../../b.html", None, "output", "page path leaves the output folder")

    def work(chunk: Sequence[int]) -> list[int]:
        if os.getpid() != here:
            raise OutputError(refused)
        time.sleep(0.01)
        return list(chunk)

    with pytest.raises(OutputError) as raised:
        list(stream_chunks(work, list(range(2000)), 2))
    assert raised.value.diagnostics == (refused,)


def test_a_worker_that_dies_stops_the_work_with_an_error_not_a_hang() -> None:
    # The out-of-memory killer ends a worker without a word. multiprocessing.Pool waited
    # for its chunk for ever; the build now stops with a message.
    here = os.getpid()

    def work(chunk: Sequence[int]) -> list[int]:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.01)
        return list(chunk)

    with pytest.raises(BuildError, match="worker process died"):
        list(stream_chunks(work, list(range(2000)), 2))


def test_a_job_set_aside_runs_in_a_child_while_this_process_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Saving 10,000 articles to the cache took 0.6 s while the other core stood idle.
    monkeypatch.setattr("brief.parallel._may_fork", lambda: True)  # threads of other tests
    go, done = tmp_path / "go", tmp_path / "done"

    def job() -> None:  # waits for what this process does after run() returned
        deadline = time.monotonic() + 10
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        done.write_text(f"{os.getpid()} {go.exists()}")

    aside = Aside()
    aside.run(job, processes=2)
    go.touch()  # run() did not wait for the job, or it would have seen no go
    aside.wait()
    pid, saw_go = done.read_text().split()
    assert saw_go == "True"
    assert int(pid) != os.getpid()
    assert aside.children == []


def test_a_job_set_aside_runs_here_with_one_process_or_beside_a_thread(tmp_path: Path) -> None:
    done = tmp_path / "done"
    aside = Aside()
    aside.run(lambda: done.write_text(str(os.getpid())), processes=1)  # --workers 1
    assert int(done.read_text()) == os.getpid()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:  # forking a threaded process (brief serve) can deadlock
        aside.run(lambda: done.write_text(f"{os.getpid()} beside a thread"), processes=2)
        assert done.read_text() == f"{os.getpid()} beside a thread"
    finally:
        stop.set()
        thread.join()
    assert aside.children == []


def test_a_cold_build_with_two_workers_leaves_a_cache_that_a_rebuild_reads_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("brief.parallel._may_fork", lambda: True)  # threads of other tests
    from bench.corpus import generate, write_brief
    from brief.build import build
    from brief.config import load_config

    project = tmp_path / "project"
    write_brief(generate(320, seed=3), project)  # enough to read with workers
    config = load_config(project)
    first = build(config, workers=2)
    shutil.rmtree(project / "site")  # every page is rendered again, from cached articles
    read: list[int] = []
    again = build(config, workers=2, progress=lambda s, d, t: read.append(t) if "read" in s else 0)
    assert again.files == first.files
    assert read == [] or max(read) == 0  # nothing read afresh: the child saved every article


def test_the_thread_switch_interval_is_put_back_however_the_stream_ends() -> None:
    # Shortened while a pool works, so that its results come in on time; brief serve and
    # the tests run on in the same process afterwards.
    before = sys.getswitchinterval()
    seen = [sys.getswitchinterval() for _ in stream_chunks(list, list(range(500)), 2)]
    assert max(seen) < before and sys.getswitchinterval() == before
    stream = stream_chunks(list, list(range(500)), 2)
    next(stream)
    stream.close()  # a consumer that stops early (a template error while writing)
    assert sys.getswitchinterval() == before

    def fail(chunk: Sequence[int]) -> list[int]:
        raise OutputError(error("x", None, "output", "disk full"))

    with pytest.raises(OutputError):
        list(stream_chunks(fail, list(range(500)), 2))
    assert sys.getswitchinterval() == before


def test_a_job_set_aside_is_waited_for_even_when_children_are_not_left_to_be_reaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A parent that ignores SIGCHLD passes that on: waitpid then finds no child, and the
    # build failed with "No child processes" after writing the whole site.
    monkeypatch.setattr("brief.parallel._may_fork", lambda: True)
    done = tmp_path / "done"
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        aside = Aside()
        aside.run(lambda: done.write_text("saved"), processes=2)
        assert aside.wait() is True
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert done.read_text() == "saved"


def test_a_job_that_fails_in_its_child_is_reported_and_one_that_cannot_fork_runs_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("brief.parallel._may_fork", lambda: True)
    aside = Aside()

    def fail() -> None:
        raise RuntimeError("a bug in the job")

    aside.run(fail, processes=2)
    assert aside.wait() is False

    def no_fork() -> int:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr("os.fork", no_fork)
    done = tmp_path / "done"
    aside.run(lambda: done.write_text(str(os.getpid())), processes=2)
    assert int(done.read_text()) == os.getpid() and aside.wait() is True


def test_a_build_whose_cache_saver_failed_says_so_and_is_still_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.corpus import generate, write_brief
    from brief import cache
    from brief.build import build
    from brief.config import load_config

    monkeypatch.setattr("brief.parallel._may_fork", lambda: True)
    project = tmp_path / "project"
    write_brief(generate(40, seed=3), project)

    def broken(*args: object) -> None:
        raise RuntimeError("a bug while saving")

    monkeypatch.setattr(cache, "save_articles", broken)
    report = build(load_config(project), workers=2)
    [unsaved] = [w for w in report.warnings if w.code == "cache"]
    assert "could not be saved to the cache" in unsaved.message
    assert report.files > 40 and (project / "site" / "index.html").is_file()


def test_a_ctrl_c_raised_as_ctrl_c_is_held_back_leaves_it_unblocked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Python checks for signals right after changing the mask: a Ctrl-C pending then
    # raises from that call, and used to leave Ctrl-C blocked for the rest of the build.
    monkeypatch.setattr("brief.parallel._may_fork", lambda: True)
    real = signal.pthread_sigmask

    def interrupted(how: int, mask: object) -> object:
        result = real(how, mask)  # type: ignore[arg-type]
        if how == signal.SIG_BLOCK and signal.SIGINT in set(mask):  # type: ignore[call-overload]
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(signal, "pthread_sigmask", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Aside().run(lambda: None, processes=2)
    assert signal.SIGINT not in real(signal.SIG_BLOCK, ())
