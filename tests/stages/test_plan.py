"""plan and assemble: which pages exist at which URLs, tested with values, without Jinja."""

from __future__ import annotations

from dataclasses import replace

from brief.model import Topic
from brief.stages.assemble import assemble
from brief.stages.plan import check_paths, plan
from brief.stages.tag import tag

from .helpers import CONFIG, article

ARMS = Topic("Arms control", "arms-control", "", ("arms control",), ())
START = Topic("New START", "new-start", "", ("New START",), (), parent="arms-control")
TOPICS = (ARMS, START)


def wire(n: int, day: int, text: str, agency: str = "TASS") -> object:
    opening = f"MOSCOW, June {day}. /TASS/." if agency == "TASS" else "MOSCOW (Reuters) -"
    prefix = f"2021-06-{day:02d}-" if agency != "TASS" else ""
    path = f"content/2021/06/{prefix}a{n}.txt"
    return tag(article(path, f"Story {n}\n\n{opening} {text}\n"), TOPICS)


def site_of(*articles: object, **settings: object):  # type: ignore[no-untyped-def]
    config = replace(CONFIG, **settings) if settings else CONFIG
    return assemble(articles, TOPICS, config), config  # type: ignore[arg-type]


def test_a_subtopic_article_counts_for_its_parent_topic() -> None:
    site, _ = site_of(wire(1, 1, "The New START treaty."), wire(2, 2, "On arms control."))
    counts = {t.topic.slug: [a.title for a in t.articles] for t in site.topics}
    assert counts == {"arms-control": ["Story 2", "Story 1"], "new-start": ["Story 1"]}


def test_days_sources_and_people_are_indexed_newest_first() -> None:
    site, _ = site_of(
        wire(1, 1, "Foreign Minister Sergey Lavrov said: “Arms control matters to us all now.”"),
        wire(2, 3, "Sergey Lavrov spoke.", agency="Reuters"),
        wire(3, 3, "Arms control again."),
    )
    assert [(d.day, len(d.articles)) for d in site.days] == [("2021-06-03", 2), ("2021-06-01", 1)]
    assert [(s.name, s.url, len(s.articles)) for s in site.sources] == [
        ("Reuters", "sources/reuters/", 1),
        ("TASS", "sources/tass/", 2),
    ]
    [lavrov] = [n for n in site.names if n.name == "Sergey Lavrov"]
    assert lavrov.url == "people/sergey-lavrov/"
    assert [a.title for a in lavrov.articles] == ["Story 2", "Story 1"]
    assert [q.text for q, _ in lavrov.quotes] == ["Arms control matters to us all now."]


def test_long_lists_are_paginated_with_links_both_ways() -> None:
    site, config = site_of(*(wire(n, 1 + n % 28, "arms control") for n in range(7)), page_size=3)
    pages = {p.url: p for p in plan(site, config)}
    assert "topics/arms-control/" in pages and "topics/arms-control/page/3/" in pages
    assert "topics/arms-control/page/4/" not in pages
    second = pages["topics/arms-control/page/2/"].context["pagination"]
    assert (second.number, second.count, second.previous, second.next) == (
        2,
        3,
        "topics/arms-control/",
        "topics/arms-control/page/3/",
    )
    assert len(pages["topics/arms-control/page/3/"].context["items"]) == 1


def test_every_page_and_feed_has_its_url_and_the_sitemap_needs_an_absolute_base() -> None:
    site, config = site_of(wire(1, 1, "arms control"), wire(2, 2, "New START"))
    urls = {p.url for p in plan(site, config)}
    for url in (
        "",
        "articles/story-1/",
        "briefings/2021-06-01/",
        "topics/",
        "topics/new-start/",
        "sources/",
        "sources/tass/",
        "archive/",
        "archive/2021/06/",
        "search/",
        "404.html",
        "feed.xml",
        "feed.json",
        "topics/arms-control/feed.xml",
        "sources/tass/feed.xml",
        "robots.txt",
    ):
        assert url in urls, url
    assert "sitemap.xml" not in urls
    site, config = site_of(wire(1, 1, "arms control"), base_url="https://x.org/b/")
    assert "sitemap.xml" in {p.url for p in plan(site, config)}


def test_the_home_page_is_the_latest_day_grouped_by_topic() -> None:
    site, config = site_of(
        wire(1, 2, "arms control"), wire(2, 2, "nothing"), wire(3, 1, "New START")
    )
    home = plan(site, config)[0].context
    assert [a.title for a in home["briefing"]] == ["Story 1", "Story 2"]
    assert [(g.name, [a.title for a in g.articles]) for g in home["groups"]] == [
        ("Arms control", ["Story 1"]),
        ("Other news", ["Story 2"]),
    ]
    assert [a.title for a in home["earlier"]] == ["Story 3"]


def test_neighbours_in_a_topic_and_related_articles_are_stable() -> None:
    site, config = site_of(*(wire(n, n, "arms control") for n in range(1, 4)))
    pages = {p.url: p for p in plan(site, config)}
    [around] = [
        n
        for n in pages["articles/story-2/"].context["neighbours"]
        if n.topic.slug == "arms-control"
    ]
    assert (around.newer.title, around.older.title) == ("Story 3", "Story 1")
    assert [a.title for a in site.related["story-2"]] == ["Story 3", "Story 1"]


def test_sources_spelled_alike_are_one_source_named_as_most_articles_name_it() -> None:
    # "Reuters" and "reuters" have one slug: two source pages would be written at one URL,
    # one over the other (and, since each process writes what it renders, not always the
    # same one). They are one source now.
    def sourced(n: int, name: str) -> object:
        text = f"---\ntitle: Story {n}\ndate: 2021-06-0{n}\nsource: {name}\n---\nTalks went on.\n"
        return tag(article(f"content/2021/06/s{n}.md", text), TOPICS)

    site, config = site_of(sourced(1, "reuters"), sourced(2, "Reuters"), sourced(3, "Reuters"))
    [source] = site.sources
    assert (source.name, source.url) == ("Reuters", "sources/reuters/")
    assert [a.title for a in source.articles] == ["Story 3", "Story 2", "Story 1"]
    paths = [page.path for page in plan(site, config)]
    assert len(paths) == len(set(paths))


def test_a_page_path_planned_twice_is_an_error_naming_its_address() -> None:
    site, config = site_of(wire(1, 1, "Arms control."))
    pages = plan(site, config)
    assert check_paths(pages) == ()
    [problem] = check_paths((*pages, pages[1]))
    assert problem.severity == "error" and pages[1].url in problem.message
