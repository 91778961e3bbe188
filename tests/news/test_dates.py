"""Front-matter date forms, dateline month-day text, and years from paths."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from brief.news.dates import date_from_file_name, parse_date, parse_month_day, year_from_path

UTC = ZoneInfo("UTC")
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-06-08", datetime(2021, 6, 8, tzinfo=UTC)),
        ("8 June 2021", datetime(2021, 6, 8, tzinfo=UTC)),
        ("June 8, 2021", datetime(2021, 6, 8, tzinfo=UTC)),
        ("Jun 8 2021", datetime(2021, 6, 8, tzinfo=UTC)),
        (
            "2021-06-08T14:30:00+03:00",
            datetime(2021, 6, 8, 14, 30, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("2021-06-08 14:30", datetime(2021, 6, 8, 14, 30, tzinfo=UTC)),
        ("2021-06-08T11:30:00Z", datetime(2021, 6, 8, 11, 30, tzinfo=timezone.utc)),
        (
            "Tue, 08 Jun 2021 14:30:00 +0300",
            datetime(2021, 6, 8, 14, 30, tzinfo=timezone(timedelta(hours=3))),
        ),
    ],
)
def test_common_front_matter_date_forms_become_aware_datetimes(
    text: str, expected: datetime
) -> None:
    value = parse_date(text, UTC)
    assert value == expected
    assert value is not None and value.tzinfo is not None


def test_a_date_without_time_is_that_day_in_the_site_zone_never_the_day_before() -> None:
    value = parse_date("2024-03-10", MOSCOW)
    assert value is not None
    assert value.astimezone(MOSCOW).date().isoformat() == "2024-03-10"
    assert value.utcoffset() == timedelta(hours=3)


@pytest.mark.parametrize(
    "text", ["next Tuesday", "2024-13-01", "2024-02-30", "0", "31 Foo 2021", ""]
)
def test_unreadable_or_impossible_dates_give_none(text: str) -> None:
    assert parse_date(text, UTC) is None


def test_dateline_month_day_with_and_without_year() -> None:
    assert parse_month_day("June 8") == (6, 8, None)
    assert parse_month_day("Jan. 5") == (1, 5, None)
    assert parse_month_day("Sept. 30, 2020") == (9, 30, 2020)
    assert parse_month_day("Monday") is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("content/2021/a.txt", (2021, "folder 2021/")),
        ("content/2021/06/a.txt", (2021, "folder 2021/")),
        ("content/beat/2019/a.txt", (2019, "folder 2019/")),
        ("content/2021-06-08-nato.txt", (2021, "file name 2021-06-08")),
        ("content/nato.txt", None),
        ("content/12021/a.txt", None),
    ],
)
def test_year_comes_from_a_year_folder_or_a_dated_file_name(path: str, expected: object) -> None:
    assert year_from_path(path) == expected


def test_file_name_date_must_be_a_real_day() -> None:
    assert date_from_file_name("content/2021-06-08-x.txt", UTC) == datetime(2021, 6, 8, tzinfo=UTC)
    assert date_from_file_name("content/2021-02-30-x.txt", UTC) is None
