"""Properties over any input: normalization never crashes and reading its own output changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brief.adding import to_text
from brief.errors import BriefError
from brief.news.dateline import split_dateline
from tests.news.test_dateline import KNOWLEDGE
from tests.stages.helpers import article

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_give_an_article_or_a_brief_error_never_a_crash(data: bytes) -> None:
    for path in ("content/2021/x.txt", "content/2021/x.md"):
        try:
            article(path, data)
        except BriefError as exc:
            assert exc.diagnostics and all(d.path == path for d in exc.diagnostics)


@SETTINGS
@given(st.text(max_size=600))
def test_any_text_never_crashes_the_dateline_parser(text: str) -> None:
    found = split_dateline(text, KNOWLEDGE)
    if found is not None:
        dateline, rest = found
        assert text.startswith(dateline.text) and rest


WORDS = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=80
)
OPENINGS = st.sampled_from(
    [
        "MOSCOW, June 8. /TASS/.",
        "WASHINGTON (AP) —",
        "PARIS (AFP) -",
        "BEIJING, Jan. 5 (Xinhua) --",
        "KYIV/MOSCOW (Reuters) -",
        "Berlin (dpa) -",
        "(Bloomberg) --",
        "",
    ]
)


@st.composite
def dispatches(draw: st.DrawFn) -> str:
    title = draw(WORDS.filter(lambda t: t.strip() and not t.strip().startswith(("-", "#"))))
    paragraphs = draw(st.lists(WORDS.filter(str.strip), min_size=1, max_size=6))
    opening = draw(OPENINGS)
    quote = draw(
        st.sampled_from(
            ["", "“We are ready for talks now,” he said.", '"No comment at all," she said.']
        )
    )
    body = [f"{opening} {paragraphs[0]}".strip(), *paragraphs[1:]]
    if quote:
        body.append(quote)
    return "\n\n".join([title, *body]) + "\n"


@SETTINGS
@given(dispatches())
def test_normalizing_its_own_output_changes_nothing(text: str) -> None:
    try:
        first = article("content/2021-06-01-x.txt", text)
    except BriefError:
        return  # e.g. a generated title that is only punctuation: reported, not normalized
    second = article("content/2021-06-01-x.txt", to_text(first))
    for field in (
        "title",
        "kicker",
        "attribution",
        "published",
        "dateline",
        "source_name",
        "summary",
        "credits",
        "quotes",
        "mentions",
        "slug",
        "word_count",
    ):
        assert getattr(second, field) == getattr(first, field), field
    assert [p.text for p in second.paragraphs] == [p.text for p in first.paragraphs]
