"""brief.shortcut: one article's body edited -> its page alone, equal to a clean build.

The differential tests (test_incremental.py) take the shortcut whenever their random edit
allows it; these make sure it is taken when it should be, and not when it must not be.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from brief import cache, shortcut
from brief.build import build
from brief.config import load_config
from brief.model import Site

from .test_incremental import (
    _add_article,
    _articles,
    _compare,
    _copy_article,
    _delete_article,
    _edit_article,
    _project,
)


@pytest.fixture
def assembled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many articles each build assembled the whole site from (none: the shortcut)."""
    import brief.build

    calls: list[int] = []
    whole = brief.build.assemble

    def counted(*args: object, **kwargs: object) -> Site:
        site = whole(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(len(site.articles))
        return site

    monkeypatch.setattr(brief.build, "assemble", counted)
    return calls


def _built(root: Path, seed: int = 7, feed_entries: int = 1) -> tuple[Path, shortcut.Outline]:
    rng = random.Random(seed)
    project = _project(root, rng)
    for _ in range(24):  # 40 articles, a feed entry each: most are in no feed
        _add_article(rng, project)
    config = (project / "brief.yaml").read_text()
    (project / "brief.yaml").write_text(
        re.sub(r"feed_entries: \d+", f"feed_entries: {feed_entries}", config)
    )
    build(load_config(project))
    outline = shortcut.load(project, "site")
    assert outline is not None
    return project, outline


def _unfed(outline: shortcut.Outline) -> list[Path]:
    """The articles with a page that no feed carries whole."""
    return [Path(outline.paths[n]) for n in sorted(outline.pages) if n not in _fed(outline)]


def _fed(outline: shortcut.Outline) -> set[int]:
    """The places of the articles some feed carries whole."""
    return {n for plan in outline.feeds.values() for n in plan[5]}


def _add_paragraph(path: Path, text: str = "The delegations met again after lunch.") -> None:
    path.write_text(path.read_text().rstrip("\n") + f"\n\n{text}\n")


def test_a_body_edit_renders_its_page_alone_without_assembling_the_site(
    tmp_path: Path, assembled: list[int]
) -> None:
    project, outline = _built(tmp_path / "project")
    edited = project / _unfed(outline)[0]
    _add_paragraph(edited)
    assembled.clear()
    report = build(load_config(project))
    assert assembled == []  # the whole-site stages did not run
    assert (report.files, report.removed) == (1, 0)
    assert len(_pages_saying(project, "after lunch")) == 1
    _add_paragraph(edited, "And again before dinner.")  # the next edit: from the new outline
    assert build(load_config(project)).files == 1
    assert assembled == []
    assert _pages_saying(project, "after lunch") == _pages_saying(project, "before dinner")
    _compare(project, tmp_path / "clean", "two body edits, by the shortcut")


def test_a_body_edit_to_an_article_in_the_feeds_renders_its_page_and_those_feeds(
    tmp_path: Path, assembled: list[int]
) -> None:
    project, outline = _built(tmp_path / "project", feed_entries=3)
    newest = max(_fed(outline), key=lambda n: sum(n in plan[5] for plan in outline.feeds.values()))
    carrying = {path for path, plan in outline.feeds.items() if newest in plan[5]}
    assert len(carrying) >= 3  # the site's feeds (Atom and JSON) and its topic's or source's
    _add_paragraph(project / outline.paths[newest])
    assembled.clear()
    report = build(load_config(project))
    assert assembled == []
    assert report.files == 1 + len(carrying)
    assert {
        p.relative_to(project / "site").as_posix()
        for p in _pages_saying(project, "after lunch", "*.*")
    } >= carrying
    _compare(project, tmp_path / "clean", "a body edit to an article in the feeds")


@pytest.mark.parametrize("edited", ["the copied article", "another article of its feed"])
def test_an_edit_near_an_article_merged_with_its_copy_takes_the_whole_way(
    tmp_path: Path, assembled: list[int], edited: str
) -> None:
    # A copy merged into an article pairs the two: a body edit may split them apart again.
    # A feed shows the merged article, with its other sources; the cache holds it as read.
    project, outline = _built(tmp_path / "project", feed_entries=3)
    copied, beside = (project / outline.paths[n] for n in outline.feeds["feed.xml"][5][:2])
    copied.with_name(f"{copied.stem}-copy{copied.suffix}").write_bytes(copied.read_bytes())
    build(load_config(project))
    _add_paragraph(copied if edited == "the copied article" else beside)
    assembled.clear()
    build(load_config(project))
    assert assembled
    _compare(project, tmp_path / "clean", f"an edit to {edited}")


def _pages_saying(project: Path, text: str, pattern: str = "*.html") -> list[Path]:
    return [p for p in (project / "site").rglob(pattern) if text in p.read_text()]


def _title_edit(path: Path) -> None:
    if path.suffix == ".md":
        path.write_text(path.read_text().replace("title: ", "title: Again, ", 1))
    else:
        title, rest = path.read_text().split("\n", 1)
        path.write_text(f"{title} again\n{rest}")


def test_what_the_rest_of_the_site_shows_of_an_article_takes_the_whole_way(
    tmp_path: Path, assembled: list[int]
) -> None:
    project, outline = _built(tmp_path / "project")
    unfed = _unfed(outline)
    steps = [
        ("its title, on every listing", lambda: _title_edit(project / unfed[0])),
        ("a topic's phrase", lambda: _add_paragraph(project / unfed[1], "On arms control.")),
        ("a quote", lambda: _add_paragraph(project / unfed[2], "“No,” Lavrov said.")),
        ("two articles", lambda: [_add_paragraph(project / p) for p in unfed[3:5]]),
        (
            "a body and the stylesheet",  # the shortcut would leave the stylesheet out
            lambda: [
                _add_paragraph(project / unfed[6]),
                (project / "templates/static").mkdir(parents=True, exist_ok=True),
                (project / "templates/static/brief.css").write_text("body { margin: 0 }\n"),
            ],
        ),
        (
            "a copy of it",
            lambda: (
                (project / unfed[5])
                .with_name(f"{unfed[5].stem}-copy{unfed[5].suffix}")
                .write_text((project / unfed[5]).read_text())
            ),
        ),
    ]
    for what, edit in steps:
        assembled.clear()
        edit()
        build(load_config(project))
        assert assembled, what
        _compare(project, tmp_path / "clean", what)


@pytest.mark.parametrize("damage", ["garbage", "out of range", "stale stamp", "missing page"])
def test_a_damaged_or_stale_outline_takes_the_whole_way_and_equals_a_clean_build(
    tmp_path: Path, assembled: list[int], damage: str
) -> None:
    project, outline = _built(tmp_path / "project")
    edited = _unfed(outline)[0]
    saved = cache.load_outline(project, "site")
    if damage == "garbage":
        cache.save_outline(project, "site", ("not", "an", "outline"))
    elif damage == "out of range":
        pages = dict(saved[8])
        me = outline.paths.index(edited.as_posix())
        pages[me] = ((len(outline.paths) + 5,), pages[me][1])  # a related article past the end
        cache.save_outline(project, "site", (*saved[:8], pages, *saved[9:]))
    elif damage == "stale stamp":
        cache.save_outline(project, "site", ("0" * 32, *saved[1:]))
    else:  # a file of the site deleted by hand: the whole way writes it again
        (project / "site/404.html").unlink()
    _add_paragraph(project / edited)
    assembled.clear()
    build(load_config(project))
    assert assembled, damage
    _compare(project, tmp_path / "clean", damage)


@pytest.mark.parametrize("seed", [4, 5])
def test_random_edits_mostly_to_bodies_give_a_clean_builds_bytes_by_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # The differential tests of test_incremental.py seldom make a step of one body edit
    # alone; these do, among the edits that must take the whole way, and check each build
    # against a clean one (files, counts and warnings).
    taken: list[bool] = []
    take = shortcut.take

    def counted(*args: Any, **kwargs: Any) -> shortcut.Shortcut | None:
        result = take(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(shortcut, "take", counted)
    rng = random.Random(seed)
    project, _ = _built(tmp_path / "project", seed, feed_entries=rng.choice((1, 3)))
    for step in range(14):
        roll = rng.random()
        if roll < 0.6:
            path = rng.choice(_articles(project))
            _add_paragraph(path, f"The delegations met again at {step}.")
            done = f"body {path.name}"
        elif roll < 0.8:
            done = _edit_article(rng, project)
        else:
            done = rng.choice((_add_article, _copy_article, _delete_article))(rng, project)
        _compare(project, tmp_path / "clean", f"seed {seed}, step {step + 1}: {done}")
    assert taken.count(True) >= 4, taken
