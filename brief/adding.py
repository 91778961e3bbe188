"""A dispatch's text -> a clean file under content/YYYY/MM/, and Article -> that file's text."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from brief.build import read_articles
from brief.config import Config
from brief.errors import ContentError, error
from brief.model import Article, SourceFile
from brief.news.knowledge import load_knowledge
from brief.taxonomy import load_topics


def add_dispatch(
    config: Config, text: str, today: date, name: str = "<stdin>"
) -> tuple[Path, Article]:
    """Normalize ``text`` and save it as content/YYYY/MM/<slug>.txt; refuse to overwrite.

    A dateline without a year is read as the latest such date not after ``today``.
    """
    if not config.reference_date:
        config = replace(config, reference_date=today.isoformat())
    data = text.encode("utf-8")
    source = SourceFile(name, data, hashlib.sha256(data).hexdigest())
    articles, problems = read_articles(
        (source,), config, load_knowledge(config.root), load_topics(config.root)[0]
    )
    if not articles:
        raise ContentError(problems)
    article = articles[0]
    day = article.published
    target = config.content_path / f"{day.year:04d}" / f"{day.month:02d}" / f"{article.slug}.txt"
    relative = target.relative_to(config.root).as_posix()
    if target.exists():
        raise ContentError(
            error(
                relative,
                None,
                "add",
                "a file of that name exists already",
                "nothing was written; give the dispatch a slug: of its own",
            )
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as out:  # "x": never replace a file
        out.write(to_text(article))
    return target, article


def to_text(article: Article) -> str:
    """The article as a .txt brief reads back to the same article: front matter, then body."""
    front = {
        "title": article.title,
        "date": article.published.isoformat(),
        "source": article.source_name,
        "source_url": article.source_url,
        "author": article.author,
        "summary": article.summary,
        "slug": article.slug,
    }
    lines = ["---"]
    lines += [
        f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items() if value
    ]
    declared = [t.name for t in article.declared_topics]
    if declared:
        lines.append(f"topics: {json.dumps(declared, ensure_ascii=False)}")
    if article.draft:
        lines.append("draft: true")
    lines.append("---")
    paragraphs = [p.text for p in article.paragraphs]
    if article.dateline and paragraphs:
        paragraphs[0] = f"{article.dateline.text} {paragraphs[0]}"
    if article.credits:
        paragraphs.append("(" + "; ".join(article.credits) + ")")
    return "\n".join(lines) + "\n" + "\n\n".join(paragraphs) + "\n"
