"""Incremental builds equal clean builds, byte for byte, after any sequence of edits.

A seeded random sequence of edits (add, change, rename, copy, delete an article; override a
template or a static file; change brief.yaml; change topics.yaml) is applied to a small
project. After each step the project is built incrementally, with its cache, and a copy of
it is built clean, without one; the two output folders must hold the same bytes.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bench.corpus import Dispatch, generate
from brief import cache, incremental
from brief.build import build, read_sketched
from brief.cli import main
from brief.config import load_config
from brief.errors import BriefError
from brief.incremental import ready_spare
from brief.model import BuildReport
from brief.stages import write
from brief.stages.merge import sketch
from brief.stages.write import check_output, finish_removals, read_stamp
from brief.verify import FOLDER, verify

TOPICS = [
    ("Arms control", ["arms control", "New START", "risk reduction"]),
    ("Sanctions", ["sanctions", "export controls"]),
    ("Security Council", ["Security Council"]),
    ("Energy", ["energy security", "gas supplies"]),
    ("Black Sea", ["Black Sea", "grain exports"]),
    ("Ceasefire", ["ceasefire", "humanitarian corridors"]),
]
EXTRA_PHRASES = ["hotline", "North Korea", "the OSCE", "peacekeeping", "missile defense", "IAEA"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_builds_equal_clean_builds_after_random_edits(
    tmp_path: Path, seed: int
) -> None:
    _check_sequence(tmp_path, seed, steps=10)


def test_an_unchanged_project_rebuilds_without_writing_a_file(tmp_path: Path) -> None:
    project = _project(tmp_path / "project", random.Random(5))
    build(load_config(project))
    again = build(load_config(project))
    assert (again.files, again.removed) == (0, 0)
    assert again.skipped > again.pages > 16


def test_an_edit_renders_again_only_the_listing_pages_that_show_the_article(
    tmp_path: Path,
) -> None:
    # Each page of a listing carries the topic and its count, not every article of it: a
    # page holding the whole index was rendered again for an edit shown on another page.
    project = tmp_path / "project"
    (project / "content/2021").mkdir(parents=True)
    (project / "brief.yaml").write_text(
        "title: T\nbase_url: https://example.org/\npage_size: 2\nsearch: false\n"
    )
    (project / "topics.yaml").write_text("- name: Arms control\n  match: [arms control]\n")
    for day in range(1, 7):
        (project / f"content/2021/talks-{day}.txt").write_text(
            f"Arms control talks, day {day}\n\nMOSCOW, June {day}. /TASS/. The arms control "
            f"talks went on for a day numbered {day}, officials said.\n"
        )
    build(load_config(project))
    listing = project / "site/topics/arms-control"
    pages = [listing / "index.html", listing / "page/2/index.html", listing / "page/3/index.html"]
    before = [page.stat().st_ino for page in pages]
    newest = project / "content/2021/talks-6.txt"  # first on page 1: newest first
    newest.write_text(newest.read_text().replace("day 6", "day six", 1))  # its title
    build(load_config(project))
    after = [page.stat().st_ino for page in pages]
    assert after[0] != before[0]  # page 1 shows the article: written again
    assert after[1:] == before[1:]  # pages 2 and 3 do not: kept as they were
    assert "day six" in pages[0].read_text()


def test_an_edit_to_an_article_body_renders_again_only_its_page_and_the_feeds(
    tmp_path: Path,
) -> None:
    # Listings hold cards (title, date, summary, quotes, topics), not whole articles: a
    # paragraph added at the end changes none of them, so no listing page is written again.
    project = _project(tmp_path / "project", random.Random(7))
    build(load_config(project))
    site = project / "site"
    inodes = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.*")}
    del inodes[".brief-output"]  # the marker: its build stamp changes with every build
    edited = sorted((project / "content").rglob("*.txt"))[3]
    edited.write_text(edited.read_text().rstrip() + "\n\nThe zebra talks went on.\n")
    report = build(load_config(project))
    rewritten = {path for path, inode in inodes.items() if (site / path).stat().st_ino != inode}
    [page] = [p for p in rewritten if p.startswith("articles/")]
    assert "zebra talks" in (site / page).read_text()
    assert rewritten - {page} == {p for p in rewritten if p.endswith(("feed.xml", "feed.json"))}
    assert report.files == len(rewritten)  # every listing page kept as it was
    assert any(p.startswith("topics/") and p.endswith("index.html") for p in inodes)


def test_a_stylesheet_edit_writes_the_stylesheet_and_no_page(tmp_path: Path) -> None:
    # Pages link to static files and do not read them: a CSS tweak rendered every page.
    project = _project(tmp_path / "project", random.Random(5))
    static = project / "templates/static"
    static.mkdir(parents=True)
    (static / "brief.css").write_text("body { margin: 0 }\n")
    build(load_config(project))
    (static / "brief.css").write_text("body { margin: 1px }\n")
    (static / "logo.svg").write_text("<svg/>\n")
    report = build(load_config(project))
    assert (report.files, report.removed) == (2, 0)
    assert (project / "site/static/brief.css").read_text() == "body { margin: 1px }\n"
    _compare(project, tmp_path / "clean", "after the stylesheet edit")


@pytest.mark.parametrize(
    "include",
    [
        '{% include "static/motto.txt" %}',
        "{%include'./static/motto.txt'%}",
        "{% include '/static/motto.txt' %}",
        "{% include('static/motto.txt') %}",
        "{% include '\\x73tatic/motto.txt' %}",
        "{% set name = 'static/motto.txt' %}{% include name %}",
        '{% include "linked/motto.txt" %}',  # a folder linked to static/
    ],
)
def test_a_static_file_a_template_reads_renders_its_pages_again(
    tmp_path: Path, include: str
) -> None:
    # Missed spellings left every page with the old text: an incremental build differed
    # from a clean one (a review found the first five; the link, a sixth way).
    project = _project(tmp_path / "project", random.Random(5))
    static = project / "templates/static"
    static.mkdir(parents=True)
    (project / "templates/linked").symlink_to(static, target_is_directory=True)
    (static / "motto.txt").write_text("Read everything")
    (project / "templates/404.html").write_text(
        f'{{% extends "!theme/404.html" %}}\n{{% block title %}}{include}{{% endblock %}}\n'
    )
    build(load_config(project))
    assert "Read everything" in (project / "site/404.html").read_text()
    (static / "motto.txt").write_text("Read it twice")
    report = build(load_config(project))
    assert "Read it twice" in (project / "site/404.html").read_text()
    assert report.files > 2  # every page: which ones read it is not tracked
    _compare(project, tmp_path / "clean", f"after the edit of a static file read by {include}")


def test_a_static_folder_that_is_a_link_is_copied_and_watched(tmp_path: Path) -> None:
    project = _project(tmp_path / "project", random.Random(5))
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "x.css").write_text("a { color: red }\n")
    (project / "templates").mkdir()
    (project / "templates/static").symlink_to(shared, target_is_directory=True)
    build(load_config(project))
    (shared / "x.css").write_text("a { color: blue }\n")
    assert build(load_config(project)).files == 1  # a no-change build wrote nothing before
    assert (project / "site/static/x.css").read_text() == "a { color: blue }\n"


def test_a_warm_unchanged_build_loads_the_articles_and_compiles_the_templates(
    tmp_path: Path,
) -> None:
    # brief serve's first build usually finds the site up to date; warmed, the first edit
    # neither unpickles the cache nor compiles the theme.
    project = _project(tmp_path / "project", random.Random(5))
    build(load_config(project))
    incremental._environments.clear()
    cache._remembered.root, cache._remembered.shards = None, {}
    report = build(load_config(project), warm=True)
    assert report.files == 0
    assert cache._remembered.shards
    [env] = incremental._environments.values()
    compiled = {name for _, name in env.cache} if env.cache is not None else set()
    assert {"article.html", "topic.html", "index.html", "macros.html"} <= compiled


def test_an_edit_brings_the_spare_site_up_to_date_instead_of_linking_every_file_again(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project", random.Random(5))
    _build_twice_with_edits(project)
    finish_removals()
    spare = cache.spare_folder(project, "site")
    assert read_stamp(spare), "the replaced site was kept in the cache as the spare"
    _build_from_the_spare(project)
    _compare(project, tmp_path / "clean", "after two edits with a spare")


def test_a_spare_made_after_a_cold_build_is_what_the_first_edit_brings_up_to_date(
    tmp_path: Path,
) -> None:
    # brief serve's first build is often cold, and a build makes the spare from the site it
    # replaces: its first edit found none and linked every page into new folders.
    project = _cold_build_with_a_spare(tmp_path)
    site, spare = project / "site", cache.spare_folder(project, "site")
    _add_sentence(project, 0)
    _build_from_the_spare(project)
    finish_removals()
    assert read_stamp(spare) and read_stamp(spare) != read_stamp(site)  # the old site, now
    _compare(project, tmp_path / "clean", "after a spare was made and an edit")


def test_a_spare_left_mostly_stale_by_a_template_edit_is_made_again_from_the_site(
    tmp_path: Path,
) -> None:
    # After a build that rewrote every page, the spare (the site before) holds no file the
    # next build can keep: brief serve makes it again between rebuilds, so that the next
    # edit does not pay for pruning it (1.2-1.7 s instead of 0.6 s at 1,000 articles).
    project = _cold_build_with_a_spare(tmp_path)
    config = load_config(project)
    site, spare = project / "site", cache.spare_folder(project, "site")
    made = read_stamp(spare)
    ready_spare(config, check_output(config))  # up to date: left as it is
    assert read_stamp(spare) == made
    _override_article_template(project)
    build(config)
    assert read_stamp(spare) == made != read_stamp(site)  # the site before the edit
    _ready_spare_of_links(project)
    finish_removals()
    assert sorted(p.name for p in spare.parent.iterdir() if p.name.startswith("spare")) == [
        spare.name
    ]
    _add_sentence(project, 3)
    _build_from_the_spare(project)
    _compare(project, tmp_path / "clean", "after a spare was made again and an edit")


def test_the_cache_keeps_the_articles_of_the_last_build_and_loads_only_wanted_ones(
    tmp_path: Path,
) -> None:
    # A build drops the entries it does not want as each shard is loaded (the stale cache
    # of a taxonomy edit was 200 MB at 10,000 articles); the shards that held them are
    # written again, so that a deleted or edited file's entry does not stay on disk.
    project = _project(tmp_path / "project", random.Random(5))
    build(load_config(project))
    _articles(project)[-1].unlink()
    _add_sentence(project, 0)
    build(load_config(project))
    inputs = incremental.gather(load_config(project), drafts=False)
    wanted = set(incremental._keys(inputs).values())
    cache._remembered.root = None  # from the files, not from this process's memory

    class Everything:
        def __contains__(self, key: object) -> bool:
            return True

    assert set(cache.load_articles(project, Everything()).entries) == wanted
    some = set(sorted(wanted)[:3])
    loaded = cache.load_articles(project, some)
    assert set(loaded.entries) == some and loaded.untidy
    # A load that does not save (brief serve's warm start) must not make this process
    # forget that the files hold entries no longer wanted.
    _articles(project)[0].unlink()
    config = load_config(project)
    cache._remembered.root = None
    incremental.prepare(config, incremental.gather(config, drafts=False))
    build(config)
    cache._remembered.root = None
    inputs = incremental.gather(config, drafts=False)
    on_disk = cache.load_articles(project, Everything()).entries
    assert set(on_disk) == set(incremental._keys(inputs).values())


def test_a_template_edit_and_the_edit_after_it_keep_the_spare_sites_folders(
    tmp_path: Path,
) -> None:
    # A template edit changes every page, so the spare holds no file the build can keep.
    # Its folders are still the new site's: deleted and made again, 10,000 of them cost 6 s.
    project = _project(tmp_path / "project", random.Random(5))
    _build_twice_with_edits(project)
    _override_article_template(project)
    _build_from_the_spare(project)  # the site before the edit, every page stale in it
    _add_sentence(project, 7)
    _build_from_the_spare(project)  # the site before the template edit
    _compare(project, tmp_path / "clean", "after a template edit and an edit")


def test_a_path_planted_in_the_cache_makes_no_spare_file_outside_the_site(
    tmp_path: Path,
) -> None:
    # The manifest is read from .brief-cache/, which a cloned repository may carry: its
    # paths must not decide where links are made.
    project = _project(tmp_path / "project", random.Random(5))
    config = load_config(project)
    build(config)
    manifest = cache.load_manifest(project, "site")
    planted = {
        "../../../outside/index.html": cache.PageRecord("0", 1),
        "/tmp/x/y.html": cache.PageRecord("0", 1),
    }
    cache.save_manifest(
        project, "site", replace(manifest, records={**manifest.records, **planted}), ()
    )
    ready_spare(config, check_output(config))
    spare = cache.spare_folder(project, "site")
    assert read_stamp(spare)  # made, from the site's own files
    assert not (tmp_path / "outside").exists() and not Path("/tmp/x/y.html").exists()
    inside = {p.relative_to(spare).as_posix() for p in spare.rglob("*") if p.is_file()}
    assert inside == {
        p.relative_to(project / "site").as_posix()
        for p in (project / "site").rglob("*")
        if p.is_file()
    }


def test_without_the_folder_exchange_the_replaced_site_is_still_kept_as_the_spare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # macOS, Windows and some network drives have no atomic exchange of two folders: the
    # old site was deleted there, and brief serve would make a spare after every rebuild.
    monkeypatch.setattr(write, "_exchange", lambda staging, output: False)
    project = _project(tmp_path / "project", random.Random(5))
    _build_twice_with_edits(project)
    spare = cache.spare_folder(project, "site")
    assert read_stamp(spare) and read_stamp(spare) != read_stamp(project / "site")
    _compare(project, tmp_path / "clean", "after two edits without the exchange")


SPARE_DAMAGE: dict[str, Callable[[Path], object]] = {
    "a stray file": lambda spare: (spare / "articles/stray.html").write_text("not brief's"),
    "a page cut short": lambda spare: _cut(next(spare.glob("articles/*/index.html"))),
    "a page removed": lambda spare: next(spare.glob("topics/*/index.html")).unlink(),
    "a link in place of a folder": lambda spare: _swap_for_link(next(spare.glob("sources/*/"))),
    "another build's marker": lambda spare: (spare / ".brief-output").write_text("build: 0\n"),
}


@pytest.mark.parametrize("damage", SPARE_DAMAGE)
def test_a_damaged_spare_site_is_repaired_or_dropped_and_the_build_equals_a_clean_one(
    tmp_path: Path, damage: str
) -> None:
    project = _project(tmp_path / "project", random.Random(9))
    _build_twice_with_edits(project)
    finish_removals()
    SPARE_DAMAGE[damage](cache.spare_folder(project, "site"))
    _compare(project, tmp_path / "clean", f"after {damage} in the spare")


def _build_twice_with_edits(project: Path) -> None:
    """Build, edit, build, edit: the second build keeps the first site as the spare, and
    the project has an edit the spare does not show yet."""
    for number in range(2):
        build(load_config(project))
        _add_sentence(project, number)


def _build_from_the_spare(project: Path) -> None:
    """Build, and check that the site's folders are the spare's, brought up to date: they
    keep their inodes, so nothing was made again."""
    spare = cache.spare_folder(project, "site")
    folders = {p.relative_to(spare).as_posix(): p.stat().st_ino for p in spare.rglob("*/")}
    build(load_config(project))
    kept = [f for f, inode in folders.items() if (project / "site" / f).stat().st_ino == inode]
    assert len(kept) > len(folders) * 3 // 4


def _cold_build_with_a_spare(tmp_path: Path) -> Path:
    """A project built cold, with the spare brief serve makes after such a build."""
    project = _project(tmp_path / "project", random.Random(5))
    build(load_config(project))
    _ready_spare_of_links(project)
    return project


def _ready_spare_of_links(project: Path) -> None:
    """brief serve's step between rebuilds; the spare it leaves is links to the site's files."""
    config = load_config(project)
    ready_spare(config, check_output(config))
    site, spare = project / "site", cache.spare_folder(project, "site")
    assert read_stamp(spare) == read_stamp(site) != ""
    files = [p.relative_to(site) for p in site.rglob("*") if p.is_file()]
    assert files and all((spare / f).stat().st_ino == (site / f).stat().st_ino for f in files)


def _override_article_template(project: Path) -> None:
    """An edit of the article template: every article page changes."""
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "article.html").write_text(
        '{% extends "!theme/article.html" %}{# edited #}\n'
    )


def _add_sentence(project: Path, number: int) -> None:
    """An edit every build sees: a sentence more in the first published article."""
    path = next(p for p in _articles(project) if "draft: true" not in p.read_text())
    path.write_text(path.read_text().rstrip("\n") + f" Talks go on, round {number}.\n")


def _cut(path: Path) -> None:
    data = path.read_bytes()[:10]
    path.unlink()  # the live site holds the same file under a link: not through it
    path.write_bytes(data)


def _swap_for_link(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.symlink_to(folder.parent.parent / "articles", target_is_directory=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_sketches_made_by_the_readers_equal_those_merge_would_make(
    tmp_path: Path, workers: int
) -> None:
    project = _project(tmp_path / "project", random.Random(11))
    config = load_config(project)
    inputs = incremental.gather(config, drafts=False)
    articles, _, sketches = read_sketched(
        inputs.sources, config, inputs.knowledge, inputs.topics, workers=workers
    )
    assert len(articles) == len(inputs.sources) == len(sketches) == 16
    assert sketches == {a.source_path: sketch(a) for a in articles}


def test_one_worker_and_two_workers_build_the_same_site(tmp_path: Path) -> None:
    one = _project(tmp_path / "one", random.Random(7))
    two = _project(tmp_path / "two", random.Random(7))
    build(load_config(one), use_cache=False, workers=1)
    build(load_config(two), use_cache=False, workers=2)
    assert _differences(one / "site", two / "site") == []


def test_verify_finds_nothing_after_an_incremental_build_and_leaves_no_folder(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project", random.Random(11))
    build(load_config(project))
    _edit_article(random.Random(1), project)
    build(load_config(project))
    assert verify(load_config(project)) == ()
    assert not (project / FOLDER).exists()


def test_verify_names_each_output_file_that_differs_from_a_clean_build(tmp_path: Path) -> None:
    project = _project(tmp_path / "project", random.Random(13))
    build(load_config(project))
    (project / "site/index.html").write_text("edited by hand\n")
    (project / "site/extra.html").write_text("not brief's\n")
    (project / "site/topics/index.html").unlink()
    found = [d.format() for d in verify(load_config(project))]
    assert [line.split(" (")[0] for line in found] == [
        "site/extra.html: verify: extra: a clean build does not write this file",
        "site/index.html: verify: differs from a clean build",
        "site/topics/index.html: verify: missing: a clean build writes this file",
    ]


def test_verify_leaves_the_search_index_out_of_the_comparison(tmp_path: Path) -> None:
    project = _project(tmp_path / "project", random.Random(23))
    build(load_config(project))
    (project / "site/pagefind").mkdir()
    (project / "site/pagefind/pagefind-entry.json").write_text('{"differs": "every run"}')
    assert verify(load_config(project)) == ()


def test_build_verify_exits_1_when_the_output_was_edited_and_0_when_it_was_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path / "project", random.Random(17))
    assert main(["build", "--root", str(project), "--verify"]) == 0
    assert "Verified: site/ equals a clean build, byte for byte." in capsys.readouterr().out
    page = project / "site/index.html"
    data = page.read_bytes()
    page.write_bytes(data.replace(b"<title>", b"<title>X", 1)[: len(data)])  # same size
    assert main(["build", "--root", str(project), "--verify", "-q"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "site/index.html: verify: differs from a clean build" in err
    assert "Verify failed: a clean build differs in 1 file of site/." in err


def test_verify_refuses_a_verify_folder_holding_files_brief_did_not_write(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project", random.Random(19))
    (project / FOLDER).mkdir()
    (project / FOLDER / "notes.txt").write_text("mine\n")
    with pytest.raises(BriefError, match="holds files brief did not write"):
        verify(load_config(project))
    assert (project / FOLDER / "notes.txt").read_text() == "mine\n"


# The sequence.


def _check_sequence(root: Path, seed: int, steps: int) -> None:
    rng = random.Random(seed)
    project = _project(root / "project", rng)
    _compare(project, root / "clean", f"seed {seed}, the first build")
    edits = list(EDITS)
    for step in range(steps):
        done = []
        for _ in range(rng.choice((1, 1, 2))):
            edit = rng.choice(edits)
            done.append(f"{edit.__name__[1:]}: {edit(rng, project)}")
        _compare(project, root / "clean", f"seed {seed}, step {step + 1}: {'; '.join(done)}")
        if rng.random() < 0.2:
            try:
                again = build(load_config(project))
            except BriefError:
                continue  # a step may leave the project broken; both builds said so alike
            assert (again.files, again.removed) == (0, 0), f"seed {seed}, step {step + 1}"


def _compare(project: Path, clean: Path, what: str) -> None:
    """Build ``project`` incrementally and a copy of it clean: same outcome, same bytes."""
    incremental = _outcome(lambda: build(load_config(project)))
    if clean.exists():
        shutil.rmtree(clean)
    shutil.copytree(
        project, clean, ignore=shutil.ignore_patterns("site", ".site.*", ".brief-cache")
    )
    fresh = _outcome(lambda: build(load_config(clean), use_cache=False))
    assert incremental == fresh, what
    if incremental[0] == "built":
        assert _differences(project / "site", clean / "site") == [], what


def _outcome(run: Callable[[], BuildReport]) -> tuple[str, ...]:
    """What a build said: its counts and warnings, or the messages it failed with. Both
    builds must say the same."""
    try:
        report = run()
    except BriefError as exc:
        return ("failed", *(d.format() for d in exc.diagnostics))
    warnings = (d.format() for d in report.warnings)
    return ("built", f"{report.articles} articles, {report.pages} pages", *warnings)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _differences(a: Path, b: Path) -> list[str]:
    one, two = _tree(a), _tree(b)
    return sorted(path for path in one.keys() | two.keys() if one.get(path) != two.get(path))


# The project and its edits.


def _project(root: Path, rng: random.Random) -> Path:
    (root / "content").mkdir(parents=True)
    _write_config(root, rng)
    _write_topics(root, TOPICS)
    pool = generate(60, seed=rng.randrange(1000))
    for dispatch in pool[:16]:
        _write_dispatch(root, dispatch, rng)
    _UNUSED[str(root)] = pool[16:]
    return root


_UNUSED: dict[str, list[Dispatch]] = {}
"""The dispatches each project may still add, by project folder."""


def _write_config(root: Path, rng: random.Random) -> None:
    (root / "brief.yaml").write_text(
        f"title: Briefing {rng.randrange(100)}\n"
        "base_url: https://example.org/briefing/\n"
        f"page_size: {rng.choice((3, 4, 6))}\n"
        f"home_articles: {rng.choice((2, 5, 10))}\n"
        # One entry a feed leaves most articles out of every feed, whose body edits
        # brief.shortcut takes without rendering a feed again.
        f"feed_entries: {rng.choice((1, 3, 10))}\n"
        f"briefing: {rng.choice(('day', 'week'))}\n"
        "search: false\n"
    )


def _write_topics(root: Path, topics: list[tuple[str, list[str]]]) -> None:
    (root / "topics.yaml").write_text(
        "".join(f"- name: {name}\n  match: [{', '.join(match)}]\n" for name, match in topics)
    )


def _write_dispatch(root: Path, d: Dispatch, rng: random.Random) -> Path:
    body = "\n\n".join([f"{d.opening} {d.paragraphs[0]}", *d.paragraphs[1:4]])
    folder = root / "content" / f"{d.day.year}" / f"{d.day.month:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    if rng.random() < 0.3:
        path = folder / f"{d.slug}.md"
        draft = "draft: true\n" if rng.random() < 0.2 else ""
        path.write_text(
            f"---\ntitle: {d.title}\ndate: {d.day.isoformat()}\nsource: {d.agency}\n"
            f"topics: [{TOPICS[d.number % len(TOPICS)][0]}]\n{draft}---\n{body}\n"
        )
    else:
        path = folder / f"{d.slug}.txt"
        path.write_text(f"{d.title}\n\n{body}\n")
    return path


def _articles(project: Path) -> list[Path]:
    return sorted((project / "content").rglob("*.*"))


def _add_article(rng: random.Random, project: Path) -> str:
    unused = _UNUSED[str(project)]
    if not unused:
        return "none left"
    return _write_dispatch(project, unused.pop(rng.randrange(len(unused))), rng).name


def _edit_article(rng: random.Random, project: Path) -> str:
    path = rng.choice(_articles(project))
    text = path.read_text()
    change = rng.choice(("phrase", "title", "quote", "undraft", "body"))
    if change == "body":  # what the rest of the site shows of it stays: brief.shortcut
        text = text.rstrip("\n") + f"\n\nThe delegations met again at {rng.randrange(24)}.\n"
    elif change == "phrase":
        phrase = rng.choice([m for _, match in TOPICS for m in match] + EXTRA_PHRASES)
        text = text.rstrip("\n") + f"\n\nThe talks also touched on {phrase}.\n"
    elif change == "title" and path.suffix == ".txt":
        title, rest = text.split("\n", 1)
        text = f"{title} again\n{rest}"
    elif change == "undraft":
        text = text.replace("draft: true\n", "")
    else:
        text = text.rstrip("\n") + "\n\n“We will not accept this,” Lavrov said.\n"
    path.write_text(text)
    return f"{change} {path.name}"


def _rename_article(rng: random.Random, project: Path) -> str:
    path = rng.choice(_articles(project))
    if rng.random() < 0.1:  # a file name without its date: an undated AP story fails
        target = path.with_name("renamed-" + path.name)
    elif rng.random() < 0.5:
        target = path.with_name(f"{path.stem}-renamed{path.suffix}")
    else:  # another month of the same year: a dateline's year comes from the folder
        target = path.parent.parent / "12" / path.name
    if target.exists():
        return "skipped"
    target.parent.mkdir(parents=True, exist_ok=True)
    path.rename(target)
    return f"{path.name} -> {target.relative_to(project).as_posix()}"


def _copy_article(rng: random.Random, project: Path) -> str:
    path = rng.choice(_articles(project))
    target = path.with_name(f"{path.stem}-copy{path.suffix}")
    if target.exists():
        return "skipped"
    target.write_bytes(path.read_bytes())  # the same story saved twice: merged into one
    return target.name


def _delete_article(rng: random.Random, project: Path) -> str:
    articles = _articles(project)
    if len(articles) < 5:
        return "skipped"
    path = rng.choice(articles)
    path.unlink()
    return path.name


def _edit_template(rng: random.Random, project: Path) -> str:
    templates = project / "templates"
    choice = rng.choice(
        ("article", "article-title", "remove", "static", "404", "included", "included-only")
    )
    templates.mkdir(exist_ok=True)
    if choice == "article":
        (templates / "article.html").write_text(
            '{% extends "!theme/article.html" %}\n'
            "{% block og_type %}article{% endblock %}\n"
            f"{{# revision {rng.randrange(1000)} #}}\n"
        )
    elif choice == "article-title":
        (templates / "article.html").write_text(
            '{% extends "!theme/article.html" %}\n'
            "{% block title %}Dispatch: {{ super() }}{% endblock %}\n"
        )
    elif choice == "remove":
        for name in ("article.html", "404.html"):
            (templates / name).unlink(missing_ok=True)
    elif choice == "static":
        (templates / "static").mkdir(exist_ok=True)
        (templates / "static" / "extra.css").write_text(
            f"body {{ margin: {rng.randrange(9)}px }}\n"
        )
    elif choice == "included-only":  # the static file alone, whether a template reads it
        (templates / "static").mkdir(exist_ok=True)
        (templates / "static" / "lost.txt").write_text(f"Lost {rng.randrange(100)}")
    elif choice == "included":  # a static file a template reads: its pages are stale
        (templates / "static").mkdir(exist_ok=True)
        (templates / "static" / "lost.txt").write_text(f"Lost {rng.randrange(100)}")
        (templates / "404.html").write_text(
            '{% extends "!theme/404.html" %}\n'
            '{% block title %}{% include "static/lost.txt" %}{% endblock %}\n'
        )
    else:
        (templates / "404.html").write_text(
            '{% extends "!theme/404.html" %}\n'
            f"{{% block title %}}Lost {rng.randrange(100)}{{% endblock %}}\n"
        )
    return choice


def _edit_config(rng: random.Random, project: Path) -> str:
    _write_config(project, rng)
    return (project / "brief.yaml").read_text().splitlines()[0]


def _edit_taxonomy(rng: random.Random, project: Path) -> str:
    topics = [(name, list(match)) for name, match in TOPICS]
    change = rng.choice(("add", "match", "remove", "same"))
    if change == "add":
        phrase = rng.choice(EXTRA_PHRASES).removeprefix("the ")
        topics.append((phrase.capitalize(), [phrase]))
    elif change == "match":
        topics[rng.randrange(len(topics))][1].append(rng.choice(EXTRA_PHRASES))
    elif change == "remove":
        topics.pop(rng.randrange(len(topics)))
    _write_topics(project, topics)
    return change


def _touch_nothing(rng: random.Random, project: Path) -> str:
    path = rng.choice(_articles(project))
    path.write_bytes(path.read_bytes())  # a save without a change
    return path.name


def _delete_site(rng: random.Random, project: Path) -> str:
    # A fresh checkout whose cache was restored (the Pages workflow's actions/cache):
    # articles come from the cache, and every page is written again.
    shutil.rmtree(project / "site", ignore_errors=True)
    return "site deleted, cache kept"


EDITS = (
    _add_article,
    _add_article,
    _edit_article,
    _edit_article,
    _rename_article,
    _copy_article,
    _delete_article,
    _edit_template,
    _edit_config,
    _edit_taxonomy,
    _touch_nothing,
    _delete_site,
)


def test_the_code_digest_changes_with_brief_s_source_and_ignores_its_compiled_files(
    tmp_path: Path,
) -> None:
    # A checkout between releases keeps its version number: its cached articles must still
    # be read again once the code that made them changes.
    first, second = tmp_path / "one", tmp_path / "two"
    for package, body in ((first, "A = 1\n"), (second, "A = 2\n")):
        (package / "__pycache__").mkdir(parents=True)
        (package / "stage.py").write_text(body)
    (first / "__pycache__/stage.cpython-311.pyc").write_bytes(b"\0compiled, then again")
    assert cache.code_digest(first) != cache.code_digest(second)
    third = tmp_path / "three"
    shutil.copytree(first, third)
    (third / "__pycache__/stage.cpython-311.pyc").write_bytes(b"recompiled at another time")
    assert cache.code_digest(third) == cache.code_digest(first)


def test_the_code_digest_changes_with_the_version_of_a_library_that_shapes_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new markdown-it-py may write other HTML for the same Markdown: the pages it made
    # before must not be kept as up to date.
    package = tmp_path / "package"
    package.mkdir()
    (package / "stage.py").write_text("A = 1\n")
    before = cache.code_digest(package)
    installed = tmp_path / "site-packages"
    (installed / "markdown_it_py-99.0.dist-info").mkdir(parents=True)
    (installed / "markdown_it_py-99.0.dist-info/METADATA").write_text(
        "Metadata-Version: 2.1\nName: markdown-it-py\nVersion: 99.0\n"
    )
    monkeypatch.syspath_prepend(str(installed))
    cache.code_digest.cache_clear()
    assert cache.code_digest(package) != before
