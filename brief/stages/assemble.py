"""Tagged Articles -> Site: articles newest first and the indexes pages need, built once."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from brief.config import Config
from brief.model import Article, MonthIndex, Site, SiteInfo, Topic, TopicIndex


def assemble(articles: Iterable[Article], topics: tuple[Topic, ...], config: Config) -> Site:
    """Sort once (newest first, then by slug, so ties never depend on file order) and index."""
    ordered = tuple(sorted(articles, key=lambda a: (-a.published.timestamp(), a.slug)))
    by_topic = tuple(
        TopicIndex(
            topic, tuple(a for a in ordered if any(t.topic.slug == topic.slug for t in a.topics))
        )
        for topic in topics
    )

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
