"""End to end: build mini-sites and follow every internal link, at / and under a sub-path."""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from brief.build import build
from brief.config import load_config

MINI = """
-- brief.yaml --
title: Mini briefing
description: A test site.
-- topics.yaml --
- name: Arms control
  description: Treaties.
  match: [arms control, New START]
- name: NATO-Russia Council
  match: [NATO-Russia Council, NRC]
- name: Empty topic
  match: [nothing matches this phrase]
-- content/2021/06/a.txt --
NATO chief on arms control

WASHINGTON, June 8. /TASS/. NATO chief spoke about arms control and New START.

He mentioned the NATO-Russia Council.
-- content/2021/05/b.txt --
Reuters piece

MOSCOW, May 3. /TASS/. The NRC may meet.
-- content/2020/12/c.md --
---
title: Notes with <angle> & "quotes"
date: 2020-12-31T23:30:00-05:00
source_url: https://example.org/x?a=1&b=2
topics: [Arms control]
---
Some [link](https://example.org) and text.
"""


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(str(values[name]))
        if values.get("id"):
            self.ids.add(str(values["id"]))


def crawl(site: Path, base_path: str) -> tuple[int, list[str]]:
    """Follow every internal link of every page; return (links checked, broken ones)."""
    checked, broken = 0, []
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # external
            if not parts.path:
                checked += 1
                if parts.fragment and parts.fragment not in parser.ids:
                    broken.append(f"{page.relative_to(site)}: #{parts.fragment}")
                continue
            checked += 1
            if not parts.path.startswith(base_path):
                broken.append(f"{page.relative_to(site)}: {link} is outside {base_path}")
                continue
            target = site / unquote(parts.path[len(base_path) :])
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
    return checked, broken


@pytest.mark.parametrize("base_url", ["/", "https://user.github.io/briefing/"])
def test_every_internal_link_of_every_page_leads_to_a_file(
    site: Callable[[str], Path], base_url: str
) -> None:
    project = site(MINI)
    config = load_config(project, {"base_url": base_url})
    report = build(config)
    assert report.articles == 3
    checked, broken = crawl(project / "site", config.base_path)
    assert broken == []
    assert checked > 50
    home = (project / "site" / "index.html").read_text()
    assert f'href="{config.base_path}static/brief.css"' in home


def test_the_pages_a_reader_expects_exist(site: Callable[[str], Path]) -> None:
    project = site(MINI)
    build(load_config(project))
    out = project / "site"
    for path in [
        "index.html",
        "404.html",
        "topics/index.html",
        "topics/arms-control/index.html",
        "topics/empty-topic/index.html",
        "archive/index.html",
        "archive/2021/06/index.html",
        "archive/2020/12/index.html",
        "articles/nato-chief-on-arms-control/index.html",
    ]:
        assert (out / path).is_file(), path
    topic = (out / "topics/arms-control/index.html").read_text()
    # newest first: June before December
    assert topic.index("NATO chief on arms control") < topic.index("Notes with")
    article = (out / "articles/nato-chief-on-arms-control/index.html").read_text()
    assert "Washington" in article and "TASS" in article and "8 June 2021" in article
    body = article.split('<div class="body">')[1].split("</div>")[0]
    assert "WASHINGTON, June 8." not in body  # the dateline is shown as place and agency


def test_content_is_escaped_in_text_and_attributes(site: Callable[[str], Path]) -> None:
    project = site(MINI)
    build(load_config(project))
    page = (project / "site/articles/notes-with-angle-quotes/index.html").read_text()
    assert "Notes with &lt;angle&gt; &amp; &#34;quotes&#34;" in page
    assert 'href="https://example.org/x?a=1&amp;b=2"' in page
    assert "<angle>" not in page


def test_a_date_with_a_zone_is_shown_on_its_own_day(site: Callable[[str], Path]) -> None:
    project = site(MINI)
    build(load_config(project))
    page = (project / "site/articles/notes-with-angle-quotes/index.html").read_text()
    assert "31 December 2020" in page
    assert (project / "site/archive/2020/12/index.html").is_file()


def test_the_same_input_gives_byte_identical_output(
    site: Callable[[str], Path], tmp_path: Path
) -> None:
    project = site(MINI)
    build(load_config(project))
    first = tmp_path / "first"
    shutil.copytree(project / "site", first)
    build(load_config(project))
    comparison = filecmp.dircmp(first, project / "site")
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    for path in first.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (project / "site" / path.relative_to(first)).read_bytes()


def test_a_failed_build_leaves_the_previous_site_intact(site: Callable[[str], Path]) -> None:
    from brief.errors import ContentError

    project = site(MINI)
    build(load_config(project))
    before = {
        p.relative_to(project / "site"): p.read_bytes()
        for p in (project / "site").rglob("*")
        if p.is_file()
    }
    (project / "content/2021/06/a.txt").write_bytes(b"")
    with pytest.raises(ContentError):
        build(load_config(project))
    after = {
        p.relative_to(project / "site"): p.read_bytes()
        for p in (project / "site").rglob("*")
        if p.is_file()
    }
    assert after == before
    assert not list(project.glob(".site.*"))


def test_a_site_template_overrides_the_theme_and_can_extend_it(site: Callable[[str], Path]) -> None:
    project = site(
        MINI
        + """
-- templates/404.html --
{% extends "!theme/404.html" %}
{% block title %}Lost — {{ site.title }}{% endblock %}
-- templates/static/extra.css --
body { color: red; }
"""
    )
    build(load_config(project))
    page = (project / "site/404.html").read_text()
    assert "<title>Lost — Mini briefing</title>" in page
    assert (project / "site/static/extra.css").is_file()
    assert (project / "site/static/brief.css").is_file()


def _with_edited_theme_file(project: Path, name: str, old: str, new: str) -> Path:
    """``project`` with its own copy of the theme's template ``name``, ``old`` made ``new``."""
    theme = (Path(__file__).parent.parent / "templates" / name).read_text()
    edited = theme.replace(old, new)
    assert edited != theme
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / name).write_text(edited)
    return project


def test_a_copy_of_macros_html_sees_the_page_it_is_rendered_for(
    site: Callable[[str], Path],
) -> None:
    # The theme's pages import macros.html by name, with the page's context: a site's own
    # copy may read site and page_url, as every template may (a context-free import broke
    # that, and let state at its top level run from page to page).
    project = _with_edited_theme_file(
        site(MINI),
        "macros.html",
        "{% macro date(article) -%}\n",
        "{% macro date(article) -%}\n<!-- {{ site.title }} on /{{ page_url }} -->",
    )
    build(load_config(project))
    page = project / "site/articles/nato-chief-on-arms-control/index.html"
    assert "<!-- Mini briefing on /articles/nato-chief-on-arms-control/ -->" in page.read_text()


def test_a_nav_item_added_to_a_copy_of_base_html_is_current_on_its_own_page_only(
    site: Callable[[str], Path],
) -> None:
    # The nav is a fragment cached per section and nav page: the list of links is also the
    # cache key's list, so an item added to it cannot leave a stale aria-current behind.
    project = _with_edited_theme_file(
        site(MINI),
        "base.html",
        "  ('search/', 'Search', ()),\n",
        "  ('search/', 'Search', ()),\n  ('topics/arms-control/', 'Arms', ('topics',)),\n",
    )
    build(load_config(project))

    def current(path: str) -> str:
        page = (project / "site" / path).read_text()
        link = next(line for line in page.splitlines() if ">Arms</a>" in line)
        return "page" if 'aria-current="page"' in link else "true" if "aria-current" in link else ""

    assert current("topics/arms-control/index.html") == "page"
    assert current("topics/nato-russia-council/index.html") == "true"
    assert current("topics/index.html") == "true"
    assert current("index.html") == ""
