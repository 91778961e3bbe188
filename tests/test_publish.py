"""brief publish with a real git: a bare repository as origin, a clone holding the project."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from brief.publish import check_limits, custom_domain, extra_files, pages_address
from tests.conftest import require_program

Run = Callable[..., tuple[int, str, str]]


@dataclass(frozen=True)
class Repos:
    origin: Path
    project: Path
    other: Path
    """A second clone's future place, to play another machine publishing."""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def ref(repo: Path, name: str) -> str | None:
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", name],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else None


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A git with no user or system config of this machine, and a known identity."""
    require_program("git")
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Editor")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "editor@example.org")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repos(tmp_path: Path, seed_project: Path, git_env: None) -> Repos:
    """origin.git (bare) and project/, a clone of it holding the seed briefing on main."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", str(origin))
    project = tmp_path / "project"
    git(tmp_path, "clone", "--quiet", str(origin), str(project))
    shutil.copytree(seed_project, project, dirs_exist_ok=True)
    (project / ".gitignore").write_text("/site/\n/.site.*\n/.brief-cache/\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Start the briefing")
    git(project, "push", "--quiet", "origin", "main")
    return Repos(origin, project, tmp_path / "other")


def published(origin: Path, branch: str = "gh-pages") -> set[str]:
    return set(git(origin, "ls-tree", "-r", "--name-only", branch).splitlines())


def site_files(project: Path) -> set[str]:
    site = project / "site"
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {
        ".brief-output"
    }


def refs(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)")


def snapshot(project: Path) -> dict[str, object]:
    """The source side of the repository: branch, HEAD, index and every file git sees."""
    listed = git(project, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    files = {name: (project / name).read_bytes() for name in listed.split("\0") if name}
    assert "brief.yaml" in files and not any(name.startswith("site/") for name in files)
    return {
        "branch": git(project, "symbolic-ref", "HEAD"),
        "head": git(project, "rev-parse", "HEAD"),
        "index": git(project, "ls-files", "--stage"),
        "status": git(project, "status", "--porcelain"),
        "files": files,
    }


def commit_file(project: Path, name: str, text: str) -> None:
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / name).write_text(text, encoding="utf-8")
    git(project, "add", name)
    git(project, "commit", "--quiet", "-m", f"Change {name}")


NEW_ARTICLE = """\
Russia and US hold strategic stability talks in Geneva

GENEVA, July 28. /TASS/. Russian and US delegations held talks on strategic stability.
"""


def test_publish_pushes_exactly_the_site_and_nojekyll_to_gh_pages(repos: Repos, run: Run) -> None:
    code, out, err = run("publish", "--root", repos.project)
    assert (code, err) == (0, "")
    assert "Published" in out
    assert published(repos.origin) == site_files(repos.project) | {".nojekyll"}
    assert "CNAME" not in published(repos.origin)
    assert ref(repos.project, "refs/heads/gh-pages") == ref(repos.origin, "refs/heads/gh-pages")
    source = git(repos.project, "rev-parse", "HEAD")
    message = git(repos.origin, "log", "-1", "--format=%B", "gh-pages")
    assert source in message
    index = git(repos.origin, "show", "gh-pages:index.html")
    assert index == (repos.project / "site/index.html").read_text(encoding="utf-8").strip()


def test_a_second_publish_is_a_new_commit_on_top_of_the_first(repos: Repos, run: Run) -> None:
    assert run("publish", "--root", repos.project)[0] == 0
    first = ref(repos.origin, "refs/heads/gh-pages")
    commit_file(repos.project, "content/2021/07/geneva.txt", NEW_ARTICLE)
    assert run("publish", "--root", repos.project)[0] == 0
    second = ref(repos.origin, "refs/heads/gh-pages")
    assert second != first
    assert ref(repos.origin, "gh-pages^") == first
    assert git(repos.origin, "rev-list", "--count", "gh-pages") == "2"
    files = published(repos.origin)
    assert files == site_files(repos.project) | {".nojekyll"}
    assert any("strategic-stability-talks" in name for name in files)


def test_publishing_leaves_the_source_branch_index_and_working_tree_as_they_were(
    repos: Repos, run: Run
) -> None:
    # A staged change and an unstaged one: both must survive, and are mentioned.
    (repos.project / "topics.yaml").write_text(
        (repos.project / "topics.yaml").read_text() + "# staged\n"
    )
    git(repos.project, "add", "topics.yaml")
    (repos.project / "brief.yaml").write_text(
        (repos.project / "brief.yaml").read_text() + "# unstaged\n"
    )
    before = snapshot(repos.project)
    for _ in range(2):
        code, _out, err = run("publish", "--root", repos.project)
        assert code == 0
        assert "uncommitted changes in 2 files" in err
    assert snapshot(repos.project) == before
    assert ref(repos.origin, "refs/heads/main") == before["head"]
    assert "with uncommitted changes" in git(repos.origin, "log", "-1", "--format=%s", "gh-pages")


def test_what_brief_writes_itself_is_not_called_an_uncommitted_change(
    repos: Repos, run: Run
) -> None:
    # Without brief's .gitignore, the note named .brief-cache/ and asked to commit it.
    (repos.project / ".gitignore").unlink()
    git(repos.project, "commit", "--quiet", "--all", "-m", "No .gitignore")
    assert run("build", "--root", repos.project)[0] == 0
    (repos.project / ".site.brief-trash").mkdir()  # what a killed build may leave
    (repos.project / ".site.brief-trash/x.html").write_text("x")
    code, _out, err = run("publish", "--root", repos.project, "--dry-run")
    assert code == 0, err
    assert "uncommitted" not in err
    (repos.project / "notes.txt").write_text("a change of the user's own")
    code, _out, err = run("publish", "--root", repos.project, "--dry-run")
    assert "uncommitted changes in 1 file (such as notes.txt)" in err


def test_a_custom_domain_in_base_url_is_published_as_cname(repos: Repos, run: Run) -> None:
    brief_yaml = (repos.project / "brief.yaml").read_text()
    commit_file(
        repos.project,
        "brief.yaml",
        brief_yaml.replace("base_url: /", "base_url: https://briefing.example.org/"),
    )
    assert run("publish", "--root", repos.project)[0] == 0
    assert published(repos.origin) == site_files(repos.project) | {".nojekyll", "CNAME"}
    assert git(repos.origin, "show", "gh-pages:CNAME") == "briefing.example.org"


def test_message_replaces_the_commit_message(repos: Repos, run: Run) -> None:
    assert run("publish", "--root", repos.project, "--message", "Morning edition")[0] == 0
    assert git(repos.origin, "log", "-1", "--format=%B", "gh-pages") == "Morning edition"


def test_remote_and_branch_choose_where_the_site_goes(repos: Repos, run: Run) -> None:
    git(repos.project, "remote", "add", "pages", str(repos.origin))
    assert run("publish", "--root", repos.project, "--remote", "pages", "--branch", "www")[0] == 0
    assert ref(repos.origin, "refs/heads/gh-pages") is None
    assert published(repos.origin, "www") == site_files(repos.project) | {".nojekyll"}


def test_a_dry_run_lists_the_files_and_commits_and_pushes_nothing(repos: Repos, run: Run) -> None:
    before = (refs(repos.origin), refs(repos.project))
    code, out, _err = run("publish", "--root", repos.project, "--dry-run")
    assert code == 0
    assert out.splitlines()[1].startswith("Dry run: would push")
    listed = {line.strip() for line in out.splitlines() if line.startswith("  ")}
    assert listed == site_files(repos.project) | {".nojekyll"}
    assert (refs(repos.origin), refs(repos.project)) == before


def test_a_local_gh_pages_missing_from_this_clone_is_continued_from_the_remote(
    repos: Repos, run: Run
) -> None:
    assert run("publish", "--root", repos.project)[0] == 0
    first = ref(repos.origin, "refs/heads/gh-pages")
    git(repos.project.parent, "clone", "--quiet", str(repos.origin), str(repos.other))
    assert run("publish", "--root", repos.other)[0] == 0
    assert ref(repos.origin, "gh-pages^") == first


def test_force_replaces_a_remote_gh_pages_that_has_commits_the_local_one_lacks(
    repos: Repos, run: Run
) -> None:
    assert run("publish", "--root", repos.project)[0] == 0
    mine = ref(repos.project, "refs/heads/gh-pages")
    git(repos.project.parent, "clone", "--quiet", str(repos.origin), str(repos.other))
    assert run("publish", "--root", repos.other)[0] == 0
    assert run("publish", "--root", repos.project, "--force")[0] == 0
    assert ref(repos.origin, "gh-pages^") == mine
    assert ref(repos.origin, "refs/heads/gh-pages") == ref(repos.project, "refs/heads/gh-pages")


def assert_refused(run: Run, repos: Repos, *args: str | Path) -> str:
    """Run publish, expect exit 3 with nothing pushed and no local branch moved; stderr."""
    before = (refs(repos.origin), refs(repos.project))
    code, out, err = run("publish", *args)
    assert code == 3, (out, err)
    assert "Publishing refused: nothing was pushed." in err
    assert refs(repos.origin) == before[0]
    assert [r for r in refs(repos.project).splitlines() if "refs/heads/" in r] == [
        r for r in before[1].splitlines() if "refs/heads/" in r
    ]
    return err


def test_a_project_outside_any_git_repository_is_refused(
    repos: Repos, seed_project: Path, run: Run
) -> None:
    err = assert_refused(run, repos, "--root", seed_project)
    assert "not a git repository" in err


def test_a_remote_that_does_not_exist_is_refused(repos: Repos, run: Run) -> None:
    err = assert_refused(run, repos, "--root", repos.project, "--remote", "upstream")
    assert "no remote named 'upstream'" in err
    assert "remotes here: origin" in err


def test_a_failed_build_is_refused_with_the_build_errors(repos: Repos, run: Run) -> None:
    commit_file(repos.project, "content/2021/empty.txt", "")
    err = assert_refused(run, repos, "--root", repos.project)
    assert "content/2021/empty.txt" in err
    assert "the build failed" in err


def test_a_remote_gh_pages_with_commits_the_local_one_lacks_is_refused_with_how_to_fetch(
    repos: Repos, run: Run
) -> None:
    assert run("publish", "--root", repos.project)[0] == 0
    git(repos.project.parent, "clone", "--quiet", str(repos.origin), str(repos.other))
    assert run("publish", "--root", repos.other)[0] == 0
    err = assert_refused(run, repos, "--root", repos.project)
    assert "origin/gh-pages has commits your local gh-pages lacks" in err
    assert "git fetch origin gh-pages:gh-pages" in err


@pytest.mark.parametrize("leak", [".env", "keys/deploy.key", ".git/config", "brief.yaml"])
def test_an_output_folder_holding_source_or_secrets_is_refused(
    repos: Repos, run: Run, leak: str
) -> None:
    assert run("build", "--root", repos.project)[0] == 0
    path = repos.project / "site" / leak
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("SECRET=1\n")
    err = assert_refused(run, repos, "--root", repos.project, "--no-build")
    assert f"site/{leak.split('/')[0]}" in err
    assert "looks like source" in err


def test_publishing_without_a_build_needs_a_built_site(repos: Repos, run: Run) -> None:
    err = assert_refused(run, repos, "--root", repos.project, "--no-build")
    assert "holds no site built by brief" in err


def test_a_gh_pages_branch_that_is_checked_out_is_refused(repos: Repos, run: Run) -> None:
    git(repos.project, "switch", "--quiet", "--orphan", "gh-pages")
    git(repos.project, "commit", "--quiet", "--allow-empty", "-m", "Pages by hand")
    err = assert_refused(run, repos, "--root", repos.project)
    assert "checked out" in err


def test_a_push_the_remote_rejects_leaves_the_local_gh_pages_where_it_was(
    repos: Repos, run: Run
) -> None:
    hook = repos.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    err = assert_refused(run, repos, "--root", repos.project)
    assert "git push to 'origin' failed" in err
    assert "remote: protected branch" in err
    assert ref(repos.project, "refs/heads/gh-pages") is None


def test_base_url_not_at_the_remotes_github_pages_address_is_a_warning(
    repos: Repos, run: Run
) -> None:
    # The remote is named as on GitHub; insteadOf sends the push to the local bare repo.
    github = "https://github.com/Editor/briefing.git"
    git(repos.project, "remote", "set-url", "origin", github)
    git(repos.project, "config", f"url.{repos.origin.as_uri()}.insteadOf", github)
    code, _out, err = run("publish", "--root", repos.project)
    assert code == 0
    assert "base_url '/' is not https://editor.github.io/briefing/" in err
    brief_yaml = (repos.project / "brief.yaml").read_text()
    commit_file(
        repos.project,
        "brief.yaml",
        brief_yaml.replace("base_url: /", "base_url: https://editor.github.io/briefing/"),
    )
    code, _out, err = run("publish", "--root", repos.project)
    assert (code, err) == (0, "")
    assert ref(repos.origin, "gh-pages^") is not None


@pytest.mark.parametrize(
    ("remote", "address"),
    [
        ("git@github.com:user/briefing.git", "https://user.github.io/briefing/"),
        ("https://github.com/user/briefing", "https://user.github.io/briefing/"),
        ("https://github.com/User/briefing.git/", "https://user.github.io/briefing/"),
        ("ssh://git@github.com/user/my.briefing.git", "https://user.github.io/my.briefing/"),
        ("https://github.com/user/user.github.io.git", "https://user.github.io/"),
        ("git@github.com:User/user.github.io", "https://user.github.io/"),
        ("https://gitlab.com/user/briefing.git", None),
        ("/srv/git/briefing.git", None),
    ],
)
def test_the_github_pages_address_follows_from_the_remote_url(
    remote: str, address: str | None
) -> None:
    assert pages_address(remote) == address


@pytest.mark.parametrize(
    ("base_url", "domain"),
    [
        ("https://user.github.io/briefing/", None),
        ("https://user.github.io/", None),
        ("/", None),
        ("/briefing/", None),
        ("https://Briefing.Example.org/", "briefing.example.org"),
        ("https://news.example.org:8443/daily/", "news.example.org"),
        ("http://localhost:8000/", None),
        ("http://127.0.0.1:8000/", None),
    ],
)
def test_a_base_url_off_github_io_is_a_custom_domain(base_url: str, domain: str | None) -> None:
    assert custom_domain(base_url) == domain
    assert ("CNAME" in extra_files(base_url)) == (domain is not None)


def test_sites_and_files_nearing_github_limits_are_warned_about() -> None:
    small = {"index.html": 10_000}
    assert check_limits(small, "site") == []
    big = {"index.html": 10_000, "video.mp4": 60_000_000, "data.json": 800_000_000}
    found = check_limits(big, "site")
    assert [(d.path, d.severity) for d in found] == [
        ("site", "warning"),
        ("site/data.json", "warning"),
        ("site/video.mp4", "warning"),
    ]
    assert "at most 1000.0 MB" in found[0].message
    assert "over 100.0 MB" in found[2].message
