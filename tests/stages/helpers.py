"""Values for stage tests: an Article from a path and text, with a default config."""

from __future__ import annotations

import hashlib
from pathlib import Path

from brief.config import Config
from brief.model import Article, Document, SourceFile
from brief.news.knowledge import load_knowledge
from brief.stages.normalize import normalize
from brief.stages.parse import parse

CONFIG = Config(root=Path("/nonexistent-project"))
KNOWLEDGE = load_knowledge(CONFIG.root)


def source(path: str, text: str | bytes) -> SourceFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SourceFile(path, data, hashlib.sha256(data).hexdigest())


def document(path: str, text: str | bytes) -> Document:
    return parse(source(path, text))


def article(path: str, text: str | bytes, config: Config = CONFIG) -> Article:
    return normalize(document(path, text), config, KNOWLEDGE)
