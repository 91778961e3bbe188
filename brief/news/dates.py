"""Date text -> aware datetimes: front-matter forms, dateline "June 8", and year hints in paths."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
MONTH_PATTERN = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sep(?:tember|t\.|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}}) ({MONTH_PATTERN}),? (\d{{4}})$", re.I)
_MONTH_DAY_YEAR = re.compile(rf"^({MONTH_PATTERN}) (\d{{1,2}}),? (\d{{4}})$", re.I)
_MONTH_DAY = re.compile(rf"^({MONTH_PATTERN}) (\d{{1,2}})(?:,? (\d{{4}}))?$", re.I)
_DAY_MONTH = re.compile(rf"^(\d{{1,2}}) ({MONTH_PATTERN})(?:,? (\d{{4}}))?$", re.I)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FOLDER_YEAR = re.compile(r"^(?:19|20)\d\d$")
_FILE_DATE = re.compile(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)")


def month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def parse_date(text: str, zone: ZoneInfo) -> datetime | None:
    """A front-matter date in a common form, as an aware datetime; None if not understood.

    A date without a time is midnight in the site's zone, so it never shows as the day before.
    """
    text = " ".join(text.split())
    try:
        if _ISO_DATE.match(text):
            return datetime.combine(date.fromisoformat(text), time(), zone)
        if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", text):
            value = datetime.fromisoformat(re.sub(r"Z$", "+00:00", text))
            return value if value.tzinfo else value.replace(tzinfo=zone)
        for pattern, order in ((_DAY_MONTH_YEAR, (1, 2, 3)), (_MONTH_DAY_YEAR, (2, 1, 3))):
            match = pattern.match(text)
            if match:
                day, month, year = (match.group(i) for i in order)
                return datetime(int(year), month_number(month), int(day), tzinfo=zone)
        if re.search(r"\d{1,2}:\d\d", text) and re.search(r"[A-Za-z]{3}", text):
            value = parsedate_to_datetime(text)
            return value if value.tzinfo else value.replace(tzinfo=zone)
    except (ValueError, TypeError, OverflowError, KeyError):
        return None
    return None


def parse_month_day(text: str) -> tuple[int, int, int | None] | None:
    """'June 8' or 'Jan. 5, 2024' -> (month, day, year or None); None if not such a date."""
    text = " ".join(text.split())
    match = _MONTH_DAY.match(text)
    if match:
        month, day = match.group(1), match.group(2)
    else:
        match = _DAY_MONTH.match(text)
        if not match:
            return None
        day, month = match.group(1), match.group(2)
    year = int(match.group(3)) if match.group(3) else None
    return month_number(month), int(day), year


def year_from_path(path: str) -> tuple[int, str] | None:
    """A year from a YYYY folder (content/2021/…, content/2021/06/…) or a YYYY-MM-DD file name."""
    parts = path.split("/")
    for part in reversed(parts[:-1]):
        if _FOLDER_YEAR.match(part):
            return int(part), f"folder {part}/"
    match = _FILE_DATE.match(parts[-1])
    if match:
        return int(match.group(1)), f"file name {match.group(0)}"
    return None


def date_from_file_name(path: str, zone: ZoneInfo) -> datetime | None:
    """The date of a ``YYYY-MM-DD-slug.txt`` file name, if it has one and it is real."""
    match = _FILE_DATE.match(path.rsplit("/", 1)[-1])
    if not match:
        return None
    try:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)), tzinfo=zone)
    except ValueError:
        return None


def is_zone(name: str) -> bool:
    """Whether ``name`` is a zone of the IANA database (brief.yaml's and each agency's)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America", a folder
        return False
    return True
