"""Shared fixtures: mini-sites written from one string, and the seed project."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from brief.cli import main

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output (review the diff!)",
    )


def write_tree(root: Path, spec: str) -> Path:
    """Write files from a txtar-like spec: '-- path --' lines, each followed by its text."""
    spec = textwrap.dedent(spec)
    current: str | None = None
    chunks: dict[str, list[str]] = {}
    for line in spec.splitlines(keepends=True):
        if line.startswith("-- ") and line.rstrip().endswith(" --"):
            current = line.strip()[3:-3].strip()
            chunks[current] = []
        elif current is not None:
            chunks[current].append(line)
    for name, lines in chunks.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(lines), encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Callable[[str], Path]:
    """A function writing a mini-site into a fresh project folder and returning the folder."""

    def make(spec: str) -> Path:
        return write_tree(tmp_path / "project", spec)

    return make


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``brief`` in-process: (exit code, stdout, stderr)."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    """A copy of this repository's own briefing project (config, topics, content)."""
    project = tmp_path / "seed"
    project.mkdir()
    for name in ("brief.yaml", "topics.yaml"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "content", project / "content")
    return project


def require_program(name: str) -> str:
    """The path of a system program; skip without it, but fail where CI demands it."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed; install it to run this test"
    if os.environ.get("BRIEF_REQUIRE_SYSTEM_TOOLS"):
        pytest.fail(message + " (CI requires it)")
    pytest.skip(message)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium under playwright, for a fixture to yield from. Fixtures using it
    are module-scoped: playwright's sync API allows one instance at a time in a thread."""
    executable = require_program("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
