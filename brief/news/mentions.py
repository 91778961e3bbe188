"""Paragraphs -> the people, organizations and treaties they name (the article's cast).

Names come from the gazetteer (canonical name and aliases, matched as whole words with their
case) and from one conservative rule: two or three capitalized words after a title
("Spokeswoman Anna Petrova"). Each person keeps the roles the article gives them, so that
quotes can later be given to "the NATO chief".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import accumulate

from brief.model import Mention
from brief.news.alternation import alternation
from brief.news.folding import folded
from brief.news.knowledge import Entity, Knowledge

_NOT_NAMES = {
    "The",
    "A",
    "An",
    "On",
    "In",
    "Of",
    "And",
    "But",
    "For",
    "At",
    "By",
    "To",
    "With",
    "As",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}
_DASHES = str.maketrans("‐‑–—", "----")
_NAME_WORD = r"(?:[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?)"
_ROLE_WORD = r"(?:[A-Z][\w.'’-]*|of|for|the)"
_ROLE_BEFORE = re.compile(rf"((?:{_ROLE_WORD}\s+){{1,6}})$")


@dataclass(slots=True)
class Person:
    """Someone the article names, with the roles and spellings it uses for them."""

    name: str
    gender: str
    roles: list[str] = field(default_factory=list)
    spellings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a name stands: paragraph index and character offset."""

    name: str
    kind: str
    spelled: str
    paragraph: int
    start: int
    end: int


@dataclass(slots=True)
class Cast:
    """Everyone and everything an article names, in order of first appearance."""

    occurrences: list[Occurrence]
    people: dict[str, Person]
    kinds: dict[str, str]
    covering: dict[tuple[int, int], list[Occurrence]] = field(default_factory=dict)
    """(paragraph, offset) -> the occurrences over it: a look-up, not a scan of them all."""

    def mentions(self) -> tuple[Mention, ...]:
        seen: dict[str, list[str]] = {}
        for occurrence in sorted(self.occurrences, key=lambda o: (o.paragraph, o.start)):
            spellings = seen.setdefault(occurrence.name, [])
            if occurrence.spelled not in spellings:
                spellings.append(occurrence.spelled)
        return tuple(Mention(name, self.kinds[name], tuple(s)) for name, s in seen.items())


def find_cast(texts: list[str], knowledge: Knowledge) -> Cast:
    """Every known or title-introduced name in ``texts`` (the title first, then paragraphs)."""
    cast = Cast([], {}, {})
    pattern, by_spelling = _gazetteer_pattern(knowledge.entities)
    for index, base, match in _matches(texts, pattern.finditer):
        spelled = match.group(0)
        entity = by_spelling[spelled.translate(_DASHES)]
        begin, end = match.start() - base, match.end() - base
        _add(cast, entity.name, entity.kind, entity.gender, spelled, index, begin, end)
        if entity.kind == "person":
            cast.people[entity.name].roles.extend(entity.roles)
    titles = {t.casefold() for t in knowledge.titles}
    for index, base, match in _matches(texts, partial(_title_matches, titles=knowledge.titles)):
        words = match.group("name").split()
        start = match.start("name") - base
        while len(words) > 2 and words[0].casefold() in titles:  # "Director General Ana Ruiz"
            start += len(words.pop(0)) + 1
        name = " ".join(words)
        if any(w in _NOT_NAMES for w in words) or _covered(cast, index, start):
            continue
        _add(cast, name, "person", "", name, index, start, match.end() - base)
        if name in cast.people:  # the title itself is a role: "the spokesman" may mean them
            cast.people[name].roles.append(match.group("title"))
    _collect_roles(cast, texts)
    cast.occurrences.sort(key=lambda o: (o.paragraph, o.start, -o.end))
    return cast


def _matches(
    texts: list[str], search: Callable[[str], Iterator[re.Match[str]]]
) -> Iterator[tuple[int, int, re.Match[str]]]:
    """(index of the text, where it begins in what was searched, match) for each match.

    The texts are searched at once, joined by NUL: a search of each paragraph cost more in
    calls than in searching. No pattern here matches a NUL (see _searchable), so no match
    spans two texts, and a NUL is no word character: each text's edges look to the patterns
    as they looked when it was searched alone (a text holding a NUL of its own too)."""
    starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
    for match in search(_SEPARATOR.join(texts)):
        index = bisect_right(starts, match.start()) - 1
        yield index, starts[index], match


_SEPARATOR = "\x00"
_NOTHING = re.compile(r"(?!)")


def _searchable(words: Iterable[str]) -> list[str]:
    """The words worth searching for: not empty (the empty word is found everywhere and names
    no one), and with no NUL, which no text holds (see _matches)."""
    return [word for word in words if word and _SEPARATOR not in word]


def _add(
    cast: Cast,
    name: str,
    kind: str,
    gender: str,
    spelled: str,
    index: int,
    begin: int,
    end: int,
) -> None:
    if kind == "person" and any(
        o.kind == "person" and o.name != name for o in cast.covering.get((index, begin), ())
    ):
        return
    occurrence = Occurrence(name, kind, spelled, index, begin, end)
    cast.occurrences.append(occurrence)
    for offset in range(begin, end):
        cast.covering.setdefault((index, offset), []).append(occurrence)
    cast.kinds[name] = kind
    if kind == "person":
        person = cast.people.setdefault(name, Person(name, gender))
        if spelled not in person.spellings:
            person.spellings.append(spelled)


def _covered(cast: Cast, index: int, start: int) -> bool:
    return (index, start) in cast.covering


def _collect_roles(cast: Cast, texts: list[str]) -> None:
    """'NATO Secretary General Jens Stoltenberg' gives Stoltenberg the role written before him."""
    for occurrence in cast.occurrences:
        if occurrence.kind != "person":
            continue
        # Six role words are within the last eight words: searching only those keeps a
        # paragraph that repeats one name thousands of times linear, not quadratic.
        start = occurrence.start
        before = texts[occurrence.paragraph][max(0, start - 300) : start]
        role = _ROLE_BEFORE.search(" ".join(before.split(" ")[-8:]))
        if role:
            words = role.group(1).split()
            while words and words[0] in ("of", "for", "the", "The"):
                words.pop(0)
            if words:
                cast.people[occurrence.name].roles.append(" ".join(words))


@lru_cache(maxsize=16)
def _gazetteer_pattern(entities: tuple[Entity, ...]) -> tuple[re.Pattern[str], dict[str, Entity]]:
    """One pattern for every name and alias (longest first, so the longest name wins)."""
    by_spelling: dict[str, Entity] = {}
    for entity in entities:
        for spelling in (entity.name, *entity.aliases):
            by_spelling.setdefault(spelling.translate(_DASHES), entity)
    names = sorted(_searchable(by_spelling), key=lambda n: (-len(n), n))
    if not names:
        return _NOTHING, by_spelling
    pattern = re.compile(rf"{_alternatives(names)}(?![\w\-–—]|\.\w)")
    return pattern, by_spelling


def _alternatives(names: list[str]) -> str:
    """The names (longest first), each not after a word character or dash.

    Every branch begins with its first letter, the look-behind after it: a pattern whose
    branches all begin with a letter lets the engine skip to the places holding one of
    them, and a dispatch's search took a third of the time it took with the look-behind
    (or a look-ahead for those letters) before them."""
    by_first: dict[str, list[str]] = {}
    for name in names:
        by_first.setdefault(name[:1], []).append(name[1:])
    branches = [
        _dash_piece(first) + r"(?<![\w\-–—](?s:.))" + f"(?:{alternation(rests, _dash_piece)})"
        for first, rests in by_first.items()
    ]
    return f"(?:{'|'.join(branches)})"


def _dash_piece(char: str) -> str:
    """A character of a name: a hyphen in it matches any dash."""
    return "[-‐‑–—]" if char == "-" else re.escape(char)


def _first_letters(titles: Iterable[str]) -> str:
    """A look-ahead for the letters the titles begin with, in any case. It changes no match:
    each title starts with one of them. It lets the engine pass over every other place
    without trying each title there, where titles are not found through the text in lower
    case (_title_matches)."""
    firsts = {title[0] for title in titles if title}
    if not firsts:
        return ""
    return f"(?=(?i:[{''.join(re.escape(c) for c in sorted(firsts))}]))"


def _title_matches(text: str, titles: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """_title_pattern's matches in ``text``, tried only where the text in lower case has a
    title: a search of it skips to those places, where the pattern had to be tried at each
    word, and took two thirds of the time (brief.news.folding)."""
    pattern, starts = _title_pattern(titles), _title_starts(titles)
    lowered = folded(text) if starts is not None else None
    if starts is None or lowered is None:
        yield from pattern.finditer(text)
        return
    position = 0
    while (start := starts.search(lowered, position)) is not None:
        found = pattern.match(text, start.start())  # its \b looks at the character before
        if found is None:
            position = start.start() + 1
        else:
            yield found
            position = found.end()


@lru_cache(maxsize=16)
def _title_starts(titles: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any title, in lower case; None when one is not ASCII (see brief.news.folding)."""
    searched = _searchable(titles)
    if not searched or not all(title.isascii() for title in searched):
        return None
    return re.compile(alternation(sorted({title.lower() for title in searched})))


@lru_cache(maxsize=16)
def _title_pattern(titles: tuple[str, ...]) -> re.Pattern[str]:
    searched = _searchable(titles)
    if not searched:  # no title: an empty alternation made every two capitalized words a name
        return _NOTHING
    alternatives = alternation(searched, fold_case=True)
    # Titles in any case ("air force spokesman Yuriy Ihnat"); names only capitalized.
    return re.compile(
        rf"\b{_first_letters(searched)}(?P<title>(?i:{alternatives}))\s+"
        rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})(?![\w-])"
    )
