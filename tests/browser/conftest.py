"""Headless Chromium (Debian's package, driven by playwright) and a served temporary project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.serving import Served, make_project
from tests.conftest import require_program

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


# Module scope, not session: playwright's sync API allows one instance at a time in a
# thread, and tests/clients/ opens its own for the whole session after this folder's tests.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    executable = require_program("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``brief serve`` over a fresh two-article project with base_url .../briefing/."""
    server = Served(make_project(tmp_path / "project"))
    yield server
    server.stop()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    opened = context.new_page()
    yield opened
    context.close()
