"""Paragraphs + the article's cast -> direct quotes with their speakers.

A speaker is named ("…," Stoltenberg said), described ("the NATO chief added"), or a
pronoun ("he said") that goes to the most recent fitting speaker. When none of these is
clear the speaker stays empty: a wrong attribution is worse than none.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from brief.model import Quote
from brief.news.alternation import alternation
from brief.news.mentions import Cast, Person

_OPEN = '“"«„'
_CLOSE = '”"»“'
_PRONOUNS = {"he": "he", "she": "she", "they": "they"}
_MAX_WHO_WORDS = 6
_CLAUSE_BREAK = re.compile(r"[.;:!?“”\"«»,]")
_OPENING = re.compile(f"[{_OPEN}]")
_MARKS = re.compile('[”»"“]')


@dataclass(frozen=True, slots=True)
class _Span:
    """Quoted words found in a paragraph: [start, end) of the text inside the marks."""

    paragraph: int
    start: int
    end: int
    closed: bool


@dataclass(slots=True)
class _Speakers:
    """Who spoke last, and who has been named so far, for pronouns."""

    last: Person | None = None
    named: list[Person] = field(default_factory=list)


def find_quotes(paragraphs: list[str], cast: Cast, verbs: tuple[str, ...]) -> tuple[Quote, ...]:
    """Every direct quote in order, with its speaker ("" when unsure) and first paragraph."""
    speakers = _Speakers()
    quotes: list[Quote] = []
    open_quote: list[str] = []
    open_from = 0
    opened_by: Person | None = None
    named_before = _NamedBefore(cast)
    cast_names = _Names(cast)
    for index, text in enumerate(paragraphs):
        events = _speech_clauses(index, text, verbs)
        # Events are in text order: the ones between two places are found by bisection,
        # so a paragraph of thousands of quotes stays linear.
        event_starts = [start for start, _ in events]
        spans = _spans(index, text, continuing=bool(open_quote))
        previous_speaker: Person | None = None
        cursor = 0
        for span in spans:
            between = events[
                bisect_left(event_starts, cursor) : bisect_left(event_starts, span.start)
            ]
            for _, who in between:
                _remember(speakers, _resolve(who, cast_names, speakers))
            words = text[span.start : span.end].strip()
            if not span.closed:
                if not open_quote:
                    open_from = index
                    speakers.named = named_before(index, span.start)
                    # "Lavrov said: “…" running on: the speaker is named where it opens.
                    opened_by = _attribute(text, span, cast_names, speakers, verbs)
                open_quote.append(words)
                cursor = len(text)
                break
            if open_quote:
                words = " ".join([*open_quote, words])
                first = open_from
                open_quote = []
            else:
                first = index
            speakers.named = named_before(index, span.start)
            speaker = (
                _attribute(text, span, cast_names, speakers, verbs)
                or (opened_by if first != index else None)
                or (previous_speaker if span.start > 0 and first == index else None)
            )
            if _is_speech(words, speaker):
                _remember(speakers, speaker)
                previous_speaker = speaker
                quotes.append(Quote(_tidy(words), speaker.name if speaker else "", first))
            cursor = span.end + 1
        for _, who in events[bisect_left(event_starts, cursor) :]:
            _remember(speakers, _resolve(who, cast_names, speakers))
    return tuple(quotes)


class _NamedBefore:
    """The people named before a place, each once, in the order they were first named; the
    cast counts the title as text 0, paragraphs from 1."""

    def __init__(self, cast: Cast) -> None:
        self.places: list[tuple[int, int]] = []
        self.names: set[str] = set()
        self.people: list[Person] = []
        for o in sorted(cast.occurrences, key=lambda o: (o.paragraph, o.start)):
            if o.kind == "person" and o.name not in self.names:
                self.names.add(o.name)
                self.places.append((o.paragraph - 1, o.start))
                self.people.append(cast.people[o.name])

    def __call__(self, paragraph: int, position: int) -> list[Person]:
        return self.people[: bisect_left(self.places, (paragraph, position))]


def _remember(speakers: _Speakers, person: Person | None) -> None:
    if person is not None:
        speakers.last = person


def _spans(index: int, text: str, continuing: bool) -> list[_Span]:
    """Quoted stretches; a paragraph that opens a quote and never closes it continues it."""
    spans = []
    position = 0
    if continuing and text[:1] in _OPEN:
        position = 1
        close = _find_close(text, 1)
        spans.append(_Span(index, 1, close if close >= 0 else len(text), close >= 0))
        if close < 0:
            return spans
        position = close + 1
    while True:
        found = _OPENING.search(text, position)
        if found is None:
            return spans
        opening = found.start()
        close = _find_close(text, opening + 1)
        if close < 0:
            spans.append(_Span(index, opening + 1, len(text), False))
            return spans
        spans.append(_Span(index, opening + 1, close, True))
        position = close + 1


def _find_close(text: str, start: int) -> int:
    """The closing mark: a curly or straight quote not followed by a letter (not an
    apostrophe). An opening curly quote after ``start`` means this one never closed: the
    answer is then the next closing curly quote, if any."""
    position = start
    # From mark to mark, not character by character: a quote is a hundred characters.
    while (found := _MARKS.search(text, position)) is not None:
        i = found.start()
        mark = text[i]
        if mark in "”»" or (mark == '"' and (i + 1 == len(text) or not text[i + 1].isalnum())):
            return i
        if mark == "“" and i > start:
            return text.find("”", i)
        position = i + 1
    return -1


def _is_speech(words: str, speaker: Person | None) -> bool:
    """A real quote, not a scare-quoted word: long enough, or attributed."""
    count = len(words.split())
    return (
        count >= 6
        or (speaker is not None and count >= 2)
        or (count >= 3 and words.rstrip()[-1:] in ",.!?…")
    )


def _tidy(words: str) -> str:
    words = " ".join(words.split())
    return words[:-1] if words.endswith(",") else words


def _attribute(
    text: str, span: _Span, names: _Names, speakers: _Speakers, verbs: tuple[str, ...]
) -> Person | None:
    """The speaker named right after the quote, or right before it ("X said: “…”")."""
    # Both patterns match a bounded stretch (80 words' worth of characters at most): looking
    # only that far keeps a paragraph of thousands of quotes linear.
    after = text[span.end + 1 : span.end + 400]
    match = _after_pattern(verbs).match(after)
    if match:
        who = match.group("who") or match.group("who2") or ""
        if match.group("who2"):
            return _resolve_prefix(who, names, speakers)
        return _resolve(who, names, speakers)
    end = max(0, span.start - 1)
    match = _before_pattern(verbs).search(text, max(0, end - 400), end)
    if match:
        return _resolve(match.group("who"), names, speakers)
    return None


def _speech_clauses(index: int, text: str, verbs: tuple[str, ...]) -> list[tuple[int, str]]:
    """Reported speech outside quotes ("the NATO chief told reporters"): position, who."""
    clauses = []
    for match in _verb_pattern(verbs).finditer(text):
        verb = match.start() + 1  # the match begins with the space before the verb
        # The subject is in the few words before the verb; a bounded slice keeps this linear.
        before = _CLAUSE_BREAK.split(text[max(0, verb - 120) : verb])[-1]
        before = before.split()[-_MAX_WHO_WORDS:]
        if before:
            clauses.append((verb, " ".join(before)))
    return clauses


def _resolve(who: str, names: _Names, speakers: _Speakers) -> Person | None:
    """The person a subject ending just before a speech verb refers to, shortest words first."""
    words = who.split()[-_MAX_WHO_WORDS:]
    if not words or not names.may_end(words[-1]):
        return None
    return _first_decided(
        [" ".join(words[-size:]) for size in range(1, len(words) + 1)], names, speakers
    )


def _resolve_prefix(who: str, names: _Names, speakers: _Speakers) -> Person | None:
    """The person named after an inverted verb ("said Stoltenberg"), longest words first."""
    words = who.split()[:_MAX_WHO_WORDS]
    return _first_decided(
        [" ".join(words[:size]) for size in range(len(words), 0, -1)], names, speakers
    )


def _first_decided(candidates: list[str], names: _Names, speakers: _Speakers) -> Person | None:
    for candidate in candidates:
        decided, person = _lookup(candidate, names, speakers)
        if decided:
            return person
    return None


def _lookup(candidate: str, names: _Names, speakers: _Speakers) -> tuple[bool, Person | None]:
    """(decided, person): a pronoun or name decides; (False, None) means try other words."""
    lowered = candidate.lower()
    if lowered in _PRONOUNS:
        pronoun = _PRONOUNS[lowered]
        last = speakers.last
        if last is not None and _fits(last, pronoun):
            return True, last
        # The last speaker does not fit (or nobody spoke yet): only one fitting person named
        # so far will do, and only if their gender is known when the last speaker's is.
        fitting = {p.name: p for p in speakers.named if _fits(p, pronoun)}
        if last is not None:
            fitting = {n: p for n, p in fitting.items() if p.gender}
        return True, next(iter(fitting.values())) if len(fitting) == 1 else None
    person = names.named(candidate)
    if person is not None:
        return True, person
    if " " not in candidate and candidate[:1].isupper():
        # One word of one person's name: "Mao said" is Mao Ning (family name first).
        owners = names.owners.get(candidate, ())
        if len(owners) == 1:
            return True, owners[0]
    if lowered.startswith("the ") and len(lowered) > 4:
        matching = names.by_role(lowered[4:])
        if matching:
            # Two people sharing the role is no answer: nobody rather than a guess.
            return True, matching[0] if len(matching) == 1 else None
    return False, None


class _Names:
    """The cast's people by each way a subject can name them. A subject is looked up for
    every quote and speech verb, up to six times each: scanning every person's spellings
    each time was a fifth of the time spent reading a dispatch."""

    def __init__(self, cast: Cast) -> None:
        self.people = list(cast.people.values())
        self.surnames: dict[str, int] = {}  # the last word of a name: the whole subject
        self.endings: dict[str, int] = {}  # a name or spelling: the subject or its last words
        self.owners: dict[str, list[Person]] = {}  # each word of a name: whose it is
        self.roles: dict[str, list[Person]] = {}
        self.last_words = set(_PRONOUNS)  # lower case: a subject ending otherwise is no one
        for order, person in enumerate(self.people):
            words = person.name.split()
            if words:
                self.surnames.setdefault(words[-1], order)
            for spelling in (person.name, *person.spellings):
                self.endings.setdefault(spelling, order)
                self.last_words.update(spelling.lower().split()[-1:])
            for word in dict.fromkeys(words):
                self.owners.setdefault(word, []).append(person)
                self.last_words.add(word.lower())
            for role in person.roles:
                self.last_words.update(role.lower().split()[-1:])

    def may_end(self, word: str) -> bool:
        """Whether a subject ending in ``word`` can name anyone: most reported speech is
        "officials said", and its five shorter subjects need no look-up then."""
        return word.lower() in self.last_words

    def named(self, candidate: str) -> Person | None:
        """The first person in the cast whose surname is the subject, or whose name or a
        spelling of it is the subject or ends it after a space."""
        found = [self.surnames.get(candidate), self.endings.get(candidate)]
        space = candidate.find(" ")
        while space >= 0:
            found.append(self.endings.get(candidate[space + 1 :]))
            space = candidate.find(" ", space + 1)
        orders = [order for order in found if order is not None]
        return self.people[min(orders)] if orders else None

    def by_role(self, role: str) -> list[Person]:
        """Everyone whose roles match 'NATO chief': the same words, or fewer with the same
        head."""
        if role not in self.roles:
            words = set(role.split())
            head = role.split()[-1]
            self.roles[role] = [
                p
                for p in self.people
                if any(
                    r.lower() == role
                    or (r.lower().split()[-1] == head and words <= set(r.lower().split()))
                    for r in p.roles
                )
            ]
        return self.roles[role]


def _fits(person: Person, pronoun: str) -> bool:
    return not person.gender or person.gender == pronoun or pronoun == "they"


def _verbs(verbs: tuple[str, ...]) -> str:
    return alternation(verbs, _verb_piece)


def _verb_piece(char: str) -> str:
    return r"\s+" if char == " " else re.escape(char)


@lru_cache(maxsize=8)
def _after_pattern(verbs: tuple[str, ...]) -> re.Pattern[str]:
    v = _verbs(verbs)
    return re.compile(
        rf"^\s*(?:[,;—–-]\s*)?(?:(?P<who>[^.,;:“”\"!?]{{1,80}}?)\s+(?:{v})\b"
        rf"|(?:{v})\s+(?P<who2>[^.,;:“”\"!?]{{1,80}}))"
    )


@lru_cache(maxsize=8)
def _before_pattern(verbs: tuple[str, ...]) -> re.Pattern[str]:
    v = _verbs(verbs)
    return re.compile(rf"(?P<who>[^.;:“”\"!?]{{1,80}}?)\s+(?:{v})\b[^“”\".]{{0,100}}[:,]\s*$")


@lru_cache(maxsize=8)
def _verb_pattern(verbs: tuple[str, ...]) -> re.Pattern[str]:
    # The space before the verb is matched, not looked behind for: a pattern that starts
    # with a character class lets the engine skip to the spaces, instead of trying every
    # place (twice as fast). Matches never overlap on it: none ends with a space.
    return re.compile(rf"\s(?:{_verbs(verbs)})\b")
