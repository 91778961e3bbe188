"""Which pip requirement reinstalls this brief: from direct_url.json, and from real git
checkouts (a bare remote in a temp dir stands in for GitHub)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from brief.provenance import installed_requirement, network_url, requirement_for
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
    (folder / "pyproject.toml").write_text("[project]\nname = 'brief'\n")
    git(folder, "add", "pyproject.toml")
    git(folder, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "one")
    git(folder, "remote", "add", "origin", str(bare))
    git(folder, "push", "--quiet", "origin", "main")
    git(folder, "remote", "set-url", "origin", GITHUB)
    return folder


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
    assert found.line == "brief==0.1.0"
    [note] = found.notes
    assert note.format() == (
        f"requirements.txt: warning: init: brief was installed from {checkout}, which has no "
        "remote on the network (edit requirements.txt to say where the workflow installs brief "
        "from, for example brief @ git+https://github.com/OWNER/brief@COMMIT)"
    )


def test_a_folder_that_is_no_checkout_says_so(tmp_path: Path) -> None:
    require_program("git")
    found = requirement_for(editable(tmp_path), "0.1.0")
    assert found.line == "brief==0.1.0"
    assert "which is not a git checkout" in found.notes[0].message


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


def test_a_package_index_install_keeps_the_version_and_warns_about_the_pypi_name() -> None:
    found = requirement_for(None, "0.1.0")
    assert found.line == "brief==0.1.0"
    assert "on PyPI the name brief is another project's" in found.notes[0].message


def test_a_local_wheel_cannot_be_reinstalled_and_says_so() -> None:
    found = requirement_for({"url": "file:///tmp/brief-0.1.0-py3-none-any.whl"}, "0.1.0")
    assert found.line == "brief==0.1.0"
    assert found.notes[0].message == (
        "brief was installed from file:///tmp/brief-0.1.0-py3-none-any.whl"
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
    the answer is a line pip can parse, with a note when it cannot be reinstalled."""
    from packaging.requirements import Requirement

    found = installed_requirement()
    assert Requirement(found.line).name == "brief"
    assert found.notes or "git+" in found.line
