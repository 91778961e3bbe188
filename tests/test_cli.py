"""The brief command as a user runs it: options, exit codes, the summary, output refusals."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from brief import __version__
from tests.conftest import snapshot

Site = Callable[[str], Path]
Run = Callable[..., tuple[int, str, str]]

GOOD = """
-- brief.yaml --
title: Test
-- topics.yaml --
- name: Arms control
  match: [arms control]
-- content/2021/a.txt --
Title here

WASHINGTON, June 8. /TASS/. Body text about arms control.
"""

SUMMARY = re.compile(
    r"^Built 1 article, \d+ pages \((\d+) files written, (\d+) unchanged, (\d+) removed\), "
    r"0 warnings in \d+\.\d\d s into site/$"
)


def brief(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m brief`` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "brief", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# running brief


def test_python_m_brief_version_prints_the_version_and_exits_0(tmp_path: Path) -> None:
    result = brief("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"brief {__version__}"
    assert "Traceback" not in result.stderr


def test_brief_build_help_lists_the_options_and_exits_0(tmp_path: Path) -> None:
    result = brief("build", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: brief build")
    for option in ("--root", "--base-url", "--output", "--drafts", "--strict", "--quiet"):
        assert option in result.stdout
    assert "--workers N" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_workers_must_be_a_whole_number_of_one_or_more(run: Run, workers: str) -> None:
    code, _, err = run("build", "--workers", workers)
    assert code == 2
    assert f"argument --workers: {workers!r} is not a whole number of 1 or more" in err


def test_no_command_prints_help_and_exits_2(run: Run) -> None:
    code, out, err = run()
    assert code == 2
    assert out.startswith("usage: brief")
    for command in ("build", "inspect", "check", "add"):
        assert command in out
    assert "Traceback" not in err


def test_an_unknown_option_exits_2_naming_it(run: Run) -> None:
    code, out, err = run("build", "--frobnicate")
    assert code == 2
    assert out == ""
    assert "unrecognized arguments: --frobnicate" in err
    assert "Traceback" not in err


def test_an_unknown_command_exits_2(run: Run) -> None:
    code, _, err = run("bild")
    assert code == 2
    assert "invalid choice: 'bild'" in err
    assert "Traceback" not in err


def test_a_root_that_does_not_exist_exits_2(tmp_path: Path, run: Run) -> None:
    missing = tmp_path / "nowhere"
    code, out, err = run("build", "--root", missing)
    assert code == 2
    assert out == ""
    assert err.splitlines() == [f"--root: usage: {missing} is not a folder"]
    assert not missing.exists()


def test_a_root_that_is_a_file_exits_2(tmp_path: Path, run: Run) -> None:
    file = tmp_path / "brief.yaml"
    file.write_text("title: Test\n", encoding="utf-8")
    code, _, err = run("build", "--root", file)
    assert code == 2
    assert err.splitlines() == [f"--root: usage: {file} is not a folder"]
    assert "Traceback" not in err


def test_the_summary_line_counts_articles_pages_files_and_warnings(site: Site, run: Run) -> None:
    project = site(GOOD)
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert err == ""
    [line] = out.splitlines()
    match = SUMMARY.match(line)
    assert match, line
    written = snapshot(project / "site")
    # every file but the marker and the search index (made by Pagefind, not rendered)
    rendered = [path for path in written if not str(path).startswith("pagefind")]
    assert int(match.group(1)) == len(rendered) - 1
    assert (match.group(2), match.group(3)) == ("0", "0")


def test_the_summary_counts_a_warning_in_the_singular(site: Site, run: Run) -> None:
    project = site(
        GOOD
        + """
-- content/notes.docx --
binary
"""
    )
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert err.splitlines() == [
        "content/notes.docx: warning: skipped: unsupported file type '.docx' "
        "(brief reads .txt, .md and .html files)"
    ]
    assert ", 1 warning in " in out


def test_quiet_prints_nothing_on_stdout_but_still_builds(site: Site, run: Run) -> None:
    project = site(GOOD)
    code, out, err = run("build", "--root", project, "--quiet")
    assert code == 0, err
    assert out == ""
    assert err == ""
    assert (project / "site/articles/title-here/index.html").is_file()
    code, out, _ = run("build", "--root", project, "-q")
    assert (code, out) == (0, "")


UNKNOWN_TOPIC = """
-- content/2021/b.md --
---
title: Unknown topic
date: 2021-06-01
topics: [Cyber]
---
Body.
"""


def test_an_unknown_topic_in_front_matter_is_a_warning_and_strict_makes_it_exit_1(
    site: Site, run: Run
) -> None:
    project = site(GOOD + UNKNOWN_TOPIC)
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    warning = (
        "content/2021/b.md:4: warning: topics: unknown topic 'Cyber' is ignored "
        "(add it to topics.yaml or fix the spelling)"
    )
    assert err.splitlines() == [warning]
    assert ", 1 warning in " in out
    before = snapshot(project / "site")

    code, out, err = run("build", "--root", project, "--strict")
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines() == [
        warning,
        "Build failed: 0 errors, 1 warning; site/ was left as it was.",
    ]
    assert snapshot(project / "site") == before


def test_strict_turns_an_unknown_front_matter_key_into_exit_1(site: Site, run: Run) -> None:
    project = site(
        GOOD
        + """
-- content/2021/b.md --
---
title: Typo
date: 2021-06-01
sumary: A summary.
---
Body.
"""
    )
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    before = snapshot(project / "site")
    code, out, err = run("build", "--root", project, "--strict")
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert (
        "content/2021/b.md:4: warning: front-matter: unknown key 'sumary' "
        "(did you mean 'summary'?)" in err.splitlines()
    )
    assert snapshot(project / "site") == before


def test_strict_without_warnings_builds_normally(site: Site, run: Run) -> None:
    project = site(GOOD)
    code, out, err = run("build", "--root", project, "--strict")
    assert code == 0, err
    assert SUMMARY.match(out.strip())


DRAFT = """
-- content/2021/draft.md --
---
title: Secret plans
date: 2021-06-02
draft: true
---
Not ready yet.
"""


def test_a_draft_is_left_out_without_drafts_and_included_with_it(site: Site, run: Run) -> None:
    project = site(GOOD + DRAFT)
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert out.startswith("Built 1 article,")
    assert not (project / "site/articles/secret-plans").exists()
    assert "Secret plans" not in (project / "site/index.html").read_text(encoding="utf-8")

    code, out, err = run("build", "--root", project, "--drafts")
    assert code == 0, err
    assert out.startswith("Built 2 articles,")
    assert (project / "site/articles/secret-plans/index.html").is_file()
    assert "Secret plans" in (project / "site/index.html").read_text(encoding="utf-8")

    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert out.startswith("Built 1 article,")
    assert not (project / "site/articles/secret-plans").exists()
    assert "Secret plans" not in (project / "site/index.html").read_text(encoding="utf-8")


def test_the_console_script_builds_from_another_folder_with_root(
    site: Site, tmp_path: Path
) -> None:
    project = site(GOOD)
    script = Path(sys.executable).with_name("brief")
    program = str(script) if script.exists() else shutil.which("brief")
    assert program, "the brief console script is not installed"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [program, "build", "--root", str(project)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert SUMMARY.match(result.stdout.strip()), result.stdout
    assert (project / "site/index.html").is_file()
    assert list(elsewhere.iterdir()) == []


def test_python_m_brief_builds_like_brief(site: Site, tmp_path: Path) -> None:
    project = site(GOOD)
    result = brief("build", "--root", project, "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (project / "site/index.html").is_file()


def test_the_command_exits_only_after_the_old_site_is_deleted(site: Site, tmp_path: Path) -> None:
    # brief exits without the interpreter's teardown; the site it replaced is deleted in a
    # thread (here: the cache is gone, so the old site is not kept as the spare), and the
    # command must still wait for it and print its summary through a pipe.
    project = site(GOOD)
    assert brief("build", "--root", project, cwd=tmp_path).returncode == 0
    shutil.rmtree(project / ".brief-cache")
    result = brief("build", "--root", project, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert SUMMARY.match(result.stdout.strip()), result.stdout
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []
    assert (project / "site/index.html").is_file()


# output folders brief refuses


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, hidden ones included."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.parametrize(
    ("output", "sentinel", "message"),
    [
        (".", "keep.txt", "is not inside the project"),
        ("content", "content/keep.txt", "overlaps the content, templates or cache folder"),
        (
            "content/2021",
            "content/2021/keep.txt",
            "overlaps the content, templates or cache folder",
        ),
        ("templates", "templates/keep.txt", "overlaps the content, templates or cache folder"),
        ("..", "../keep.txt", "is not inside the project"),
        ("docs", "docs/keep.txt", "'docs' holds files brief did not write"),
        ("readme.txt", "readme.txt", "'readme.txt' is a file"),
    ],
)
def test_an_output_folder_brief_must_not_replace_is_refused_with_exit_2_and_nothing_deleted(
    site: Site,
    run: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    output: str,
    sentinel: str,
    message: str,
) -> None:
    project = site(GOOD)
    (project / sentinel).parent.mkdir(parents=True, exist_ok=True)
    (project / sentinel).write_text("keep me\n", encoding="utf-8")
    before = tree(tmp_path)
    monkeypatch.chdir(project)
    code, out, err = run("build", "--output", output)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    [line] = err.splitlines()
    assert line.startswith("--output / output_dir: output: ")
    assert message in line
    assert tree(tmp_path) == before
    assert (project / sentinel).read_text(encoding="utf-8") == "keep me\n"
    assert not (project / "site").exists()


def test_an_absolute_output_folder_outside_the_project_is_refused(
    site: Site, run: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = site(GOOD)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "keep.txt").write_text("keep me\n", encoding="utf-8")
    before = tree(elsewhere)
    code, out, err = run("build", "--root", project, "--output", elsewhere)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines() == [
        f"--output / output_dir: output: {elsewhere.resolve()} is not inside the project "
        f"{project.resolve()} (brief writes only inside the project; use a folder such as site)"
    ]
    assert tree(elsewhere) == before
    assert not (project / "site").exists()


def test_an_output_folder_that_is_a_symbolic_link_is_refused(
    site: Site, run: Run, tmp_path: Path
) -> None:
    project = site(GOOD)
    target = project / "real-site"
    target.mkdir()
    (target / "keep.txt").write_text("keep me\n", encoding="utf-8")
    (project / "site").symlink_to(target, target_is_directory=True)
    code, _, err = run("build", "--root", project)
    assert code == 2
    assert "Traceback" not in err
    assert "--output / output_dir: output: 'site' is a symbolic link" in err
    assert (target / "keep.txt").read_text(encoding="utf-8") == "keep me\n"
    assert (project / "site").is_symlink()


def test_an_output_folder_brief_wrote_is_replaced_and_stray_files_in_it_go(
    site: Site, run: Run
) -> None:
    project = site(GOOD)
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    (project / "site/stray.txt").write_text("x", encoding="utf-8")
    (project / "site/notes").mkdir()
    (project / "content/2021/a.txt").write_text(
        "Another title\n\nWASHINGTON, June 8. /TASS/. Body.\n", encoding="utf-8"
    )
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    # Named, once: the summary counted them nowhere, and a CNAME put there went unnoticed.
    assert err.splitlines() == [
        f"site/{name}: warning: output: brief did not write this, and the new site leaves it "
        "out (site/ is replaced whole: keep your own files elsewhere (files to publish go in "
        "templates/static/, under static/ in the site))"
        for name in ("notes", "stray.txt")
    ]
    assert "2 warnings" in out
    assert not (project / "site/stray.txt").exists()
    code, out, err = run("build", "--root", project)  # nothing changed: not told again
    assert (code, err) == (0, "")
    assert "0 warnings" in out
    assert not (project / "site/articles/title-here").exists()
    assert (project / "site/articles/another-title/index.html").is_file()


def test_a_failure_no_stage_foresaw_names_the_file_and_exits_1_without_a_traceback(
    site: Site, run: Run
) -> None:
    # A file where brief stages the new site stands for what no stage checks (no right to
    # write, a full disk): the last guard names the file, and the old site stays.
    project = site(GOOD)
    assert run("build", "--root", project)[0] == 0
    before = snapshot(project / "site")
    (project / ".site.brief-staging").write_text("not a folder", encoding="utf-8")
    (project / "content/2021/a.txt").write_text(
        "Another title\n\nWASHINGTON, June 8. /TASS/. Body.\n", encoding="utf-8"
    )
    code, _, err = run("build", "--root", project)
    assert code == 1
    assert "Traceback" not in err
    assert err.startswith(f"{project / '.site.brief-staging'}: File exists (check that it is")
    assert snapshot(project / "site") == before


def test_the_cache_folder_is_refused_as_the_output_folder(
    site: Site, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site would be swapped over brief's own cache, and the cache written into the site."""
    project = site(GOOD)
    monkeypatch.chdir(project)
    code, out, err = run("build", "--output", ".brief-cache")
    assert code == 2, out
    assert "Traceback" not in err
    assert err.startswith("--output / output_dir: output: ")
    assert not (project / ".brief-cache/index.html").exists()
