"""A realistic site built and compared file by file with tests/golden/site/.

When the output changes on purpose, run ``pytest tests/test_golden.py --update-golden`` and
review the diff of tests/golden/site/ by eye before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brief.build import build
from brief.config import load_config

GOLDEN = Path(__file__).resolve().parent / "golden"


def files_of(folder: Path) -> dict[str, bytes]:
    # The marker file carries an opaque build stamp (a digest of every input) and pagefind/
    # is Pagefind's binary index: no eye can review either; their presence is checked, their
    # bytes are the determinism tests' business.
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and p.name != ".brief-output"
        and not p.relative_to(folder).as_posix().startswith("pagefind/")
    }


def test_the_golden_site_is_rebuilt_byte_for_byte(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        GOLDEN / "project", project, ignore=shutil.ignore_patterns("site", ".brief-cache")
    )
    report = build(load_config(project))
    assert report.articles == 4  # the draft is left out
    assert (project / "site/.brief-output").is_file()
    built = files_of(project / "site")
    expected_dir = GOLDEN / "site"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(
            project / "site",
            expected_dir,
            ignore=shutil.ignore_patterns(".brief-output", "pagefind"),
        )
    expected = files_of(expected_dir)
    assert sorted(built) == sorted(expected)
    for name, data in expected.items():
        assert built[name].decode() == data.decode(), (
            f"{name} differs from tests/golden/site/{name}"
        )
