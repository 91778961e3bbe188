"""Builds killed at random moments and caches damaged on disk: site/ is always a complete
build, the old one or the new one, and the next build equals a clean build."""

from __future__ import annotations

import contextlib
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from brief import cache, model
from brief.build import build
from brief.config import load_config
from brief.errors import OutputError
from brief.lock import one_at_a_time
from brief.model import OutputFile
from brief.stages.write import finish_removals, write, writing
from tests.conftest import REPO
from tests.hostile.conftest import leftovers, snapshot

KILLS = 50
ARTICLES = 60
SEED = 20261128


def make_project(folder: Path, count: int) -> Path:
    from bench.corpus import generate, write_brief

    write_brief(generate(count, seed=4), folder)
    config = folder / "brief.yaml"
    config.write_text(config.read_text() + "search: false\n")
    return folder


def edit(project: Path, state: str) -> None:
    """Two content states, A and B, whose sites differ: B edits, adds and removes articles."""
    files = sorted((project / "content").rglob("*.txt"))
    originals = project / ".originals"
    if not originals.exists():
        originals.mkdir()
        for path in files[:6]:
            shutil.copy(path, originals / path.name)
    for path in sorted(originals.iterdir()):
        target = next((project / "content").rglob(path.name), None) or (
            project / "content/2021/01" / path.name
        )
        text = path.read_text()
        if state == "B":
            text = text.replace(" said ", " stated ", 3)
        target.write_text(text)
    extra = project / "content/2023/12/extra-dispatch.txt"
    if state == "B":
        extra.parent.mkdir(parents=True, exist_ok=True)
        extra.write_text(
            "Extra dispatch on arms control\n\nMOSCOW, December 30. /TASS/. The arms control "
            "talks resume next week, officials said.\n"
        )
    elif extra.exists():
        extra.unlink()


def reference(tmp_path: Path, project: Path, state: str) -> dict[str, bytes]:
    """A clean build of ``state`` in a copy of the project, with no cache."""
    copy = tmp_path / f"reference-{state}"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".brief-cache"))
    edit(copy, state)
    build(load_config(copy), use_cache=False)
    finish_removals()
    return snapshot(copy / "site")


def brief_build(project: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "brief", "build", "--root", str(project), "--quiet", *options],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )


def test_a_build_killed_at_fifty_random_moments_leaves_the_old_or_the_new_site(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "project", ARTICLES)
    edit(project, "A")
    sites = {state: reference(tmp_path, project, state) for state in "AB"}
    assert sites["A"] != sites["B"]
    build(load_config(project))
    finish_removals()
    assert snapshot(project / "site") == sites["A"]

    edit(project, "B")
    started = time.perf_counter()
    assert brief_build(project).wait() == 0
    duration = time.perf_counter() - started  # start-up included: kills land anywhere in it
    assert snapshot(project / "site") == sites["B"]

    rng = random.Random(SEED)
    current, outcomes, completed = "B", {"old": 0, "new": 0}, 0
    began = time.perf_counter()
    for kill in range(1, KILLS + 1):
        new = "A" if current == "B" else "B"
        edit(project, new)
        delay = rng.uniform(0.2, 1.2) * duration
        process = brief_build(project)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # as power loss: the workers die too
        finished = process.wait() == 0
        # Aim at the end of the build, where the writing and the swap happen.
        duration *= 0.93 if finished else 1.05
        found = snapshot(project / "site")
        assert found in (sites[current], sites[new]), f"kill {kill} after {delay:.2f} s"
        current = new if found == sites[new] else current
        outcomes["new" if current == new else "old"] += 1
        if kill % 5 == 0:  # the next build completes and equals a clean build
            build(load_config(project))
            finish_removals()
            assert snapshot(project / "site") == sites[new], f"build after kill {kill}"
            assert leftovers(project) == []
            completed += 1
            current = new
    seconds = time.perf_counter() - began
    print(f"{KILLS} kills, {completed} completed builds in {seconds:.1f} s: {outcomes}")
    assert outcomes["old"] and outcomes["new"], outcomes  # the kills landed on both sides


def test_a_build_killed_alone_takes_its_workers_and_pagefind_with_it(tmp_path: Path) -> None:
    # The out-of-memory killer, a CI timeout or kill -9 take the building process alone. Its
    # workers and Pagefind went on writing into the staging folder: the next build failed
    # with a traceback clearing it, or could publish their pages.
    project = make_project(tmp_path / "project", ARTICLES)
    config = project / "brief.yaml"
    config.write_text(config.read_text().replace("search: false", "search: true"))
    edit(project, "A")
    reference = tmp_path / "reference"
    rng = random.Random(SEED)
    started = time.perf_counter()
    assert brief_build(project, "--workers", "2").wait() == 0
    duration = time.perf_counter() - started
    state = "A"
    for kill in range(1, 9):
        state = "B" if state == "A" else "A"
        edit(project, state)
        process = brief_build(project, "--workers", "2")
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)  # the building process alone
        process.wait()
        assert _group_ends(process.pid), f"kill {kill}: processes of the killed build live on"
    after = brief_build(project)
    assert after.wait() == 0, after.stderr.read().decode() if after.stderr else ""
    shutil.copytree(project, reference, ignore=shutil.ignore_patterns("site", ".brief-cache"))
    build(load_config(reference), use_cache=False)
    finish_removals()
    built, clean = (_without_index(snapshot(folder / "site")) for folder in (project, reference))
    differing = sorted(
        path for path in built.keys() | clean.keys() if built.get(path) != clean.get(path)
    )
    assert differing == [], (
        f"{state}: {built.get('.brief-output')!r} {clean.get('.brief-output')!r}"
    )
    assert leftovers(project) == []


def _group_ends(group: int, wait: float = 5.0) -> bool:
    """Whether every process of the group has ended within ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)  # not left behind by the test either
    return False


def _without_index(site: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's index names its files by content hashes that vary from run to run."""
    return {path: data for path, data in site.items() if not path.startswith("pagefind/")}


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "truncated to half": lambda data: data[: len(data) // 2],
    "truncated to the header": lambda data: data[:20],
    "emptied": lambda data: b"",
    "a flipped byte in the body": lambda data: (
        data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:]
    ),
    "a flipped byte in the checksum": lambda data: data[:20] + bytes([data[20] ^ 1]) + data[21:],
    "random bytes": lambda data: random.Random(1).randbytes(len(data)),
    "another version's header": lambda data: b"brief-cache-1\n" + data[14:],
}


Small = tuple[Path, dict[str, bytes]]


def touch_one(project: Path) -> None:
    """One article changes, so a build reads every other one from the cache."""
    path = sorted((project / "content").rglob("*.txt"))[0]
    path.write_text(path.read_text() + "\nOne more paragraph.\n")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Small:
    """A 20-article project built (site and cache), and the clean site of its next edit."""
    folder = make_project(tmp_path_factory.mktemp("small") / "project", 20)
    build(load_config(folder))
    finish_removals()
    edited = folder.parent / "edited"
    shutil.copytree(folder, edited, ignore=shutil.ignore_patterns(".brief-cache", "site"))
    touch_one(edited)
    build(load_config(edited), use_cache=False)
    finish_removals()
    return folder, snapshot(edited / "site")


def fresh(small: Small, tmp_path: Path) -> Path:
    """A copy of the small project with its site and cache, ready to damage."""
    project = tmp_path / "project"
    shutil.copytree(small[0], project, symlinks=True)
    return project


def rebuilt_equals_clean(project: Path, small: Small) -> None:
    """Edit one article and build: the result is the clean build of that content."""
    touch_one(project)
    report = build(load_config(project))
    finish_removals()
    assert snapshot(project / "site") == small[1]
    assert report.articles == 20
    assert leftovers(project) == []


@pytest.mark.parametrize("damage", sorted(CORRUPTIONS))
@pytest.mark.parametrize("which", ["articles-*.bin", "pages-*.bin"])
def test_a_damaged_cache_file_is_detected_and_rebuilt(
    small: Small, tmp_path: Path, damage: str, which: str
) -> None:
    project = fresh(small, tmp_path)
    files = sorted((project / cache.CACHE_DIR).glob(which))
    assert files
    for path in files:
        path.write_bytes(CORRUPTIONS[damage](path.read_bytes()))
    rebuilt_equals_clean(project, small)


def test_a_cache_with_a_valid_checksum_cannot_run_code(small: Small, tmp_path: Path) -> None:
    project = fresh(small, tmp_path)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    body = pickle.dumps({"key": Exploit()})
    for path in (project / cache.CACHE_DIR).glob("articles-*.bin"):
        cache._write(path, body)  # a well-formed file: the checksum is right
    rebuilt_equals_clean(project, small)
    assert not marker.exists()


@pytest.mark.parametrize(
    "payload",
    [["a", "list"], {"key": ("not", "an", "entry")}, 42, {"k": None}],
    ids=["list", "bad-entry", "int", "none-entry"],
)
def test_a_well_formed_cache_of_the_wrong_shape_is_ignored(
    small: Small, tmp_path: Path, payload: object
) -> None:
    project = fresh(small, tmp_path)
    for path in (project / cache.CACHE_DIR).glob("articles-*.bin"):
        cache._write(path, pickle.dumps(payload))
    rebuilt_equals_clean(project, small)


def _other_types(state: tuple[object, ...]) -> tuple[object, ...]:
    """Every field of the right count, but text where the date and the paragraphs go."""
    return tuple(
        "2021-06-08" if isinstance(value, datetime) else "a paragraph" if index == 10 else value
        for index, value in enumerate(state)
    )


DAMAGED_STATES: dict[str, Callable[[tuple[object, ...]], tuple[object, ...]]] = {
    "too few fields": lambda state: state[:2],
    "too many fields": lambda state: (*state, *state),
    "fields of other types": _other_types,
}


@pytest.mark.parametrize("damage", DAMAGED_STATES)
def test_a_cached_article_of_another_shape_is_ignored(
    small: Small, tmp_path: Path, damage: str
) -> None:
    # Articles are loaded field by field into their slots: a state of another length or
    # with fields of other types (a damaged or foreign cache, checksum and all) is refused
    # whole, so that the build reads the files again instead of failing with a traceback.
    project = fresh(small, tmp_path)
    [shard] = sorted((project / cache.CACHE_DIR).glob("articles-*.bin"))[:1]
    entries = cache._load_shard(cache._read(shard) or b"")
    assert entries
    real = model.Article.__getstate__  # type: ignore[attr-defined]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            model.Article, "__getstate__", lambda self: DAMAGED_STATES[damage](real(self))
        )
        body = pickle.dumps(entries)
    for path in (project / cache.CACHE_DIR).glob("articles-*.bin"):
        cache._write(path, body)
    rebuilt_equals_clean(project, small)


def test_a_manifest_of_the_wrong_shape_is_ignored(small: Small, tmp_path: Path) -> None:
    project = fresh(small, tmp_path)
    import marshal

    for path in (project / cache.CACHE_DIR).glob("pages-*.bin"):
        cache._write(path, marshal.dumps(("stamp", "inputs", (("x", ("a",)),), 1, 2, ())))
    rebuilt_equals_clean(project, small)


def test_a_missing_cache_folder_or_one_that_is_a_file_is_no_error(
    small: Small, tmp_path: Path
) -> None:
    project = fresh(small, tmp_path)
    shutil.rmtree(project / cache.CACHE_DIR)
    (project / cache.CACHE_DIR).write_text("not a folder")
    rebuilt_equals_clean(project, small)


def test_leftovers_of_a_killed_build_are_cleaned_and_never_published(
    small: Small, tmp_path: Path
) -> None:
    project = fresh(small, tmp_path)
    for name in (".site.brief-staging", ".site.brief-trash"):
        (project / name / "articles").mkdir(parents=True)
        (project / name / "articles/half-written.html").write_text("<p>half")
    rebuilt_equals_clean(project, small)
    assert leftovers(project) == []


def test_half_written_cache_files_of_dead_builds_go_and_a_live_builds_stay(
    small: Small, tmp_path: Path
) -> None:
    # A build killed while saving the cache (or its forked saver) leaves the file it was
    # writing beside its place; nothing ever deleted it.
    project = fresh(small, tmp_path)
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()
    folder = project / cache.CACHE_DIR
    dead = folder / f".articles-00.bin.{ended.pid}.tmp"
    live = folder / f".pages-other.bin.{os.getpid()}.tmp"  # a build of another output folder
    dead.write_bytes(b"half")
    live.write_bytes(b"being written")
    # Names no build writes (one in a cloned cache, say) are left alone, and fail nothing.
    strays = [folder / ".articles-00.bin.99999999999999999999.tmp", folder / ".x.4294967296.tmp"]
    for stray in strays:
        stray.write_bytes(b"?")
    impossible = folder / ".pages-0123456789ab.bin.4294967296.tmp"  # no process has that id
    impossible.write_bytes(b"?")
    touch_one(project)
    build(load_config(project))
    finish_removals()
    assert snapshot(project / "site") == small[1]
    assert not dead.exists()
    assert live.read_bytes() == b"being written"
    assert all(stray.exists() for stray in strays)
    assert not impossible.exists()


def test_a_site_left_aside_mid_swap_comes_back(small: Small, tmp_path: Path) -> None:
    project = fresh(small, tmp_path)
    (project / "site").rename(project / ".site.brief-old")  # killed between two renames
    rebuilt_equals_clean(project, small)


def test_a_truncated_output_file_is_rewritten_by_the_next_build(
    small: Small, tmp_path: Path
) -> None:
    project = fresh(small, tmp_path)
    page = project / "site/topics/index.html"
    page.write_bytes(page.read_bytes()[:-10])  # cut short, e.g. by a full disk
    rebuilt_equals_clean(project, small)


ESCAPING = ["../outside.html", "/tmp/x.html", "a/../../b.html", "a//b", ""]


@pytest.mark.parametrize(
    ("files", "refusal"),
    [
        # Page paths come from slugs and templates' names; the writer is the last guard.
        *(
            pytest.param(
                [OutputFile("index.html", b"home"), OutputFile(path, b"escaped")],
                "leaves the output folder",
                id=f"escaping {path!r}",
            )
            for path in ESCAPING
        ),
        # A full disk cannot be made here; a folder where the page should be fails the same
        # way (an OSError from open), which used to end the build with a traceback.
        pytest.param(
            [OutputFile("a/index.html", b"page"), OutputFile("a", b"in the way")],
            "cannot write this page",
            id="unwritable",
        ),
    ],
)
def test_a_page_that_cannot_be_written_where_it_should_is_refused_and_leaves_nothing(
    tmp_path: Path, files: list[OutputFile], refusal: str
) -> None:
    output = tmp_path / "project" / "site"
    output.parent.mkdir()
    with pytest.raises(OutputError, match=refusal):
        write(writing(files), output)
    finish_removals()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["project"]


def test_a_build_waits_for_another_build_of_the_same_site(tmp_path: Path) -> None:
    # brief serve rebuilding while brief build runs used one staging folder: the second
    # cleared it under the first, and the site swapped in could hold pages of both.
    project = make_project(tmp_path / "project", 20)
    build(load_config(project))
    finish_removals()
    touch_one(project)
    with one_at_a_time(project / "site"):  # another build of this site, here held open
        waiting = brief_build(project)
        time.sleep(1.5)
        assert waiting.poll() is None, "the build did not wait for the one holding the site"
    assert waiting.wait(timeout=60) == 0, waiting.stderr.read().decode() if waiting.stderr else ""
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("site", ".brief-cache"))
    build(load_config(clean), use_cache=False)
    finish_removals()
    assert snapshot(project / "site") == snapshot(clean / "site")


def test_two_builds_started_together_both_succeed_and_leave_a_clean_builds_site(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "project", ARTICLES)
    edit(project, "A")
    build(load_config(project))
    finish_removals()
    edit(project, "B")
    builds = [brief_build(project, "--workers", "2") for _ in range(2)]
    for process in builds:
        assert process.wait(timeout=120) == 0, process.stderr.read().decode()
    assert snapshot(project / "site") == reference(tmp_path, project, "B")
    assert leftovers(project) == []


def test_two_verifies_at_once_take_turns(tmp_path: Path) -> None:
    # Both used .brief-verify/: one cleared it under the other ("Directory not empty",
    # "cannot write this page").
    project = make_project(tmp_path / "project", ARTICLES)
    build(load_config(project))
    finish_removals()
    runs = [brief_build(project, "--verify", "--workers", "2") for _ in range(2)]
    for process in runs:
        assert process.wait(timeout=180) == 0, process.stderr.read().decode()
    assert not (project / ".brief-verify").exists()
