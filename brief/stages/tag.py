"""Article + taxonomy -> Article with TopicTags, each keeping the phrases that matched it."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from brief.errors import warning
from brief.model import Article, Evidence, Topic, TopicTag

_WORDS = re.compile(r"\w+")


def tag(article: Article, topics: tuple[Topic, ...]) -> Article:
    """Topics whose phrases occur (whole words, any case), plus those named in front matter."""
    texts = ((article.title, article.title_line), *((p.text, p.line) for p in article.paragraphs))
    # Most phrases of a large taxonomy are absent from any one article: a phrase whose first
    # word the article does not contain cannot match, and costs no regular-expression search.
    words = frozenset(_WORDS.findall(" ".join(t for t, _ in texts).casefold()))
    tags: list[TopicTag] = []
    warnings = list(article.warnings)
    declared = {d.name.casefold(): d for d in article.declared_topics}
    for topic in topics:
        evidence = [] if _excluded(topic, texts, words) else _evidence(topic.match, texts, words)
        named = declared.pop(topic.name.casefold(), None) or declared.pop(topic.slug, None)
        if named:
            evidence.insert(0, Evidence("front matter", 1, named.line))
        if evidence:
            tags.append(TopicTag(topic, tuple(evidence)))
    for unknown in declared.values():
        warnings.append(
            warning(
                article.source_path,
                unknown.line,
                "topics",
                f"unknown topic {unknown.name!r} is ignored",
                "add it to topics.yaml or fix the spelling",
            )
        )
    return replace(article, topics=tuple(tags), warnings=tuple(warnings))


def _evidence(
    phrases: tuple[str, ...], texts: tuple[tuple[str, int], ...], words: frozenset[str]
) -> list[Evidence]:
    found = []
    for phrase in phrases:
        if _first_word(phrase) not in words:
            continue
        count, first = 0, 0
        for text, line in texts:
            hits = len(_pattern(phrase).findall(text))
            if hits and not count:
                first = line
            count += hits
        if count:
            found.append(Evidence(phrase, count, first))
    return found


def _excluded(topic: Topic, texts: tuple[tuple[str, int], ...], words: frozenset[str]) -> bool:
    return any(
        _pattern(p).search(text)
        for p in topic.exclude
        if _first_word(p) in words
        for text, _ in texts
    )


@lru_cache(maxsize=4096)
def _first_word(phrase: str) -> str:
    found = _WORDS.search(phrase.casefold())
    return found.group(0) if found else ""


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    """Whole words, any case; a space matches any run of spaces and a hyphen any dash."""
    parts = []
    for char in phrase:
        if char == " ":
            parts.append(r"\s+")
        elif char in "-‐‑–—":
            parts.append(r"\s*[-‐‑–—]\s*")
        else:
            parts.append(re.escape(char))
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)", re.IGNORECASE)
