"""A folder -> a new briefing project in it (config, topics, an article, a Pages workflow).

The files are package data in brief/scaffold_files/, stored without their leading dot so
that packaging tools do not read them as their own (.gitignore, .github/).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from brief.errors import Diagnostic, OutputError, error

LAYOUT: tuple[tuple[str, str], ...] = (
    ("brief.yaml", "brief.yaml"),
    ("topics.yaml", "topics.yaml"),
    ("example.md", "content/2024/example.md"),
    ("gitignore", ".gitignore"),
    ("pages.yml", ".github/workflows/pages.yml"),
    ("requirements.txt", "requirements.txt"),
)
"""Each scaffold file and where it goes in the new project."""

EXAMPLE = "brief @ git+https://github.com/OWNER/brief@TAG"
UNNAMED = f"EDIT-ME: replace this line with the brief to install, such as {EXAMPLE}"
"""requirements.txt's line when brief cannot tell where it came from (brief.provenance).
pip refuses it as an invalid requirement and quotes it whole, so the workflow fails at its
install step saying what to do, where "brief==<version>" would install PyPI's other brief."""
_NAMED = "# `brief init` wrote the one it ran with; pin another commit or tag here to upgrade.\n"
_UNNAMED = (
    "# `brief init` could not tell where the brief it ran came from, and on PyPI the name\n"
    "# brief is another project's. Until the next line names the brief to install,\n"
    "# `pip install -r requirements.txt` stops on it, and so does the workflow.\n"
)


@dataclass(frozen=True, slots=True)
class ScaffoldReport:
    """What ``brief init`` wrote."""

    root: Path
    written: tuple[str, ...]
    """Every file written, relative to root, POSIX style."""
    replaced: tuple[str, ...]
    """Those of them that existed before (only with force)."""


def scaffold_files(requirement: str) -> dict[str, str]:
    """The new project's files: path relative to the project -> text. ``requirement`` is
    the pip requirement of brief that the Pages workflow installs (requirements.txt)."""
    folder = files("brief") / "scaffold_files"
    found = {}
    for source, target in LAYOUT:
        text = (folder / source).read_text(encoding="utf-8")
        found[target] = text.replace("@BRIEF_REQUIREMENT@", _requirement_lines(requirement))
    return found


def _requirement_lines(requirement: str) -> str:
    """The requirement under a comment that says whose it is, or why it stops pip."""
    return (_UNNAMED if requirement == UNNAMED else _NAMED) + requirement


def scaffold(root: Path, requirement: str, *, force: bool = False) -> ScaffoldReport:
    """Write a new project into ``root``; refuse to overwrite any file unless ``force``."""
    planned = scaffold_files(requirement)
    if root.exists() and not root.is_dir():
        raise OutputError(error(str(root), None, "init", "is a file", "pick a folder"))
    # is_symlink too: a dangling link does not exist, yet writing would follow it.
    existing = tuple(n for n in planned if (root / n).exists() or (root / n).is_symlink())
    if existing and not force:
        raise OutputError(tuple(_refusal(root, name) for name in existing))
    for name, text in planned.items():
        _write(root / name, text)
    return ScaffoldReport(root, tuple(planned), existing)


def _refusal(root: Path, name: str) -> Diagnostic:
    return error(
        (root / name).as_posix(),
        None,
        "init",
        "already exists; nothing was written",
        "use --force to overwrite it, or pick an empty folder",
    )


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink()  # replace a link itself, never the file it points to
        with path.open("w", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError as exc:
        raise OutputError(
            error(path.as_posix(), None, "init", exc.strerror or str(exc), "check the folder")
        ) from None
