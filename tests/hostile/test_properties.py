"""Properties over any input (hypothesis): the readers, the dateline parser and the normalizer
never let an exception other than BriefError escape, normalizing is idempotent, and the HTML
brief makes from any text is well formed."""

from __future__ import annotations

from dataclasses import replace

import html5lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.adding import to_text
from brief.errors import BriefError
from brief.model import SourceFile
from brief.news.dateline import dateline_alone, split_dateline
from brief.slugs import slugify
from brief.stages.normalize import _clean
from brief.stages.parse import decode, parse
from brief.yaml_loader import YamlError, load_yaml
from tests.stages.helpers import CONFIG, KNOWLEDGE, article, source

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=400)
# Text with the characters that matter to Markdown, HTML, YAML and datelines, often.
MARKUP = st.text(
    st.sampled_from(list("<>&\"'`*_[]()!#-=:/\\{}|~\n \t\x00\x07\u200b\u202eaZ1é北")),
    max_size=300,
)


def well_formed(fragment: str) -> None:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    parser.parseFragment(fragment)
    assert parser.errors == [], (fragment, parser.errors[:3])


@SETTINGS
@given(st.binary(max_size=1500))
def test_decoding_any_bytes_gives_text_or_a_brief_error(data: bytes) -> None:
    try:
        text, _ = decode(SourceFile("content/x.txt", data, ""))
    except BriefError as exc:
        assert exc.diagnostics[0].path == "content/x.txt"
        return
    assert "\r" not in text and "\x00" not in text


@SETTINGS
@given(st.one_of(st.binary(max_size=800), MARKUP.map(lambda t: ("---\n" + t).encode())))
def test_parsing_any_bytes_gives_a_document_or_a_brief_error(data: bytes) -> None:
    for path in ("content/2021/x.md", "content/2021/x.txt"):
        try:
            document = parse(source(path, data))
        except BriefError as exc:
            assert all(d.path == path and d.line for d in exc.diagnostics)
            continue
        assert isinstance(document.front_matter, dict)


@SETTINGS
@given(st.one_of(ANY_TEXT, MARKUP))
def test_any_yaml_text_gives_values_or_a_yaml_error_with_a_line(text: str) -> None:
    try:
        load_yaml(text, "x.yaml")
    except YamlError as exc:
        assert exc.diagnostic.path == "x.yaml" and exc.diagnostic.line


@SETTINGS
@given(
    st.one_of(
        ANY_TEXT,
        MARKUP,
        st.from_regex(
            r"[A-Z]{1,12}(, [A-Z][a-z]+ \d{1,2}\.)? /?\(?[A-Za-z]{2,8}\)?/?\.? ?-? ?.{0,40}",
            fullmatch=True,
        ),
    )
)
def test_the_dateline_parser_never_crashes_and_never_eats_the_story(text: str) -> None:
    found = split_dateline(text, KNOWLEDGE)
    if found is not None:
        dateline, rest = found
        assert text.startswith(dateline.text) and rest
    assert isinstance(dateline_alone(text, KNOWLEDGE), bool)


@SETTINGS
@given(st.one_of(ANY_TEXT, MARKUP))
def test_cleaning_text_is_idempotent(text: str) -> None:
    once = _clean(text)
    assert _clean(once) == once


@SETTINGS
@given(st.one_of(ANY_TEXT, MARKUP))
def test_slugs_are_idempotent_portable_and_short(text: str) -> None:
    slug = slugify(text)
    assert slugify(slug) == slug
    assert len(slug) <= 82 and all(c in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in slug)


@SETTINGS
@given(MARKUP, st.sampled_from(["x.md", "x.txt"]), st.booleans())
def test_any_body_gives_well_formed_html_or_a_brief_error(
    body: str, name: str, allow_raw_html: bool
) -> None:
    config = replace(CONFIG, allow_raw_html=allow_raw_html)
    try:
        result = article(f"content/2021/{name}", f"Title\n\n{body}\n", config)
    except BriefError:
        return
    well_formed(str(result.body_html))
    assert "<script" not in str(result.body_html).lower()


@SETTINGS
@given(MARKUP, MARKUP)
def test_normalizing_its_own_output_again_changes_nothing(title: str, body: str) -> None:
    path = "content/2021-06-09-x.txt"
    try:
        first = article(path, f"{title}\n\n{body}\n")
    except BriefError:
        return
    second = article(path, to_text(first))
    for field in ("title", "published", "dateline", "summary", "quotes", "slug", "word_count"):
        assert getattr(second, field) == getattr(first, field), field
    assert [p.text for p in second.paragraphs] == [p.text for p in first.paragraphs]
    assert [p.text for p in first.paragraphs] == [_clean(p.text) for p in first.paragraphs]
