"""Helpers for the hostile-input suite: a project with a good site already built, and a
rebuild that must fail (or pass) with exact messages while leaving that site as it was."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from brief.stages.write import finish_removals
from tests.conftest import snapshot, write_tree

Run = Callable[..., tuple[int, str, str]]

GOOD = "Good title\n\nWASHINGTON, June 8. /TASS/. Body text of the good article.\n"
BRIEF_YAML = "title: Hostile\nsearch: false\n"


def leftovers(project: Path) -> list[str]:
    """Staging, trash or old folders a build left beside the output folder (once the
    in-process build's background deletion of the swapped-out site has finished), and
    half-written cache files."""
    finish_removals()
    cache = project / ".brief-cache"
    return sorted(
        [
            p.name
            for p in project.iterdir()
            if p.name.endswith((".brief-staging", ".brief-trash", ".brief-old"))
        ]
        + [f".brief-cache/{p.name}" for p in cache.glob(".*.tmp")]
    )


@dataclass
class Built:
    """A project whose site/ was built from good content, and that site's bytes."""

    root: Path
    site: dict[str, bytes]
    run: Run

    def put(self, name: str, data: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def build(self, *args: str | Path) -> tuple[int, str, str]:
        return self.run("build", "--root", self.root, *args)

    def fails(
        self, *expected: str | re.Pattern[str], code: int = 1, args: tuple[str, ...] = ()
    ) -> str:
        """Rebuild: exit ``code``, each expected line printed, no traceback, site/ untouched."""
        status, _, err = self.build(*args)
        assert status == code, err
        assert "Traceback" not in err
        lines = err.splitlines()
        for line in expected:
            if isinstance(line, re.Pattern):  # a library's own wording, matched loosely
                assert any(line.fullmatch(text) for text in lines), f"{line} not in\n{err}"
            else:
                assert line in lines, f"{line!r} not in\n{err}"
        if code == 1:
            assert lines[-1].startswith("Build failed: ") and lines[-1].endswith(
                "; site/ was left as it was."
            ), err
        self.assert_untouched()
        return err

    def passes(self, *expected: str) -> str:
        """Rebuild: exit 0, each expected line printed (warnings), no staging left."""
        status, _, err = self.build()
        assert status == 0, err
        lines = err.splitlines()
        for line in expected:
            assert line in lines, f"{line!r} not in\n{err}"
        assert leftovers(self.root) == []
        return err

    def assert_untouched(self) -> None:
        assert snapshot(self.root / "site") == self.site
        assert leftovers(self.root) == []

    def page(self, path: str) -> str:
        return (self.root / "site" / path).read_text(encoding="utf-8")


@pytest.fixture
def unbuilt(tmp_path: Path, run: Run) -> Built:
    """A project with one good article, not built yet (for tests that only time a build)."""
    root = write_tree(
        tmp_path / "project",
        f"-- brief.yaml --\n{BRIEF_YAML}-- content/2021/good.txt --\n{GOOD}",
    )
    return Built(root, {}, run)


@pytest.fixture
def built(unbuilt: Built, run: Run) -> Built:
    """A project with one good article, built; tests add hostile files and rebuild."""
    root = unbuilt.root
    status, _, err = run("build", "--root", root)
    assert status == 0, err
    site = snapshot(root / "site")
    assert "index.html" in site
    return Built(root, site, run)
