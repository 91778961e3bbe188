"""Text -> the same text in lower case, letter for letter, where a search of it for words in
lower case finds just what an ignore-case search of the text finds.

Python's re tries an ignore-case pattern at every place of a text. In lower case, a word's
letters are a plain prefix the engine skips to by itself: searching a dispatch for a topic's
phrase took a tenth of the time, and each of some 40 topics is searched for in every one.
"""

from __future__ import annotations

UNFOLDABLE = "\u0130\u0131\u017f"
"""İ, whose lower case is two characters, and ı and ſ, which lower() leaves as they are and
an ignore-case search matches as i and s. No other character's lower case differs from what
such a search takes it for, and none changes whether it is a word or space character
(tests/news/test_folding.py checks every character)."""


def folded(text: str) -> str | None:
    """``text`` in lower case, each character where it stood; None if ``text`` holds one of
    UNFOLDABLE, for which only an ignore-case search of ``text`` itself is right. Words
    searched for in the result must be in lower case and ASCII."""
    if any(char in text for char in UNFOLDABLE):  # str's search is far faster than re's here
        return None
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None
