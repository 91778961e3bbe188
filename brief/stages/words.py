"""An Article -> the words of its body, as tagging and copy detection compare them.

Both look at the body's words in lower case (casefolded), each of them had its own pass
over the text for them, and that pass was a seventh of the time spent reading a dispatch.
Read once (brief.build), they are handed to both.
"""

from __future__ import annotations

import re

from brief.model import Article

WORD = re.compile(r"\w+")


def body_text(article: Article) -> str:
    """The body's paragraphs, one a line."""
    return "\n".join(p.text for p in article.paragraphs)


def body_words(article: Article) -> list[str]:
    """The body's words in order, casefolded: no word runs across two paragraphs."""
    return WORD.findall(body_text(article).casefold())
