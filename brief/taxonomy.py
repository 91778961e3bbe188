"""topics.yaml -> Topics, each with the phrases that give it; mistakes reported with their line."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from brief.errors import ConfigError, Diagnostic, error
from brief.model import Topic
from brief.slugs import slugify
from brief.yaml_loader import Loaded, YamlError, load_yaml, read_optional

TOPICS_NAME = "topics.yaml"
_KEYS = ("name", "slug", "description", "match", "exclude", "children")


def load_topics(root: Path) -> tuple[tuple[Topic, ...], bytes]:
    """The taxonomy in ``root/topics.yaml`` (none if the file is absent) and its raw bytes."""
    data = read_optional(root / TOPICS_NAME, TOPICS_NAME)
    if data is None:
        return (), b""
    # brief serve asks on every rebuild; parsing costs more than reading
    if data not in _parsed:
        _parsed.clear()  # one entry: a long session keeps no more
        _parsed[data] = _parse(data)
    return _parsed[data], data


_parsed: dict[bytes, tuple[Topic, ...]] = {}
"""The bytes last parsed and their topics."""


def _parse(data: bytes) -> tuple[Topic, ...]:
    try:
        loaded = load_yaml(data.decode("utf-8-sig").replace("\r\n", "\n"), TOPICS_NAME)
    except UnicodeDecodeError as exc:
        raise ConfigError(
            error(
                TOPICS_NAME,
                data[: exc.start].count(b"\n") + 1,
                "encoding",
                f"not UTF-8 (byte {exc.start})",
                "save it as UTF-8",
            )
        ) from None
    except YamlError as exc:
        raise ConfigError(exc.diagnostic) from None
    if loaded.value is None:
        return ()
    if not isinstance(loaded.value, list):
        raise ConfigError(
            error(
                TOPICS_NAME,
                1,
                "topics",
                "must be a list of topics",
                "start each topic with '- name: …'",
            )
        )
    topics: list[Topic] = []
    problems: list[Diagnostic] = []
    pending: list[tuple[tuple[str | int, ...], str]] = [
        ((i,), "") for i in range(len(loaded.value))
    ]
    while pending:  # depth first, in file order: a topic, then its subtopics
        at, parent = pending.pop(0)
        topic = _topic(loaded, at, parent, problems)
        if topic is None:
            continue
        clash = next((t for t in topics if t.slug == topic.slug), None)
        if clash:
            problems.append(
                error(
                    TOPICS_NAME,
                    loaded.line(*at),
                    "topics",
                    f"{topic.name!r} has the same slug as {clash.name!r}",
                    "give one of them another name or slug",
                )
            )
            continue
        topics.append(topic)
        children = _value(loaded, at).get("children") or []
        if not isinstance(children, list):
            problems.append(
                error(
                    TOPICS_NAME,
                    loaded.line(*at, "children"),
                    "topics",
                    f"children of {topic.name!r} must be a list of topics",
                )
            )
            continue
        pending[:0] = [((*at, "children", i), topic.slug) for i in range(len(children))]
    if problems:
        raise ConfigError(tuple(problems))
    return tuple(topics)


def _value(loaded: Loaded, at: tuple[str | int, ...]) -> Any:
    value = loaded.value
    for step in at:
        value = value[step]
    return value


def _topic(
    loaded: Loaded, at: tuple[str | int, ...], parent: str, problems: list[Diagnostic]
) -> Topic | None:
    entry = _value(loaded, at)
    line = loaded.line(*at)
    if not isinstance(entry, dict):
        problems.append(
            error(
                TOPICS_NAME,
                line,
                "topics",
                "a topic must be a mapping",
                "write '- name: Arms control' and its keys below it",
            )
        )
        return None
    bad = len(problems)
    for key in entry:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(_KEYS)
            problems.append(
                error(TOPICS_NAME, loaded.line(*at, key), "topics", f"unknown key {key!r}", hint)
            )
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(error(TOPICS_NAME, line, "topics", "a topic needs a name"))
        return None
    for key in ("slug", "description"):
        if key in entry and not isinstance(entry[key], str):
            problems.append(
                error(
                    TOPICS_NAME,
                    loaded.line(*at, key),
                    "topics",
                    f"{key} of {name!r} must be text",
                )
            )
    phrases: dict[str, tuple[str, ...]] = {}
    for key in ("match", "exclude"):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(
                error(
                    TOPICS_NAME,
                    loaded.line(*at, key) or line,
                    "topics",
                    f"{key} of {name!r} must be a list of phrases",
                    f"write {key}: [New START, arms control]",
                )
            )
            value = []
        phrases[key] = tuple(" ".join(v.split()) for v in value)
    given = entry.get("slug")
    slug = slugify(str(given or name))
    if not slug:
        # The slug: that was given is what to fix, when there is one; else the name.
        what = f"slug {given!r}" if given else repr(name)
        problems.append(
            error(
                TOPICS_NAME,
                (loaded.line(*at, "slug") or line) if given else line,
                "topics",
                f"{what} gives an empty slug",
                "give slug: letters or digits" if given else "add slug: with letters or digits",
            )
        )
    if len(problems) > bad:
        return None
    match = phrases["match"]
    if name.strip().casefold() not in (m.casefold() for m in match):
        match = (name.strip(), *match)
    description = str(entry.get("description") or "")
    return Topic(name.strip(), slug, description, match, phrases["exclude"], parent)
