"""A staged site -> its Pagefind search index in pagefind/, so search works with no server.

Pagefind (a well-kept static search engine, installed from PyPI as pagefind[bin]) indexes
the article pages after they are written and before the site is swapped in, so the index
always matches the pages. When no page changed, the current index is kept as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from brief.errors import Diagnostic, warning
from brief.tether import tethered

FOLDER = "pagefind"


def index_site(staging: Path, output: Path, pages_changed: bool) -> tuple[Diagnostic, ...]:
    """Write staging/pagefind/; return a warning when search could not be built."""
    current = output / FOLDER
    if not pages_changed and current.is_dir():
        _link_tree(current, staging / FOLDER)
        return ()
    try:
        result = subprocess.run(
            # Only article pages are searched: reading the listings too would double the cost.
            tethered(
                [
                    sys.executable,
                    "-m",
                    "pagefind",
                    "--site",
                    str(staging),
                    "--silent",
                    "--glob",
                    "articles/**/*.html",
                ]
            ),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return (_unavailable(str(exc)),)
    if result.returncode != 0 or not (staging / FOLDER).is_dir():
        detail = (result.stderr or result.stdout).strip().splitlines()
        return (_unavailable(detail[-1] if detail else f"exit code {result.returncode}"),)
    return ()


def _unavailable(reason: str) -> Diagnostic:
    return warning(
        FOLDER,
        None,
        "search",
        f"the search index was not built: {reason}",
        "pip install 'pagefind[bin]', or set search: false in brief.yaml",
    )


def _link_tree(source: Path, target: Path) -> None:
    for folder, _, names in os.walk(source):
        destination = target / Path(folder).relative_to(source)
        destination.mkdir(parents=True, exist_ok=True)
        for name in names:
            try:
                os.link(Path(folder) / name, destination / name)
            except OSError:
                shutil.copy2(Path(folder) / name, destination / name)
