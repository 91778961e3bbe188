"""Page fingerprints: what a page's rendering reads, and nothing it does not."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from brief.fingerprints import Fingerprinter
from brief.model import Card, Dateline, Evidence, Page, Quote, Topic, TopicTag
from brief.stages.tag import tag

from .stages.helpers import article

ARMS = Topic("Arms control", "arms-control", "", ("arms control",), ())
TEXT = (
    "Talks on arms control\n\nMOSCOW, June 8. /TASS/. The arms control talks went on, "
    '"We are ready," Sergey Ryabkov said.\n\nThey will resume next week.\n'
)


def fingerprint(value: object) -> str:
    return Fingerprinter("site").page(Page("topics/x/", "topic.html", {"items": (value,)}))


def a_card() -> Card:
    return Card.of(tag(article("content/2021/06/talks.txt", TEXT), (ARMS,)))


def test_every_field_of_a_card_changes_the_fingerprint_of_a_page_listing_it() -> None:
    card = a_card()
    assert card.quotes and card.topics and card.dateline  # every field has a value to vary
    other = Topic("Sanctions", "sanctions", "", ("sanctions",), ())
    changed = {
        "published": card.published + timedelta(minutes=1),
        "dateline": Dateline("KYIV, June 8.", "Kyiv", "June 8", "TASS"),
        "quotes": (Quote("We are ready", "Sergey Lavrov", 0),),
        "topics": (TopicTag(other, ()),),
    }
    for field in dataclasses.fields(Card):
        value = changed.get(
            field.name, getattr(card, field.name) + "x" if field.type == "str" else None
        )
        assert value is not None, f"no variation for Card.{field.name}: add one to this test"
        other_card = dataclasses.replace(card, **{field.name: value})
        assert fingerprint(other_card) != fingerprint(card), field.name


def test_the_fingerprint_covers_the_parts_of_quotes_topics_and_datelines() -> None:
    card = a_card()
    tag_ = card.topics[0]
    variants = [
        dataclasses.replace(card, quotes=(dataclasses.replace(card.quotes[0], paragraph=5),)),
        dataclasses.replace(
            card, topics=(dataclasses.replace(tag_, evidence=(Evidence("arms control", 9, 3),)),)
        ),
        dataclasses.replace(card, dateline=dataclasses.replace(card.dateline, agency="Reuters")),  # type: ignore[type-var]
    ]
    assert len({fingerprint(v) for v in variants} | {fingerprint(card)}) == 4


def test_equal_cards_in_different_objects_fingerprint_the_same() -> None:
    assert fingerprint(a_card()) == fingerprint(a_card())


def test_a_card_does_not_change_when_only_the_body_after_the_lede_does() -> None:
    longer = TEXT + "\nThe zebra talks went on.\n"
    edited = Card.of(tag(article("content/2021/06/talks.txt", longer), (ARMS,)))
    assert edited == a_card()
    assert fingerprint(edited) == fingerprint(a_card())


def test_an_article_in_a_context_is_fingerprinted_by_its_file_and_digest() -> None:
    whole = tag(article("content/2021/06/talks.txt", TEXT), (ARMS,))
    longer = tag(article("content/2021/06/talks.txt", TEXT + "\nMore.\n"), (ARMS,))
    assert fingerprint(whole) != fingerprint(longer)
    assert fingerprint(whole) == fingerprint(dataclasses.replace(whole))


def test_a_value_without_a_fingerprint_is_refused() -> None:
    try:
        fingerprint(object())
    except TypeError as exc:
        assert "object" in str(exc)
    else:
        raise AssertionError("an object was fingerprinted")


def test_dates_are_fingerprinted_with_their_offset() -> None:
    when = datetime(2021, 6, 8, 12, 0).astimezone()
    assert fingerprint(when) != fingerprint(when.replace(tzinfo=None))
