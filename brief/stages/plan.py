"""Site -> Pages: which page exists at which URL, with which template and values; no Jinja here."""

from __future__ import annotations

from brief.config import Config
from brief.model import Page, Site


def plan(site: Site, config: Config) -> tuple[Page, ...]:
    """Every page of the site, in a stable order."""
    pages = [
        Page(
            "",
            "index.html",
            {"articles": site.articles[: config.home_articles], "topics": site.topics},
        )
    ]
    pages += [Page(a.url, "article.html", {"article": a}) for a in site.articles]
    pages.append(Page("topics/", "topics.html", {"topics": site.topics}))
    pages += [Page(t.url, "topic.html", {"index": t}) for t in site.topics]
    pages.append(Page("archive/", "archive.html", {"months": site.months}))
    pages += [Page(m.url, "month.html", {"month": m}) for m in site.months]
    pages.append(Page("404.html", "404.html", {}))
    return tuple(pages)
