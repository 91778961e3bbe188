"""A paragraph -> its first sentence, for summaries; abbreviations do not end sentences."""

from __future__ import annotations

import re

_END = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_MAX_SUMMARY = 320


def first_sentence(text: str, abbreviations: frozenset[str]) -> str:
    """The first sentence of ``text``, cut on a word boundary if it is very long."""
    for match in _END.finditer(text):
        before = text[: match.start()]
        word = re.search(r"([\w.]+)$", before)
        token = word.group(1) if word else ""
        if text[match.start()] == "." and (
            token.casefold().rstrip(".") in abbreviations or _is_initials(token)
        ):
            continue  # "Gen. Smith", "U.S. forces", "J. Smith"
        text = text[: match.end()]
        break
    if len(text) <= _MAX_SUMMARY:
        return text
    cut = text[:_MAX_SUMMARY].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–—- ") + "…"


def _is_initials(token: str) -> bool:
    """'U.S', 'J', 'U.N': capital initials, not the last word of a sentence."""
    return bool(re.fullmatch(r"([A-Z]\.)*[A-Z]", token))
