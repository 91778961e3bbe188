"""Text -> a stable, portable, ASCII slug for URLs and file names."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 80
# Names Windows refuses as files or folders, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", "index", "static"} | {
    f"{name}{n}" for name in ("com", "lpt") for n in range(1, 10)
}
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "œ": "oe",
        "Œ": "OE",
    }
)


def slugify(text: str) -> str:
    """'NATO chief: talks “useful”' -> 'nato-chief-talks-useful'; '' when nothing is left."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > MAX_LENGTH:
        slug = (
            slug[: MAX_LENGTH + 1].rsplit("-", 1)[0]
            if "-" in slug[:MAX_LENGTH]
            else slug[:MAX_LENGTH]
        )
        slug = slug.strip("-")
    if slug in _RESERVED:
        slug += "-1"
    return slug
