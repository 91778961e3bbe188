"""Publisher furniture is recognized as whole paragraphs, never inside a story's sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from brief.news.boilerplate import find_boilerplate
from brief.news.knowledge import load_knowledge

RULES = load_knowledge(Path("/nonexistent-project")).boilerplate


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
    ],
)
def test_furniture_paragraphs_are_recognized(paragraph: str, rule: str) -> None:
    assert find_boilerplate(paragraph, RULES) == rule


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
    assert find_boilerplate("Brought to you by Acme", rules) == "sponsor"
    assert find_boilerplate("Advertisement", rules) == "advertisement"
