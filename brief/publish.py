"""Config -> PublishReport: the built site committed to gh-pages with git itself, then pushed.

The commit is made through a temporary index (GIT_INDEX_FILE) with the output folder as the
work tree, so the user's branch, index and working tree are never touched; the gh-pages
branch moves only after the push succeeded, and only by a fast-forward unless --force.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from brief import __version__
from brief.build import build
from brief.cache import CACHE_DIR
from brief.config import Config
from brief.errors import BriefError, Diagnostic, PublishError, error, warning
from brief.model import BuildReport
from brief.stages.write import MARKER
from brief.verify import FOLDER as VERIFY_FOLDER

PAGES_SIZE_LIMIT = 1_000_000_000
"""GitHub Pages publishes sites of at most 1 GB."""
FILE_SIZE_LIMIT = 100_000_000
"""GitHub refuses pushes holding a file over 100 MB."""
NEAR_LIMIT = 0.5
"""Warn from this share of a limit on (GitHub itself warns about files over 50 MB)."""
SOURCE_LIKE: tuple[str, ...] = (
    *(".git", ".env", ".env.*", "*.key", "*.pem", "id_rsa*", "id_ed25519*"),
    *(".netrc", ".pypirc", ".htpasswd", "brief.yaml"),
)
"""Names that never belong in a built site: publishing them would leak secrets or source."""
_PUBLISH = "brief publish"
_NO_REF = "0" * 40
_GITHUB_REMOTE = re.compile(
    r"^(?:(?:https?|ssh|git)://(?:[^@/]+@)?github\.com(?::\d+)?/|[^@/]+@github\.com:)"
    r"(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What ``brief publish`` did, or with dry_run, would do."""

    remote: str
    branch: str
    files: tuple[str, ...]
    """Every path on the published branch, POSIX style, sorted."""
    size: int
    """Bytes of the site as published."""
    commit: str | None
    """The new gh-pages commit; None on a dry run, which makes none."""
    parent: str | None
    """The gh-pages commit it goes on top of; None for the first publish."""
    source: str | None
    """The commit the site was built from; None in a repository without commits."""
    pushed: bool
    unchanged: bool
    """The files are the same as the parent's."""
    warnings: tuple[Diagnostic, ...]
    build: BuildReport | None


@dataclass(frozen=True, slots=True)
class _Repository:
    top: Path
    git_dir: Path


def publish(
    config: Config,
    *,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    build_first: bool = True,
) -> PublishReport:
    """Build, commit the output folder onto ``branch`` and push it to ``remote``."""
    repo = find_repository(config.root)
    remote_url = check_remote(repo, remote)
    check_branch(repo, branch)
    built = _build(config) if build_first else None
    output = config.output_path.resolve()
    sizes = survey_output(output, config.output_dir)
    extras = extra_files(config.base_url)
    warnings = [
        *(built.warnings if built else ()),
        *check_base_url(config.base_url, remote_url, remote),
        *check_limits(sizes, config.output_dir),
        *check_working_tree(repo, output, config.root),
    ]
    local = _resolve(repo, f"refs/heads/{branch}")
    theirs = fetch_remote_branch(repo, remote, branch)
    parent = choose_parent(repo, local, theirs, remote, branch, force)
    tree, files = stage_tree(repo, output, extras)
    source = _resolve(repo, "HEAD")
    unchanged = parent is not None and _tree_of(repo, parent) == tree
    report = PublishReport(
        remote=remote,
        branch=branch,
        files=files,
        size=sum(sizes.values()) + sum(len(data.encode()) for data in extras.values()),
        commit=None,
        parent=parent,
        source=source,
        pushed=False,
        unchanged=unchanged,
        warnings=tuple(warnings),
        build=built,
    )
    if dry_run:
        return report
    text = message if message is not None else commit_message(repo, source, warnings)
    commit = _git(repo, "commit-tree", tree, *(["-p", parent] if parent else []), input=text)
    push(repo, remote, branch, commit, theirs, force)
    _git(repo, "update-ref", "-m", _PUBLISH, f"refs/heads/{branch}", commit, local or _NO_REF)
    return replace(report, commit=commit, pushed=True)


def find_repository(root: Path) -> _Repository:
    """The git repository holding the project, or PublishError."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "--absolute-git-dir"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise _refused("git is not installed", "install git") from None
    lines = found.stdout.splitlines()
    if found.returncode != 0 or len(lines) != 2:
        raise _refused(
            "not a git repository, so there is no gh-pages branch to publish to",
            "run git init and add a GitHub remote, or use the Pages workflow of brief init",
            where=str(root),
        )
    return _Repository(Path(lines[0]), Path(lines[1]))


def check_remote(repo: _Repository, remote: str) -> str:
    """The remote's URL as configured (before insteadOf rewriting), or PublishError."""
    url = _run(repo, "config", "--get", f"remote.{remote}.url")
    if url.returncode != 0 or not url.stdout.strip():
        known = _git(repo, "remote").split()
        hint = (
            f"remotes here: {', '.join(known)}" if known else "add one: git remote add origin URL"
        )
        raise _refused(f"no remote named {remote!r}", hint)
    return url.stdout.strip()


def check_branch(repo: _Repository, branch: str) -> None:
    """Refuse a bad branch name or one checked out anywhere: moving it would strand files."""
    if _run(repo, "check-ref-format", "--branch", branch).returncode != 0:
        raise _refused(f"{branch!r} is not a branch name")
    listing = _git(repo, "worktree", "list", "--porcelain")
    if f"branch refs/heads/{branch}" in listing.splitlines():
        raise _refused(
            f"{branch!r} is checked out in a working tree",
            "switch that working tree to another branch, or publish to another --branch",
        )


def survey_output(output: Path, name: str) -> dict[str, int]:
    """Each file of the built site with its size; PublishError when it holds no site."""
    if not (output / MARKER).is_file():
        raise _refused(
            f"{name}/ holds no site built by brief",
            "run brief build first, or publish without --no-build",
            where=name,
        )
    sizes: dict[str, int] = {}
    suspects: list[str] = []
    for folder, dirs, files in os.walk(output):
        for entry in sorted(dirs) + sorted(files):
            path = Path(folder) / entry
            relative = path.relative_to(output).as_posix()
            if looks_like_source(entry) or path.is_symlink():
                suspects.append(relative)
            elif entry in files and relative != MARKER:
                sizes[relative] = path.stat().st_size
        dirs[:] = [d for d in dirs if not looks_like_source(d)]
    if suspects:
        raise PublishError(tuple(_suspect(name, s) for s in suspects))
    return sizes


def looks_like_source(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), pattern) for pattern in SOURCE_LIKE)


def _suspect(folder: str, relative: str) -> Diagnostic:
    return error(
        f"{folder}/{relative}",
        None,
        "publish",
        "looks like source, a secret or a link, not part of a built site; nothing was pushed",
        f"remove it from {folder}/ or check output_dir in brief.yaml",
    )


def extra_files(base_url: str) -> dict[str, str]:
    """.nojekyll so GitHub serves the files as they are, CNAME for a custom domain."""
    extras = {".nojekyll": ""}
    domain = custom_domain(base_url)
    if domain:
        extras["CNAME"] = domain + "\n"
    return extras


def custom_domain(base_url: str) -> str | None:
    """The host of an absolute base_url that is not *.github.io, localhost or an address."""
    host = (urlsplit(base_url).hostname or "").lower()
    if not host or "." not in host or host.endswith(".github.io") or host == "github.io":
        return None
    try:
        ip_address(host)
    except ValueError:
        return host.encode("idna").decode("ascii")
    return None


def pages_address(remote_url: str) -> str | None:
    """Where GitHub Pages serves a repository's site; None for a remote not on GitHub."""
    match = _GITHUB_REMOTE.match(remote_url.strip())
    if not match:
        return None
    owner, repo = match["owner"].lower(), match["repo"]
    if repo.lower() == f"{owner}.github.io":
        return f"https://{owner}.github.io/"
    return f"https://{owner}.github.io/{repo}/"


def check_base_url(base_url: str, remote_url: str, remote: str) -> list[Diagnostic]:
    """A warning when base_url is not where GitHub Pages will serve the site."""
    expected = pages_address(remote_url)
    if expected is None or custom_domain(base_url):
        return []  # a custom domain's DNS cannot be checked from here
    if _normal(base_url) == _normal(expected):
        return []
    return [
        warning(
            "brief.yaml",
            None,
            "publish",
            f"base_url {base_url!r} is not {expected}, where GitHub Pages serves {remote!r}; "
            "links and feeds will point to the wrong place",
            f"set base_url: {expected}",
        )
    ]


def _normal(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}{path}"


def check_limits(
    sizes: Mapping[str, int],
    folder: str,
    site_limit: int = PAGES_SIZE_LIMIT,
    file_limit: int = FILE_SIZE_LIMIT,
) -> list[Diagnostic]:
    """Warnings for a site or files nearing GitHub's limits, before the push fails."""
    found = []
    total = sum(sizes.values())
    if total >= site_limit * NEAR_LIMIT:
        found.append(
            warning(
                folder,
                None,
                "limits",
                f"the site is {_megabytes(total)}; GitHub Pages publishes at most "
                f"{_megabytes(site_limit)}",
                "leave out old articles or large files",
            )
        )
    for name, size in sorted(sizes.items()):
        if size >= file_limit * NEAR_LIMIT:
            found.append(
                warning(
                    f"{folder}/{name}",
                    None,
                    "limits",
                    f"{_megabytes(size)}; GitHub refuses files over {_megabytes(file_limit)}",
                    "make it smaller or publish it elsewhere",
                )
            )
    return found


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_working_tree(repo: _Repository, output: Path, root: Path) -> list[Diagnostic]:
    """A note when the site was built from uncommitted changes (allowed: the site is derived).
    What brief itself writes (the site, its staging folders, the cache, --verify's folder)
    is not counted: in a project without brief's .gitignore, the note asked to commit the
    cache."""
    status = _git(repo, "status", "--porcelain", "-z", "--no-renames", "--untracked-files=normal")
    own = []
    for folder in (output, root / CACHE_DIR, root / VERIFY_FOLDER):
        below = _below(repo.top, folder)
        if below is not None:
            own.append(f"{below}/")
    beside = _below(repo.top, output.parent)  # .site.brief-staging and the like
    if beside is not None:
        own.append(f"{beside}/.{output.name}." if beside else f".{output.name}.")
    changed = [
        entry[3:]
        for entry in status.split("\0")
        if len(entry) > 3 and not entry[3:].startswith(tuple(own))
    ]
    if not changed:
        return []
    message = f"uncommitted changes in {_files(len(changed))} (such as {changed[0]})"
    hint = "the site is built from them; commit them so that it matches a commit"
    return [warning(_PUBLISH, None, "dirty", message, hint)]


def _below(top: Path, path: Path) -> str | None:
    """``path`` as git status names it ("" for the top itself), or None when it is outside
    the repository."""
    try:
        relative = path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative


def fetch_remote_branch(repo: _Repository, remote: str, branch: str) -> str | None:
    """The remote's tip of ``branch`` fetched into refs/remotes/; None when it has none."""
    listed = _run(repo, "ls-remote", "--exit-code", remote, f"refs/heads/{branch}")
    if listed.returncode == 2:
        return None
    if listed.returncode != 0:
        raise _refused(
            f"cannot read remote {remote!r}: {_reason(listed.stderr)}",
            "check the URL, the network and your access to the repository",
        )
    tracking = f"refs/remotes/{remote}/{branch}"
    _git(repo, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{tracking}")
    return _resolve(repo, tracking)


def choose_parent(
    repo: _Repository, local: str | None, theirs: str | None, remote: str, branch: str, force: bool
) -> str | None:
    """The commit the new one goes on top of, so that gh-pages keeps its history."""
    if local is None or theirs is None:
        return local or theirs
    if force or _is_ancestor(repo, theirs, local):
        return local
    behind = _is_ancestor(repo, local, theirs)
    hint = (
        f"fetch it first: git fetch {remote} {branch}:{branch}"
        if behind
        else f"the two have diverged: git fetch --force {remote} {branch}:{branch} takes theirs, "
        "brief publish --force replaces theirs"
    )
    raise _refused(f"{remote}/{branch} has commits your local {branch} lacks", hint)


def stage_tree(
    repo: _Repository, output: Path, extras: Mapping[str, str]
) -> tuple[str, tuple[str, ...]]:
    """The tree of the output folder plus ``extras``, written via a throwaway index."""
    with tempfile.TemporaryDirectory(prefix="brief-publish-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        # --force: the user's ignore rules are for the source, not for the built site.
        _git(repo, "add", "--all", "--force", "--", ".", f":(exclude){MARKER}", cwd=output, env=env)
        for name, data in sorted(extras.items()):
            blob = _git(repo, "hash-object", "-w", "--stdin", input=data)
            info = f"100644,{blob},{name}"
            _git(repo, "update-index", "--add", "--cacheinfo", info, env=env)
        tree = _git(repo, "write-tree", env=env)
        files = _git(repo, "ls-files", "-z", env=env).split("\0")
    return tree, tuple(sorted(f for f in files if f))


def commit_message(repo: _Repository, source: str | None, warnings: Sequence[Diagnostic]) -> str:
    """Names the source commit, so any published site can be traced to what built it."""
    if source is None:
        return f"Publish the site (no source commit yet)\n\nBuilt by brief {__version__}.\n"
    name = _run(repo, "symbolic-ref", "--short", "-q", "HEAD").stdout.strip() or "detached HEAD"
    dirty = " with uncommitted changes" if _mentions_dirty(warnings) else ""
    return (
        f"Publish the site built from {name} at {source[:12]}{dirty}\n\n"
        f"Source commit: {source}\nBuilt by brief {__version__}.\n"
    )


def _mentions_dirty(warnings: Iterable[Diagnostic]) -> bool:
    return any(w.code == "dirty" for w in warnings)


def push(
    repo: _Repository, remote: str, branch: str, commit: str, theirs: str | None, force: bool
) -> None:
    """Push ``commit`` as the remote ``branch``; with force, only over the tip we fetched."""
    lease = [f"--force-with-lease=refs/heads/{branch}:{theirs or ''}"] if force else []
    pushed = _run(repo, "push", "--quiet", *lease, remote, f"{commit}:refs/heads/{branch}")
    if pushed.returncode != 0:
        raise _refused(
            f"git push to {remote!r} failed: {_push_reason(pushed.stderr)}",
            f"the local {branch} was left as it was",
        )


def _build(config: Config) -> BuildReport:
    try:
        return build(config)
    except BriefError as exc:
        failed = error(_PUBLISH, None, "publish", "the build failed, so nothing was pushed")
        raise PublishError((*exc.diagnostics, failed)) from None


def _resolve(repo: _Repository, ref: str) -> str | None:
    found = _run(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return found.stdout.strip() if found.returncode == 0 else None


def _tree_of(repo: _Repository, commit: str) -> str:
    return _git(repo, "rev-parse", f"{commit}^{{tree}}")


def _is_ancestor(repo: _Repository, older: str, newer: str) -> bool:
    return _run(repo, "merge-base", "--is-ancestor", older, newer).returncode == 0


def _reason(stderr: str) -> str:
    """git's last line says why (the lines before it are progress or advice)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no reason given"


def _push_reason(stderr: str) -> str:
    """The remote's own words and the rejected ref say more than git's closing line."""
    said = [line.strip() for line in stderr.splitlines() if line.startswith(("remote:", " ! "))]
    return "; ".join(said) if said else _reason(stderr)


def _refused(message: str, hint: str = "", where: str = _PUBLISH) -> PublishError:
    return PublishError(error(where, None, "publish", message, hint))


def _run(
    repo: _Repository,
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: str = "",
) -> subprocess.CompletedProcess[str]:
    """Run git on the repository; a work tree only where given (the output folder)."""
    # autocrlf off: the site's bytes are published exactly as brief wrote them.
    command = ["git", "--git-dir", str(repo.git_dir), "-c", "core.autocrlf=false"]
    if cwd is not None:
        command += ["--work-tree", str(cwd)]
    return subprocess.run(
        [*command, *args],
        cwd=cwd or repo.top,
        env={**os.environ, **(env or {})},
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )


def _git(
    repo: _Repository,
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input: str = "",
) -> str:
    """Run git; its output without the final newline, or PublishError naming the command."""
    done = _run(repo, *args, cwd=cwd, env=env, input=input)
    if done.returncode != 0:
        raise _refused(
            f"git {args[0]} failed: {_reason(done.stderr)}",
            "fix the problem git names and publish again",
        )
    return done.stdout.rstrip("\n")
