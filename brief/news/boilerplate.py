"""Paragraphs -> the paragraphs that are story, and which boilerplate rule removed the rest."""

from __future__ import annotations

from collections.abc import Sequence

from brief.news.knowledge import BoilerplateRule


def find_boilerplate(text: str, rules: Sequence[BoilerplateRule]) -> str | None:
    """The id of the first rule whose pattern matches the whole paragraph, if any."""
    flat = " ".join(text.split())
    return next((rule.id for rule in rules if rule.pattern.fullmatch(flat)), None)
