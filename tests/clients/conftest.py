"""A realistic corpus built once per session, served over HTTP under /briefing/, and a real
headless Chromium (Debian's package, driven by playwright) to read it."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from brief.build import build
from brief.config import load_config
from tests.conftest import REPO, launch_chromium

ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 generated dispatches over many days, topics and agencies, plus the seed article,
    built with a project-site base_url; returns the project folder."""
    from bench.corpus import generate, write_brief

    project = tmp_path_factory.mktemp("corpus") / "project"
    write_brief(generate(120, seed=7), project)
    shutil.copy(REPO / "content/2021/000_fed5f0d4c4963b3d.txt", project / "content/2021/seed.txt")
    (project / "brief.yaml").write_text(
        "title: Test briefing\ndescription: Generated dispatches for the client checks.\n"
        "base_url: https://user.github.io/briefing/\npage_size: 10\n"
    )
    build(load_config(project))
    return project


@pytest.fixture(scope="session")
def served(corpus_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site served at http://127.0.0.1:PORT/briefing/, as GitHub Pages would."""
    root = tmp_path_factory.mktemp("www")
    (root / "briefing").symlink_to(corpus_site / "site", target_is_directory=True)
    with serving(root) as url:
        yield url + "briefing/"


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on a free port of 127.0.0.1; its URL, with a slash."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()
