"""Config -> the differences between the output folder and a clean build, as error Diagnostics.

The clean build ignores the cache and goes to .brief-verify/site inside the project (build()
writes only inside the project, and never into .brief-cache/), which is removed afterwards.
An incremental build must equal a clean one byte for byte; this checks it on demand. The
search index is left out: Pagefind makes it from the article pages, which are compared, and
its filter files are not byte-stable from one run to the next.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

from brief.build import build
from brief.config import Config
from brief.errors import Diagnostic, OutputError, error
from brief.lock import one_at_a_time
from brief.search import FOLDER as SEARCH_FOLDER
from brief.stages.write import MARKER, finish_removals

FOLDER = ".brief-verify"
_CHUNK = 1 << 20


def verify(config: Config, drafts: bool = False) -> tuple[Diagnostic, ...]:
    """Build the site afresh, without the cache, and compare it file by file with the output.
    It holds the site's lock throughout: two at once shared .brief-verify/, and one could
    compare the site while another build swapped it."""
    scratch = config.root / FOLDER
    with one_at_a_time(config.root / config.output_dir):
        _clear(scratch)
        scratch.mkdir()
        try:
            # No search index: it is not compared, and Pagefind is the slowest part of a build.
            clean = dataclasses.replace(config, output_dir=f"{FOLDER}/site", search=False)
            build(clean, drafts=drafts, use_cache=False)
            finish_removals()
            return compare(config.root / config.output_dir, scratch / "site", config.output_dir)
        finally:
            finish_removals()
            shutil.rmtree(scratch, ignore_errors=True)


def compare(output: Path, clean: Path, label: str) -> tuple[Diagnostic, ...]:
    """Every file that is missing, extra or different in ``output`` compared with ``clean``.
    The marker file is left out (its build stamp names the output folder's fingerprint), and
    so is the search index."""
    ours, theirs = _files(output), _files(clean)
    problems = []
    for path in sorted(ours | theirs):
        where = f"{label}/{path}"
        if path not in ours:
            problems.append(_differs(where, "missing: a clean build writes this file"))
        elif path not in theirs:
            problems.append(_differs(where, "extra: a clean build does not write this file"))
        elif not _same(output / path, clean / path):
            problems.append(_differs(where, "differs from a clean build"))
    return tuple(problems)


def _differs(where: str, message: str) -> Diagnostic:
    return error(
        where,
        None,
        "verify",
        message,
        "was the output edited? if not, it is a bug in brief: please report it, "
        "and delete .brief-cache/ to rebuild",
    )


def _files(root: Path) -> set[str]:
    found = set()
    for folder, subfolders, names in os.walk(root):
        base = Path(folder).relative_to(root)
        if base == Path("."):
            subfolders[:] = [name for name in subfolders if name != SEARCH_FOLDER]
        for name in names:
            found.add((base / name).as_posix())
    found.discard(MARKER)
    return found


def _same(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as one, b.open("rb") as other:
        while True:
            left, right = one.read(_CHUNK), other.read(_CHUNK)
            if left != right:
                return False
            if not left:
                return True


def _clear(scratch: Path) -> None:
    """A verify killed half way leaves its folder: remove it, but only if brief made it."""
    if not scratch.exists() and not scratch.is_symlink():
        return
    ours = scratch.is_dir() and not scratch.is_symlink()
    if ours:
        ours = all(p.name == "site" or p.name.startswith(".site.") for p in scratch.iterdir())
        ours = ours and (not (scratch / "site").exists() or (scratch / "site" / MARKER).is_file())
    if not ours:
        raise OutputError(
            error(
                FOLDER,
                None,
                "output",
                f"{FOLDER} holds files brief did not write",
                "brief build --verify builds a clean copy there; move them away",
            )
        )
    shutil.rmtree(scratch)
