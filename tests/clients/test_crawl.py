"""The site served over HTTP under /briefing/ has no broken internal links or assets."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name in ("href", "src") or (tag == "link" and name == "href")):
                self.found.append(value)


def test_a_crawl_from_the_home_page_finds_no_broken_link_image_script_or_stylesheet(
    served: str,
) -> None:
    origin = urlsplit(served)
    queue, seen, broken = [served], {served}, []
    while queue and len(seen) < 5000:
        page = queue.pop()
        with urlopen(page, timeout=10) as response:
            kind = response.headers.get_content_type()
            body = response.read()
        if kind != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.found:
            target, _ = urldefrag(urljoin(page, link))
            parts = urlsplit(target)
            if parts.netloc == "user.github.io":  # canonical and feed links name the real host
                target = served + parts.path.removeprefix("/briefing/")
            elif parts.netloc != origin.netloc:
                continue
            if target in seen:
                continue
            seen.add(target)
            try:
                with urlopen(target, timeout=10) as response:
                    if response.headers.get_content_type() == "text/html":
                        queue.append(target)
            except HTTPError as exc:
                broken.append(f"{page} -> {link} ({exc.code})")
    assert broken == []
    assert len(seen) > 200
