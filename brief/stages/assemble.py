"""Tagged Articles -> Site: articles newest first and the indexes pages need, built once."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import groupby
from operator import neg

from brief.config import Config
from brief.model import (
    Article,
    Card,
    DayIndex,
    MonthIndex,
    NameIndex,
    Quote,
    Site,
    SiteInfo,
    SourceIndex,
    Topic,
    TopicIndex,
)
from brief.slugs import slugify

RELATED = 5  # related articles shown on an article page
_WINDOW = 25  # neighbours in time looked at on each shared list, to keep this linear


def assemble(articles: Iterable[Article], topics: tuple[Topic, ...], config: Config) -> Site:
    """Sort once (newest first, then by slug, so ties never depend on file order) and index."""
    ordered = tuple(sorted(articles, key=lambda a: (-a.published.timestamp(), a.slug)))
    cards = tuple(Card.of(a) for a in ordered)  # what the listings hold, in the same order
    by_topic = index_topics(ordered, cards, topics)
    names = index_names(ordered, cards)
    return Site(
        site_info(config),
        ordered,
        cards,
        by_topic,
        tuple(
            MonthIndex(year, month, tuple(group))
            for (year, month), group in groupby(cards, key=_month)
        ),
        tuple(DayIndex(day, tuple(group)) for day, group in groupby(cards, key=_day)),
        index_sources(cards),
        names,
        relate(cards, by_topic, names),
    )


def site_info(config: Config) -> SiteInfo:
    """The site-wide values every template sees."""
    return SiteInfo(
        title=config.title,
        description=config.description,
        base_url=config.base_url,
        base_path=config.base_path,
        language=config.language,
    )


def index_topics(
    ordered: tuple[Article, ...], cards: tuple[Card, ...], topics: tuple[Topic, ...]
) -> tuple[TopicIndex, ...]:
    """Each topic's articles, newest first; a parent topic holds its subtopics' articles too."""
    members: dict[str, set[str]] = {topic.slug: set() for topic in topics}
    parents = {topic.slug: topic.parent for topic in topics}
    for article in ordered:
        for tag in article.topics:
            slug = tag.topic.slug
            while slug:  # up the nesting: a New START story is also an arms-control story
                members.setdefault(slug, set()).add(article.source_path)
                slug = parents.get(slug, "")
    return tuple(
        TopicIndex(topic, tuple(c for c in cards if c.source_path in members[topic.slug]))
        for topic in topics
    )


def index_sources(ordered: tuple[Card, ...]) -> tuple[SourceIndex, ...]:
    """Each agency or publisher named by a dateline or front matter, by name. Spellings
    with one slug ("Reuters", "reuters") are one source, named as most of its articles
    name it: two would be written at one URL, one page over the other."""
    groups: dict[str, list[Card]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in ordered:
        name = article.agency or article.source_name
        slug = slugify(name) if name else ""
        if slug:
            groups[slug].append(article)
            spellings[slug][name] += 1
    named = {slug: _commonest(spelled) for slug, spelled in spellings.items()}
    return tuple(
        SourceIndex(named[slug], slug, tuple(groups[slug]))
        for slug in sorted(groups, key=lambda s: (named[s].casefold(), named[s], s))
    )


def index_names(ordered: tuple[Article, ...], cards: tuple[Card, ...]) -> tuple[NameIndex, ...]:
    """Each person and organization mentioned, with their articles and their quotes; by
    slug, as sources are (index_sources)."""
    articles: dict[str, list[Card]] = defaultdict(list)
    kinds: dict[str, str] = {}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    quotes: dict[str, list[tuple[Quote, Card]]] = defaultdict(list)
    slugs: dict[str, str] = {}

    def slug_of(name: str) -> str:
        if name not in slugs:
            slugs[name] = slugify(name)
        return slugs[name]

    for article, card in zip(ordered, cards, strict=True):
        for mention in article.mentions:
            slug = slug_of(mention.name)
            if mention.kind in ("person", "organization", "treaty") and slug:
                if not articles[slug] or articles[slug][-1] is not card:
                    articles[slug].append(card)
                kinds.setdefault(slug, mention.kind)
                spellings[slug][mention.name] += 1
        for quote in article.quotes:
            if quote.speaker:
                quotes[slug_of(quote.speaker)].append((quote, card))
    named = {slug: _commonest(spelled) for slug, spelled in spellings.items()}
    return tuple(
        NameIndex(named[slug], slug, kinds[slug], tuple(articles[slug]), tuple(quotes[slug]))
        for slug in sorted(articles, key=lambda s: (named[s].casefold(), named[s], s))
    )


def _commonest(spellings: Counter[str]) -> str:
    """The spelling most used; of those used as often, the first in sorted order."""
    return min(spellings, key=lambda name: (-spellings[name], name))


def relate(
    ordered: tuple[Card, ...], topics: tuple[TopicIndex, ...], names: tuple[NameIndex, ...]
) -> dict[str, tuple[Card, ...]]:
    """For each article, those sharing most topics and people; the most recent first on ties."""
    lists = [t.articles for t in topics] + [n.articles for n in names if n.kind == "person"]
    # Articles as their place in ``ordered``: counting integers in C (Counter.update) is
    # what keeps this cheap enough to run on every rebuild of brief serve.
    rank = {a.source_path: i for i, a in enumerate(ordered)}
    numbered = [[rank[a.source_path] for a in members] for members in lists]
    memberships: list[list[tuple[int, int]]] = [[] for _ in ordered]
    for number, members in enumerate(numbered):
        for position, member in enumerate(members):
            memberships[member].append((number, position))
    related: dict[str, tuple[Card, ...]] = {}
    for me, article in enumerate(ordered):
        scores: Counter[int] = Counter()
        for number, position in memberships[me]:
            scores.update(numbered[number][max(0, position - _WINDOW) : position + _WINDOW + 1])
        scores.pop(me, None)
        # Most shared lists first, then the most recent: (-count, place) pairs made in C
        best = heapq.nsmallest(RELATED, zip(map(neg, scores.values()), scores, strict=True))
        related[article.slug] = tuple(ordered[other] for _, other in best)
    return related


def _day(article: Card) -> str:
    # The day the article carries in its own offset, as shown on its page.
    return article.published.date().isoformat()


def _month(article: Card) -> tuple[int, int]:
    return (article.published.year, article.published.month)
