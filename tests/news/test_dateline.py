"""Datelines in the agencies' forms, as a table: opening text -> place, date, agency, rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from brief.news.dateline import display_place, split_dateline
from brief.news.knowledge import load_knowledge

KNOWLEDGE = load_knowledge(Path("/nonexistent-project"))

CASES = [
    (
        "WASHINGTON, June 8. /TASS/. NATO chief spoke.",
        "Washington",
        "June 8",
        "TASS",
        "NATO chief spoke.",
    ),
    ("MOSCOW, December 26. /TASS/. Text.", "Moscow", "December 26", "TASS", "Text."),
    (
        "IGORA /Leningrad Region/, December 26. /TASS/. Putin met.",
        "Igora (Leningrad Region)",
        "December 26",
        "TASS",
        "Putin met.",
    ),
    ("UNITED NATIONS, March 3. /ITAR-TASS/. Text.", "United Nations", "March 3", "TASS", "Text."),
    ("MOSCOW (Reuters) - Russia said.", "Moscow", "", "Reuters", "Russia said."),
    (
        "WASHINGTON (AP) — The Senate voted.",
        "Washington",
        "",
        "Associated Press",
        "The Senate voted.",
    ),
    ("PARIS (AFP) – Talks resumed.", "Paris", "", "AFP", "Talks resumed."),
    ("BEIJING, Jan. 5 (Xinhua) -- China said.", "Beijing", "Jan. 5", "Xinhua", "China said."),
    ("KYIV/MOSCOW (Reuters) - Both sides.", "Kyiv/Moscow", "", "Reuters", "Both sides."),
    ("LAUSANNE, Switzerland (AFP) - Talks.", "Lausanne, Switzerland", "", "AFP", "Talks."),
    ("RIO DE JANEIRO (Reuters) - Text.", "Rio de Janeiro", "", "Reuters", "Text."),
    ("Moscow, June 8, 2021. /TASS/. Text.", "Moscow", "June 8, 2021", "TASS", "Text."),
    ("MOSCOW. Dec 26 (Interfax) - Text.", "Moscow", "Dec 26", "Interfax", "Text."),
    ("KYIV, Dec 26 (Interfax-Ukraine) - Text.", "Kyiv", "Dec 26", "Interfax", "Text."),
    ("MOSCOW, December 26 - RIA Novosti. Text.", "Moscow", "December 26", "RIA Novosti", "Text."),
    ("MOSCOW, Dec 26 (RIA Novosti) - Text.", "Moscow", "Dec 26", "RIA Novosti", "Text."),
    ("WASHINGTON, Dec. 26 (UPI) -- Text.", "Washington", "Dec. 26", "UPI", "Text."),
    ("(Bloomberg) -- Text.", "", "", "Bloomberg", "Text."),
    ("LONDON (Bloomberg) -- Text.", "London", "", "Bloomberg", "Text."),
    ("Berlin (dpa) - Text.", "Berlin", "", "dpa", "Text."),
    ("TOKYO (Kyodo) -- Text.", "Tokyo", "", "Kyodo", "Text."),
    ("MOSCOW, 26 December. /TASS/. Text.", "Moscow", "26 December", "TASS", "Text."),
]


@pytest.mark.parametrize(("text", "place", "date", "agency", "rest"), CASES)
def test_dateline_forms_give_place_date_agency_and_the_rest(
    text: str, place: str, date: str, agency: str, rest: str
) -> None:
    found = split_dateline(text, KNOWLEDGE)
    assert found is not None
    dateline, remainder = found
    assert (dateline.place, dateline.date_text, dateline.agency, remainder) == (
        place,
        date,
        agency,
        rest,
    )


@pytest.mark.parametrize(
    "text",
    [
        "NATO Secretary General Jens Stoltenberg said on Monday.",
        "THE END (of the story) - nothing here.",  # an unknown "agency" in parentheses
        "WASHINGTON is a city. /TASS/. not a dateline",
        "The President (AP) - said something.",
        "Russia said (Reuters) - nothing.",
        "NATO ALLIES agreed on Monday to meet.",
        "BREAKING: NATO (Reuters) - x",
        "MOSCOW (Reuters) -",  # a dateline with no story after it is not split off
        "",
    ],
)
def test_an_unrecognized_opening_is_left_alone(text: str) -> None:
    assert split_dateline(text, KNOWLEDGE) is None


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("WASHINGTON", "Washington"),
        ("UNITED NATIONS", "United Nations"),
        ("ST. PETERSBURG", "St. Petersburg"),
        ("N'DJAMENA", "N'Djamena"),
        ("São Paulo", "São Paulo"),
        ("SÃO PAULO", "São Paulo"),
    ],
)
def test_places_are_shown_in_title_case(raw: str, shown: str) -> None:
    assert display_place(raw) == shown
