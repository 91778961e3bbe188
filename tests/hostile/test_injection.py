"""Injection: payloads in every field a dispatch, the taxonomy or the data files can carry end
up inert in every page, feed, JSON-LD block, sitemap and search record.

Every file of the built site is checked by kind (HTML parsed with html5lib and walked; XML
parsed, with its HTML content checked as a feed reader would show it; JSON parsed, with its
HTML and URLs checked), so feeds or records added later are checked without a new test. Then
every page is loaded in headless Chromium: no script may run and no javascript: URL may be
clickable.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import html5lib
import pytest

from brief.build import build
from brief.config import load_config
from brief.stages.write import finish_removals
from tests.conftest import launch_chromium, write_tree

PWN = "window.__pwned=1"
SCRIPT = f"<script>{PWN}</script>"
# Text payloads (into titles, names, attributes): each must show as the text it is.
TEXT = [
    SCRIPT,
    f"<img src=x onerror={PWN}>",
    f"<svg onload={PWN}>",
    f'" onmouseover="{PWN}" x="',
    f"' onfocus='{PWN}' autofocus='",
    f"x onmouseover={PWN}",
    f"</title>{SCRIPT}",
    f"</script>{SCRIPT}<!--",
    "{{ 7*7 }} {% raw %}",
    "]]> AT&T &nbsp; \u2028",
]
# Markdown body payloads (markdown-it's js-default preset must neutralise each).
MARKDOWN = [
    # First: with raw HTML allowed, the unclosed <!-- below comments out all that follows.
    '<em>kept</em> <b onclick=alert(1)>bold</b> <a href="https://ok.test/">fine link</a>',
    f"<script>alert(1);{PWN}</script>",
    f"<img src=x onerror=alert(1);{PWN}>",
    "<svg onload=alert(1)>",
    f'<iframe srcdoc="<script>{PWN}</script>"></iframe>',
    '<a href="java&#x09;script:alert(1)">tab</a>',
    "<!--<script>",
    "[p7](javascript:alert(1))",
    "[p8](JaVaScRiPt:alert(1))",
    "[p9a](&#106;avascript:alert(1)) [p9b](javascript&#58;alert(1))",
    "<javascript:alert(1)> [p10](<javascript:alert(1)>)",
    "[p11]\n\n[p11]: javascript:alert(1)",
    "[p12](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![p12b](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[p13](vbscript:msgbox(1)) [p13b](file:///etc/passwd)",
    '[p14](https://a.test "t\\" onmouseover=\\"alert(1)")',
    '![x"onerror="alert(1)](a.png)',
    '```"><script>alert(1)</script>\ncode\n```',
    '# x" onclick=alert(1)',
    "{{ 7*7 }} {% include 'base.html' %} ${7*7} <%= 7*7 %>",
    "]]> and <![CDATA[ x ]]> and &nbsp; and AT&T and \x0b\x0c control",
]

TITLE = f"Evil {SCRIPT} title {TEXT[2]} {TEXT[3]}"


def yaml_text(text: str) -> str:
    """A YAML double-quoted scalar for any text (control characters escaped)."""
    return json.dumps(text, ensure_ascii=True)


def project_spec(allow_raw_html: bool) -> str:
    markdown_body = "\n\n".join(MARKDOWN)
    text_body = "\n\n".join(TEXT)
    topic = f"Arms {SCRIPT}"
    title = yaml_text(TITLE + " \x07 bell")
    return f"""
-- brief.yaml --
title: {yaml_text("Site " + SCRIPT)}
description: {yaml_text("About " + TEXT[3])}
base_url: https://example.org/briefing/
allow_raw_html: {str(allow_raw_html).lower()}
-- topics.yaml --
- name: {yaml_text(topic)}
  description: {yaml_text(TEXT[1])}
  match: [arms control]
- name: {yaml_text(TEXT[4])}
  match: [talks]
-- agencies.yaml --
- name: {yaml_text("Agency " + TEXT[1])}
  aliases: [EVIL]
-- gazetteer.yaml --
entries:
  - name: {yaml_text("Ivan " + TEXT[2] + " Petrov")}
    kind: person
    aliases: [Ivan Petrov]
-- content/2021/evil.md --
---
title: {title}
date: 2021-06-09
summary: {yaml_text("Summary " + TEXT[6] + " " + TEXT[9])}
author: {yaml_text("Author " + TEXT[4])}
source: {yaml_text("Source " + TEXT[5])}
source_url: {yaml_text('https://a.test/"><script>' + PWN + "</script>")}
topics: [{yaml_text(topic)}]
---
The arms control talks, said Ivan Petrov. {TEXT[7]}

“We will not allow this {SCRIPT} at all,” Ivan Petrov said.

{markdown_body}
-- content/2021/wire.txt --
Wire {SCRIPT} {TEXT[8]}

MOSCOW, June 9. /EVIL/. The arms control talks {TEXT[1]} went on. {TEXT[9]}

{text_body}
-- content/2021/urls.md --
---
title: Bad addresses
date: 2021-06-08
source_url: "javascript:alert(1)"
---
Body with talks.
-- content/2021/urls2.md --
---
title: Bad addresses two
date: 2021-06-08
source_url: " java\\tscript:alert(1)"
---
Body with talks.
-- content/2021/urls3.md --
---
title: Bad addresses three
date: 2021-06-08
source_url: "data:text/html,<script>alert(1)</script>"
---
Body with talks.
-- content/2021/urls4.md --
---
title: Bad addresses four
date: 2021-06-08
source_url: "//evil.example/x"
---
Body with talks.
-- content/2021/slug.md --
---
title: Slug trick
date: 2021-06-07
slug: {yaml_text('"><script>' + PWN + "</script>")}
---
Body with talks.
-- content/2021/page.html --
<html><head><title>Saved {SCRIPT.replace("<", "&lt;")} page</title>
<link rel="canonical" href="javascript:alert(1)"></head>
<body><article><h1>Saved page headline</h1>
<p>MOSCOW, June 6. /TASS/. The arms control talks went on &lt;img src=x onerror={PWN}&gt; today.</p>
<script>{PWN}</script>
<p>A second paragraph with enough words to count as text for the extractor to keep it.</p>
</article></body></html>
"""


def build_site(folder: Path, allow_raw_html: bool) -> Path:
    project = write_tree(folder, project_spec(allow_raw_html))
    report = build(load_config(project))
    finish_removals()
    codes = {(d.path, d.code) for d in report.warnings}
    for name in ("urls", "urls2", "urls3", "urls4"):  # the bad addresses were left out
        assert (f"content/2021/{name}.md", "front-matter") in codes, report.warnings
    return project / "site"


@pytest.fixture(scope="module", params=[False, True], ids=["raw-html-escaped", "raw-html-allowed"])
def built_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("injection") / "project", request.param)


# --- static checks, by kind of file -------------------------------------------------------

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "poster", "cite", "data", "background",
    "longdesc", "manifest", "ping", "xlink:href", "srcset", "content",
}  # fmt: skip
SAFE_DATA = re.compile(r"data:image/(png|gif|jpeg|webp)[;,]")
BANNED = {"iframe", "object", "embed", "frame", "frameset", "applet", "base", "svg", "math"}


def dangerous_url(value: str) -> bool:
    """A URL a browser would run or that loads arbitrary content (after the browser's own
    clean-up: leading spaces and control characters, tabs and newlines inside are ignored)."""
    cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
    if cleaned.startswith("data:"):
        return not SAFE_DATA.match(cleaned)
    return cleaned.startswith(("javascript:", "vbscript:", "file:", "livescript:"))


def check_html(text: str, where: str, document: bool = True) -> list[str]:
    """Problems in one HTML document or fragment; [] when it is well formed and inert."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    tree = parser.parse(text) if document else parser.parseFragment(text)
    problems = [f"{where}: html5lib: {e}" for e in parser.errors]
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in BANNED:
            problems.append(f"{where}: <{tag}> element")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{where}: <{tag} {name}=...> event handler")
            if name.lower() in URL_ATTRIBUTES and dangerous_url(value) and tag != "meta":
                problems.append(f"{where}: <{tag} {name}={value!r}>")
            if name.lower() == "srcdoc":
                problems.append(f"{where}: <{tag} srcdoc>")
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            problems.append(f"{where}: meta refresh")
        if tag == "script":
            problems += check_script(element, where)
    return problems


def check_script(element: Any, where: str) -> list[str]:
    """Only JSON-LD (valid JSON, nothing that closes the block) and the theme's own files."""
    kind = element.get("type", "")
    if kind == "application/ld+json":
        body = element.text or ""
        if re.search(r"</script|<!--", body, re.I):
            return [f"{where}: JSON-LD holds </script or <!--"]
        json.loads(body)
        return []
    source = element.get("src", "")
    if source and urlsplit(source).path.startswith("/briefing/static/") and not element.text:
        return []
    return [f"{where}: <script {dict(element.attrib)}> {element.text!r}"]


def check_xml(data: bytes, where: str) -> list[str]:
    root = ET.fromstring(data)  # raises on anything that is not well-formed XML
    problems = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local.lower() == "script":
            problems.append(f"{where}: <script> element in XML")
        if element.get("type") == "html" and element.text:
            problems += check_html(element.text, f"{where} <{local}>", document=False)
        for name in ("href", "src", "uri"):
            if dangerous_url(element.get(name, "")):
                problems.append(f"{where}: <{local} {name}={element.get(name)!r}>")
        if local == "loc" and not (element.text or "").startswith(("https://", "http://")):
            problems.append(f"{where}: sitemap <loc>{element.text}</loc>")
    return problems


def check_json(data: bytes, where: str) -> list[str]:
    problems = []

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            if key.endswith("html"):
                problems.extend(check_html(value, f"{where} {key}", document=False))
            if (key.endswith("url") or key == "id") and dangerous_url(value):
                problems.append(f"{where}: {key}={value!r}")

    walk(json.loads(data), "")
    return problems


def site_files(site: Path, suffix: str) -> list[Path]:
    return sorted(p for p in site.rglob(f"*{suffix}") if p.is_file())


def test_every_page_is_well_formed_and_inert(built_site: Path) -> None:
    pages = site_files(built_site, ".html")
    assert len(pages) > 20
    problems = [
        p for page in pages for p in check_html(page.read_text(encoding="utf-8"), page.name)
    ]
    assert problems == []


def test_every_feed_and_sitemap_parses_and_is_inert(built_site: Path) -> None:
    files = site_files(built_site, ".xml")
    problems = [p for f in files for p in check_xml(f.read_bytes(), str(f))]
    assert problems == []


def test_every_json_file_parses_and_is_inert(built_site: Path) -> None:
    files = [f for f in site_files(built_site, ".json") if "pagefind" not in f.parts]
    problems = [p for f in files for p in check_json(f.read_bytes(), str(f))]
    assert problems == []


def article_page(site: Path) -> str:
    folder = next(p for p in (site / "articles").iterdir() if p.name.startswith("evil-"))
    return (folder / "index.html").read_text(encoding="utf-8")


def test_the_payloads_arrive_as_text(built_site: Path) -> None:
    """The checks above are not vacuous: each payload is on the page, escaped."""
    page = article_page(built_site)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page and ">49<" not in page
    assert "\x07" not in page
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert ld, "no JSON-LD block"
    headline = json.loads(ld.group(1))["headline"]
    assert SCRIPT in headline and TEXT[3] in headline
    assert 'href="https://a.test/&#34;&gt;&lt;script&gt;' in page or (
        'href="https://a.test/%22%3E%3Cscript%3E' in page
    )


def test_raw_html_in_markdown_is_escaped_or_sanitized(built_site: Path) -> None:
    page = article_page(built_site)
    body = page[page.index("<h1") :]
    allowed = "allow_raw_html: true" in (built_site.parent / "brief.yaml").read_text()
    if allowed:  # sanitized by nh3: harmless markup kept, the rest gone
        assert "<em>kept</em>" in body and "<b>bold</b>" in body
        assert '<a href="https://ok.test/" rel="noopener noreferrer">fine link</a>' in body
        assert "<iframe" not in body and "onclick" not in body
    else:
        assert "&lt;em&gt;kept&lt;/em&gt;" in body
        assert "&lt;iframe srcdoc=" in body


def test_unsafe_source_urls_are_left_out_with_a_warning(tmp_path: Path) -> None:
    site = build_site(tmp_path / "project", allow_raw_html=False)
    for slug in ("bad-addresses", "bad-addresses-two", "bad-addresses-three"):
        page = (site / "articles" / slug / "index.html").read_text()
        assert "Read the original" not in page
    assert "slug: '\"><script>" not in str(sorted(p.name for p in (site / "articles").iterdir()))


# --- in a real browser ----------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("www")
    (root / "briefing").symlink_to(built_site, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/briefing/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


PROBE = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
    }
  }
  const links = document.querySelectorAll(
    'a[href^="javascript:" i], a[href^="vbscript:" i], a[href^="data:" i], area[href^="javascript:" i], iframe, object, embed');
  for (const el of links) bad.push(el.outerHTML.slice(0, 120));
  return {pwned: window.__pwned === undefined ? null : window.__pwned, bad};
}"""


def test_no_script_runs_and_nothing_is_clickable_in_chromium(
    served: str, built_site: Path, browser: Any
) -> None:
    context = browser.new_context()
    context.route(re.compile(r"^(?!http://127\.0\.0\.1)"), lambda route: route.abort())
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    results = {}
    for path in site_files(built_site, ".html"):
        url = served + path.relative_to(built_site).as_posix().removesuffix("index.html")
        page.goto(url, wait_until="load")
        page.mouse.move(5, 5)
        page.keyboard.press("Tab")
        found = page.evaluate(PROBE)
        if found["pwned"] is not None or found["bad"]:
            results[url] = found
    # The search page: look for the payload words, so that result excerpts are shown too.
    page.goto(served + "search/", wait_until="load")
    for query in ("pwned", "onerror", "script", "talks"):
        page.fill("#search-form input[name=q]", query)
        page.press("#search-form input[name=q]", "Enter")
        page.wait_for_function(
            "() => !document.getElementById('search-status').textContent.includes('Searching')",
            timeout=15_000,
        )
        page.wait_for_timeout(300)
        found = page.evaluate(PROBE)
        if found["pwned"] is not None or found["bad"]:
            results[f"search {query}"] = found
    status = page.inner_text("#search-status")
    context.close()
    assert dialogs == []
    assert results == {}
    assert "found" in status  # the search ran and listed results
