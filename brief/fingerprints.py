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
from collections.abc import Mapping
from datetime import datetime
from functools import cache
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
            if type(value) is Card:
                own.append(_card(value))
            else:
                self._feed_inline(own, value)
            known = b"#" + hashlib.sha256(b"".join(own)).digest()
            self._digests[id(value)] = known
            self._alive.append(value)
        parts.append(known)

    def _feed(self, parts: list[bytes], value: Any) -> None:
        kind: type = type(value)
        if kind is str:  # the commonest first (Markup, a subclass, keeps its name)
            parts.append(f"s{len(value)}:{value}".encode())
        elif kind in _SHARED or ((kind is tuple or kind is list) and len(value) > _SHORT):
            self._shared(value, parts)
        else:
            self._feed_inline(parts, value)

    def _feed_inline(self, parts: list[bytes], value: Any) -> None:
        kind: type = type(value)
        if kind is tuple or kind is list:
            parts.append(b"(%d" % len(value))
            for item in value:
                self._feed(parts, item)
            parts.append(b")")
        elif kind is Article:
            # Its file and content digest fix every field the per-file stages made (the
            # settings that shape them are in the site fingerprint); merge adds the rest.
            also = ";".join(f"{o.name}|{o.url}|{o.path}|{o.reason}" for o in value.also_reported_by)
            parts.append(f"A{value.source_path}\0{value.digest}\0{also}\0".encode())
        elif _is_scalar(kind):
            parts.append(_scalar(value))
        elif isinstance(value, Mapping):
            parts.append(b"{%d" % len(value))
            for key in sorted(value):
                parts.append(_scalar(key))
                self._feed(parts, value[key])
            parts.append(b"}")
        elif (names := _field_names(kind)) is not None:
            parts.append(f"<{kind.__name__}".encode())
            for name in names:
                self._feed(parts, getattr(value, name))
            parts.append(b">")
        else:
            raise TypeError(f"a page context holds a {kind.__name__}, which has no fingerprint")


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
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's fields; None for any other type."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(field.name for field in dataclasses.fields(kind))
