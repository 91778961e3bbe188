"""Publisher furniture is recognized as whole paragraphs, never inside a story's sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from brief.news.boilerplate import find_boilerplate, flatten, read_title, split_credits
from brief.news.knowledge import load_knowledge

KNOWLEDGE = load_knowledge(Path("/nonexistent-project"))
RULES = KNOWLEDGE.boilerplate


@pytest.mark.parametrize(
    ("paragraph", "rule"),
    [
        (
            "This article was originally published on this site, click here to view the original",
            "originally-published",
        ),
        ("This story was originally published by The Moscow Times.", "originally-published"),
        ("Click here to read the full article.", "click-here"),
        ("Read more: NATO summit ends", "read-more"),
        ("Advertisement", "advertisement"),
        ("© 2021 TASS. All rights reserved.", "copyright"),
        ("Follow us on Telegram", "share"),
        ("Photo: Sergei Bobylev/TASS", "photo-caption"),
        (
            "FILE PHOTO: NATO flags flutter at the alliance headquarters in Brussels.",
            "photo-caption",
        ),
    ],
)
def test_furniture_paragraphs_are_recognized(paragraph: str, rule: str) -> None:
    found = find_boilerplate(paragraph, RULES)
    assert found is not None and found.id == rule


@pytest.mark.parametrize(
    "paragraph",
    [
        "Stoltenberg said the article was originally published in a treaty annex, and more followed "
        "at length in a paragraph that is a real part of the story and must stay where it is.",
        "Russia said it would not advertise its position.",
        "The copyright dispute between the two agencies went to court on Monday and the judge said "
        "the matter was serious, adding that a ruling would follow within weeks of the hearing.",
    ],
)
def test_story_paragraphs_are_kept(paragraph: str) -> None:
    assert find_boilerplate(paragraph, RULES) is None


def test_a_project_can_add_its_own_rules(tmp_path: Path) -> None:
    (tmp_path / "boilerplate.yaml").write_text("- id: sponsor\n  pattern: 'brought to you by .*'\n")
    rules = load_knowledge(tmp_path).boilerplate
    assert [find_boilerplate(t, rules).id for t in ("Brought to you by Acme", "Advertisement")] == [  # type: ignore[union-attr]
        "sponsor",
        "advertisement",
    ]


@pytest.mark.parametrize(
    ("paragraph", "credits"),
    [
        (
            "(Reporting by Jane Doe; Editing by John Roe)",
            ("Reporting by Jane Doe", "Editing by John Roe"),
        ),
        (
            "(Reporting by A. Reporter in Moscow and B. Writer in Kyiv; Writing by C. D.; Editing by E. F.)",
            (
                "Reporting by A. Reporter in Moscow and B. Writer in Kyiv",
                "Writing by C. D.",
                "Editing by E. F.",
            ),
        ),
        (
            "Associated Press writer Jim Smith in Brussels contributed to this report.",
            ("Associated Press writer Jim Smith in Brussels contributed to this report",),
        ),
    ],
)
def test_credit_lines_are_recognized_and_split(paragraph: str, credits: tuple[str, ...]) -> None:
    rule = find_boilerplate(paragraph, RULES)
    assert rule is not None and rule.field == "credits"
    assert split_credits(paragraph) == credits


@pytest.mark.parametrize(
    ("title", "kicker", "attribution"),
    [
        ("IN BRIEF: Russia, US to hold talks", "IN BRIEF", ""),
        ("In brief: Russia, US to hold talks", "IN BRIEF", ""),
        ("UPDATE 2-Russia says no", "", ""),
        ("UPDATE 2: Russia says no", "UPDATE", ""),
        ("Russia ready for talks on strategic stability — Putin", "", "Putin"),
        ("Moscow sees no grounds for optimism – Foreign Ministry", "", "Foreign Ministry"),
        ("NATO-Russia Council to meet", "", ""),
        ("Talks — and what comes after them, explained at length", "", ""),
        ("BREAKING: Treaty extended — Kremlin", "BREAKING", "Kremlin"),
    ],
)
def test_title_kicker_and_attribution_are_understood(
    title: str, kicker: str, attribution: str
) -> None:
    assert read_title(title, KNOWLEDGE.kickers) == (kicker, attribution)


def _kicker_one_label_at_a_time(title: str, kickers: tuple[str, ...]) -> str:
    for label in kickers:  # how read_title found it before its labels made one pattern
        match = re.match(rf"^({re.escape(label)})(?:\s+\d+)?\s*[:|]\s*\S", title, re.IGNORECASE)
        if match:
            return match.group(1).upper()
    return ""


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="aAb :|1.", min_size=0, max_size=4), max_size=5),
    st.text(alphabet="aAbB :|1.x", max_size=12),
)
@example(["a", "a :"], "a : : x")  # both fit: the first listed is the kicker
@example(["a :", "a"], "a : : x")
def test_the_kicker_is_the_first_label_that_fits_as_each_was_tried_in_turn(
    kickers: list[str], title: str
) -> None:
    assert read_title(title, tuple(kickers))[0] == _kicker_one_label_at_a_time(
        title, tuple(kickers)
    )


@given(
    st.lists(
        st.sampled_from(["a", "é", " ", "  ", "\n", "\t", "\x0b", "\x1c", "\xa0", "\u2028"])
        | st.sampled_from(["\u3000", "\u202f", "\x85", "\u200b", "."]),
        max_size=12,
    ).map("".join)
)
@example("a  a")  # printable: handed back only with no double space
@example(" a")  # and none at either end
@example("a ")
def test_flatten_is_splitting_at_white_space_and_joining_with_one_space(text: str) -> None:
    assert flatten(text) == " ".join(text.split())
