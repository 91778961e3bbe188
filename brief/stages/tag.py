"""Article + taxonomy -> Article with TopicTags, each keeping the phrases that matched it."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from brief.errors import warning
from brief.model import Article, Evidence, Topic, TopicTag
from brief.news.folding import folded
from brief.stages.words import WORD, body_words


def tag(article: Article, topics: tuple[Topic, ...], words: list[str] | None = None) -> Article:
    """Topics whose phrases occur (whole words, any case), plus those named in front matter.
    ``words``: the article's body_words, when the caller has them."""
    texts = ((article.title, article.title_line), *((p.text, p.line) for p in article.paragraphs))
    text = _Text(texts, body_words(article) if words is None else words)
    tags: list[TopicTag] = []
    warnings = list(article.warnings)
    declared = {d.name.casefold(): d for d in article.declared_topics}
    for topic in topics:
        # Most topics have no exclusions and most articles declare none: every topic is
        # tried for every article, so neither costs a call where there is nothing to look at.
        excluded = topic.exclude and _excluded(topic, text)
        evidence = [] if excluded else _evidence(topic.match, text)
        named = None
        if declared:
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


class _Text:
    """An article's title and paragraphs as one string, searched once for each phrase.

    They are joined by NUL, which no phrase's pattern matches and which is no word
    character: a phrase is found in the joined text just where it is found in one of them.
    """

    def __init__(self, texts: tuple[tuple[str, int], ...], words: list[str]) -> None:
        self.joined = _SEPARATOR.join(t for t, _ in texts)
        self.starts: list[int] = []
        self.lines = [line for _, line in texts]
        offset = 0
        for t, _ in texts:
            self.starts.append(offset)
            offset += len(t) + len(_SEPARATOR)
        self.folded = folded(self.joined)  # searched for ASCII phrases: see brief.news.folding
        # Most phrases of a large taxonomy are absent from any one article: a phrase whose
        # first word the article does not contain cannot match, and costs no search. The
        # title is texts[0]; ``words`` are the rest's. A text holding one of _APART is
        # searched for every phrase.
        self.words: frozenset[str] | None = None
        if not any(char in self.joined for char in _APART):
            self.words = frozenset(words).union(WORD.findall(texts[0][0].casefold()))

    def may_hold(self, phrase: str) -> bool:
        """False where ``phrase`` cannot occur: the article lacks its first word."""
        first = _first_word(phrase)
        return first is None or self.words is None or first in self.words

    def finditer(self, phrase: str) -> Iterator[re.Match[str]]:
        """Where ``phrase`` occurs (see _pattern), searched the faster way where it may be."""
        if self.folded is not None and phrase.isascii():
            return _folded_pattern(phrase).finditer(self.folded)
        return _pattern(phrase).finditer(self.joined)

    def line_at(self, position: int) -> int:
        return self.lines[bisect_right(self.starts, position) - 1]


_SEPARATOR = "\x00"
_APART = "\u0130\u0131\u0345"
"""Where words compared casefolded part ways with an ignore-case search: the search takes
the dotted capital I and the dotless i for i, and U+0345, a combining mark, for no word
character, while its casefold is a letter that joins the word beside it. No other character
(tests/stages/test_tag.py checks them all)."""


def _evidence(phrases: tuple[str, ...], text: _Text) -> list[Evidence]:
    found = []
    for phrase in phrases:
        if not text.may_hold(phrase):
            continue
        matches = text.finditer(phrase)
        first = next(matches, None)
        if first is not None:
            count = 1 + sum(1 for _ in matches)
            found.append(Evidence(phrase, count, text.line_at(first.start())))
    return found


def _excluded(topic: Topic, text: _Text) -> bool:
    return any(next(text.finditer(p), None) for p in topic.exclude if text.may_hold(p))


@lru_cache(maxsize=4096)
def _first_word(phrase: str) -> str | None:
    """The phrase's first word casefolded; None if it has none, or holds one of _APART."""
    found = None if any(char in phrase for char in _APART) else WORD.search(phrase.casefold())
    return found.group(0) if found else None


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    """Whole words, any case; a space matches any run of spaces and a hyphen any dash."""
    if _SEPARATOR in phrase:  # no text holds one (parse drops them); nor may a match span two
        return _NOTHING
    parts = _pieces(phrase)
    if WORD.fullmatch(phrase[:1]):
        # "Not after a word character", checked once past the first letter: a pattern that
        # starts with a letter lets the engine skip to that letter's places (twice as fast).
        return re.compile(parts[0] + r"(?<!\w.)" + "".join(parts[1:]) + r"(?!\w)", re.IGNORECASE)
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _folded_pattern(phrase: str) -> re.Pattern[str]:
    """_pattern's matches, in the text in lower case, for a phrase of ASCII characters."""
    if _SEPARATOR in phrase:
        return _NOTHING
    lowered = phrase.lower()
    parts = _pieces(lowered)
    head = len(_BREAK.split(lowered, maxsplit=1)[0])  # the characters before a space or dash
    if head and WORD.fullmatch(lowered[:1]):
        # "Not after a word character", checked past the phrase's first word: the engine
        # looks for that word as a whole. None of its characters is a line break for ".".
        before = rf"(?<!\w.{{{head}}})"
        return re.compile("".join(parts[:head]) + before + "".join(parts[head:]) + r"(?!\w)")
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)")


_NOTHING = re.compile(r"(?!)")
_BREAK = re.compile(r"[\s\-‐‑–—]")


def _pieces(phrase: str) -> list[str]:
    """A pattern for each character of ``phrase``."""
    parts = []
    for char in phrase:
        if char == " ":
            parts.append(r"\s+")
        elif char in "-‐‑–—":
            parts.append(r"\s*[-‐‑–—]\s*")
        else:
            parts.append(re.escape(char))
    return parts
