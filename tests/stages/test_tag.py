"""tag: an Article and a taxonomy -> the article's topics with their evidence."""

from __future__ import annotations

import re
import sys

from hypothesis import example, given
from hypothesis import strategies as st

from brief.model import Evidence, Topic
from brief.stages.merge import sketch
from brief.stages.tag import _APART, tag
from brief.stages.words import body_words

from .helpers import article

ARMS = Topic(
    "Arms control", "arms-control", "", ("Arms control", "New START", "risk reduction"), ()
)
NRC = Topic("NATO-Russia Council", "nato-russia-council", "", ("NATO-Russia Council", "NRC"), ())
TRADE = Topic("Trade", "trade", "", ("Trade", "tariffs"), ("trade union",))


def tagged(text: str, *topics: Topic):  # type: ignore[no-untyped-def]
    return tag(article("content/2021/a.txt", text), topics)


def test_phrases_match_whole_words_in_any_case_and_evidence_counts_them() -> None:
    a = tagged(
        "Talks\n\nMOSCOW, June 1. /TASS/. ARMS CONTROL and arms control.\n\nNew START too.\n", ARMS
    )
    [t] = a.topics
    assert t.topic is ARMS
    assert t.evidence == (Evidence("Arms control", 2, 3), Evidence("New START", 1, 5))


def test_a_phrase_inside_another_word_does_not_match() -> None:
    a = tagged("T\n\nMOSCOW, June 1. /TASS/. The NRCX group and unarms controlled.\n", ARMS, NRC)
    assert a.topics == ()


def test_a_hyphen_in_a_phrase_matches_any_dash() -> None:
    a = tagged("T\n\nMOSCOW, June 1. /TASS/. The NATO–Russia Council met.\n", NRC)
    assert [t.topic.name for t in a.topics] == ["NATO-Russia Council"]


def test_the_title_counts_with_its_line() -> None:
    a = tagged("New START extended\n\nMOSCOW, June 1. /TASS/. Nothing else.\n", ARMS)
    assert a.topics[0].evidence == (Evidence("New START", 1, 1),)


def test_an_exclude_phrase_vetoes_the_match() -> None:
    a = tagged("T\n\nMOSCOW, June 1. /TASS/. The trade union met about tariffs.\n", TRADE)
    assert a.topics == ()


def test_front_matter_topics_are_added_with_their_line_as_evidence() -> None:
    a = tagged(
        "---\ntopics: [Trade]\n---\nT\n\nMOSCOW, June 1. /TASS/. Arms control.\n", ARMS, TRADE
    )
    assert [t.topic.name for t in a.topics] == ["Arms control", "Trade"]
    assert a.topics[1].evidence == (Evidence("front matter", 1, 2),)


def test_an_unknown_front_matter_topic_is_a_warning_naming_file_and_line() -> None:
    a = tagged("---\ntopics: [Cyber]\n---\nT\n\nMOSCOW, June 1. /TASS/. Body.\n", ARMS)
    assert a.topics == ()
    assert [w.format() for w in a.warnings] == [
        "content/2021/a.txt:2: warning: topics: unknown topic 'Cyber' is ignored "
        "(add it to topics.yaml or fix the spelling)"
    ]


def test_topics_keep_taxonomy_order() -> None:
    a = tagged("T\n\nMOSCOW, June 1. /TASS/. NRC and arms control.\n", NRC, ARMS)
    assert [t.topic.slug for t in a.topics] == ["nato-russia-council", "arms-control"]


# Evidence as the tagger first found it, one paragraph at a time with the plain pattern: the
# faster tagger (one joined text, the first letter before the look-behind) must agree.
def _reference_pattern(phrase: str) -> re.Pattern[str]:
    parts = [
        r"\s+" if c == " " else r"\s*[-‐‑–—]\s*" if c in "-‐‑–—" else re.escape(c) for c in phrase
    ]
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)", re.IGNORECASE)


# With letters a search in lower case must not meet (brief.news.folding), and the Kelvin
# sign, which it may: both ways of searching are held to the reference.
_PIECES = st.sampled_from(
    [
        *("arms", "Arms", "ARMS", "control", " ", "  ", "-", "–", "x", "_", "é", "\n", "."),
        *("\x00", "1", "ARMſ", "İ", "ı", "\u212a", "É", "ß", "ARMS-CONTROL"),
    ]
)


@given(
    paragraphs=st.lists(st.lists(_PIECES, max_size=12).map("".join), min_size=1, max_size=4),
    phrase=st.sampled_from(
        [
            *("arms control", "arms-control", "Arms", "x", "_x", "-arms", "é1", "1 x", "i"),
            *("k", "ARMS CONTROL", "x.", "arms- control", "İ", "ß", "1", "-", "\u0131n"),
        ]
    ),
)
@example(paragraphs=["In talks."], phrase="\u0131n")  # the dotless i in the phrase
@example(paragraphs=["Talks \u0131 today."], phrase="i")  # and in the text
@example(paragraphs=["\u0130n talks."], phrase="in")  # the dotted capital I in the text
@example(paragraphs=["Talks - today."], phrase="-")  # a phrase with no word
@example(paragraphs=["New tariffs\u0345 today."], phrase="tariffs")  # a mark that folds to a letter
@example(paragraphs=["New \u0345tariffs today."], phrase="tariffs")
def test_evidence_is_what_a_search_of_each_paragraph_finds(
    paragraphs: list[str], phrase: str
) -> None:
    topic = Topic("T", "t", "", (phrase,), ())
    body = "\n\n".join(p.strip() or "y" for p in paragraphs)
    result = tag(
        article("content/2021/a.txt", "Title\n\nMOSCOW, June 1. /TASS/. " + body + "\n"), (topic,)
    )
    texts = [(result.title, result.title_line), *((p.text, p.line) for p in result.paragraphs)]
    hits = [(len(_reference_pattern(phrase).findall(text)), line) for text, line in texts]
    count = sum(n for n, _ in hits)
    expected = (Evidence(phrase, count, next(line for n, line in hits if n)),) if count else ()
    assert (result.topics[0].evidence if result.topics else ()) == expected


def test_a_phrase_split_between_two_paragraphs_is_not_found() -> None:
    a = tagged("Talks\n\nMOSCOW, June 1. /TASS/. They spoke of arms\n\ncontrol and more.\n", ARMS)
    assert a.topics == ()


def test_a_phrase_holding_a_nul_character_matches_nothing() -> None:
    # The tagger searches the paragraphs joined by NUL; text never holds one (parse drops
    # them), so such a phrase never matched, and must not now match across paragraphs.
    odd = Topic("Odd", "odd", "", ("arms\x00control",), ())
    assert (
        tagged("Talks\n\nMOSCOW, June 1. /TASS/. Of arms\n\ncontrol and more.\n", odd).topics == ()
    )


def test_words_read_once_for_tag_and_sketch_give_the_same_topics_title_included() -> None:
    # brief.build reads an article's body words once and hands them to tag and sketch: a
    # phrase only the title has must still be found, and every other as without them.
    a = article(
        "content/2021/a.txt",
        "New START is extended\n\nMOSCOW, June 1. /TASS/. Trade and tariffs, the NRC said.\n",
    )
    words = body_words(a)
    assert "start" not in words  # only the title says it
    given_words = tag(a, (ARMS, NRC, TRADE), words).topics
    assert given_words == tag(a, (ARMS, NRC, TRADE)).topics
    assert [t.topic.slug for t in given_words] == ["arms-control", "nato-russia-council", "trade"]
    assert sketch(a, words) == sketch(a)


def test_apart_holds_every_character_where_casefolded_words_leave_the_search() -> None:
    # The tagger skips a phrase whose casefolded first word the article lacks, unless the
    # phrase or the text holds one of _APART. Two kinds of character would make it skip a
    # phrase the search finds: one that the search takes as another (only cased characters
    # do) while their casefolds differ, and one that is no word character for the search
    # while its casefold holds a word character, which joins the word beside it.
    everything = [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF]
    cased = {c for c in everything if len({c, c.lower(), c.upper(), c.casefold()}) > 1}
    cased |= {c.lower() for c in cased if len(c.lower()) == 1}
    alphabet = "".join(sorted(cased))
    taken_apart = {
        d
        for c in cased
        for d in re.findall("(?i)" + re.escape(c), alphabet)
        if c.casefold() != d.casefold()
    }
    word = re.compile(r"\w").search
    joining = {c for c in everything if not word(c) and word(c.casefold())}
    # i and I are taken apart only from the other two: those are the ones to look out for.
    assert (taken_apart - {"i", "I"}) | joining == set(_APART)
