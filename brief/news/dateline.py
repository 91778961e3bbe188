"""The first paragraph of a dispatch -> its Dateline and the text after it, or no dateline.

Understands the agency forms ``WASHINGTON, June 8. /TASS/.``, ``MOSCOW (Reuters) -`` and
``BEIJING, Jan. 5 (Xinhua) --``. An opening it does not recognize is left alone.
"""

from __future__ import annotations

import re

from brief.model import Dateline
from brief.news.dates import MONTH_PATTERN
from brief.news.knowledge import Knowledge

_UPPER_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\-]*"
_UPPER_PLACE = rf"{_UPPER_WORD}(?:[ /]{_UPPER_WORD})*"
_COUNTRY = r"(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)*)?"
_DATE = rf"{MONTH_PATTERN} \d{{1,2}}(?:, \d{{4}})?"
_DASH = r"(?:--|-|–|—)"

# TASS marks its dispatches unambiguously, so a title-case place is accepted there.
_SLASHED = re.compile(
    rf"^(?P<place>[^\W\d][\w'’.\- ]{{0,40}}?(?: /[^/]{{1,40}}/)?), (?P<date>{_DATE})\. "
    rf"/(?P<agency>[A-Za-z][\w\-]{{1,30}})/\.?\s+"
)
_PARENS = re.compile(
    rf"^(?P<place>{_UPPER_PLACE}{_COUNTRY})(?:, (?P<date>{_DATE}))? "
    rf"\((?P<agency>[A-Za-z][\w .\-]{{0,30}})\)\s*{_DASH}\s+"
)
_SMALL_WORDS = {"de", "da", "do", "del", "la", "le", "les", "of", "on", "upon", "am", "an", "al"}


def split_dateline(paragraph: str, knowledge: Knowledge) -> tuple[Dateline, str] | None:
    """(dateline, rest of the paragraph) when the paragraph opens with a dateline."""
    for pattern in (_SLASHED, _PARENS):
        match = pattern.match(paragraph)
        if not match:
            continue
        spelled = match.group("agency").strip()
        agency = knowledge.agency(spelled)
        if agency is None and pattern is _PARENS:
            continue  # "(Something) -" after capitals is too common to trust unknown names
        dateline = Dateline(
            text=match.group(0).strip(),
            place=display_place(match.group("place")),
            date_text=match.group("date") or "",
            agency=agency.name if agency else spelled,
        )
        return dateline, paragraph[match.end() :].strip()
    return None


def display_place(place: str) -> str:
    """WASHINGTON -> Washington, IGORA /Leningrad Region/ -> Igora (Leningrad Region)."""
    place = " ".join(place.split())
    region = re.search(r" /([^/]+)/$", place)
    if region:
        return f"{display_place(place[: region.start()])} ({region.group(1).strip()})"
    head, comma, rest = place.partition(", ")
    return _title_case(head) + comma + rest


def _title_case(place: str) -> str:
    if place != place.upper():
        return place
    words = re.split(r"([ /\-])", place.lower())
    shown = []
    for index, word in enumerate(words):
        if index and word in _SMALL_WORDS:
            shown.append(word)
        else:
            shown.append(re.sub(r"(^|['’.])(\w)", lambda m: m.group(1) + m.group(2).upper(), word))
    return "".join(shown)
