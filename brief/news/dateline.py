"""The first paragraph of a dispatch -> its Dateline and the text after it, or no dateline.

Understands the agencies' forms: ``WASHINGTON, June 8. /TASS/.``, ``MOSCOW (Reuters) -``,
``BEIJING, Jan. 5 (Xinhua) --``, ``MOSCOW. Dec 26 (Interfax) -``,
``MOSCOW, December 26 - RIA Novosti.``, ``(Bloomberg) --`` and ``Berlin (dpa) -``.
An opening it does not recognize is left alone: a wrong dateline is worse than none.
"""

from __future__ import annotations

import re

from brief.model import Dateline
from brief.news.dates import MONTH_PATTERN
from brief.news.knowledge import Knowledge

_UPPER_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\-]*"
_TITLE_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*"
_PLACE = rf"(?:{_UPPER_WORD}(?:[ /]{_UPPER_WORD})*|{_TITLE_WORD}(?:[ /]{_TITLE_WORD}){{0,3}})"
_COUNTRY = r"(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)*)?"
_DATE = rf"(?:{MONTH_PATTERN} \d{{1,2}}|\d{{1,2}} {MONTH_PATTERN})(?:,? \d{{4}})?"
_DASH = r"(?:--|-|–|—)"
_NOT_PROSE = r"(?!(?:The|A|An|This|That|In|On|At|He|She|It|They|We|But|And)\b)"
_SMALL_WORDS = {"de", "da", "do", "del", "la", "le", "les", "of", "on", "upon", "am", "an", "al"}

# TASS marks its dispatches unambiguously, so any place spelling is accepted there.
_SLASHED = re.compile(
    rf"^(?P<place>[^\W\d][\w'’.\- ]{{0,40}}?(?: /[^/]{{1,40}}/)?), (?P<date>{_DATE})\. "
    rf"/(?P<agency>[A-Za-z][\w\-]{{1,30}})/\.?\s+"
)
# Reuters, AP, AFP, Xinhua, Interfax, UPI, Bloomberg, dpa, Kyodo: "PLACE[, DATE] (AGENCY) -".
_PARENS = re.compile(
    rf"^(?:{_NOT_PROSE}(?P<place>{_PLACE}{_COUNTRY})(?:[,.] (?P<date>{_DATE}))? )?"
    rf"\((?P<agency>[A-Za-z][\w .\-]{{0,30}})\)\s*{_DASH}\s+"
)
# RIA Novosti: "MOSCOW, December 26 - RIA Novosti."
_TRAILING = re.compile(
    rf"^{_NOT_PROSE}(?P<place>{_PLACE}{_COUNTRY}), (?P<date>{_DATE}) {_DASH} "
    rf"(?P<agency>[A-Z][\w\-]*(?: [A-Z][\w\-]*)?)\.\s+"
)


def split_dateline(paragraph: str, knowledge: Knowledge) -> tuple[Dateline, str] | None:
    """(dateline, rest of the paragraph) when the paragraph opens with a dateline."""
    for pattern in (_SLASHED, _PARENS, _TRAILING):
        match = pattern.match(paragraph)
        if not match:
            continue
        spelled = match.group("agency").strip()
        agency = knowledge.agency(spelled)
        if agency is None and pattern is not _SLASHED:
            continue  # "(Something) -" is too common in prose to trust an unknown name
        rest = paragraph[match.end() :].strip()
        if not rest:
            return None
        dateline = Dateline(
            text=match.group(0).strip(),
            place=display_place(match.group("place") or ""),
            date_text=" ".join((match.group("date") or "").split()),
            agency=agency.name if agency else spelled,
        )
        return dateline, rest
    return None


def dateline_alone(paragraph: str, knowledge: Knowledge) -> bool:
    """The paragraph is a dateline and nothing else (which split_dateline leaves alone)."""
    found = split_dateline(" ".join(paragraph.split()) + " \u2026", knowledge)
    return found is not None and found[1] == "\u2026"


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
