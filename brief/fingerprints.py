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
        # id -> (the value, kept so its id is not reused; its digest)
        self._digests: dict[int, tuple[object, bytes]] = {}

    def page(self, page: Page) -> str:
        digest = hashlib.sha256(f"{self.site_fp}\0{page.url}\0{page.template}\0".encode())
        digest.update(self._digest(page.context))
        return digest.hexdigest()

    def _digest(self, value: Any) -> bytes:
        known = self._digests.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        digest = hashlib.sha256()
        self._feed(digest, value)
        result = digest.digest()
        self._digests[id(value)] = (value, result)
        return result

    def _feed(self, digest: Any, value: Any) -> None:
        if isinstance(value, (str, int, float, bool)) or value is None:
            digest.update(f"{type(value).__name__}:{value}\0".encode())
        elif isinstance(value, datetime):
            digest.update(f"T{value.isoformat()}\0".encode())
        elif isinstance(value, Article):
            also = ";".join(f"{o.name}|{o.url}|{o.path}|{o.reason}" for o in value.also_reported_by)
            digest.update(f"A{value.source_path}\0{value.digest}\0{also}\0".encode())
        elif isinstance(value, (tuple, list)):
            digest.update(f"({len(value)}".encode())
            for item in value:
                self._feed_item(digest, item)
            digest.update(b")")
        elif isinstance(value, Mapping):
            digest.update(f"{{{len(value)}".encode())
            for key in sorted(value):
                digest.update(f"{key}=".encode())
                self._feed_item(digest, value[key])
            digest.update(b"}")
        elif dataclasses.is_dataclass(value):
            digest.update(f"<{type(value).__name__}".encode())
            for name in _field_names(type(value)):
                self._feed_item(digest, getattr(value, name))
            digest.update(b">")
        else:
            raise TypeError(
                f"a page context holds a {type(value).__name__}, which has no fingerprint"
            )

    def _feed_item(self, digest: Any, value: Any) -> None:
        """Scalars go in as they are; anything bigger as its (remembered) digest."""
        if type(value) is str:  # the commonest first (Markup, a subclass, keeps its name)
            digest.update(f"str:{value}\0".encode())
        elif isinstance(value, (int, float, bool, datetime)) or value is None:
            self._feed(digest, value)
        else:
            known = self._digests.get(id(value))
            if known is not None and known[0] is value:
                digest.update(b"#" + known[1])
            else:
                digest.update(b"#" + self._digest(value))


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))
