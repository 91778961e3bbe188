"""normalize: Document -> Article, tested with values."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import Markup

from brief.errors import ContentError
from brief.stages.normalize import _CONTROL, _clean

from .helpers import CONFIG, article

UTC = ZoneInfo("UTC")
WIRE = "Title of the story\n\nWASHINGTON, June 8. /TASS/. The lede sentence. More text.\n\nSecond paragraph.\n"


def errors_of(path: str, text: str) -> list[str]:
    with pytest.raises(ContentError) as caught:
        article(path, text)
    return [d.format() for d in caught.value.diagnostics]


def test_wire_copy_title_is_the_first_line_and_the_dateline_is_removed_from_the_body() -> None:
    a = article("content/2021/a.txt", WIRE)
    assert a.title == "Title of the story"
    assert a.dateline is not None and a.dateline.place == "Washington"
    assert a.agency == "TASS"
    assert [p.text for p in a.paragraphs] == ["The lede sentence. More text.", "Second paragraph."]
    assert [p.line for p in a.paragraphs] == [3, 5]
    assert "WASHINGTON" not in a.body_html


def test_plain_text_keeps_no_html_of_its_own_and_gives_its_paragraphs_escaped() -> None:
    # Kept, the HTML doubled every article that workers hand back and the cache holds.
    a = article("content/2021/a.txt", WIRE.replace("Second paragraph.", "Tom & <Jerry>."))
    assert a.markup is None
    assert a.body_html == "<p>The lede sentence. More text.</p>\n<p>Tom &amp; &lt;Jerry&gt;.</p>\n"
    assert isinstance(a.body_html, Markup)  # templates print it as it is


def test_tass_dateline_without_year_takes_year_from_folder() -> None:
    a = article("content/2021/a.txt", WIRE)
    assert a.published == datetime(2021, 6, 8, tzinfo=UTC)
    assert a.origin("published") == "dateline 'June 8', year from folder 2021/"


def test_year_folder_with_month_folder_below_it_gives_the_year() -> None:
    assert article("content/2020/06/a.txt", WIRE).published.year == 2020


def test_dateline_year_comes_from_a_dated_file_name_when_there_is_no_year_folder() -> None:
    a = article("content/2019-06-01-a.txt", WIRE)
    assert a.published == datetime(2019, 6, 8, tzinfo=UTC)
    assert "file name 2019-06-01" in a.origin("published")


def test_front_matter_date_wins_over_dateline_and_folder() -> None:
    a = article("content/2021/a.txt", "---\ndate: 2022-01-02\n---\n" + WIRE)
    assert a.published == datetime(2022, 1, 2, tzinfo=UTC)
    assert a.origin("published") == "front matter"


def test_dateline_without_a_year_anywhere_is_an_error_saying_how_to_fix_it() -> None:
    [message] = errors_of("content/a.txt", WIRE)
    assert message.startswith("content/a.txt:3: dateline: no year for 'June 8'")
    assert "content/2021/" in message and "date:" in message


def test_no_date_at_all_is_an_error_with_the_three_fixes() -> None:
    [message] = errors_of("content/a.txt", "A title\n\nJust a body.\n")
    assert message.startswith("content/a.txt:1: date: no publication date")
    assert "date: 2021-06-08" in message and "2021-06-08-title.txt" in message


def test_a_file_name_date_dates_an_article_without_dateline() -> None:
    a = article("content/2020-02-29-leap.txt", "A title\n\nJust a body.\n")
    assert a.published == datetime(2020, 2, 29, tzinfo=UTC)


def test_an_impossible_dateline_day_is_an_error() -> None:
    text = "T\n\nMOSCOW, February 30. /TASS/. Body.\n"
    [message] = errors_of("content/2021/a.txt", text)
    assert message.startswith(
        "content/2021/a.txt:3: dateline: 'February 30' 2021 is not a real date"
    )


def test_dates_are_in_the_site_timezone() -> None:
    moscow = replace(CONFIG, timezone="Europe/Moscow")
    a = article("content/2021/a.txt", WIRE, moscow)
    assert a.published.isoformat() == "2021-06-08T00:00:00+03:00"


def test_originally_published_boilerplate_is_removed_and_recorded() -> None:
    text = (
        "Title\n\nThis article was originally published on this site, click here to view "
        "the original\n\nMOSCOW, June 1. /TASS/. Body.\n"
    )
    a = article("content/2021/a.txt", text)
    assert [p.text for p in a.paragraphs] == ["Body."]
    assert "originally published" not in a.body_html
    assert a.origin("body") == "line 3 removed by rule boilerplate/originally-published"


def test_text_is_nfc_with_single_spaces_and_no_invisible_characters() -> None:
    text = "Cafe\u0301   talks\u200b\n\nMOSCOW, June 1. /TASS/. A   long\nwrapped\tline.\n"
    a = article("content/2021/a.txt", text)
    assert a.title == "Caf\u00e9 talks"
    assert a.paragraphs[0].text == "A long wrapped line."


def test_summary_is_the_lede_sentence_unless_given() -> None:
    assert article("content/2021/a.txt", WIRE).summary == "The lede sentence."
    given = article("content/2021/a.txt", "---\nsummary: Given.\n---\n" + WIRE)
    assert given.summary == "Given."


def test_word_count_and_reading_time() -> None:
    body = " ".join(["word"] * 460)
    a = article("content/2021/a.txt", f"T\n\nMOSCOW, June 1. /TASS/. {body}\n")
    assert a.word_count == 460
    assert a.reading_minutes == 2


def test_slug_is_ascii_from_the_title_and_front_matter_slug_is_cleaned_with_a_warning() -> None:
    a = article(
        "content/2021/a.txt",
        "Zakharova: Moscow “ready” to talk — déjà vu\n\nMOSCOW, June 1. /TASS/. B.\n",
    )
    assert a.slug == "zakharova-moscow-ready-to-talk-deja-vu"
    b = article("content/2021/a.txt", "---\nslug: ../../etc/Passwd\n---\n" + WIRE)
    assert b.slug == "etc-passwd"
    assert any("slug" in w.format() and ":2:" in w.format() for w in b.warnings)


def test_a_title_without_letters_gets_its_slug_from_the_file_name() -> None:
    a = article("content/2021/nato-talks.txt", "!!!\n\nMOSCOW, June 1. /TASS/. Body.\n")
    assert a.slug == "nato-talks"


def test_markdown_title_from_heading_and_raw_html_shown_as_text() -> None:
    text = (
        "---\ndate: 2021-06-08\n---\n# The heading\n\nHello <script>alert(1)</script> **bold**.\n"
    )
    a = article("content/a.md", text)
    assert a.title == "The heading"
    assert "<script>" not in a.body_html
    assert "&lt;script&gt;" in a.body_html
    assert "<strong>bold</strong>" in a.body_html
    assert a.paragraphs[0].line == 6


@pytest.mark.parametrize("raw", [False, True], ids=["escaped", "raw-html-allowed"])
def test_a_fenced_block_keeps_its_language_class_and_no_other_class(raw: bool) -> None:
    # The sanitizer that cleans allowed raw HTML dropped every class, the language too.
    text = (
        "---\ndate: 2021-06-08\ntitle: T\n---\n```python\nprint(1)\n```\n\n"
        '<code class="language-js evil" onclick="x()">y</code>\n'
    )
    a = article("content/a.md", text, replace(CONFIG, allow_raw_html=raw))
    assert '<code class="language-python">' in a.body_html
    if raw:
        assert '<code class="language-js">y</code>' in a.body_html
        assert "evil" not in a.body_html and "onclick" not in a.body_html


def test_markdown_without_title_is_an_error() -> None:
    [message] = errors_of("content/a.md", "---\ndate: 2021-06-08\n---\nNo heading here.\n")
    assert message.startswith("content/a.md:4: title: no title")


def test_markdown_javascript_links_are_not_links() -> None:
    a = article("content/a.md", "---\ndate: 2021-06-08\ntitle: T\n---\n[x](javascript:alert(1))\n")
    assert "javascript:" not in a.body_html.replace("[x](javascript:alert(1))", "")


def test_wire_text_is_escaped_in_the_body() -> None:
    a = article("content/2021/a.txt", "T\n\nMOSCOW, June 1. /TASS/. <b onmouseover=x>hi</b> & co\n")
    assert "<b" not in a.body_html
    assert "&lt;b onmouseover=x&gt;" in a.body_html and "&amp; co" in a.body_html


def test_front_matter_field_types_are_checked_with_their_lines() -> None:
    text = "---\ntitle: [a, b]\ndraft: maybe\ntopics: {a: 1}\n---\nBody\n"
    messages = errors_of("content/2021-01-01-a.txt", text)
    assert any(m.startswith("content/2021-01-01-a.txt:2: front-matter: title") for m in messages)
    assert any(m.startswith("content/2021-01-01-a.txt:3: front-matter: draft") for m in messages)
    assert any(m.startswith("content/2021-01-01-a.txt:4: front-matter: topics") for m in messages)


def test_yaml_one_one_words_stay_text_in_front_matter() -> None:
    a = article("content/2021/a.txt", "---\ntitle: NO\nsummary: 10:00\n---\n" + WIRE)
    assert a.title == "NO"
    assert a.summary == "10:00"


def test_a_source_url_that_is_not_http_is_dropped_with_a_warning() -> None:
    a = article("content/2021/a.txt", "---\nsource_url: javascript:alert(1)\n---\n" + WIRE)
    assert a.source_url == ""
    assert any(":2:" in w.format() and "source_url" in w.format() for w in a.warnings)


def test_dateline_after_a_standfirst_paragraph() -> None:
    text = "Title\n\nA short standfirst.\n\nMOSCOW, June 1. /TASS/. Body.\n"
    a = article("content/2021/a.txt", text)
    assert a.dateline is not None and a.dateline.place == "Moscow"
    assert [p.text for p in a.paragraphs] == ["A short standfirst.", "Body."]


def test_markdown_summary_skips_headings_and_body_headings_go_one_level_down() -> None:
    text = "---\ntitle: T\ndate: 2021-06-08\n---\n## Background\n\nThe real lede. More.\n"
    a = article("content/a.md", text)
    assert a.summary == "The real lede."
    assert "<h3>Background</h3>" in a.body_html
    assert "<h1>" not in a.body_html


def test_a_markdown_heading_repeating_the_front_matter_title_is_dropped() -> None:
    text = "---\ntitle: Same Title\ndate: 2021-06-08\n---\n# Same title\n\nBody.\n"
    a = article("content/a.md", text)
    assert "Same title" not in a.body_html
    assert a.summary == "Body."


def test_reference_date_is_the_last_resort_for_a_dateline_year_with_a_warning() -> None:
    config = replace(CONFIG, reference_date="2022-03-01")
    june = article("content/a.txt", WIRE, config)
    assert june.published == datetime(2021, 6, 8, tzinfo=UTC)  # June 8 2022 would be after it
    assert june.origin("published") == "dateline 'June 8', year from reference_date 2022-03-01"
    assert [w.format() for w in june.warnings] == [
        "content/a.txt:3: warning: dateline: year 2021 guessed: the latest such date not "
        "after 2022-03-01 (put the file under a year folder or add date: to be sure)"
    ]
    jan = article("content/a.txt", WIRE.replace("June 8", "January 5"), config)
    assert jan.published == datetime(2022, 1, 5, tzinfo=UTC)
    assert article("content/2019/a.txt", WIRE, config).published.year == 2019  # folder first


@given(
    st.lists(
        st.sampled_from(
            [
                *("a", "B", "é", "e\u0301", " ", "  ", "\n", "\t", "\x0b", "\x1c", "\xa0", "\x00"),
                *(
                    "\x7f",
                    "\u200b",
                    "\u202e",
                    "\ufeff",
                    "\u2000",
                    "\u2028",
                    "\u3000",
                    "\u202f",
                    ".",
                ),
            ]
        ),
        max_size=12,
    ).map("".join)
)
@example("a  a")
@example(" a\u200b")
@example("e\u0301 ")
def test_clean_text_is_nfc_without_control_characters_and_with_single_spaces(text: str) -> None:
    # _clean hands back a paragraph that is already clean as it is; held to the full passes.
    expected = " ".join(_CONTROL.sub("", unicodedata.normalize("NFC", text)).split())
    assert _clean(text) == expected
