"""Live reload in a real browser: edits appear, errors are overlaid and clear by themselves."""

from __future__ import annotations

from typing import Any

from tests.browser.serving import ARTICLE, ARTICLE_FILE, Served, edit

OVERLAY = "#brief-live-errors"
BROKEN = """---
title: NATO and Russia agree to resume talks
date: next Tuesday
---
BRUSSELS, June 8. /TASS/. NATO and Russia agreed on Tuesday to resume arms control talks.
"""


def test_an_edited_article_shows_its_new_text_without_a_manual_reload(
    served: Served, page: Any
) -> None:
    page.goto(served.url + ARTICLE)
    assert "agreed on Tuesday" in page.inner_text("main")
    path = served.project / ARTICLE_FILE
    edit(path, path.read_text().replace("agreed on Tuesday", "agreed on Wednesday evening"))
    page.wait_for_function(
        "document.querySelector('main').innerText.includes('agreed on Wednesday evening')",
        timeout=10_000,
    )


def test_a_broken_file_puts_an_overlay_with_file_and_line_on_the_page_until_it_is_fixed(
    served: Served, page: Any
) -> None:
    page.goto(served.url + ARTICLE)
    path = served.project / ARTICLE_FILE
    good = path.read_text()
    edit(path, BROKEN)
    overlay = page.locator(OVERLAY)
    overlay.wait_for(state="visible", timeout=10_000)
    text = overlay.inner_text()
    assert f"{ARTICLE_FILE}:3" in text, text
    assert "next Tuesday" in text, text
    assert "agreed on Tuesday" in page.inner_text("main")  # the last good page stays
    edit(path, good.replace("agreed on Tuesday", "agreed at last"))
    overlay.wait_for(state="detached", timeout=10_000)
    page.wait_for_function(
        "document.querySelector('main').innerText.includes('agreed at last')", timeout=10_000
    )


def test_a_page_opened_while_the_build_is_broken_shows_the_overlay(
    served: Served, page: Any
) -> None:
    edit(served.project / ARTICLE_FILE, BROKEN)
    served.wait_for(lambda s: bool(s["errors"]), "the failed build")
    page.goto(served.url)
    page.locator(OVERLAY).wait_for(state="visible", timeout=10_000)
    assert f"{ARTICLE_FILE}:3" in page.inner_text(OVERLAY)


def test_an_overlay_shows_markup_in_a_message_as_text(served: Served, page: Any) -> None:
    page.goto(served.url)
    edit(
        served.project / ARTICLE_FILE,
        BROKEN.replace("next Tuesday", "<img src=x onerror=window.hacked=1></script>"),
    )
    overlay = page.locator(OVERLAY)
    overlay.wait_for(state="visible", timeout=10_000)
    assert "<img src=x onerror=window.hacked=1>" in overlay.inner_text()
    assert page.locator(f"{OVERLAY} img").count() == 0
    page.reload()
    page.locator(OVERLAY).wait_for(state="visible", timeout=10_000)
    assert page.evaluate("window.hacked") is None
    assert page.locator(f"{OVERLAY} img").count() == 0


def test_a_stylesheet_change_swaps_the_stylesheet_without_reloading_the_page(
    served: Served, page: Any
) -> None:
    css = served.project / "templates" / "static" / "brief.css"
    css.parent.mkdir(parents=True)
    css.write_text("body { background: rgb(9, 9, 9); }\n")  # overrides the theme's file
    served.wait_for(lambda s: s["version"] >= 2, "the build with the new folder")
    served.wait_quiet(quiet=0.8)
    page.goto(served.url + ARTICLE)
    page.evaluate("window.briefMarker = 'still the same page'")
    edit(css, "body { background: rgb(1, 2, 3); }\n")
    page.wait_for_function(
        "getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'", timeout=10_000
    )
    assert page.evaluate("window.briefMarker") == "still the same page"
    assert "brief-reload=" in page.evaluate("document.querySelector('link[rel=stylesheet]').href")
