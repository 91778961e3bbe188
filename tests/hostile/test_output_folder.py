"""The output folder is sacred, and so is everything else: brief refuses (exit 2) any output
folder it must not replace, and deletes nothing anywhere when it does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.conftest import Built, leftovers, snapshot

REFUSED = "--output / output_dir: output: "


def tree(folder: Path) -> dict[str, bytes]:
    """Every file and link under ``folder``, hidden ones and .git included."""
    found: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = b"-> " + os.fsencode(os.readlink(path))
            elif path.is_file():
                found[rel] = path.read_bytes()
            else:
                found[rel + "/"] = b""
    return found


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder with the user's other work in it (the project lives inside it)."""
    folder = tmp_path / "home"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes/thesis.txt").write_text("years of work\n")
    (folder / ".ssh").mkdir()
    (folder / ".ssh/id_ed25519").write_text("key\n")
    monkeypatch.setenv("HOME", str(folder))
    return folder


def refuse(built: Built, output: str | Path, message: str, *watched: Path) -> None:
    """Exit 2 with ``message``, and not one byte changed in the project or ``watched``."""
    folders = [built.root, *watched]
    before = [tree(f) for f in folders]
    status, out, err = built.build("--output", str(output))
    assert status == 2, err
    assert out == ""
    assert err.splitlines() == [REFUSED + message], err
    assert [tree(f) for f in folders] == before
    assert leftovers(built.root) == []
    assert snapshot(built.root / "site") == built.site


def test_the_project_root_is_refused(built: Built) -> None:
    refuse(
        built,
        built.root,
        f"{built.root.resolve()} is not inside the project {built.root.resolve()} "
        "(brief writes only inside the project; use a folder such as site)",
    )


def test_dot_is_refused_when_run_from_the_project(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(built.root)
    refuse(
        built,
        ".",
        f"{built.root.resolve()} is not inside the project {built.root.resolve()} "
        "(brief writes only inside the project; use a folder such as site)",
    )


@pytest.mark.parametrize("name", ["content", "content/2021", "templates", ".brief-cache"])
def test_content_templates_and_the_cache_are_refused(built: Built, name: str) -> None:
    built.put("templates/static/x.css", "body{}")
    refuse(
        built,
        built.root / name,
        f"{name!r} overlaps the content, templates or cache folder "
        "(use a folder of its own, such as site)",
    )


def test_a_folder_holding_the_content_folder_is_refused(built: Built) -> None:
    config = built.root / "brief.yaml"
    config.write_text(config.read_text() + "content_dir: work/content\n")
    (built.root / "work").mkdir()
    (built.root / "content").rename(built.root / "work/content")
    refuse(
        built,
        built.root / "work",
        "'work' overlaps the content, templates or cache folder "
        "(use a folder of its own, such as site)",
    )


def test_the_parent_folder_is_refused(built: Built) -> None:
    parent = built.root.parent
    refuse(
        built,
        parent,
        f"{parent.resolve()} is not inside the project {built.root.resolve()} "
        "(brief writes only inside the project; use a folder such as site)",
        parent,
    )


def test_the_filesystem_root_is_refused(built: Built) -> None:
    refuse(
        built,
        "/",
        f"/ is not inside the project {built.root.resolve()} "
        "(brief writes only inside the project; use a folder such as site)",
    )
    assert not Path("/.brief-staging").exists()


def test_the_home_folder_is_refused(built: Built, home: Path) -> None:
    refuse(
        built,
        home,
        f"{home.resolve()} is not inside the project {built.root.resolve()} "
        "(brief writes only inside the project; use a folder such as site)",
        home,
    )


def test_a_folder_in_home_beside_the_project_is_refused(built: Built, home: Path) -> None:
    refuse(
        built,
        home / "notes",
        f"{(home / 'notes').resolve()} is not inside the project {built.root.resolve()} "
        "(brief writes only inside the project; use a folder such as site)",
        home,
    )


@pytest.mark.parametrize("name", ["public", ".git", "docs"])
def test_a_non_empty_folder_brief_did_not_write_is_refused(built: Built, name: str) -> None:
    built.put(f"{name}/keep.txt", "mine\n")
    built.put(f"{name}/sub/also.txt", "mine too\n")
    refuse(
        built,
        built.root / name,
        f"{name!r} holds files brief did not write "
        "(empty or remove it yourself, or pick another output folder)",
    )


def test_a_file_is_refused(built: Built) -> None:
    built.put("notes.txt", "mine\n")
    refuse(
        built,
        built.root / "notes.txt",
        "'notes.txt' is a file (move it away or pick another name)",
    )


def test_a_symlink_to_a_folder_elsewhere_is_refused(built: Built, home: Path) -> None:
    os.symlink(home / "notes", built.root / "out")
    refuse(
        built,
        built.root / "out",
        f"{(home / 'notes').resolve()} is not inside the project {built.root.resolve()} "
        "(brief writes only inside the project; use a folder such as site)",
        home,
    )


def test_a_symlink_to_a_folder_inside_the_project_is_refused(built: Built) -> None:
    (built.root / "real").mkdir()
    os.symlink(built.root / "real", built.root / "out")
    config = built.root / "brief.yaml"
    config.write_text(config.read_text() + "output_dir: out\n")
    before = tree(built.root)
    status, _, err = built.build()
    assert status == 2
    assert err.splitlines() == [
        "brief.yaml:3: output: 'out' is a symbolic link (use a real folder)"
    ]
    assert tree(built.root) == before


def test_output_dir_in_brief_yaml_is_checked_the_same_way(built: Built, home: Path) -> None:
    config = built.root / "brief.yaml"
    config.write_text(config.read_text() + "output_dir: ../..\n")
    before = tree(home)
    status, _, err = built.build()
    assert status == 2
    assert err.startswith("brief.yaml:3: output: ")
    assert tree(home) == before


def test_an_empty_folder_and_brief_s_own_output_are_accepted(built: Built) -> None:
    (built.root / "public").mkdir()
    status, _, err = built.build("--output", str(built.root / "public"))
    assert status == 0, err
    status, _, err = built.build("--output", str(built.root / "public"))
    assert status == 0, err
    assert (built.root / "public/.brief-output").is_file()
    assert snapshot(built.root / "site") == built.site
