"""Headless Chromium (Debian's package, driven by playwright) and a served temporary project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.serving import Served, make_project
from tests.conftest import launch_chromium


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch_chromium()


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
