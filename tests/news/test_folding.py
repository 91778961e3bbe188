"""folded: text in lower case, where a search of it finds what an ignore-case search finds."""

from __future__ import annotations

import re
import sys

from brief.news.folding import UNFOLDABLE, folded


def test_only_the_unfoldable_letters_lower_otherwise_than_an_ignore_case_search_folds_them() -> (
    None
):
    # Every other character must lower to one character, keep whether it is a word or space
    # character, and match an ASCII character ignoring case just where its lower case is
    # that character. Checked over every character this Python knows.
    everything = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    lowered = [c.lower() for c in everything]
    differ = {c for c, low in zip(everything, lowered, strict=True) if len(low) != 1}
    for kind in (r"\w", r"\s"):
        is_kind = re.compile(kind).fullmatch
        differ |= {
            c
            for c, low in zip(everything, lowered, strict=True)
            if len(low) == 1 and bool(is_kind(c)) != bool(is_kind(low))
        }
    for ascii_char in (chr(i) for i in range(128)):
        if ascii_char.isupper():
            continue  # phrases are lowered first
        found = set(re.findall("(?i)" + re.escape(ascii_char), everything))
        differ |= found ^ {
            c for c, low in zip(everything, lowered, strict=True) if low == ascii_char
        }
    assert differ == set(UNFOLDABLE)


def test_text_with_an_unfoldable_letter_is_not_folded() -> None:
    assert folded("Arms CONTROL – “Start”") == "arms control – “start”"
    for letter in UNFOLDABLE:
        assert folded(f"Arms {letter}") is None
