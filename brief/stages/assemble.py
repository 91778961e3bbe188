"""Tagged Articles -> Site: articles newest first and the indexes pages need, built once."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from brief.config import Config
from brief.model import Article, MonthIndex, Site, SiteInfo, Topic, TopicIndex


def assemble(articles: Iterable[Article], topics: tuple[Topic, ...], config: Config) -> Site:
    """Sort once (newest first, then by slug, so ties never depend on file order) and index."""
    ordered = tuple(sorted(articles, key=lambda a: (-a.published.timestamp(), a.slug)))
    members: dict[str, list[Article]] = {topic.slug: [] for topic in topics}
    for article in ordered:  # one pass, so each topic's list keeps the newest-first order
        for tag in article.topics:
            members.setdefault(tag.topic.slug, []).append(article)
    by_topic = tuple(TopicIndex(topic, tuple(members[topic.slug])) for topic in topics)

    def month_of(article: Article) -> tuple[int, int]:
        # The day the article carries in its own offset, as shown on its page.
        return (article.published.year, article.published.month)

    months = tuple(
        MonthIndex(year, month, tuple(group))
        for (year, month), group in groupby(ordered, key=month_of)
    )
    info = SiteInfo(
        title=config.title,
        description=config.description,
        base_url=config.base_url,
        base_path=config.base_path,
        language=config.language,
    )
    return Site(info, ordered, by_topic, months)
