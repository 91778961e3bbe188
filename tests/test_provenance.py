"""Which pip requirement reinstalls this brief: from direct_url.json, and from real git
checkouts (a bare remote in a temp dir stands in for GitHub). What brief init writes is
given to a real pip, offline, as the Pages workflow gives it."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from brief.provenance import Requirement, installed_requirement, network_url, requirement_for
from brief.scaffold import EXAMPLE, UNNAMED, scaffold
from tests.conftest import require_program

GITHUB = "https://github.com/example/brief.git"


def git(folder: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A brief checkout with one commit, pushed to a bare remote, then given GitHub's URL
    (as a clone from GitHub has): origin/main holds the commit."""
    require_program("git")
    bare, folder = tmp_path / "remote.git", tmp_path / "brief"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    git(tmp_path, "init", "--quiet", "--initial-branch", "main", str(folder))
    (folder / "pyproject.toml").write_text(PYPROJECT)
    (folder / "brief").mkdir()
    (folder / "brief/__init__.py").write_text("")
    git(folder, "add", "pyproject.toml", "brief/__init__.py")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "one")
    git(folder, "remote", "add", "origin", str(bare))
    git(folder, "push", "--quiet", "origin", "main")
    git(folder, "remote", "set-url", "origin", GITHUB)
    return folder


PYPROJECT = """[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "brief"
version = "0.1.0"
"""


def editable(folder: Path) -> dict[str, object]:
    return {"url": folder.as_uri(), "dir_info": {"editable": True}}


def test_a_pushed_checkout_is_reinstalled_from_its_remote_at_its_commit(checkout: Path) -> None:
    found = requirement_for(editable(checkout), "0.1.0")
    commit = git(checkout, "rev-parse", "HEAD")
    assert found.line == f"brief @ git+{GITHUB}@{commit}"
    assert found.notes == ()


def test_an_unpushed_commit_and_uncommitted_changes_are_pointed_out(checkout: Path) -> None:
    (checkout / "pyproject.toml").write_text("[project]\nname = 'brief'\nversion = '2'\n")
    git(checkout, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "two")
    (checkout / "pyproject.toml").write_text("changed, not committed\n")
    found = requirement_for(editable(checkout), "0.1.0")
    commit = git(checkout, "rev-parse", "HEAD")
    assert found.line == f"brief @ git+{GITHUB}@{commit}"
    assert [n.message for n in found.notes] == [
        f"commit {commit[:12]} of {checkout} is not on origin yet: push it, or the workflow "
        "cannot install it",
        f"{checkout} has changes that are not committed: the workflow installs brief as of "
        f"commit {commit[:12]}",
    ]


def test_a_checkout_whose_remote_is_a_local_folder_cannot_be_reinstalled_and_says_so(
    checkout: Path, tmp_path: Path
) -> None:
    git(checkout, "remote", "set-url", "origin", str(tmp_path / "remote.git"))
    found = requirement_for(editable(checkout), "0.1.0")
    assert found.line == UNNAMED
    [note] = found.notes
    assert note.format() == (
        f"requirements.txt: warning: init: brief was installed from {checkout}, which has no "
        "remote on the network, so requirements.txt names no brief yet: pip install -r "
        "requirements.txt, which the Pages workflow runs, fails on its EDIT-ME line until you "
        "name one (replace that line with the brief to install, for example "
        "brief @ git+https://github.com/OWNER/brief@TAG)"
    )


def test_a_folder_that_is_no_checkout_says_so(tmp_path: Path) -> None:
    require_program("git")
    found = requirement_for(editable(tmp_path), "0.1.0")
    assert found.line == UNNAMED
    assert "which is not a git checkout, so requirements.txt names no brief" in (
        found.notes[0].message
    )


@pytest.mark.parametrize(
    ("direct", "line"),
    [
        (
            {"url": GITHUB, "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            f"brief @ git+{GITHUB}@abc123",
        ),
        (
            {
                "url": "https://example.org/monorepo.git",
                "vcs_info": {"vcs": "git", "commit_id": "abc123"},
                "subdirectory": "tools/brief",
            },
            "brief @ git+https://example.org/monorepo.git@abc123#subdirectory=tools/brief",
        ),
        (
            {"url": "https://example.org/brief-0.1.0.tar.gz", "archive_info": {}},
            "brief @ https://example.org/brief-0.1.0.tar.gz",
        ),
    ],
    ids=["git", "git-subdirectory", "archive"],
)
def test_vcs_and_archive_installs_are_reinstalled_from_where_they_came(
    direct: dict[str, object], line: str
) -> None:
    assert requirement_for(direct, "0.1.0").line == line


def test_a_package_index_install_names_no_brief_and_warns_about_the_pypi_name() -> None:
    found = requirement_for(None, "0.1.0")
    assert found.line == UNNAMED
    [note] = found.notes
    assert note.message.startswith(
        "brief 0.1.0 came from a package index, and on PyPI the name brief is another "
        "project's, so requirements.txt names no brief yet"
    )
    assert note.hint.endswith(
        "or, from your own index, a line --index-url URL and then brief==0.1.0"
    )


def test_a_local_wheel_cannot_be_reinstalled_and_says_so() -> None:
    found = requirement_for({"url": "file:///tmp/brief-0.1.0-py3-none-any.whl"}, "0.1.0")
    assert found.line == UNNAMED
    assert found.notes[0].message.startswith(
        "brief was installed from file:///tmp/brief-0.1.0-py3-none-any.whl, so requirements.txt "
        "names no brief yet"
    )


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("git@github.com:example/brief.git", GITHUB),
        ("ssh://git@github.com/example/brief.git", GITHUB),
        (GITHUB, GITHUB),
        ("/srv/git/brief.git", ""),
        ("file:///srv/git/brief.git", ""),
        ("../brief.git", ""),
        ("C:/repos/brief.git", ""),
    ],
)
def test_remotes_become_https_urls_a_workflow_can_clone(remote: str, url: str) -> None:
    assert network_url(remote) == url


def test_the_running_brief_has_a_requirement() -> None:
    """This checkout is installed editable (README's first command): whatever its remote,
    the answer is a git line for brief, or the line that stops pip, with a note saying so."""
    from packaging.requirements import Requirement as Parsed

    found = installed_requirement()
    if found.line == UNNAMED:
        assert "EDIT-ME" in found.notes[-1].message
    else:
        assert Parsed(found.line).name == "brief" and "git+" in found.line


# --- what pip makes of requirements.txt ------------------------------------------------------


def pip_install_dry_run(project: Path) -> subprocess.CompletedProcess[str]:
    """The Pages workflow's ``pip install -r requirements.txt``, offline and installing
    nothing: a line pip cannot read fails here as it would there."""
    return subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--no-index"),
            *("--no-deps", "--no-build-isolation", "--disable-pip-version-check"),
            *("-r", "requirements.txt"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def unknown_provenance(case: str, tmp_path: Path) -> Requirement:
    """The installs brief cannot tell the origin of, as pip records them."""
    if case == "package index":
        return requirement_for(None, "0.1.0")
    if case == "local wheel":
        wheel = tmp_path / "brief-0.1.0-py3-none-any.whl"
        return requirement_for({"url": wheel.as_uri(), "archive_info": {}}, "0.1.0")
    require_program("git")
    folder = tmp_path / "brief"
    git(tmp_path, "init", "--quiet", str(folder))
    if case == "clone without a network remote":
        git(folder, "remote", "add", "origin", str(tmp_path / "remote.git"))
        git(
            folder,
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "one",
            "--allow-empty",
        )
    else:
        (folder / ".git").rename(tmp_path / "no-longer-git")
    return requirement_for(editable(folder), "0.1.0")


@pytest.mark.parametrize(
    "case", ["package index", "local wheel", "clone without a network remote", "no checkout"]
)
def test_when_brief_cannot_tell_where_it_came_from_pip_stops_on_the_line_that_says_what_to_do(
    case: str, tmp_path: Path
) -> None:
    found = unknown_provenance(case, tmp_path)
    project = tmp_path / "briefing"
    scaffold(project, found.line)
    result = pip_install_dry_run(project)
    assert result.returncode != 0, result.stdout
    # pip quotes the line and says which one it is; newer pips add the parser's complaint.
    assert f"Invalid requirement: '{UNNAMED}'" in result.stderr
    assert "of requirements.txt)" in result.stderr
    assert "Would install" not in result.stdout
    lines = (project / "requirements.txt").read_text().splitlines()
    assert lines[-1] == UNNAMED
    assert lines[-2].startswith("# `pip install -r requirements.txt` stops on it")
    [note] = found.notes
    assert "fails on its EDIT-ME line until you name one" in note.message
    assert EXAMPLE in note.hint and EXAMPLE in UNNAMED


@pytest.fixture
def served_remote(checkout: Path, tmp_path: Path) -> Iterator[str]:
    """The checkout's bare remote over git's plain HTTP protocol from a loopback server: a
    network remote as GitHub is one, that pip can clone offline."""
    bare = tmp_path / "remote.git"
    git(bare, "symbolic-ref", "HEAD", "refs/heads/main")  # what a clone checks out
    git(bare, "update-server-info")  # the index that clones over plain HTTP read

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/remote.git"
    finally:
        server.shutdown()
        server.server_close()


def test_with_a_known_origin_the_line_is_the_git_requirement_pip_installs(
    checkout: Path, served_remote: str, tmp_path: Path
) -> None:
    git(checkout, "remote", "set-url", "origin", served_remote)
    found = requirement_for(editable(checkout), "0.1.0")
    commit = git(checkout, "rev-parse", "HEAD")
    assert (found.line, found.notes) == (f"brief @ git+{served_remote}@{commit}", ())
    project = tmp_path / "briefing"
    scaffold(project, found.line)
    assert (project / "requirements.txt").read_text().splitlines()[-1] == found.line
    result = pip_install_dry_run(project)
    assert result.returncode == 0, result.stderr
    assert "Would install brief-0.1.0" in result.stdout
