"""Where this copy of brief was installed from -> the pip requirement that installs it again.

``brief init`` writes that requirement into the new project's requirements.txt, which its
GitHub Pages workflow installs. Guessing "brief==<version>" is wrong: the name brief on PyPI
belongs to another project. pip records where each package came from (PEP 610's
direct_url.json); a git checkout installed with ``pip install -e .`` is reinstalled from its
remote at the same commit. When brief cannot tell where it came from, the line is
brief.scaffold.UNNAMED, which pip refuses, instead of one that installs PyPI's other brief.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from brief import __version__
from brief.errors import Diagnostic, warning
from brief.scaffold import EXAMPLE, UNNAMED

DISTRIBUTION = "brief"
_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!/).+)$")
_UNNAMED_EFFECT = (
    "so requirements.txt names no brief yet: pip install -r requirements.txt, which the Pages "
    "workflow runs, fails on its EDIT-ME line until you name one"
)
_HINT = f"replace that line with the brief to install, for example {EXAMPLE}"


@dataclass(frozen=True, slots=True)
class Requirement:
    """The requirement line, and what a user should know about it."""

    line: str
    notes: tuple[Diagnostic, ...] = ()


def installed_requirement() -> Requirement:
    """The requirement for the brief that is running now."""
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:  # run from a checkout, not installed
        return _from_checkout(Path(__file__).resolve().parent.parent, {})
    try:
        direct = json.loads(text) if text else None
    except ValueError:
        direct = None
    return requirement_for(direct if isinstance(direct, dict) else None, __version__)


def requirement_for(direct: Mapping[str, object] | None, version: str) -> Requirement:
    """The requirement for an install described by ``direct`` (direct_url.json; None for a
    package index)."""
    if direct is None:
        return _unnamed(
            f"brief {version} came from a package index, and on PyPI the name brief is "
            "another project's",
            f"{_HINT}; or, from your own index, a line --index-url URL and then brief=={version}",
        )
    url = str(direct.get("url", ""))
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        return Requirement(_git_line(url, str(vcs.get("commit_id", "")), direct))
    if isinstance(direct.get("dir_info"), dict) and url.startswith("file:"):
        return _from_checkout(Path(unquote(urlparse(url).path)), direct)
    if url.startswith(("https://", "http://")):
        return Requirement(f"{DISTRIBUTION} @ {url}")
    return _unnamed(f"brief was installed from {url or 'a file'}")


def _from_checkout(folder: Path, direct: Mapping[str, object]) -> Requirement:
    """A local folder: reinstallable if it is a git checkout with a remote on the network."""
    remote = _git(folder, "remote", "get-url", "origin")
    commit = _git(folder, "rev-parse", "HEAD")
    web = network_url(remote or "")
    if not (commit and web):
        where = "has no remote on the network" if commit else "is not a git checkout"
        return _unnamed(f"brief was installed from {folder}, which {where}")
    notes: tuple[Diagnostic, ...] = ()
    if not _git(folder, "branch", "--remotes", "--contains", commit):
        notes = (
            _note(
                f"commit {commit[:12]} of {folder} is not on origin yet: push it, or the "
                "workflow cannot install it",
                hint=f"git -C {folder} push",
            ),
        )
    if _git(folder, "status", "--porcelain", "--untracked-files=no"):
        notes += (
            _note(
                f"{folder} has changes that are not committed: the workflow installs brief "
                f"as of commit {commit[:12]}",
                hint="commit and push them, then run brief init --force again",
            ),
        )
    return Requirement(_git_line(web, commit, direct), notes)


def network_url(remote: str) -> str:
    """A git remote as an https URL pip can clone on a CI machine; "" for a local one.
    ``git@github.com:org/brief.git`` (scp-like) and ``ssh://`` become https: a workflow
    has no SSH key."""
    remote = remote.strip()
    parsed = urlparse(remote)
    if parsed.scheme in ("https", "http"):
        return remote
    if parsed.scheme in ("ssh", "git") and parsed.hostname:
        return f"https://{parsed.hostname}{parsed.path}"
    match = _SCP_LIKE.match(remote)
    if match and not parsed.scheme:
        return f"https://{match['host']}/{match['path']}"
    return ""


def _git_line(url: str, commit: str, direct: Mapping[str, object]) -> str:
    url = url.removeprefix("git+")
    line = f"{DISTRIBUTION} @ git+{url}" + (f"@{commit}" if commit else "")
    subdirectory = direct.get("subdirectory")
    return line + (f"#subdirectory={subdirectory}" if subdirectory else "")


def _git(folder: Path, *args: str) -> str:
    """git's answer in ``folder``; "" when git is missing, fails or it is no checkout."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _unnamed(why: str, hint: str = _HINT) -> Requirement:
    """The line that stops pip, and the warning that says why and what to write instead."""
    return Requirement(UNNAMED, (_note(f"{why}, {_UNNAMED_EFFECT}", hint),))


def _note(message: str, hint: str = _HINT) -> Diagnostic:
    return warning("requirements.txt", None, "init", message, hint)
