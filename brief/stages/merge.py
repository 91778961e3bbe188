"""Tagged Articles -> Articles with each story once: copies merged into a canonical article.

Two files are the same story when their clean text is identical, or when nearly all of its
five-word shingles are shared (the same wire story saved from two sites with different
furniture). The canonical copy is the one with an agency dateline, then the one that names
its source, then the earliest, then the first path; the others become "also reported by".
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import combinations

from brief.errors import Diagnostic, note
from brief.model import Article, OtherSource
from brief.stages.words import body_text, body_words

NEAR = 0.8  # share of shingles two copies of one story have in common, at least
_SKETCH = 24  # smallest shingle hashes kept per article to find candidate pairs cheaply
_COMMON = 50  # a hash more articles share than this is a stock phrase: it pairs none of them
_LOW = -(2**63) + 2**61  # the lowest eighth of the values hash() gives a tuple


Sketch = tuple[int, ...]
"""An article's smallest shingle hashes (see sketch)."""


def sketch(article: Article, words: list[str] | None = None) -> Sketch:
    """The smallest shingle hashes of an article: enough to find its copies, cheap to keep.
    ``words``: its body_words, when the caller has them."""
    shingles = _shingles(article, words)
    # The smallest few of some 500 hashes spread over 64 bits are almost always among those
    # in the lowest eighth: sorting only those took a third of the time sorting all did.
    low = [h for h in shingles if h < _LOW]
    if len(low) < _SKETCH:
        low = list(shingles)
    low.sort()
    return tuple(low[:_SKETCH])


def merge(
    articles: tuple[Article, ...], sketches: Mapping[str, tuple[int, ...]] | None = None
) -> tuple[tuple[Article, ...], tuple[Diagnostic, ...]]:
    """Articles with duplicates folded into one, and a note for every file merged.

    ``sketches`` (by source path) may come from the cache; missing ones are computed.
    """
    known = sketches or {}
    sketched = {a.source_path: known.get(a.source_path) or sketch(a) for a in articles}
    groups = _group(articles, sketched)
    kept: list[Article] = []
    notes: list[Diagnostic] = []
    for group in groups:
        canonical, *others = sorted(group, key=_preference)
        if not others:
            kept.append(canonical)
            continue
        also = []
        for other in others:
            share = _jaccard(_shingles(canonical), _shingles(other))
            reason = (
                "identical text"
                if body_text(other) == body_text(canonical)
                else f"{share:.0%} of the text shared"
            )
            also.append(OtherSource(other.source_name, other.source_url, other.source_path, reason))
            notes.append(
                note(
                    other.source_path,
                    other.title_line,
                    "duplicate",
                    f"merged into {canonical.source_path} ({reason})",
                    "it is listed there as 'also reported by'",
                )
            )
        kept.append(replace(canonical, also_reported_by=tuple(also)))
    return tuple(sorted(kept, key=lambda a: a.source_path)), tuple(notes)


def _preference(article: Article) -> tuple[bool, bool, float, str]:
    return (
        article.dateline is None,
        not article.source_url,
        article.published.timestamp(),
        article.source_path,
    )


def _group(
    articles: tuple[Article, ...], sketches: Mapping[str, tuple[int, ...]]
) -> list[list[Article]]:
    """Connected groups of same-story articles, found through shared sketch hashes."""
    parent = {a.source_path: a.source_path for a in articles}
    by_path = {a.source_path: a for a in articles}

    def root(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    for first, second in candidates(sketches):
        if _jaccard(_shingles(by_path[first]), _shingles(by_path[second])) >= NEAR:
            parent[root(second)] = root(first)
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        groups[root(article.source_path)].append(article)
    return list(groups.values())


def candidates(sketches: Mapping[str, Sketch]) -> list[tuple[str, str]]:
    """The pairs of articles (by path) whose sketches share enough hashes to be compared."""
    by_value: dict[int, list[str]] = defaultdict(list)
    for path, values in sketches.items():
        for value in values:
            by_value[value].append(path)
    shared: Counter[tuple[str, str]] = Counter()
    for paths in by_value.values():
        # A phrase every dispatch shares says nothing about sameness; the pairs are counted
        # in C (Counter.update), since this runs on every rebuild.
        if 1 < len(paths) <= _COMMON:
            shared.update(combinations(sorted(paths), 2))
    # Copies of one story share most of their smallest hashes; only those pairs are compared.
    return sorted(pair for pair, count in shared.items() if count >= _SKETCH // 2)


def stays_alone(me: int, old: Sketch, new: Sketch, sketches: Sequence[Sketch]) -> bool:
    """Whether merge groups every article as before when article ``me`` (a place in
    ``sketches``, which holds its ``old`` sketch) changes to the ``new`` sketch, and pairs
    it with no other article either way: then it is merged with none, and no other pair
    depends on it. ``sketches`` holds every article's sketch."""
    changed = set(old) ^ set(new)
    sharing: dict[int, list[int]] = {value: [] for value in set(old) | set(new)}
    for number, values in enumerate(sketches):
        if number != me:
            for value in values:
                if value in sharing:
                    sharing[value].append(number)
    for value in changed:
        # Its count of articles crosses the stock-phrase limit with this one in or out:
        # pairs of two others would be found or lost.
        if len(sharing[value]) == _COMMON:
            return False
    return not _paired(old, sharing) and not _paired(new, sharing)


def _paired(values: Sketch, sharing: Mapping[int, list[int]]) -> bool:
    """Whether an article of this sketch is in a candidate pair with any other, counted as
    candidates() counts them (tests/stages/test_merge.py holds the two to each other)."""
    shared: Counter[int] = Counter()
    for value in values:
        others = sharing[value]
        if 0 < len(others) < _COMMON:  # the value is shared by 2 to _COMMON articles
            shared.update(others)
    return any(count >= _SKETCH // 2 for count in shared.values())


def _shingles(article: Article, words: list[str] | None = None) -> set[int]:
    if words is None:
        words = body_words(article)
    if len(words) < 5:
        words = words or [article.title.casefold()]
        return {_hash(" ".join(words))}
    # Each word hashed once, each run of five as the tuple of their hashes: Python's hash of
    # a tuple of ints is the same in every process (unlike a string's), and hashing the
    # joined words of every shingle was a sixth of the time spent reading a dispatch.
    hashes = list(map(_WORD_HASHES.__getitem__, words))
    runs = zip(hashes, hashes[1:], hashes[2:], hashes[3:], hashes[4:], strict=False)
    return set(map(hash, runs))


class _WordHashes(dict[str, int]):
    """Each word's _hash, kept from article to article: articles on one beat share most of
    their words. Hashing each article's words afresh took 34 µs an article of the 10,000
    corpus, looking them up here 12 µs. Emptied when full: a process's memory stays bounded."""

    def __missing__(self, word: str) -> int:
        if len(self) >= _WORDS_KEPT:
            self.clear()
        value = self[word] = _hash(word)
        return value


_WORDS_KEPT = 1 << 16
_WORD_HASHES = _WordHashes()


def _hash(text: str) -> int:
    # Deterministic across runs (unlike hash() of a string), so the same files always merge
    # the same way.
    return zlib.crc32(text.encode())


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
