"""The branching alternation finds what the plain one finds, in every context."""

from __future__ import annotations

import re
import signal
from dataclasses import replace
from functools import partial

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from brief.news.alternation import alternation
from brief.news.knowledge import Entity
from brief.news.mentions import (
    _alternatives,
    _dash_piece,
    _gazetteer_pattern,
    _matches,
    _title_matches,
    _title_pattern,
    find_cast,
)
from brief.news.quotes import _verb_piece
from tests.stages.helpers import KNOWLEDGE

# A small alphabet, so that words share beginnings and one word often begins another.
_WORD = st.text(alphabet="abA -", min_size=1, max_size=5).map(lambda w: " ".join(w.split()))
_WORDS = st.lists(_WORD.filter(bool), min_size=1, max_size=8, unique=True)
_TEXT = st.text(alphabet="abAB -.\n", max_size=60)
# What follows the words in the callers' patterns: a word end, and a capitalized word that
# makes the engine come back for a shorter word when the longer one leaves none after it.
_AFTER = (r"\b", r"(?![\w-])", r"\s+[AB]", "")


def longest_first(words: list[str]) -> list[str]:
    return sorted(set(words), key=lambda w: (-len(w), w))  # as brief.news.knowledge lists them


def plain(words: list[str]) -> str:
    return "|".join("".join(map(_verb_piece, word)) for word in words)


def spans(pattern: str, text: str, flags: int = 0) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text, flags)]


@pytest.mark.parametrize("fold_case", [False, True], ids=["exact case", "folded case"])
@settings(max_examples=300, deadline=None)
@given(_WORDS, _TEXT, st.sampled_from(_AFTER))
def test_branching_matches_exactly_what_the_plain_alternation_matches(
    fold_case: bool, words: list[str], text: str, after: str
) -> None:
    # Folded case: the branches are matched ignoring case, as the plain alternation is.
    words = longest_first(words)
    branching = alternation(words, _verb_piece, fold_case=fold_case)
    flags = "?i:" if fold_case else "?:"
    assert spans(f"({flags}{branching}){after}", text) == spans(
        f"({flags}{plain(words)}){after}", text
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="abA -.\n", min_size=1, max_size=5), min_size=1, max_size=8),
    st.text(alphabet="abAB -–.\n_", max_size=60),
)
@example(["\nb"], "a\nb")  # a name that begins with a line break is not after a letter either
def test_the_gazetteer_branches_match_what_its_plain_alternation_matched(
    names: list[str], text: str
) -> None:
    # The gazetteer's names, grouped by first letter with the look-behind after it, against
    # the pattern it replaced: the look-behind first, then every name plainly, longest first.
    names = longest_first(names)
    end = r"(?![\w\-–—]|\.\w)"
    reference = "|".join("".join(map(_dash_piece, name)) for name in names)
    assert spans(_alternatives(names) + end, text) == spans(
        rf"(?<![\w\-–—])(?:{reference}){end}", text
    )


def test_the_longer_of_two_words_that_begin_alike_wins() -> None:
    pattern = alternation(["Secretary General", "Secretary"])
    assert re.match(pattern, "Secretary General Ana Ruiz").group(0) == "Secretary General"
    assert re.match(pattern, "Secretary Blinken").group(0) == "Secretary"


def test_words_that_differ_in_case_share_branches_and_other_letters_are_joined_plainly() -> None:
    assert alternation(["Envoy", "envoy"], fold_case=True) == "envoy"
    # Folding beyond ASCII is not what re.IGNORECASE does: no branching is attempted.
    assert alternation(["Président", "Premier"], fold_case=True) == "Président|Premier"


def test_a_title_that_begins_another_gives_the_name_after_the_longer_title() -> None:
    cast = find_cast(["Director General Ana Ruiz and director Pavel Orlov spoke."], KNOWLEDGE)
    assert {"Ana Ruiz", "Pavel Orlov"} <= set(cast.people)
    assert "Director General" in cast.people["Ana Ruiz"].roles


def test_a_word_of_hundreds_of_characters_is_joined_plainly_not_by_recursion() -> None:
    # A level of recursion a character: a 490-character speech verb ended the build.
    long = "reported " * 70
    pattern = alternation([long.strip(), "said"], _verb_piece)
    assert re.search(pattern, f"she {long} today")
    assert re.search(pattern, "he said")


def test_no_titles_introduce_no_names() -> None:
    # An empty alternation of titles matched everywhere: every two capitalized words after a
    # word became a person.
    cast = find_cast(["Then said Anna Petrova and Ivan Orlov."], replace(KNOWLEDGE, titles=()))
    assert cast.people == {}


def test_an_empty_name_or_title_finds_nothing_and_stops() -> None:
    # The loader takes `name: ""`; an empty branch matched everywhere, an empty title made
    # the search for titles stand still at the end of the text.
    knowledge = replace(
        KNOWLEDGE,
        entities=(*KNOWLEDGE.entities, Entity("", "organization", (), (), "")),
        titles=("spokesman", ""),
    )
    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(10)
    try:
        cast = find_cast(["Talks end.", "NATO met. Spokesman Ana Ruiz said (in Oslo)."], knowledge)
    finally:
        signal.alarm(0)
    assert [m.name for m in cast.mentions()] == ["NATO", "Ana Ruiz"]


def _too_long(*_: object) -> None:
    raise TimeoutError("find_cast did not finish")


# Texts of title words in every case, names, a NUL now and then (texts are searched joined by
# NUL), and words that hold a title ("Undersecretary", "service").
_CAST_TEXT = st.lists(
    st.sampled_from(
        [
            *("Secretary", "secretary", "General", "general", "Under", "Undersecretary", "vice"),
            *("Vice", "service", "Ana", "Ruiz", "Ivan", "NATO", "Lavrov", " ", " ", "\n", "-"),
            *(".", "ı", "İ", "\x00"),
        ]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_CAST_TEXT, min_size=1, max_size=4),
    st.lists(
        st.sampled_from(["secretary general", "general", "vice", "Secretary", "généralissime"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
)
@example(["Undersecretary General Ana Ruiz said"], ["secretary general", "general"])
@example(["Vice", "Ana Ruiz\x00General Ivan Ruiz"], ["general"])
def test_names_and_titles_are_found_where_each_text_searched_alone_finds_them(
    texts: list[str], titles: list[str]
) -> None:
    # The texts are searched joined and titles through the text in lower case; each text
    # searched alone with the full patterns is the reference.
    ordered = tuple(sorted(titles, key=lambda t: (-len(t), t)))  # as the loader lists them
    title_pattern = _title_pattern(ordered)
    gazetteer, _ = _gazetteer_pattern(KNOWLEDGE.entities)
    for search, alone in (
        (partial(_title_matches, titles=ordered), title_pattern.finditer),
        (gazetteer.finditer, gazetteer.finditer),
    ):
        found = [
            (index, m.start() - base, m.end() - base, m.group(0))
            for index, base, m in _matches(texts, search)
        ]
        expected = [
            (index, m.start(), m.end(), m.group(0))
            for index, text in enumerate(texts)
            for m in alone(text)
        ]
        assert found == expected


def test_a_gazetteer_with_nothing_to_search_for_finds_nothing() -> None:
    assert find_cast(["NATO met."], replace(KNOWLEDGE, entities=(), titles=())).occurrences == []
