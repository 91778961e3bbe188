"""Page -> a fingerprint of everything its rendering reads, to skip unchanged pages.

Templates see the page's context and the site-wide values, nothing else (DESIGN.md 5.7), so
a page's output is fixed by: the site fingerprint (brief, settings, templates, taxonomy and
wire-copy data) plus its URL, template and context. An article in a context is identified
by its file and content digest (which fix every field the per-file stages made) and by
what the merge stage added; a page is never fingerprinted by rendering it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from operator import attrgetter
from typing import Any

from brief.model import Article, Card, Page, Topic


class Fingerprinter:
    """Fingerprints the pages of one build. Contexts share their values (every listing holds
    the same cards, every article page the same topics): the shared ones (articles, cards,
    topics and long tuples) are digested once, by identity, so the cost grows with the
    values, not with pages times values; the small values each page makes for itself
    (pagination, timeline months, neighbours) go into the page's own hash as they are. Use
    one per build: the values must not change while it lives."""

    def __init__(self, site_fp: str) -> None:
        self.site_fp = site_fp
        # id -> b"#" + digest. An id is unique only while its object lives: ``_alive`` keeps
        # every digested value alive as long as the ids are looked up.
        self._digests: dict[int, bytes] = {}
        self._alive: list[object] = []

    def page(self, page: Page) -> str:
        parts = [f"{self.site_fp}\0{page.url}\0{page.template}\0".encode()]
        self._feed(parts, page.context)
        return hashlib.sha256(b"".join(parts)).hexdigest()

    def _shared(self, value: Any, parts: list[bytes]) -> None:
        """A shared value as its digest, made once (one hash per value, not per page)."""
        known = self._digests.get(id(value))
        if known is None:
            own: list[bytes] = []
            kind = type(value)
            if kind is Card:
                own.append(_card(value))
            elif kind is Article:
                own.append(_article(value))
            elif kind is tuple or kind is list:
                self._feed_items(own, value)
            else:
                self._feed_inline(own, value)
            known = b"#" + hashlib.sha256(b"".join(own)).digest()
            self._digests[id(value)] = known
            self._alive.append(value)
        parts.append(known)

    def _feed(self, parts: list[bytes], value: Any) -> None:
        kind: type = type(value)
        # The commonest first; a str subclass (Markup) keeps its name, in _scalar.
        if kind is str:
            parts.append(f"s{len(value)}:{value}".encode())
        elif kind in _SHARED:
            self._shared(value, parts)
        elif kind is tuple or kind is list:
            if len(value) > _SHORT:
                self._shared(value, parts)
            else:
                self._feed_items(parts, value)
        else:
            self._feed_inline(parts, value)

    def _feed_items(self, parts: list[bytes], value: tuple[Any, ...] | list[Any]) -> None:
        parts.append(b"(%d" % len(value))
        # A listing's cards were digested by an earlier page: looked up here, not through two
        # calls each (a third of the time of fingerprinting every page at 10,000 articles).
        digests = self._digests
        for item in value:
            known = digests.get(id(item)) if type(item) in _SHARED else None
            if known is None:
                self._feed(parts, item)
            else:
                parts.append(known)
        parts.append(b")")

    def _feed_inline(self, parts: list[bytes], value: Any) -> None:
        """A value that is neither a str, a shared value nor a sequence."""
        kind: type = type(value)
        if (fields := _fields_of(kind)) is not None:
            name, values = fields
            parts.append(name)
            for item in values(value):
                self._feed(parts, item)
            parts.append(b">")
        elif kind is dict or isinstance(value, Mapping):
            parts.append(b"{%d" % len(value))
            for key in sorted(value):
                parts.append(_scalar(key))
                self._feed(parts, value[key])
            parts.append(b"}")
        elif _is_scalar(kind):
            parts.append(_scalar(value))
        else:
            raise TypeError(f"a page context holds a {kind.__name__}, which has no fingerprint")


def _article(article: Article) -> bytes:
    """Its file and content digest fix every field the per-file stages made (the settings
    that shape them are in the site fingerprint); merge adds the rest."""
    return f"A{article.source_path}\0{article.digest}\0{_also(article)}\0".encode()


def _also(article: Article) -> str:
    return ";".join(f"{o.name}|{o.url}|{o.path}|{o.reason}" for o in article.also_reported_by)


def shape(article: Article) -> str:
    """A digest of all the whole-site stages read of an article but its merge sketch: its
    card (what every listing shows), its mentions (the name pages), whether it is a draft
    (and what merge added, which is nothing before merge: brief.shortcut compares articles
    as read, and leaves merging to merge.stays_alone). Two versions of an article with one
    shape and one sketch can differ only on their own page and in the feeds that carry
    them whole."""
    mentions = (
        "".join(_delimited(m.name, m.kind, *m.aliases_seen)) + "|" for m in article.mentions
    )
    return hashlib.sha256(
        _card(Card.of(article))
        + f"\0{''.join(mentions)}\0{article.draft}\0{_also(article)}".encode()
    ).hexdigest()


_SHARED = frozenset({Card, Article, Topic})  # in many pages' contexts: digested once
_SHORT = 8  # tuples up to this long are hashed with the page; longer ones once, as shared


def _card(card: Card) -> bytes:
    """Every field of a card, as unambiguous bytes. Written out, not walked: a card is in
    most listings of a build, and the generic walk took 0.12 ms a card. A topic is its slug:
    the taxonomy is in the site fingerprint. tests/test_fingerprints.py changes each field
    in turn, so a field added to Card and left out here fails it."""
    dateline = card.dateline
    fields = [
        card.slug,
        card.title,
        card.kicker,
        card.published.isoformat(),
        "\1".join(_delimited(dateline.text, dateline.place, dateline.date_text, dateline.agency))
        if dateline is not None
        else "-",
        card.source_name,
        card.source_url,
        card.author,
        card.summary,
        "".join("".join(_delimited(q.text, q.speaker, str(q.paragraph))) for q in card.quotes),
        "".join(
            "".join(
                _delimited(
                    tag.topic.slug,
                    *(f"{e.phrase}\1{e.count}\1{e.first_line}" for e in tag.evidence),
                )
            )
            + "|"
            for tag in card.topics
        ),
        card.source_path,
    ]
    return ("C" + "".join(_delimited(*fields))).encode()


def _delimited(*texts: str) -> list[str]:
    return [f"{len(text)}:{text}" for text in texts]


def _scalar(value: Any) -> bytes:
    """A scalar as bytes that no other scalar (of any type) gives: strings with their length."""
    if isinstance(value, str):
        return f"{type(value).__name__}{len(value)}:{value}".encode()
    if isinstance(value, datetime):
        return f"T{value.isoformat()}\0".encode()
    return f"{type(value).__name__}:{value}\0".encode()


@cache
def _is_scalar(kind: type) -> bool:
    return issubclass(kind, (str, int, float, datetime)) or kind is type(None)


@cache
def _fields_of(kind: type) -> tuple[bytes, Callable[[Any], tuple[Any, ...]]] | None:
    """For a dataclass: its opening mark and a function giving its field values (one C
    call, not a getattr each); None for any other type."""
    if not dataclasses.is_dataclass(kind):
        return None
    names = [field.name for field in dataclasses.fields(kind)]
    values: Callable[[Any], tuple[Any, ...]]
    if len(names) == 1:
        one = attrgetter(names[0])
        values = lambda value: (one(value),)  # noqa: E731
    else:
        values = attrgetter(*names) if names else (lambda value: ())
    return f"<{kind.__name__}".encode(), values
