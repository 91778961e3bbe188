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

from brief.model import Article, Page


class Fingerprinter:
    """Fingerprints the pages of one build. Contexts share their values (every page of a
    paginated listing holds the same index, every article page the same topics): each
    shared value is digested once, by identity, so the cost grows with the values, not
    with pages times values. Use one per build: the values must not change while it lives."""

    def __init__(self, site_fp: str) -> None:
        self.site_fp = site_fp
        # id -> b"#" + digest. An id is unique only while its object lives: ``_alive`` keeps
        # every digested value alive as long as the ids are looked up.
        self._digests: dict[int, bytes] = {}
        self._alive: list[object] = []

    def page(self, page: Page) -> str:
        digest = hashlib.sha256(f"{self.site_fp}\0{page.url}\0{page.template}\0".encode())
        digest.update(self._digest(page.context))
        return digest.hexdigest()

    def _digest(self, value: Any) -> bytes:
        known = self._digests.get(id(value))
        if known is not None:
            return known
        # The parts are joined and hashed once: one hash object per value, not one update
        # per field, is most of what a rebuild of brief serve spends here.
        parts: list[bytes] = []
        self._feed(parts, value)
        result = b"#" + hashlib.sha256(b"".join(parts)).digest()
        self._digests[id(value)] = result
        self._alive.append(value)
        return result

    def _feed(self, parts: list[bytes], value: Any) -> None:
        kind: type = type(value)
        if kind is tuple or kind is list:
            parts.append(b"(%d" % len(value))
            known = self._digests
            for item in value:
                # Listings hold the same articles again and again: looked up first
                digest = known.get(id(item))
                if digest is not None:
                    parts.append(digest)
                else:
                    self._feed_item(parts, item)
            parts.append(b")")
        elif kind is Article:
            also = ";".join(f"{o.name}|{o.url}|{o.path}|{o.reason}" for o in value.also_reported_by)
            parts.append(f"A{value.source_path}\0{value.digest}\0{also}\0".encode())
        elif _is_scalar(kind):
            parts.append(_scalar(value))
        elif isinstance(value, Mapping):
            parts.append(b"{%d" % len(value))
            for key in sorted(value):
                parts.append(_scalar(key))
                self._feed_item(parts, value[key])
            parts.append(b"}")
        elif (names := _field_names(kind)) is not None:
            parts.append(f"<{kind.__name__}".encode())
            for name in names:
                self._feed_item(parts, getattr(value, name))
            parts.append(b">")
        else:
            raise TypeError(f"a page context holds a {kind.__name__}, which has no fingerprint")

    def _feed_item(self, parts: list[bytes], value: Any) -> None:
        """Scalars go in as they are; anything bigger as its (remembered) digest."""
        kind: type = type(value)
        if kind is str:  # the commonest first (Markup, a subclass, keeps its name)
            parts.append(f"s{len(value)}:{value}".encode())
        elif _is_scalar(kind):
            parts.append(_scalar(value))
        else:
            parts.append(self._digest(value))


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
