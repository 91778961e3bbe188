"""brief inspect, brief check and brief add, as a user runs them."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from brief.adding import to_text
from tests.stages.helpers import article

SITE = """
-- topics.yaml --
- name: Arms control
  match: [arms control]
-- content/2021/a.txt --
Lavrov on arms control

MOSCOW, June 1. /TASS/. Russian Foreign Minister Sergey Lavrov spoke about arms control.

“We are ready for talks at any moment,” he said.

“This will not stand for long, whatever happens next,” a source told reporters.
-- content/2021/06/2021-06-03-b.txt --
No dateline here

Just a paragraph of text.
"""


def test_inspect_prints_fields_with_their_origin_quotes_mentions_and_evidence(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site(SITE)
    code, out, err = run("inspect", project / "content/2021/a.txt", "--root", project)
    assert code == 0, err
    assert "  title        Lavrov on arms control   (line 1)" in out
    assert (
        "  published    2021-06-01T00:00:00+00:00   (dateline 'June 1', year from folder 2021/)"
        in out
    )
    assert "  place        Moscow" in out
    assert "[1] Sergey Lavrov: “We are ready for talks at any moment”" in out
    assert "[2] (speaker unclear): “This will not stand for long, whatever happens next”" in out
    assert "Sergey Lavrov (person), seen as Lavrov, Sergey Lavrov" in out
    assert "Arms control: arms control ×2 (first on line 1)" in out


def test_inspect_json_is_machine_readable(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site(SITE)
    code, out, _ = run("inspect", "--json", project / "content/2021/a.txt", "--root", project)
    data = json.loads(out)
    assert code == 0
    assert data["dateline"] == {
        "text": "MOSCOW, June 1. /TASS/.",
        "place": "Moscow",
        "date": "June 1",
        "agency": "TASS",
    }
    assert data["quotes"][0]["speaker"] == "Sergey Lavrov"
    assert data["topics"][0]["evidence"] == [
        {"phrase": "arms control", "count": 2, "first_line": 1}
    ]


def test_inspect_of_a_broken_file_reports_file_and_line_and_exits_1(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site(SITE + "-- content/bad.txt --\nTitle\n\nWASHINGTON, June 8. /TASS/. No year.\n")
    code, _, err = run("inspect", project / "content/bad.txt", "--root", project)
    assert code == 1
    assert err.startswith("content/bad.txt:3: dateline: no year for 'June 8'")
    assert "Build failed" not in err


def test_check_lists_every_guess_writes_nothing_and_fails_only_under_strict(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site(SITE)
    code, out, _ = run("check", "--root", project)
    assert code == 0
    assert out.splitlines() == [
        "content/2021/06/2021-06-03-b.txt:1: warning: guess: date taken from the file name 2021-06-03",
        "content/2021/06/2021-06-03-b.txt:3: warning: guess: no dateline recognized "
        "(if the story has one, add its agency to agencies.yaml)",
        "content/2021/a.txt:3: warning: guess: year inferred: dateline 'June 1', year from folder 2021/ "
        "(add date: to be sure)",
        "content/2021/a.txt:7: warning: guess: quote without a clear speaker: "
        "“This will not stand for long, whatever happens next”",
        "Checked 2 articles: 0 errors, 0 warnings, 4 guesses.",
    ]
    assert not (project / "site").exists()
    code, _, _ = run("check", "--strict", "--root", project)
    assert code == 1


def test_check_reports_content_and_template_errors_with_exit_1(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site(SITE + "-- templates/topic.html --\n{{ index.nope }}\n-- content/empty.txt --\n")
    code, out, _ = run("check", "--root", project)
    assert code == 1
    assert "content/empty.txt:1: empty: the file is empty" in out
    (project / "content/empty.txt").unlink()
    code, out, _ = run("check", "--root", project)
    assert code == 1
    assert "templates/topic.html:1: template:" in out


def test_add_saves_a_clean_dispatch_under_year_and_month_and_never_overwrites(
    site: Callable[[str], Path],
    run: Callable[..., tuple[int, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = site(SITE)
    dispatch = project.parent / "paste.txt"
    dispatch.write_text(
        "Peskov comments\n\nThis article was originally published on this site, click here "
        "to view the original\n\nMOSCOW, May 5, 2021. /TASS/. Kremlin spokesman Dmitry Peskov "
        "commented.\n\nAdvertisement\n"
    )
    code, out, err = run("add", dispatch, "--root", project)
    assert code == 0, err
    saved = project / "content/2021/05/peskov-comments.txt"
    assert out == "Added content/2021/05/peskov-comments.txt: Peskov comments\n"
    text = saved.read_text()
    assert "originally published" not in text and "Advertisement" not in text
    assert 'date: "2021-05-05T00:00:00+00:00"' in text
    before = saved.read_bytes()
    code, _, err = run("add", dispatch, "--root", project)
    assert code == 1
    assert "content/2021/05/peskov-comments.txt: add: a file of that name exists already" in err
    assert saved.read_bytes() == before
    monkeypatch.setattr(
        sys,
        "stdin",
        io.TextIOWrapper(io.BytesIO(b"Second one\n\nMOSCOW, May 6, 2021. /TASS/. Text.\n")),
    )
    code, out, _ = run("add", "-", "--root", project)
    assert code == 0
    assert (project / "content/2021/05/second-one.txt").is_file()
    code, _, _ = run("build", "--root", project)
    assert code == 0


def test_add_guesses_a_missing_year_as_the_latest_date_not_after_today(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    from datetime import date

    project = site(SITE)
    dispatch = project.parent / "paste.txt"
    dispatch.write_text("A dispatch\n\nMOSCOW, January 1. /TASS/. Text.\n")
    code, out, err = run("add", dispatch, "--root", project)
    assert code == 0
    assert out.startswith(f"Added content/{date.today().year}/01/a-dispatch.txt")
    assert "paste.txt:3: warning: dateline: year" in err


def test_the_saved_text_normalizes_back_to_the_same_article() -> None:
    original = article(
        "content/2021/a.txt",
        "IN BRIEF: Talks — Lavrov\n\nMOSCOW, June 1. /TASS/. Foreign Minister "
        "Sergey Lavrov spoke.\n\n“We are ready to talk,” he said.\n\n(Reporting by A. B.; Editing by C. D.)\n",
    )
    again = article("content/2021/a.txt", to_text(original))
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
        assert getattr(again, field) == getattr(original, field), field
    assert [p.text for p in again.paragraphs] == [p.text for p in original.paragraphs]
