"""The progress bar: what a build tells it, and what a terminal sees of it."""

from __future__ import annotations

import fcntl
import io
import os
import threading
from pathlib import Path

import pytest

from bench.corpus import generate, write_brief
from brief import progress as progress_module
from brief.build import build
from brief.cli import main
from brief.config import load_config
from brief.lock import lock_path
from brief.progress import Progress, line


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr does in an interactive shell."""

    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


Event = tuple[str, int, int]


def _project(root: Path, count: int = 24) -> Path:
    write_brief(generate(count, seed=5), root)
    return root


def _stage(events: list[Event], stage: str) -> list[tuple[int, int]]:
    return [(done, total) for name, done, total in events if name == stage]


def test_the_bar_line_shows_the_stage_the_share_done_and_the_counts() -> None:
    assert line("writing pages", 0, 8) == "writing pages [------------------------] 0/8"
    assert line("writing pages", 4, 8) == "writing pages [############------------] 4/8"
    assert line("reading articles", 120, 2000).endswith("]  120/2000")
    assert line("writing pages", 0, 0) == "writing pages [########################] 0/0"


def test_nothing_is_drawn_before_a_second_of_building() -> None:
    stream, clock = _Terminal(), _Clock()
    bar = Progress(stream, clock=clock)
    bar("reading articles", 5, 10)
    clock.now += 0.9
    bar("reading articles", 9, 10)
    bar.close()
    assert stream.getvalue() == ""


def test_after_a_second_each_update_overwrites_the_line_and_close_clears_it() -> None:
    stream, clock = _Terminal(), _Clock()
    bar = Progress(stream, clock=clock)
    clock.now += 1.5
    bar("reading articles", 3, 10)
    clock.now += 0.2
    bar("reading articles", 10, 10)
    clock.now += 0.2
    bar("writing pages", 1, 4)
    drawn = stream.getvalue()
    width = len(line("reading articles", 10, 10))
    assert drawn.split("\r")[1:] == [
        line("reading articles", 3, 10),
        line("reading articles", 10, 10),
        line("writing pages", 1, 4).ljust(width),  # blanks what the longer line left
    ]
    bar.close()
    assert stream.getvalue() == drawn + "\r" + " " * width + "\r"


def test_updates_closer_than_a_tenth_of_a_second_are_skipped_but_not_the_last() -> None:
    stream, clock = _Terminal(), _Clock()
    bar = Progress(stream, clock=clock)
    clock.now += 1.5
    for done in range(100):
        bar("writing pages", done, 100)
        clock.now += 0.001
    bar("writing pages", 100, 100)
    frames = stream.getvalue().split("\r")[1:]
    assert frames == [line("writing pages", 0, 100), line("writing pages", 100, 100)]


def test_a_stream_that_is_no_terminal_gets_nothing() -> None:
    stream, clock = io.StringIO(), _Clock()
    bar = Progress(stream, clock=clock)
    clock.now += 5
    bar("writing pages", 1, 2)
    bar.close()
    assert stream.getvalue() == ""


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_tells_each_stage_from_nothing_to_all_as_it_goes(
    tmp_path: Path, workers: int
) -> None:
    # With two workers, articles are read in forked processes, which cannot call back:
    # reading was told only at its start and end, and the bar stood still for half of a
    # cold build.
    project = _project(tmp_path / "project")
    events: list[Event] = []
    report = build(
        load_config(project),
        workers=workers,
        progress=lambda *event: events.append(event),
    )
    for stage, total in (("reading articles", 24), ("writing pages", report.files)):
        told = _stage(events, stage)
        assert told[-1] == (total, total)
        assert {t for _, t in told} == {total}
        done = [d for d, _ in told]
        assert done == sorted(done), f"{stage} went backwards"
        between = [d for d in done if 0 < d < total]
        assert len(between) >= 4, f"{stage} was told only {done}"


def test_the_cli_draws_the_bar_on_a_terminal_and_clears_it_before_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path / "project")
    monkeypatch.setattr(progress_module, "DELAY", 0.0)  # a small build is over in a second
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["build", "--root", str(project)]) == 0
    drawn = terminal.getvalue()
    assert "\rreading articles [" in drawn
    assert "\rwriting pages [" in drawn
    assert drawn.endswith("\r")  # the bar's line is blanked: the summary starts clean
    assert drawn.rsplit("\r", 2)[1].strip() == ""
    assert capsys.readouterr().out.startswith("Built 24 articles")


@pytest.mark.parametrize(
    ("argv", "stream"),
    [(["--quiet"], _Terminal), ([], io.StringIO)],
    ids=["quiet-on-a-terminal", "piped"],
)
def test_no_bar_when_quiet_or_piped(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stream: type[io.StringIO],
) -> None:
    project = _project(tmp_path / "project")
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    err = stream()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["build", "--root", str(project), *argv]) == 0
    assert "\r" not in err.getvalue()
    assert "[" not in err.getvalue()


def test_a_build_that_waits_for_another_one_says_so(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    held = os.open(lock_path(project / "site"), os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # another build of this site, for a second
    threading.Timer(1.0, os.close, (held,)).start()
    events: list[Event] = []
    build(load_config(project), progress=lambda *event: events.append(event))
    assert events[0] == ("waiting for another build of this site", 0, 1)
    assert _stage(events, "writing pages")[-1][0] > 0
