"""brief init: the scaffolded project, its Pages workflow, and its site served under a sub-path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from brief import __version__
from brief.provenance import installed_requirement
from brief.scaffold import LAYOUT, UNNAMED
from tests.conftest import REPO
from tests.test_provenance import pip_install_dry_run

Run = Callable[..., tuple[int, str, str]]
FILES = {
    "brief.yaml",
    "topics.yaml",
    "content/2024/example.md",
    ".gitignore",
    ".github/workflows/pages.yml",
    "requirements.txt",
}


def test_init_writes_config_topics_an_article_gitignore_and_a_pages_workflow(
    tmp_path: Path, run: Run
) -> None:
    code, out, _err = run("init", tmp_path / "briefing")
    assert code == 0
    made = {
        p.relative_to(tmp_path / "briefing").as_posix()
        for p in (tmp_path / "briefing").rglob("*")
        if p.is_file()
    }
    assert made == FILES == {target for _source, target in LAYOUT}
    assert "created .github/workflows/pages.yml" in out
    assert "/site/" in (tmp_path / "briefing/.gitignore").read_text().splitlines()


def test_the_scaffolded_project_builds_at_once_without_warnings(tmp_path: Path, run: Run) -> None:
    project = tmp_path / "briefing"
    assert run("init", project)[0] == 0
    code, out, err = run("build", "--root", project, "--strict")
    assert (code, err) == (0, "")
    assert "Built 1 article" in out
    article = next((project / "site/articles").glob("*/index.html")).read_text()
    assert "Arms control" in article and "Diplomacy" in article


def test_init_in_the_current_folder_is_the_default(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init")[0] == 0
    assert (tmp_path / "brief.yaml").is_file()


def test_init_refuses_to_overwrite_existing_files_and_writes_nothing(
    tmp_path: Path, run: Run
) -> None:
    project = tmp_path / "briefing"
    project.mkdir()
    (project / "brief.yaml").write_text("title: Mine\n")
    (project / ".gitignore").write_text("notes/\n")
    code, _out, err = run("init", project)
    assert code == 2
    assert "brief.yaml: init: already exists; nothing was written (use --force" in err
    assert ".gitignore: init: already exists" in err
    assert (project / "brief.yaml").read_text() == "title: Mine\n"
    assert sorted(p.name for p in project.iterdir()) == [".gitignore", "brief.yaml"]


def test_init_with_force_overwrites_and_says_so(tmp_path: Path, run: Run) -> None:
    project = tmp_path / "briefing"
    project.mkdir()
    (project / "brief.yaml").write_text("title: Mine\n")
    code, out, _err = run("init", project, "--force")
    assert code == 0
    assert "replaced brief.yaml" in out and "created topics.yaml" in out
    assert "title: My briefing" in (project / "brief.yaml").read_text()


def test_init_with_force_replaces_a_link_not_the_file_it_points_to(
    tmp_path: Path, run: Run
) -> None:
    outside = tmp_path / "precious.yaml"
    outside.write_text("keep: me\n")
    project = tmp_path / "briefing"
    project.mkdir()
    (project / "brief.yaml").symlink_to(outside)
    assert run("init", project)[0] == 2
    assert run("init", project, "--force")[0] == 0
    assert outside.read_text() == "keep: me\n"
    assert not (project / "brief.yaml").is_symlink()


@pytest.fixture
def workflow(tmp_path: Path, run: Run) -> dict[Any, Any]:
    assert run("init", tmp_path / "briefing")[0] == 0
    text = (tmp_path / "briefing/.github/workflows/pages.yml").read_text()
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict)
    return loaded


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step_using(workflow: dict[Any, Any], action: str) -> dict[str, Any]:
    [found] = [s for s in steps(workflow) if str(s.get("uses", "")).startswith(action + "@")]
    return found


def test_the_pages_workflow_uses_the_official_actions_in_order(workflow: dict[Any, Any]) -> None:
    used = [str(s["uses"]).split("@")[0] for s in steps(workflow) if "uses" in s]
    assert used == [
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    runs = [str(s.get("run", "")) for s in steps(workflow)]
    assert "python -m pip install -r requirements.txt" in runs
    assert step_using(workflow, "actions/setup-python")["with"]["cache"] == "pip"


def test_the_pages_workflow_keeps_the_brief_cache_from_run_to_run(
    workflow: dict[Any, Any],
) -> None:
    # A cache entry is never overwritten: each run saves its own key and restores the
    # newest one of the same requirements.txt.
    cache = step_using(workflow, "actions/cache")["with"]
    assert cache["path"] == ".brief-cache"
    prefix = "brief-cache-${{ hashFiles('requirements.txt') }}-"
    assert cache["key"] == prefix + "${{ github.run_id }}"
    assert cache["restore-keys"] == prefix
    [build] = [s for s in steps(workflow) if "brief build" in str(s.get("run", ""))]
    assert steps(workflow).index(step_using(workflow, "actions/cache")) < steps(workflow).index(
        build
    )


def test_requirements_txt_names_the_brief_that_ran_init_and_init_says_when_it_cannot(
    tmp_path: Path, run: Run
) -> None:
    code, _out, err = run("init", tmp_path / "briefing")
    assert code == 0
    lines = (tmp_path / "briefing/requirements.txt").read_text().splitlines()
    expected = installed_requirement()
    assert [line for line in lines if not line.startswith("#")] == [expected.line]
    assert err.splitlines() == [note.format() for note in expected.notes]


def test_a_brief_installed_off_an_index_writes_a_line_pip_stops_on_and_warns(
    tmp_path: Path,
) -> None:
    """A wheel installed from a package index (a local one): pip keeps no note of where it
    came from, and brief==<version> would install PyPI's other brief in the workflow."""
    pip = (sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check")
    wheels, target = tmp_path / "index", tmp_path / "installed"
    for args in (
        ("wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, REPO),
        ("install", "--no-deps", "--no-index", "--find-links", wheels, "-t", target, "brief"),
    ):
        subprocess.run([*pip, *map(str, args)], check=True, capture_output=True, timeout=300)
    # PYTHONPATH comes before site-packages, so the installed brief wins over this checkout.
    init = subprocess.run(
        [sys.executable, "-m", "brief", "init", "p1"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "p1/requirements.txt").read_text().splitlines()[-1] == UNNAMED
    assert init.stderr.startswith(
        f"requirements.txt: warning: init: brief {__version__} came from a package index, and "
        "on PyPI the name brief is another project's, so requirements.txt names no brief yet: "
        "pip install -r requirements.txt, which the Pages workflow runs, fails on its EDIT-ME "
        "line until you name one (replace that line with the brief to install, for example "
        "brief @ git+https://github.com/OWNER/brief@TAG;"
    )
    pip_run = pip_install_dry_run(tmp_path / "p1")
    assert pip_run.returncode != 0
    assert f"Invalid requirement: '{UNNAMED}'" in pip_run.stderr


def test_init_requirement_puts_the_given_requirement_in_requirements_txt(
    tmp_path: Path, run: Run
) -> None:
    line = "brief @ git+https://github.com/example/brief@v0.1.0"
    code, _out, err = run("init", tmp_path / "briefing", "--requirement", line)
    assert (code, err) == (0, "")
    assert (tmp_path / "briefing/requirements.txt").read_text().splitlines()[-1] == line


def test_the_pages_workflow_builds_with_the_pages_base_url_and_uploads_site_with_dotfiles(
    workflow: dict[Any, Any],
) -> None:
    pages = step_using(workflow, "actions/configure-pages")
    [build] = [s for s in steps(workflow) if "brief build" in str(s.get("run", ""))]
    assert '--base-url "$BASE_URL"' in build["run"]
    assert build["env"]["BASE_URL"] == "${{ steps." + pages["id"] + ".outputs.base_url }}"
    upload = step_using(workflow, "actions/upload-pages-artifact")
    assert upload["with"] == {"path": "site", "include-hidden-files": True}
    order = steps(workflow)
    assert order.index(pages) < order.index(build) < order.index(upload)


def test_the_pages_workflow_may_deploy_and_never_cancels_a_deploy_in_progress(
    workflow: dict[Any, Any],
) -> None:
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    triggers = workflow["on"] if "on" in workflow else workflow[True]
    assert triggers["push"] == {"branches": ["main"]} and "workflow_dispatch" in triggers


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [str(value) for name, value in attrs if name in ("href", "src") and value]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Path, str], str]]:
    """Serve a built site at a sub-path of a loopback server; yield a function -> its URL."""
    root = tmp_path / "served"
    servers: list[ThreadingHTTPServer] = []

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    def start(site: Path, sub_path: str) -> str:
        shutil.copytree(site, root / sub_path.strip("/"), dirs_exist_ok=True)
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{sub_path}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def crawl(start: str, public_host: str, limit: int = 500) -> tuple[set[str], list[str]]:
    """Fetch every internal link from ``start`` on; (paths fetched, broken ones with referrer).

    Links to the public host (canonical URLs, feeds) are fetched from the local server.
    """
    local = urlsplit(start)
    queue, seen, broken = [(start, "start")], {start}, []
    while queue and len(seen) <= limit:
        url, referrer = queue.pop(0)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                kind = response.headers.get_content_type()
                body = response.read().decode("utf-8") if kind == "text/html" else ""
        except urllib.error.HTTPError as exc:
            broken.append(f"{referrer} -> {url}: {exc.code}")
            continue
        parser = Links()
        parser.feed(body)
        for link in parser.links:
            target = urlsplit(urljoin(url, link))
            if target.hostname == public_host:
                target = target._replace(scheme=local.scheme, netloc=local.netloc)
            if target.netloc != local.netloc:
                continue  # external
            found = target._replace(fragment="").geturl()
            if found not in seen:
                seen.add(found)
                queue.append((found, url))
    return {urlsplit(url).path for url in seen}, broken


@pytest.mark.parametrize(
    ("base_url", "sub_path"),
    [
        ("https://user.github.io/briefing/", "/briefing/"),
        ("https://user.github.io/", "/"),
        ("https://briefing.example.org/", "/"),
    ],
    ids=["project site", "user site", "custom domain"],
)
def test_a_scaffolded_project_served_where_its_base_url_says_has_no_broken_links(
    tmp_path: Path, run: Run, serve: Callable[[Path, str], str], base_url: str, sub_path: str
) -> None:
    project = tmp_path / "briefing"
    assert run("init", project)[0] == 0
    assert run("build", "--root", project, "--base-url", base_url)[0] == 0
    home = serve(project / "site", sub_path)
    fetched, broken = crawl(home, urlsplit(base_url).hostname or "")
    _, broken_404 = crawl(home + "404.html", urlsplit(base_url).hostname or "")
    assert broken == [] and broken_404 == []
    site = project / "site"
    pages = {
        sub_path + p.relative_to(site).as_posix().removesuffix("index.html")
        for p in site.rglob("*.html")
        if p.name != "404.html"
    }
    assert pages <= fetched  # every page can be reached from the home page
    assert len(pages) >= 7
