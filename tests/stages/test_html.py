"""Saved web pages: the article's text and metadata, then the same wire-copy rules as .txt."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from brief.errors import ContentError

from .helpers import article

PAGE = (Path(__file__).resolve().parent.parent / "fixtures" / "reuters-page.html").read_bytes()


def test_a_saved_page_gives_title_date_author_site_canonical_url_and_clean_text() -> None:
    a = article("content/2021/nato.html", PAGE)
    assert a.title == "NATO chief says talks with Russia possible"
    assert a.published.date().isoformat() == "2021-06-09"
    assert a.author == "Jane Reporter"
    assert a.source_name == "Example News"
    assert a.source_url == "https://example.org/world/nato-talks"
    assert a.dateline is not None and (a.dateline.place, a.dateline.agency) == (
        "Brussels",
        "Reuters",
    )
    assert a.paragraphs[0].text.startswith(
        "NATO Secretary General Jens Stoltenberg said on Wednesday"
    )
    assert all("Advertisement" not in p.text and "Privacy" not in p.text for p in a.paragraphs)
    assert a.credits == ("Reporting by Robin Emmott", "Editing by Alex Richardson")
    assert [(q.speaker, q.paragraph) for q in a.quotes] == [("Jens Stoltenberg", 1)]


def test_a_page_without_article_text_is_an_error_saying_what_to_do() -> None:
    with pytest.raises(ContentError) as caught:
        article("content/2021/empty.html", b"<html><body><nav>Home</nav></body></html>")
    assert caught.value.diagnostics[0].format() == (
        "content/2021/empty.html: html: no article text found in the page "
        "(save the article's own page, or paste its text into a .txt)"
    )


def test_without_the_html_extra_a_page_is_skipped_with_a_message_saying_how_to_install_it(
    site: Callable[[str], Path],
    run: Callable[..., tuple[int, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = site("-- content/2021/a.txt --\nTitle\n\nMOSCOW, June 1. /TASS/. Body.\n")
    (project / "content/2021/page.html").write_bytes(PAGE)
    monkeypatch.setitem(
        sys.modules, "trafilatura", None
    )  # what Python does when it is not installed
    code, out, err = run("build", "--root", project)
    assert code == 0
    assert (
        "content/2021/page.html: warning: html: saved web pages need the html extra; this file was "
        "skipped (pip install 'brief[html]')" in err
    )
    assert out.startswith("Built 1 article,")
