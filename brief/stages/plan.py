"""Site -> Pages: which page exists at which URL, with which template and values; no Jinja here.

Every value a template shows is in its page's context (or the site-wide SiteInfo): that is
what lets the build skip a page whose context did not change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache, partial

from brief.config import Config
from brief.errors import Diagnostic, error
from brief.model import (
    Article,
    Card,
    DayHeading,
    DayIndex,
    Feed,
    Group,
    MonthHeading,
    NameHeading,
    Neighbours,
    Page,
    Pagination,
    Site,
    SourceHeading,
    TimelineMonth,
    TopicHeading,
    TopicIndex,
)

_MONTH = "%B %Y"


def plan(site: Site, config: Config) -> tuple[Page, ...]:
    """Every page of the site, in a stable order: HTML pages, then feeds and the sitemap."""
    group = _grouping(site)
    pages = [home(site, config, group)]
    neighbours = _neighbours(site.topics)
    pages += [
        article_page(a, site.related.get(a.slug, ()), tuple(neighbours.get(a.source_path, ())))
        for a in site.articles
    ]
    for number, day in enumerate(site.days):
        newer = site.days[number - 1].url if number else ""
        older = site.days[number + 1].url if number + 1 < len(site.days) else ""
        pages += paginate(
            day.url,
            "day.html",
            {"day": DayHeading(day.day, len(day.articles)), "newer": newer, "older": older},
            day.articles,
            config.page_size,
            groups=group(day.articles),
        )
    pages.append(Page("topics/", "topics.html", {"topics": site.topics}))
    for index in site.topics:
        pages += paginate(
            index.url,
            "topic.html",
            {
                "index": _heading(index),
                "subtopics": tuple(_heading(sub) for sub in _children(index, site.topics)),
                "feed": f"{index.url}feed.xml",
            },
            index.articles,
            config.page_size,
        )
    pages.append(Page("sources/", "sources.html", {"sources": site.sources}))
    for source in site.sources:
        pages += paginate(
            source.url,
            "source.html",
            {
                "source": SourceHeading(source.name, source.slug, len(source.articles)),
                "feed": f"{source.url}feed.xml",
            },
            source.articles,
            config.page_size,
        )
    people = tuple(n for n in site.names if n.kind == "person")
    others = tuple(n for n in site.names if n.kind != "person")
    pages.append(Page("people/", "names.html", {"names": people, "heading": "People"}))
    pages.append(
        Page(
            "organizations/",
            "names.html",
            {"names": others, "heading": "Organizations and treaties"},
        )
    )
    for name in site.names:
        heading = NameHeading(
            name.name, name.slug, name.kind, len(name.articles), len(name.quotes), ()
        )
        pages += paginate(
            name.url,
            "name.html",
            {"name": heading},
            name.articles,
            config.page_size,
            first_page={"name": replace(heading, quotes=name.quotes)},  # shown there only
        )
    pages.append(Page("archive/", "archive.html", {"months": site.months}))
    for month in site.months:
        pages += paginate(
            month.url,
            "month.html",
            {"month": MonthHeading(month.year, month.month, len(month.articles))},
            month.articles,
            config.page_size,
        )
    pages.append(
        Page(
            "search/",
            "search.html",
            {
                "topics": tuple(t.topic.name for t in site.topics if t.articles),
                "sources": tuple(s.name for s in site.sources),
            },
        )
    )
    pages.append(Page("404.html", "404.html", {}))
    pages += feeds(site, config)
    if "://" in config.base_url:  # a sitemap lists absolute addresses, or it is no sitemap
        pages.append(sitemap(pages))
    pages.append(Page("robots.txt", "robots.txt", {}))
    return tuple(pages)


def article_page(
    article: Article, related: tuple[Card, ...], neighbours: tuple[Neighbours, ...]
) -> Page:
    """An article's page: the article whole, the cards of related articles, and the newer
    and older article of each of its topics (brief.shortcut makes it alone, from these)."""
    return Page(
        article.url,
        "article.html",
        {"article": article, "related": related, "neighbours": neighbours},
    )


def home(site: Site, config: Config, group: Callable[[Sequence[Card]], tuple[Group, ...]]) -> Page:
    """The latest briefing (the newest day's or week's articles by topic) and what came before."""
    latest = site.days[0] if site.days else DayIndex("", ())
    if config.briefing == "week" and site.days:
        newest = site.cards[0].published.date()
        since = (newest - timedelta(days=6)).isoformat()
        briefing = tuple(a for a in site.cards if a.published.date().isoformat() >= since)
    else:
        briefing = latest.articles
    shown = {a.source_path for a in briefing}
    return Page(
        "",
        "index.html",
        {
            "briefing": briefing,
            "groups": group(briefing),
            "latest": latest,
            "period": config.briefing,
            "earlier": tuple(a for a in site.cards if a.source_path not in shown)[
                : config.home_articles
            ],
            "days": site.days[1:8],
            "topics": site.topics,
        },
    )


def paginate(
    url: str,
    template: str,
    context: dict[str, object],
    articles: Sequence[Card],
    size: int,
    groups: tuple[Group, ...] | None = None,
    first_page: Mapping[str, object] | None = None,
) -> list[Page]:
    """A listing split into pages of ``size``: url, url/page/2/, …; each with its timeline.
    ``first_page`` adds to (or replaces in) the first page's context."""
    count = max(1, -(-len(articles) // size))
    labels = [_month_label(a) for a in articles]  # once per article: planning ran it per page
    totals = Counter(labels)

    def address(number: int) -> str:
        return url if number == 1 else f"{url}page/{number}/"

    pages = []
    for number in range(1, count + 1):
        first = (number - 1) * size
        items = tuple(articles[first : first + size])
        months: dict[str, list[Card]] = {}
        for label, article in zip(labels[first : first + size], items, strict=True):
            months.setdefault(label, []).append(article)
        timeline = tuple(
            TimelineMonth(label, totals[label], tuple(members)) for label, members in months.items()
        )
        pagination = Pagination(
            number,
            count,
            address(number - 1) if number > 1 else "",
            address(number + 1) if number < count else "",
        )
        page_groups = groups if groups is None or count == 1 else _regroup(groups, items)
        pages.append(
            Page(
                address(number),
                template,
                {
                    **context,
                    **(first_page if first_page and number == 1 else {}),
                    "items": items,
                    "timeline": timeline,
                    "pagination": pagination,
                    "groups": page_groups or (),
                },
            )
        )
    return pages


def feeds(site: Site, config: Config) -> list[Page]:
    """Atom for the site, each topic and each source; JSON Feed 1.1 for the site."""
    size = config.feed_entries
    full = {a.source_path: a for a in site.articles}  # a feed carries whole articles

    def entries(cards: tuple[Card, ...]) -> tuple[Article, ...]:
        return tuple(full[card.source_path] for card in cards[:size])

    site_feed = Feed(site.info.title, "", "feed.xml", "feed", site.articles[:size])
    pages = [
        feed_page("atom.xml", site_feed),
        feed_page(
            "feed.json", Feed(site.info.title, "", "feed.json", "feed", site.articles[:size])
        ),
    ]
    for index in site.topics:
        feed = Feed(
            f"{index.topic.name} · {site.info.title}",
            index.url,
            f"{index.url}feed.xml",
            f"topics/{index.topic.slug}",
            entries(index.articles),
        )
        pages.append(feed_page("atom.xml", feed))
    for source in site.sources:
        feed = Feed(
            f"{source.name} · {site.info.title}",
            source.url,
            f"{source.url}feed.xml",
            f"sources/{source.slug}",
            entries(source.articles),
        )
        pages.append(feed_page("atom.xml", feed))
    return pages


def check_paths(pages: Sequence[Page]) -> tuple[Diagnostic, ...]:
    """An error for each path two pages would be written at: one would overwrite the other
    (index_sources and index_names give names with one slug one page)."""
    counts = Counter(page.path for page in pages)
    return tuple(
        error(
            f"/{path}",
            None,
            "url",
            f"{count} pages would be written at /{path}",
            "give the titles, sources or names behind them different spellings",
        )
        for path, count in sorted(counts.items())
        if count > 1
    )


def feed_page(template: str, feed: Feed) -> Page:
    """A feed's page, at the feed's URL (brief.shortcut makes it alone, from its entries)."""
    return Page(feed.url, template, {"feed": feed})


def sitemap(pages: Sequence[Page]) -> Page:
    """Every HTML page a search engine should know, with the date of its newest article."""
    entries = []
    for page in pages:
        if not (page.url == "" or page.url.endswith("/")) or page.url in ("search/",):
            continue
        dates = [a.published for a in _articles_of(page)]
        entries.append((page.url, max(dates).date().isoformat() if dates else ""))
    return Page("sitemap.xml", "sitemap.xml", {"entries": tuple(entries)})


def _articles_of(page: Page) -> list[Article | Card]:
    article = page.context.get("article")
    if isinstance(article, Article):
        return [article]
    items = page.context.get("items") or page.context.get("briefing") or ()
    return [a for a in items if isinstance(a, Card)]  # type: ignore[attr-defined]


def _month_label(article: Card) -> str:
    return _label(article.published.year, article.published.month)


@lru_cache(maxsize=1024)
def _label(year: int, month: int) -> str:
    """ "June 2022": strftime for each article of each listing was a third of planning."""
    return date(year, month, 1).strftime(_MONTH)


def _grouping(site: Site) -> Callable[[Sequence[Card]], tuple[Group, ...]]:
    """_groups for this site, with the taxonomy's order and URLs looked up once."""
    order = {index.topic.slug: n for n, index in enumerate(site.topics)}
    urls = {index.topic.slug: index.url for index in site.topics}
    return partial(_groups, order=order, urls=urls)


def _groups(
    articles: Sequence[Card], order: Mapping[str, int], urls: Mapping[str, str]
) -> tuple[Group, ...]:
    """A briefing's articles under their first topic, in taxonomy order; the rest last."""
    buckets: dict[str, list[Card]] = {}
    names: dict[str, str] = {}
    for article in articles:
        first = (
            min(article.topics, key=lambda t: order.get(t.topic.slug, len(order)))
            if article.topics
            else None
        )
        slug = first.topic.slug if first else ""
        names[slug] = first.topic.name if first else "Other news"
        buckets.setdefault(slug, []).append(article)
    ranked = sorted(buckets, key=lambda s: (s == "", order.get(s, len(order)), s))
    return tuple(Group(names[s], urls.get(s, ""), tuple(buckets[s])) for s in ranked)


def _regroup(groups: tuple[Group, ...], items: tuple[Card, ...]) -> tuple[Group, ...]:
    keep = {a.source_path for a in items}
    trimmed = (
        Group(g.name, g.url, tuple(a for a in g.articles if a.source_path in keep)) for g in groups
    )
    return tuple(g for g in trimmed if g.articles)


def _heading(index: TopicIndex) -> TopicHeading:
    return TopicHeading(index.topic, len(index.articles))


def _children(index: TopicIndex, topics: tuple[TopicIndex, ...]) -> tuple[TopicIndex, ...]:
    return tuple(t for t in topics if t.topic.parent == index.topic.slug)


def _neighbours(topics: tuple[TopicIndex, ...]) -> dict[str, list[Neighbours]]:
    """For each article, the newer and older article of each of its topics."""
    found: dict[str, list[Neighbours]] = {}
    for index in topics:
        items = index.articles
        for position, article in enumerate(items):
            found.setdefault(article.source_path, []).append(
                Neighbours(
                    index.topic,
                    items[position - 1] if position > 0 else None,
                    items[position + 1] if position + 1 < len(items) else None,
                )
            )
    return found
