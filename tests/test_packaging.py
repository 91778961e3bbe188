"""The wheel carries the theme and the data files, and an installed brief builds a site."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("brief-*.whl")
    return built


def test_the_wheel_holds_the_default_theme_and_the_wire_copy_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "brief/theme/base.html",
        "brief/theme/article.html",
        "brief/theme/static/brief.css",
        "brief/data/boilerplate.yaml",
        "brief/data/agencies.yaml",
        "brief/cli.py",
    ):
        assert name in names, name


def test_an_installed_brief_builds_the_seed_site_outside_the_checkout(
    wheel: Path, tmp_path: Path, seed_project: Path
) -> None:
    target = tmp_path / "installed"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # PYTHONPATH comes before site-packages, so the wheel's brief wins over a checkout's.
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import brief; print(brief.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert where.stdout.startswith(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "brief", "build", "--root", str(seed_project)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 article,")
    assert (seed_project / "site/static/brief.css").is_file()
    assert "Washington" in (seed_project / "site/index.html").read_text()
