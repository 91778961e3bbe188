"""One content file -> its normalized Article, described for a person or as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from brief.build import read_articles
from brief.config import Config
from brief.errors import ContentError
from brief.model import Article
from brief.news.knowledge import load_knowledge
from brief.stages.discover import read_one
from brief.taxonomy import load_topics


def inspect_file(config: Config, path: Path) -> Article:
    """Run parse -> normalize -> tag on one file, exactly as a build would."""
    source = read_one(config, path)
    articles, problems = read_articles(
        (source,), config, load_knowledge(config.root), load_topics(config.root)[0]
    )
    if not articles:
        raise ContentError(problems)
    return articles[0]


def as_json(article: Article) -> dict[str, Any]:
    """Every field a user may want to see, as plain JSON values."""
    dateline = article.dateline
    return {
        "source_path": article.source_path,
        "title": article.title,
        "kicker": article.kicker,
        "attribution": article.attribution,
        "slug": article.slug,
        "url": article.url,
        "published": article.published.isoformat(),
        "dateline": None
        if dateline is None
        else {
            "text": dateline.text,
            "place": dateline.place,
            "date": dateline.date_text,
            "agency": dateline.agency,
        },
        "source": article.source_name,
        "source_url": article.source_url,
        "summary": article.summary,
        "credits": list(article.credits),
        "word_count": article.word_count,
        "reading_minutes": article.reading_minutes,
        "draft": article.draft,
        "paragraphs": [{"line": p.line, "text": p.text} for p in article.paragraphs],
        "quotes": [
            {"speaker": q.speaker, "paragraph": q.paragraph, "text": q.text} for q in article.quotes
        ],
        "mentions": [
            {"name": m.name, "kind": m.kind, "seen_as": list(m.aliases_seen)}
            for m in article.mentions
        ],
        "topics": [
            {
                "name": t.topic.name,
                "slug": t.topic.slug,
                "evidence": [
                    {"phrase": e.phrase, "count": e.count, "first_line": e.first_line}
                    for e in t.evidence
                ],
            }
            for t in article.topics
        ],
        "provenance": [{"field": p.field, "source": p.source} for p in article.provenance],
        "warnings": [w.format() for w in article.warnings],
    }


def describe(article: Article) -> str:
    """The Article as readable text: fields, where they came from, quotes, mentions, tags."""
    data = as_json(article)
    origin = {p.field: p.source for p in reversed(article.provenance)}
    lines = [f"{article.source_path}", ""]

    def field(label: str, value: object, key: str = "") -> None:
        note = f"   ({origin[key]})" if key and key in origin else ""
        lines.append(f"  {label:<12} {value}{note}")

    field("title", article.title, "title")
    if article.kicker:
        field("kicker", article.kicker)
    if article.attribution:
        field("attribution", article.attribution)
    field("slug", article.slug, "slug")
    field("published", data["published"], "published")
    if article.dateline:
        field("dateline", article.dateline.text, "dateline")
        field("place", article.dateline.place or "-")
        field("agency", article.dateline.agency)
    else:
        field("dateline", "none found")
    field("source", article.source_name or "-")
    if article.source_url:
        field("source_url", article.source_url)
    field("summary", article.summary, "summary")
    field("words", f"{article.word_count} ({article.reading_minutes} min)")
    if article.credits:
        field("credits", "; ".join(article.credits), "credits")
    removed = [p.source for p in article.provenance if p.field in ("body", "credits")]
    _section(lines, "Removed from the body", removed)
    _section(
        lines,
        "Quotes",
        [f"[{q.paragraph}] {q.speaker or '(speaker unclear)'}: “{q.text}”" for q in article.quotes],
    )
    _section(
        lines,
        "Mentions",
        [
            f"{m.name} ({m.kind})"
            + (f", seen as {', '.join(m.aliases_seen)}" if m.aliases_seen != (m.name,) else "")
            for m in article.mentions
        ],
    )
    _section(
        lines,
        "Topics",
        [
            f"{t.topic.name}: "
            + ", ".join(f"{e.phrase} ×{e.count} (first on line {e.first_line})" for e in t.evidence)
            for t in article.topics
        ],
    )
    _section(lines, "Warnings", [w.format() for w in article.warnings])
    return "\n".join(lines) + "\n"


def _section(lines: list[str], title: str, items: list[str]) -> None:
    lines.extend(["", f"{title}:"])
    lines.extend(f"  {item}" for item in items) if items else lines.append("  none")
