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
from typing import Any

from brief.model import Article, Page


def page_fingerprint(page: Page, site_fp: str) -> str:
    digest = hashlib.sha256(f"{site_fp}\0{page.url}\0{page.template}\0".encode())
    _feed(digest, page.context)
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    if isinstance(value, Article):
        also = ";".join(f"{o.name}|{o.url}|{o.path}|{o.reason}" for o in value.also_reported_by)
        digest.update(f"A{value.source_path}\0{value.digest}\0{also}\0".encode())
    elif isinstance(value, (str, int, float, bool)) or value is None:
        digest.update(f"{type(value).__name__}:{value}\0".encode())
    elif isinstance(value, datetime):
        digest.update(f"T{value.isoformat()}\0".encode())
    elif isinstance(value, (tuple, list)):
        digest.update(f"({len(value)}".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b")")
    elif isinstance(value, Mapping):
        digest.update(f"{{{len(value)}".encode())
        for key in sorted(value):
            digest.update(f"{key}=".encode())
            _feed(digest, value[key])
        digest.update(b"}")
    elif dataclasses.is_dataclass(value):
        digest.update(f"<{type(value).__name__}".encode())
        for field in dataclasses.fields(value):
            _feed(digest, getattr(value, field.name))
        digest.update(b">")
    else:
        raise TypeError(f"a page context holds a {type(value).__name__}, which has no fingerprint")
