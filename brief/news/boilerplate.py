"""Paragraphs and titles -> what is story, and what is publisher furniture around it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from brief.news.knowledge import BoilerplateRule

_ATTRIBUTION = re.compile(r"\s+[—–]\s+(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*$")


def find_boilerplate(text: str, rules: Sequence[BoilerplateRule]) -> BoilerplateRule | None:
    """The first rule whose pattern matches the whole paragraph, if any."""
    flat = " ".join(text.split())
    return next((rule for rule in rules if rule.pattern.fullmatch(flat)), None)


def split_credits(text: str) -> tuple[str, ...]:
    """'(Reporting by A; Editing by B)' -> ('Reporting by A', 'Editing by B')."""
    inner = " ".join(text.split()).strip().lstrip("-—– ").removeprefix("(")
    inner = inner.removesuffix(".").removesuffix(")")
    parts = (part.strip() for part in re.split(r";|\s+and\s+(?=editing by)", inner, flags=re.I))
    # A full stop after an initial ("E. F.") belongs to the name; any other one goes.
    return tuple(re.sub(r"(?<![A-Z])\.$", "", part) for part in parts if part.strip(" ."))


def read_title(title: str, kickers: Sequence[str]) -> tuple[str, str]:
    """(kicker, attribution) of a headline: 'IN BRIEF: … — Putin' -> ('IN BRIEF', 'Putin')."""
    kicker = ""
    for label in kickers:
        match = re.match(rf"^({re.escape(label)})(?:\s+\d+)?\s*[:|]\s*\S", title, re.IGNORECASE)
        if match:
            kicker = match.group(1).upper()
            break
    attribution = _ATTRIBUTION.search(title)
    return kicker, attribution.group("who") if attribution else ""
