"""Quotes and their speakers, and the people and organizations an article names."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brief.news.mentions import Cast, Person
from brief.news.quotes import _find_close, _lookup, _Names, _Speakers
from tests.stages.helpers import article

REPO = Path(__file__).resolve().parent.parent.parent


def quotes(body: str) -> list[tuple[str, int, str]]:
    a = article("content/2021/a.txt", "Title\n\n" + body)
    return [(q.speaker, q.paragraph, q.text) for q in a.quotes]


def test_in_the_seed_article_all_four_quotes_go_to_jens_stoltenberg() -> None:
    seed = article(
        "content/2021/seed.txt", (REPO / "content/2021/000_fed5f0d4c4963b3d.txt").read_text()
    )
    assert [(q.speaker, q.paragraph) for q in seed.quotes] == [
        ("Jens Stoltenberg", i) for i in (1, 2, 3, 4)
    ]
    assert seed.quotes[0].text.startswith("We also discussed Russia.")
    assert seed.quotes[3].text.endswith("talking with Russia,") is False
    assert "(Stoltenberg and Biden – TASS)" in seed.quotes[3].text


def test_the_seed_names_its_people_organizations_and_treaty() -> None:
    seed = article(
        "content/2021/seed.txt", (REPO / "content/2021/000_fed5f0d4c4963b3d.txt").read_text()
    )
    kinds = {m.name: m.kind for m in seed.mentions}
    for person in ("Jens Stoltenberg", "Joe Biden", "Vladimir Putin", "Maria Zakharova"):
        assert kinds.get(person) == "person", person
    for org in ("NATO", "NATO-Russia Council", "Russian Foreign Ministry", "TASS"):
        assert kinds.get(org) == "organization", org
    assert kinds.get("New START") == "treaty"


def test_a_named_speaker_after_the_quote_gets_the_full_name_introduced_before() -> None:
    assert quotes(
        "MOSCOW, June 1. /TASS/. Foreign Minister Sergey Lavrov spoke.\n\n“We are ready to talk,” Lavrov said."
    ) == [("Sergey Lavrov", 1, "We are ready to talk")]


def test_a_role_noun_goes_to_the_person_introduced_with_that_role() -> None:
    body = (
        "MOSCOW, June 1. /TASS/. Russian Foreign Ministry Spokeswoman Maria Zakharova and Kremlin "
        "spokesman Dmitry Peskov spoke.\n\n“Moscow is ready for talks,” the spokeswoman said."
    )
    assert quotes(body) == [("Maria Zakharova", 1, "Moscow is ready for talks")]


def test_a_pronoun_goes_to_the_most_recent_fitting_speaker() -> None:
    body = (
        "MOSCOW, June 1. /TASS/. Maria Zakharova said on her Telegram channel that Moscow was ready. "
        "Sergey Lavrov agreed.\n\n“Nothing has changed since then at all,” she said."
    )
    assert quotes(body) == [("Maria Zakharova", 1, "Nothing has changed since then at all")]


def test_a_quote_introduced_by_a_telegram_post_goes_to_its_author() -> None:
    body = (
        "MOSCOW, June 1. /TASS/. Maria Zakharova wrote on her Telegram channel: “Without military "
        "experts such a dialogue is meaningless.”"
    )
    assert quotes(body) == [
        ("Maria Zakharova", 0, "Without military experts such a dialogue is meaningless.")
    ]


def test_a_quote_running_over_paragraphs_is_one_quote_starting_in_its_first_paragraph() -> None:
    body = (
        "MOSCOW, June 1. /TASS/. Sergey Lavrov spoke.\n\n“The first part is long and goes on.\n\n"
        "“The second part ends here,” Lavrov said."
    )
    assert quotes(body) == [
        ("Sergey Lavrov", 1, "The first part is long and goes on. The second part ends here")
    ]


def test_straight_quotes_inverted_verbs_and_bracketed_insertions() -> None:
    body = (
        "MOSCOW, June 1. /TASS/. Kremlin spokesman Dmitry Peskov commented.\n\n"
        '"We [Russia and the US] have agreed to talk," said Peskov.'
    )
    assert quotes(body) == [("Dmitry Peskov", 1, "We [Russia and the US] have agreed to talk")]


def test_an_unclear_speaker_stays_empty() -> None:
    body = "MOSCOW, June 1. /TASS/. Diplomats met.\n\n“This is a dangerous moment for everyone,” a source told reporters."
    assert quotes(body) == [("", 1, "This is a dangerous moment for everyone")]


@pytest.mark.parametrize(
    "body",
    [
        "MOSCOW, June 1. /TASS/. He called the plan “unacceptable” and left.",
        'MOSCOW, June 1. /TASS/. The so-called "peace plan" was rejected.',
    ],
)
def test_scare_quotes_are_not_quotes(body: str) -> None:
    assert quotes(body) == []


def test_a_role_two_people_share_gives_nobody() -> None:
    body = (
        "MOSCOW, June 1. /TASS/. Russian Foreign Ministry Spokeswoman Maria Zakharova and NATO "
        "Spokeswoman Oana Lungescu spoke.\n\n“The talks will go on as planned,” the spokeswoman said."
    )
    assert quotes(body)[0][0] == ""


def test_a_person_introduced_by_a_title_is_a_mention_and_a_speaker() -> None:
    a = article(
        "content/2021-06-01-a.txt",
        "T\n\nBerlin (dpa) - German Foreign Minister Anna Meyer spoke.\n\n"
        "“We need talks with everyone,” Meyer said.\n\n“And soon, very soon,” she added.",
    )
    assert [(q.speaker, q.paragraph) for q in a.quotes] == [("Anna Meyer", 1), ("Anna Meyer", 2)]
    assert ("Anna Meyer", "person") in {(m.name, m.kind) for m in a.mentions}


# The speaker look-up indexes the cast once per article; a subject must find whom a scan of
# every person finds (the first person in the cast whose surname is the subject, or whose
# name or a spelling is the subject or its last words), and a subject whose last word is no
# one's must find no one by any rule.
_WORDS = st.sampled_from(["Ana", "Ruiz", "Mao", "Ning", "the", "NATO", "chief", "he", "Li"])
_PERSON = st.tuples(
    st.lists(_WORDS, min_size=1, max_size=3).map(" ".join),
    st.lists(st.lists(_WORDS, min_size=1, max_size=2).map(" ".join), max_size=2),
    st.lists(st.lists(_WORDS, min_size=1, max_size=2).map(" ".join), max_size=2),
)


def _scan(candidate: str, people: list[Person]) -> Person | None:
    for person in people:
        names = (person.name, *person.spellings)
        if candidate == person.name.split()[-1] or any(
            candidate == s or candidate.endswith(" " + s) for s in names
        ):
            return person
    return None


@given(
    people=st.lists(_PERSON, max_size=4, unique_by=lambda p: p[0]),
    subject=st.lists(_WORDS, min_size=1, max_size=6),
)
def test_the_speaker_index_finds_whom_a_scan_of_the_cast_finds(
    people: list[tuple[str, list[str], list[str]]], subject: list[str]
) -> None:
    cast = Cast([], {n: Person(n, "", roles, spellings) for n, roles, spellings in people}, {})
    index = _Names(cast)
    for size in range(1, len(subject) + 1):
        candidate = " ".join(subject[-size:])
        assert index.named(candidate) is _scan(candidate, list(cast.people.values()))
        if not index.may_end(subject[-1]):
            assert _lookup(candidate, index, _Speakers()) == (False, None)


def _close_by_characters(text: str, start: int) -> int:
    """_find_close as it was first written: one character at a time."""
    for i in range(start, len(text)):
        if text[i] in "”»" or (
            text[i] == '"' and (i + 1 == len(text) or not text[i + 1].isalnum())
        ):
            return i
        if text[i] == "“" and i > start:
            return text.find("”", i)
    return -1


@given(
    text=st.lists(st.sampled_from(["a", " ", "1", "“", "”", '"', "»", "«", "'", "é"])).map("".join),
    start=st.integers(0, 12),
)
def test_the_closing_mark_is_found_as_a_character_by_character_scan_finds_it(
    text: str, start: int
) -> None:
    assert _find_close(text, start) == _close_by_characters(text, start)
