"""Paths: slugs that try to leave site/, names Windows refuses, titles that collide, links
out of content/ and in circles, files that cannot be read or vanish mid-build."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import brief.stages.discover as discover_module
from tests.hostile.conftest import Built


def quoted(text: str) -> str:
    """A YAML single-quoted scalar: backslashes are plain characters there."""
    return "'" + text.replace("'", "''") + "'"


def article(title: str, slug: str | None = None) -> str:
    lines = [f"title: {quoted(title)}", "date: 2021-06-09"]
    if slug is not None:
        lines.append(f"slug: {quoted(slug)}")
    return "---\n" + "\n".join(lines) + "\n---\nBody.\n"


def written(built: Built) -> list[str]:
    """Every file in site/, checked to be a real file inside it."""
    site = (built.root / "site").resolve()
    files = []
    for path in sorted(site.rglob("*")):
        assert site in path.resolve().parents
        assert not path.is_symlink()
        files.append(path.relative_to(site).as_posix())
    return files


@pytest.mark.parametrize(
    ("slug", "made"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("..", ""),
        ("/etc/passwd", "etc-passwd"),
        ("/", ""),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("\\\\server\\share", "server-share"),
        ("a%2F..%2Fb", "a-2f-2fb"),
        ("a?b#c", "a-b-c"),
        ("~root", "root"),
        ("index", "index-1"),
        ("static", "static-1"),
    ],
)
def test_a_slug_that_tries_to_leave_the_output_folder_is_made_safe(
    built: Built, slug: str, made: str
) -> None:
    built.put("content/2021/x.md", article("Path trick", slug))
    err = built.passes()
    final = made or "path-trick"
    assert f"articles/{final}/index.html" in written(built)
    assert f"content/2021/x.md:4: warning: slug: slug {slug!r} was changed to {made!r}" in err
    assert not (built.root / "etc").exists()


@pytest.mark.parametrize("name", ["CON", "prn", "Aux", "NUL", "com1", "LPT9", "con.txt"])
def test_windows_reserved_names_are_suffixed(built: Built, name: str) -> None:
    built.put("content/2021/x.md", article(name))
    built.passes()
    slug = name.lower().replace(".", "-")
    expected = f"{slug}-1" if "." not in name else slug
    assert f"articles/{expected}/index.html" in written(built)


def test_a_title_ending_in_dots_and_spaces_gives_a_portable_slug(built: Built) -> None:
    built.put("content/2021/x.md", article("Trailing dots... "))
    built.passes()
    assert "articles/trailing-dots/index.html" in written(built)


@pytest.mark.parametrize(
    ("first", "second", "slug"),
    [
        ("Budget talks", "BUDGET TALKS", "budget-talks"),
        ("Café talks", "Cafe talks", "cafe-talks"),
        ("Überblick", "Uberblick", "uberblick"),
        ("Straße", "Strasse", "strasse"),
        ("Talks: day 1", "Talks — day 1!", "talks-day-1"),
    ],
)
def test_titles_that_differ_only_in_case_accents_or_punctuation_clash_by_name(
    built: Built, first: str, second: str, slug: str
) -> None:
    built.put("content/2021/a.md", article(first))
    built.put("content/2021/b.md", article(second))
    built.fails(
        f"content/2021/b.md:2: slug: slug {slug!r} is also used by content/2021/a.md "
        "(give one of them another title or a slug: in front matter)"
    )


def test_a_symlink_to_a_file_outside_the_project_is_refused(built: Built, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\n\nMOSCOW, June 9. /TASS/. TOP-SECRET-CONTENT.\n")
    os.symlink(secret, built.root / "content/2021/leak.txt")
    built.fails(
        "content/2021/leak.txt: symlink: links to a file outside the project "
        "(copy the file into content/ instead)"
    )


def test_a_symlinked_folder_out_of_content_is_not_followed(built: Built, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.txt").write_text("Leak\n\nMOSCOW, June 9. /TASS/. TOP-SECRET-CONTENT.\n")
    os.symlink(outside, built.root / "content/outside")
    built.passes()
    assert all(b"TOP-SECRET" not in data for data in _site_bytes(built))


def test_a_symlink_loop_of_files_is_an_error_not_a_crash(built: Built) -> None:
    os.symlink("b.txt", built.root / "content/2021/a.txt")
    os.symlink("a.txt", built.root / "content/2021/b.txt")
    built.fails(
        "content/2021/a.txt: symlink: the symbolic link loops (remove the link)",
        "content/2021/b.txt: symlink: the symbolic link loops (remove the link)",
    )


def test_a_folder_linking_to_its_parent_ends_and_reads_each_file_once(built: Built) -> None:
    os.symlink("..", built.root / "content/2021/up")
    os.symlink(".", built.root / "content/here")
    built.passes()
    assert written(built).count("articles/good-title/index.html") == 1


def test_a_dangling_symlink_is_an_error_naming_it(built: Built) -> None:
    os.symlink("/nonexistent/file.txt", built.root / "content/2021/gone.txt")
    built.fails(  # not "links to a file outside the project": it links to nothing
        "content/2021/gone.txt: symlink: the symbolic link leads nowhere: what it names is "
        "missing (remove the link, or put back what it named)"
    )


def test_a_symlink_inside_the_project_is_read(built: Built) -> None:
    built.put("drafts/story.txt", "Linked story\n\nMOSCOW, June 9. /TASS/. Linked text.\n")
    os.symlink(built.root / "drafts/story.txt", built.root / "content/2021/story.txt")
    built.passes()
    assert "Linked text." in built.page("articles/linked-story/index.html")


def test_an_unreadable_file_is_an_error_naming_it(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = built.put("content/2021/locked.txt", "Locked\n\nMOSCOW, June 9. /TASS/. Text.\n")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
        real_open = os.open

        def locked_open(path: str, *args: Any, **kwargs: Any) -> Any:
            if os.path.basename(path) == "locked.txt":
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        # discover reads through os.open; only the locked file is refused
        monkeypatch.setattr(discover_module.os, "open", locked_open)
    built.fails(
        "content/2021/locked.txt: read: cannot read: Permission denied "
        "(check the file's permissions)"
    )


def test_a_file_deleted_while_the_build_runs_is_skipped_with_a_warning(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    built.put("content/2021/brief.txt", "Fleeting\n\nMOSCOW, June 9. /TASS/. Text.\n")
    walk = discover_module._walk

    def walk_then_delete(folder: Path) -> list[Path]:
        found = walk(folder)
        (built.root / "content/2021/brief.txt").unlink()  # gone between listing and reading
        return found

    monkeypatch.setattr(discover_module, "_walk", walk_then_delete)
    built.passes(
        "content/2021/brief.txt: warning: read: the file disappeared while brief was reading "
        "it; skipped (build again once the files have settled)"
    )
    assert "articles/fleeting/index.html" not in written(built)


@pytest.mark.parametrize(
    ("name", "shown"),
    [(b"bad\xff.txt", "bad\\xff.txt"), (b"new\nline.txt", "new\\x0aline.txt")],
)
def test_a_file_name_that_is_not_utf8_or_holds_a_newline_is_skipped(
    built: Built, name: bytes, shown: str
) -> None:
    folder = os.fsencode(built.root / "content/2021")
    with open(folder + b"/" + name, "wb") as file:
        file.write(b"Odd name\n\nMOSCOW, June 9. /TASS/. Text.\n")
    built.passes(
        f"content/2021/{shown}: warning: file-name: the name is not valid UTF-8 or holds a "
        "control character; skipped (rename the file)"
    )


def _site_bytes(built: Built) -> list[bytes]:
    return [p.read_bytes() for p in (built.root / "site").rglob("*") if p.is_file()]
