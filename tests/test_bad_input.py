"""Content files a user really saves: wrong encodings, broken front matter, odd files.

Each problem names the file and the line, exits 1 without a traceback, and leaves the site
built before it byte for byte as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import snapshot

Site = Callable[[str], Path]
Run = Callable[..., tuple[int, str, str]]

GOOD = """
-- brief.yaml --
title: Test
-- content/2021/a.txt --
Title here

WASHINGTON, June 8. /TASS/. Body text.
"""
DISPATCH = "Title here\n\nWASHINGTON, June 8. /TASS/. Body text.\n\nA second paragraph.\n"


def built(site: Site, run: Run, spec: str = GOOD) -> tuple[Path, dict[str, bytes]]:
    """A project with a good site built into site/, and a snapshot of that site."""
    project = site(spec)
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    before = snapshot(project / "site")
    assert "index.html" in before
    return project, before


def failed_build(
    project: Path, before: dict[str, bytes], run: Run, errors: int, warnings: int = 0
) -> list[str]:
    """Rebuild; assert exit 1, no traceback, the closing line, and site/ unchanged."""
    code, out, err = run("build", "--root", project)
    assert code == 1, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[-1] == (
        f"Build failed: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}; site/ was left as it was."
    )
    after = snapshot(project / "site")
    assert after["index.html"] == before["index.html"]
    assert sorted(after) == sorted(before)
    assert after == before
    return lines[:-1]


def put(project: Path, name: str, data: str | bytes) -> None:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def body_of(page: str) -> str:
    match = re.search(r'<div class="body">(.*?)</div>', page, re.S)
    assert match, page
    return match.group(1)


# empty and near-empty files


@pytest.mark.parametrize("data", [b"", b"\n\n", b"   \n\t\n"])
def test_an_empty_file_is_an_error_on_line_1(site: Site, run: Run, data: bytes) -> None:
    project, before = built(site, run)
    put(project, "content/2021/empty.txt", data)
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/empty.txt:1: empty: the file is empty "
        "(write a title line, a blank line, then the story)"
    ]


def test_a_file_with_only_a_title_has_no_body_text(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/title-only.txt", "Just a title\n")
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/title-only.txt:1: empty: the article has no body text "
        "(add the story's paragraphs under the title)"
    ]


def test_a_markdown_file_with_only_front_matter_has_no_body_text(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.md", "---\ntitle: Only a title\ndate: 2021-06-01\n---\n\n")
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/b.md:5: empty: the article has no body text "
        "(add the story's paragraphs under the title)"
    ]


# encodings


def test_invalid_utf8_reports_the_line_and_the_byte_offset(site: Site, run: Run) -> None:
    project, before = built(site, run)
    data = b"Title\n\nWASHINGTON, June 8. /TASS/. caf\xe9 text\n"
    put(project, "content/2021/latin1.txt", data)
    assert data.index(b"\xe9") == 38
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/latin1.txt:3: encoding: invalid UTF-8 byte 0xe9 at byte offset 38 "
        "(re-save the file as UTF-8)"
    ]


@pytest.mark.parametrize("end", [b"\r\n", b"\r"], ids=["crlf", "cr"])
def test_invalid_utf8_counts_lines_as_the_rest_of_brief_does_whatever_the_line_ends(
    site: Site, run: Run, end: bytes
) -> None:
    """brief reads CRLF and CR-only files (see the BOM/CRLF test); their lines count too."""
    project, before = built(site, run)
    data = end.join([b"Title", b"", b"WASHINGTON, June 8. /TASS/. caf\xe9 text", b""])
    put(project, "content/2021/latin1.txt", data)
    offset = data.index(b"\xe9")
    assert failed_build(project, before, run, errors=1) == [
        f"content/2021/latin1.txt:3: encoding: invalid UTF-8 byte 0xe9 at byte offset {offset} "
        "(re-save the file as UTF-8)"
    ]


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_utf16_with_a_bom_asks_to_resave_as_utf8(site: Site, run: Run, bom: bytes) -> None:
    project, before = built(site, run)
    codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
    put(project, "content/2021/utf16.txt", bom + DISPATCH.encode(codec))
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/utf16.txt:1: encoding: the file is UTF-16 (re-save it as UTF-8)"
    ]


@pytest.mark.parametrize(
    "variant",
    [
        b"\xef\xbb\xbf" + DISPATCH.encode(),
        DISPATCH.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + DISPATCH.replace("\n", "\r\n").encode(),
        DISPATCH.replace("\n", "\r").encode(),
    ],
    ids=["bom", "crlf", "bom-crlf", "cr"],
)
def test_a_utf8_bom_and_crlf_line_ends_give_the_same_article_page(
    site: Site, run: Run, variant: bytes
) -> None:
    project = site(GOOD)
    put(project, "content/2021/a.txt", DISPATCH)
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    page = project / "site/articles/title-here/index.html"
    plain = page.read_text(encoding="utf-8")

    put(project, "content/2021/a.txt", variant)
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert err == ""
    assert "Traceback" not in err
    assert out.startswith("Built 1 article,")
    again = page.read_text(encoding="utf-8")
    assert (
        body_of(again) == body_of(plain) == "\n<p>Body text.</p>\n<p>A second paragraph.</p>\n\n  "
    )
    assert "<h1>Title here</h1>" in again
    assert "\ufeff" not in again
    assert "\r" not in again
    assert again == plain


def test_a_nul_byte_in_the_body_is_replaced_and_warned_about(site: Site, run: Run) -> None:
    project = site(GOOD)
    put(
        project, "content/2021/a.txt", b"Title here\n\nWASHINGTON, June 8. /TASS/. Body\x00 text.\n"
    )
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert "Traceback" not in err
    assert err.splitlines() == [
        "content/2021/a.txt:3: warning: encoding: NUL bytes replaced with U+FFFD"
    ]
    assert ", 1 warning in " in out
    page = (project / "site/articles/title-here/index.html").read_text(encoding="utf-8")
    assert "Body\ufffd text." in page
    assert "\x00" not in page


# front matter


def test_front_matter_that_is_never_closed_is_an_error_on_line_1(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.md", "---\ntitle: Never closed\ndate: 2021-06-01\n\nBody.\n")
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/b.md:1: front-matter: front matter is never closed "
        "(end it with a line of three dashes: ---)"
    ]


def test_invalid_yaml_in_front_matter_names_its_line_in_the_file(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.md", "---\ndate: 2021-06-01\ntitle: Talks: a: b\n---\nBody.\n")
    [line] = failed_build(project, before, run, errors=1)
    assert line.startswith("content/2021/b.md:3:")
    assert ": yaml: mapping values are not allowed here" in line


def test_a_duplicate_front_matter_key_names_both_lines(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.md", "---\ntitle: One\ndate: 2021-06-01\ntitle: Two\n---\nBody.\n")
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/b.md:4: yaml: duplicate key 'title' (it was already set on line 2)"
    ]


def test_front_matter_that_is_a_list_is_an_error_on_line_2(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.md", "---\n- title: A list\n- date: 2021-06-01\n---\nBody.\n")
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/b.md:2: front-matter: front matter must be a mapping of keys to values "
        "(write it as key: value lines)"
    ]


def test_front_matter_in_a_txt_file_is_read_too(site: Site, run: Run) -> None:
    project = site(GOOD)
    put(
        project,
        "content/2021/b.txt",
        "---\ntitle: From front matter\ndate: 2021-06-03\n---\nBody.\n",
    )
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    assert (project / "site/articles/from-front-matter/index.html").is_file()


def test_a_draft_flag_that_is_not_true_or_false_names_its_line(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.md", "---\ntitle: B\ndate: 2021-06-01\ndraft: maybe\n---\nBody.\n")
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/b.md:4: front-matter: draft must be true or false"
    ]


# dates


def test_an_unparseable_date_names_the_dates_line(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(
        project,
        "content/2021/b.md",
        "---\ntitle: Bad date\nsource: TASS\ndate: next Tuesday\n---\nBody.\n",
    )
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/b.md:4: date: cannot read the date 'next Tuesday' "
        "(write it as 2021-06-08, 8 June 2021 or 2021-06-08T14:30:00+03:00)"
    ]


@pytest.mark.parametrize(
    "value", ["2024-13-01", "2021-02-30", "31 June 2021", "2021-06-08T25:00:00"]
)
def test_an_impossible_date_names_the_dates_line(site: Site, run: Run, value: str) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.md", f"---\ntitle: Impossible\ndate: {value}\n---\nBody.\n")
    assert failed_build(project, before, run, errors=1) == [
        f"content/2021/b.md:3: date: cannot read the date {value!r} "
        "(write it as 2021-06-08, 8 June 2021 or 2021-06-08T14:30:00+03:00)"
    ]


def test_an_impossible_dateline_date_names_the_dateline(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.txt", "Impossible\n\nWASHINGTON, February 30. /TASS/. Body.\n")
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/b.txt:3: dateline: 'February 30' 2021 is not a real date "
        "(add date: to the front matter)"
    ]


def test_a_dateline_without_a_year_and_no_year_folder_points_to_the_year_folder(
    site: Site, run: Run
) -> None:
    project, before = built(site, run)
    put(
        project,
        "content/nato.txt",
        "NATO chief in Washington\n\nWASHINGTON, June 8. /TASS/. No year anywhere.\n",
    )
    assert failed_build(project, before, run, errors=1) == [
        "content/nato.txt:3: dateline: no year for 'June 8' (put the file under a year folder "
        "such as content/2021/, or add date: to its front matter)"
    ]


def test_the_dateline_line_is_right_when_the_title_names_the_same_place(
    site: Site, run: Run
) -> None:
    project, before = built(site, run)
    put(
        project,
        "content/nato.txt",
        "Talks in Moscow, Kremlin says\n\nMoscow, June 8. /TASS/. No year anywhere.\n",
    )
    [line] = failed_build(project, before, run, errors=1)
    assert line.startswith("content/nato.txt:3: dateline: no year for 'June 8'")


def test_a_file_name_date_gives_the_year_of_a_dateline_without_one(site: Site, run: Run) -> None:
    project = site(GOOD)
    put(project, "content/2021-06-08-nato.txt", "NATO story\n\nWASHINGTON, June 8. /TASS/. Body.\n")
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    page = (project / "site/articles/nato-story/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2021-06-08T00:00:00+00:00">' in page


def test_no_date_anywhere_is_an_error_on_line_1(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.txt", "Undated\n\nJust a paragraph without a dateline.\n")
    [line] = failed_build(project, before, run, errors=1)
    assert line.startswith("content/2021/b.txt:1: date: no publication date (")


# several files


def test_two_files_with_the_same_title_are_a_duplicate_slug_naming_both(
    site: Site, run: Run
) -> None:
    project, before = built(site, run)
    put(project, "content/2021/b.txt", "Title here\n\nMOSCOW, June 9. /TASS/. Another story.\n")
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/b.txt:1: slug: slug 'title-here' is also used by content/2021/a.txt "
        "(give one of them another title or a slug: in front matter)"
    ]


def test_a_front_matter_slug_clash_names_both_files(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(
        project,
        "content/2021/b.md",
        "---\ntitle: Other\ndate: 2021-06-02\nslug: title-here\n---\nBody.\n",
    )
    [line] = failed_build(project, before, run, errors=1)
    assert line.startswith("content/2021/")
    assert "slug: slug 'title-here' is also used by content/2021/" in line
    assert "a.txt" in line
    assert "b.md" in line


def test_several_broken_files_are_all_reported_in_one_run(site: Site, run: Run) -> None:
    project, before = built(site, run)
    put(project, "content/2021/empty.txt", b"")
    put(project, "content/2021/latin1.txt", b"Title\n\nWASHINGTON, June 8. /TASS/. caf\xe9\n")
    put(project, "content/2021/unclosed.md", "---\ntitle: x\n")
    put(project, "content/2021/bad-date.md", "---\ntitle: Bad\ndate: someday\n---\nBody.\n")
    put(project, "content/no-year.txt", "No year\n\nWASHINGTON, June 8. /TASS/. Text.\n")
    put(project, "content/2021/utf16.txt", b"\xff\xfe" + "Title".encode("utf-16-le"))
    lines = failed_build(project, before, run, errors=6)
    assert [line.split(": ")[0] for line in lines] == [
        "content/2021/bad-date.md:3",
        "content/2021/empty.txt:1",
        "content/2021/latin1.txt:3",
        "content/2021/unclosed.md:1",
        "content/2021/utf16.txt:1",
        "content/no-year.txt:3",
    ]


# files that are not articles


def test_an_unsupported_file_type_is_warned_about_and_skipped(site: Site, run: Run) -> None:
    project = site(GOOD)
    put(project, "content/2021/notes.docx", b"PK\x03\x04 not really a document")
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert "Traceback" not in err
    assert err.splitlines() == [
        "content/2021/notes.docx: warning: skipped: unsupported file type '.docx' "
        "(brief reads .txt, .md and .html files)"
    ]
    assert out.startswith("Built 1 article,")
    assert ", 1 warning in " in out


@pytest.mark.parametrize(
    "name",
    [
        ".hidden.txt",
        "a.txt.swp",
        "a.txt~",
        ".#a.txt",
        "#a.txt#",
        "~$draft.txt",
        "b.txt.tmp",
        ".git/HEAD.txt",
        ".obsidian/notes.md",
    ],
)
def test_hidden_files_and_editor_droppings_are_silently_ignored(
    site: Site, run: Run, name: str
) -> None:
    project = site(GOOD)
    put(project, f"content/2021/{name}", b"\xff\xfe broken \x00 and not an article")
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert err == ""
    assert out.startswith("Built 1 article,")
    assert ", 0 warnings in " in out


def test_a_symlink_to_a_file_outside_the_project_is_refused(
    site: Site, run: Run, tmp_path: Path
) -> None:
    project, before = built(site, run)
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\n\nWASHINGTON, June 8. /TASS/. Private.\n", encoding="utf-8")
    (project / "content/2021/link.txt").symlink_to(secret)
    assert failed_build(project, before, run, errors=1) == [
        "content/2021/link.txt: symlink: links to a file outside the project "
        "(copy the file into content/ instead)"
    ]
    assert secret.read_text(encoding="utf-8").startswith("Secret")


def test_a_symlink_to_a_file_inside_the_project_is_read(site: Site, run: Run) -> None:
    project = site(GOOD)
    put(project, "drafts/b.txt", "Linked story\n\nMOSCOW, June 9. /TASS/. Text.\n")
    (project / "content/2021/b.txt").symlink_to(project / "drafts/b.txt")
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    assert (project / "site/articles/linked-story/index.html").is_file()


def test_a_missing_content_folder_is_an_error(site: Site, run: Run) -> None:
    project = site("-- brief.yaml --\ntitle: Test\n")
    code, out, err = run("build", "--root", project)
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines()[0] == (
        "content: content: the content folder does not exist (create content/ and put articles in it)"
    )
    assert not (project / "site").exists()
