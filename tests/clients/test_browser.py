"""Pages in a real headless Chromium: accessibility (axe-core), screenshots, search."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from brief.build import build
from brief.config import load_config
from tests.clients.conftest import ARTIFACTS, serving

PAGES = {
    "home": "",
    "article": "articles/nato-secretary-general-says-he-discussed-russia-during-meeting-with-biden/",
    "topic": "topics/arms-control/",
    "day": "briefings/2021-06-08/",
    "search": "search/",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_finds_no_serious_or_critical_violation(browser: Any, served: str, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(served + PAGES[name])
    results = Axe().run(page)
    page.close()
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert bad == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["home", "article"])
def test_screenshots_at_phone_and_desktop_widths(
    browser: Any, served: str, name: str, width: int
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(served + PAGES[name])
    target = ARTIFACTS / f"{name}-{width}.png"
    page.screenshot(path=str(target), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.close()
    assert target.stat().st_size > 10_000
    assert overflow <= 0, f"{name} scrolls sideways at {width} px"


def test_the_search_box_finds_the_seed_article_for_new_start(browser: Any, served: str) -> None:
    page = browser.new_page()
    page.goto(served + "search/")
    page.fill("#search-terms", "New START")
    page.locator(".search-result-link").first.wait_for(timeout=15_000)
    titles = page.locator(".search-result-link").all_inner_texts()
    assert any("NATO Secretary General says he discussed Russia" in t for t in titles), titles
    # The filters narrow the results: by source (the seed is TASS's) and by topic.
    page.select_option("#search-agency", "Reuters")
    page.wait_for_function(
        "!document.getElementById('search-status').textContent.startsWith('Search')"
    )
    narrowed = page.locator(".search-result-link").all_inner_texts()
    page.select_option("#search-agency", "TASS")
    page.select_option("#search-topic", "NATO-Russia Council")
    page.wait_for_function(
        "!document.getElementById('search-status').textContent.startsWith('Search')"
    )
    tass = page.locator(".search-result-link").all_inner_texts()
    dates = page.locator(".search-results .meta").all_inner_texts()
    page.close()
    assert not any("NATO Secretary General says" in t for t in narrowed)
    assert any("NATO Secretary General says he discussed Russia" in t for t in tass), tass
    assert dates, "each result names its source and date"


def test_reading_needs_no_javascript(browser: Any, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + PAGES["article"])
    text = page.inner_text("main")
    context.close()
    assert "We also discussed Russia" in text


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """230 dispatches and 3 articles of one source spelled two ways, all holding one
    made-up word, with a topic whose name has a "|", served; the URL and how many articles
    carry that topic."""
    from bench.corpus import generate, write_brief

    project = tmp_path_factory.mktemp("many") / "project"
    write_brief(generate(230, seed=9), project)
    for path in (project / "content").rglob("*.txt"):
        path.write_text(path.read_text() + "\nThe talks were called zyxwvu by one delegate.\n")
    for number, spelled in enumerate(("Example Wire", "example wire", "example wire")):
        (project / f"content/spelled-{number}.md").write_text(
            f"---\ntitle: Spelling {number}\ndate: 2024-01-0{number + 1}\nsource: {spelled}\n"
            "---\nThe talks were called zyxwvu by one delegate.\n"
        )
    with (project / "topics.yaml").open("a") as topics:
        topics.write('- name: "Sanctions | export controls"\n  match: [sanctions]\n')
    (project / "brief.yaml").write_text("title: Many\nbase_url: https://example.org/\n")
    build(load_config(project))
    # Tagged as brief tags: the phrase as a whole word, in any case, in the title or body.
    phrase = re.compile(r"\bsanctions\b", re.IGNORECASE)
    tagged = sum(bool(phrase.search(p.read_text())) for p in (project / "content").rglob("*.txt"))
    with serving(project / "site") as url:
        yield url, tagged


def test_search_counts_and_narrows_over_every_result_not_the_first_200(
    browser: Any, many: tuple[str, int]
) -> None:
    # The page filtered the first 200 results' data itself: it undercounted, and a topic
    # with a "|" in its name matched nothing (the names were joined by "|").
    url, tagged = many
    assert 0 < tagged < 230
    page = browser.new_page()
    page.goto(url + "search/")
    page.fill("#search-terms", "zyxwvu")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('found')")
    assert page.inner_text("#search-status") == "233 articles found. The 50 newest are shown."
    assert page.locator(".search-result-link").count() == 50
    page.select_option("#search-topic", "Sanctions | export controls")
    page.wait_for_function(
        f"document.getElementById('search-status').textContent.startsWith('{tagged} article')"
    )
    shown = page.locator(".search-result-link").count()
    # One source, three spellings: the source page gathers them, and so does the filter.
    page.select_option("#search-topic", "")
    page.select_option("#search-agency", label="example wire")
    page.wait_for_function(
        "document.getElementById('search-status').textContent.startsWith('3 articles')"
    )
    page.close()
    assert shown == min(tagged, 50)
