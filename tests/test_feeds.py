"""Feeds, sitemap and robots.txt, read by the clients that consume them (feedparser, XML)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from brief.build import build
from brief.config import load_config

SITE = """
-- brief.yaml --
title: Feed test
description: A site for feeds.
base_url: https://user.github.io/briefing/
-- topics.yaml --
- name: Arms control
  match: [arms control, New START]
- name: Sanctions
  match: [sanctions]
-- content/2021/06/a.txt --
NATO chief on arms control & New START

WASHINGTON, June 8. /TASS/. NATO Secretary General Jens Stoltenberg spoke about arms control.

“We welcome the extension of New START,” he said.
-- content/2021/06/2021-06-07-b.txt --
EU weighs sanctions

BRUSSELS (Reuters) - The EU is weighing new sanctions.
-- content/2021/05/c.md --
---
title: Notes on <b>arms control</b>
date: 2021-05-30T10:00:00+02:00
source_url: https://example.org/x?a=1&b=2
---
Some text with a control character \x07 and arms control.
"""


@pytest.fixture
def built(site: Callable[[str], Path]) -> Path:
    project = site(SITE)
    build(load_config(project))
    return project / "site"


def test_the_site_atom_feed_parses_cleanly_with_every_entry(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "Feed test"
    assert [e.title for e in feed.entries] == [
        "NATO chief on arms control & New START",
        "EU weighs sanctions",
        "Notes on <b>arms control</b>",
    ]
    first = feed.entries[0]
    assert (
        first.link
        == "https://user.github.io/briefing/articles/nato-chief-on-arms-control-new-start/"
    )
    assert first.id == first.link
    assert first.published.startswith("2021-06-08")
    assert [t.term for t in first.tags] == ["arms-control"]
    assert "We welcome the extension of New START" in first.content[0].value
    assert feed.feed.updated.startswith("2021-06-08")
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link == "https://user.github.io/briefing/feed.xml"


def test_topic_and_source_feeds_hold_their_own_articles(built: Path) -> None:
    topic = feedparser.parse((built / "topics/arms-control/feed.xml").read_bytes())
    assert topic.bozo == 0
    assert [e.title for e in topic.entries] == [
        "NATO chief on arms control & New START",
        "Notes on <b>arms control</b>",
    ]
    source = feedparser.parse((built / "sources/reuters/feed.xml").read_bytes())
    assert source.bozo == 0
    assert [e.title for e in source.entries] == ["EU weighs sanctions"]


def test_the_same_build_gives_stable_feed_ids(site: Callable[[str], Path], built: Path) -> None:
    first = (built / "feed.xml").read_bytes()
    build(load_config(built.parent), use_cache=False)
    assert (built / "feed.xml").read_bytes() == first


def test_the_json_feed_follows_version_1_1(built: Path) -> None:
    document = json.loads((built / "feed.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Feed test"
    assert document["home_page_url"] == "https://user.github.io/briefing/"
    assert document["feed_url"] == "https://user.github.io/briefing/feed.json"
    assert len(document["items"]) == 3
    for item in document["items"]:
        assert set(item) >= {"id", "url", "title", "content_html", "date_published"}
        assert item["url"].startswith("https://user.github.io/briefing/articles/")
        assert isinstance(item["tags"], list)
        assert "\x07" not in item["content_html"]
    assert document["items"][2]["external_url"] == "https://example.org/x?a=1&b=2"


def test_the_sitemap_lists_every_page_with_absolute_urls(built: Path) -> None:
    tree = ET.parse(built / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    assert "https://user.github.io/briefing/" in locations
    assert "https://user.github.io/briefing/articles/eu-weighs-sanctions/" in locations
    assert all(loc and loc.startswith("https://user.github.io/briefing/") for loc in locations)
    assert not any(loc.endswith("404.html") for loc in locations if loc)
    robots = (built / "robots.txt").read_text()
    assert "Sitemap: https://user.github.io/briefing/sitemap.xml" in robots


def test_pages_point_at_their_feeds(built: Path) -> None:
    home = (built / "index.html").read_text()
    assert 'type="application/atom+xml"' in home and "/briefing/feed.xml" in home
    topic = (built / "topics/arms-control/index.html").read_text()
    assert "/briefing/topics/arms-control/feed.xml" in topic
