"""brief/data/*.yaml plus a project's files of the same name -> Knowledge for normalize."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brief.errors import ConfigError, Diagnostic, error
from brief.news.dates import is_zone
from brief.yaml_loader import Loaded, YamlError, load_yaml, read_optional

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = (
    "boilerplate.yaml",
    "agencies.yaml",
    "abbreviations.yaml",
    "titles.yaml",
    "gazetteer.yaml",
    "speech.yaml",
)
_MAPPINGS = ("titles.yaml", "gazetteer.yaml", "speech.yaml")
_KINDS = ("person", "organization", "treaty", "place")


@dataclass(frozen=True, slots=True)
class BoilerplateRule:
    """A paragraph pattern to drop (or move into ``field``); ``id`` goes into provenance."""

    id: str
    pattern: re.Pattern[str]
    field: str = ""


@dataclass(frozen=True, slots=True)
class Agency:
    """A news agency as datelines name it."""

    name: str
    aliases: tuple[str, ...]
    timezone: str
    url: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organization or treaty of the gazetteer."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]
    gender: str


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What normalize knows about wire copy, from YAML, not code."""

    boilerplate: tuple[BoilerplateRule, ...]
    agencies: tuple[Agency, ...]
    abbreviations: frozenset[str]
    kickers: tuple[str, ...]
    entities: tuple[Entity, ...]
    titles: tuple[str, ...]
    speech_verbs: tuple[str, ...]
    fingerprint: str

    def agency(self, spelled: str) -> Agency | None:
        key = spelled.strip().casefold()
        return next((a for a in self.agencies if key in (s.casefold() for s in a.aliases)), None)


def load_knowledge(root: Path) -> Knowledge:
    """Bundled data files, extended by ``root/boilerplate.yaml`` and ``root/agencies.yaml``."""
    found = (
        (label + name, name, read_optional(folder / name, label + name))
        for folder, label in ((DATA, "brief/data/"), (root, ""))
        for name in FILES
    )
    files = tuple((shown, name, data) for shown, name, data in found if data is not None)
    # Parsing the data takes longer than a one-article rebuild's reading; brief serve asks
    # for it on every rebuild, and the files rarely change.
    if files not in _parsed:
        _parsed.clear()  # one entry: a long session keeps no more
        _parsed[files] = _parse(files)
    return _parsed[files]


_parsed: dict[tuple[tuple[str, str, bytes], ...], Knowledge] = {}
"""The files last parsed (shown name, name, bytes) and their Knowledge."""


def _parse(files: tuple[tuple[str, str, bytes], ...]) -> Knowledge:
    digest = hashlib.sha256()
    rules: list[BoilerplateRule] = []
    agencies: list[Agency] = []
    abbreviations: set[str] = set()
    kickers: list[str] = []
    entities: dict[str, Entity] = {}
    titles: list[str] = []
    speech_verbs: list[str] = []
    problems: list[Diagnostic] = []
    for shown, name, data in files:
        digest.update(name.encode() + b"\0" + data)
        loaded = _load(data, shown, dict if name in _MAPPINGS else list)
        if name == "speech.yaml":
            verbs = _text_list(loaded.value.get("verbs"))
            bad = (
                []
                if verbs is not None
                else [error(shown, loaded.line("verbs"), "data", "verbs must be a list")]
            )
            bad += [
                error(shown, loaded.line(key), "data", f"unknown key {key!r}", "the key is verbs")
                for key in sorted(set(loaded.value) - {"verbs"}, key=str)
            ]
            speech_verbs.extend(verbs or ())
        elif name == "gazetteer.yaml":
            found_entities, found_titles, bad = _gazetteer(loaded, shown)
            entities.update((e.name, e) for e in found_entities)
            titles.extend(found_titles)
        elif name == "titles.yaml":
            found_kickers, bad = _kickers(loaded, shown)
            kickers.extend(found_kickers)
        elif name == "boilerplate.yaml":
            found_rules, bad = _rules(loaded, shown)
            rules.extend(found_rules)
        elif name == "agencies.yaml":
            found_agencies, bad = _agencies(loaded, shown)
            agencies.extend(found_agencies)
        else:
            words, bad = _words(loaded, shown)
            abbreviations.update(words)
        problems.extend(bad)
    if problems:
        raise ConfigError(tuple(problems))
    return Knowledge(
        tuple(rules),
        tuple(agencies),
        frozenset(abbreviations),
        tuple(sorted(set(kickers), key=lambda k: (-len(k), k))),
        tuple(entities.values()),
        tuple(sorted(set(titles), key=lambda t: (-len(t), t))),
        tuple(sorted(set(speech_verbs), key=lambda v: (-len(v), v))),
        digest.hexdigest(),
    )


def _load(data: bytes, name: str, shape: type = list) -> Loaded:
    try:
        loaded = load_yaml(data.decode("utf-8-sig").replace("\r\n", "\n"), name)
    except UnicodeDecodeError as exc:
        raise ConfigError(
            error(
                name,
                data[: exc.start].count(b"\n") + 1,
                "encoding",
                f"not UTF-8 (byte {exc.start})",
            )
        ) from None
    except YamlError as exc:
        raise ConfigError(exc.diagnostic) from None
    if not isinstance(loaded.value, shape):
        what = "a list of entries" if shape is list else "a mapping of keys to lists"
        raise ConfigError(error(name, 1, "data", f"must be {what}"))
    return loaded


def _entries(
    loaded: Loaded, name: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tuple[list[tuple[int, dict[str, Any]]], list[Diagnostic]]:
    good: list[tuple[int, dict[str, Any]]] = []
    bad: list[Diagnostic] = []
    shape = f"an entry has {', '.join(keys)}" + (
        f", and may have {', '.join(optional)}" if optional else ""
    )
    for index, entry in enumerate(loaded.value):
        line = loaded.line(index)
        if not isinstance(entry, dict):
            bad.append(error(name, line, "data", "each entry must be a mapping"))
            continue
        missing = [k for k in keys if not entry.get(k)]
        unknown = sorted(set(entry) - set(keys) - set(optional))
        if missing or unknown:
            what = f"missing {', '.join(missing)}" if missing else f"unknown key {unknown[0]!r}"
            bad.append(error(name, line, "data", what, shape))
            continue
        good.append((index, entry))
    return good, bad


def _rules(loaded: Loaded, name: str) -> tuple[list[BoilerplateRule], list[Diagnostic]]:
    entries, bad = _entries(loaded, name, ("id", "pattern"), ("field",))
    rules = []
    for index, entry in entries:
        try:
            pattern = re.compile(str(entry["pattern"]), re.I)
            field = str(entry.get("field") or "")
            if field not in ("", "credits"):
                bad.append(
                    error(
                        name,
                        loaded.line(index, "field"),
                        "data",
                        f"unknown field {field!r}",
                        "the only field is credits",
                    )
                )
                continue
            rules.append(BoilerplateRule(str(entry["id"]), pattern, field))
        except re.error as exc:
            bad.append(
                error(
                    name,
                    loaded.line(index, "pattern"),
                    "data",
                    f"bad pattern: {exc.msg}",
                    "it is a Python regular expression",
                )
            )
    return rules, bad


def _agencies(loaded: Loaded, name: str) -> tuple[list[Agency], list[Diagnostic]]:
    entries, bad = _entries(loaded, name, ("name",), ("aliases", "timezone", "url"))
    agencies = []
    for index, entry in entries:
        aliases = entry.get("aliases") or []
        if not all(isinstance(entry.get(k, ""), str) for k in ("name", "timezone", "url")):
            bad.append(
                error(name, loaded.line(index), "data", "name, timezone and url must be text")
            )
            continue
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            bad.append(
                error(name, loaded.line(index, "aliases"), "data", "aliases must be a list of text")
            )
            continue
        if not is_zone(entry.get("timezone") or "UTC"):
            bad.append(
                error(
                    name,
                    loaded.line(index, "timezone"),
                    "data",
                    f"unknown timezone {entry['timezone']!r}",
                    "use an IANA name such as Europe/Moscow or America/New_York",
                )
            )
            continue
        agencies.append(
            Agency(
                str(entry["name"]),
                (str(entry["name"]), *aliases),
                str(entry.get("timezone") or "UTC"),
                str(entry.get("url") or ""),
            )
        )
    return agencies, bad


def _words(loaded: Loaded, name: str) -> tuple[list[str], list[Diagnostic]]:
    words: list[str] = []
    bad: list[Diagnostic] = []
    for index, word in enumerate(loaded.value):
        if isinstance(word, str) and word.strip():
            words.append(word.strip().rstrip(".").casefold())
        else:
            bad.append(error(name, loaded.line(index), "data", "each entry must be a word"))
    return words, bad


def _kickers(loaded: Loaded, name: str) -> tuple[list[str], list[Diagnostic]]:
    value = loaded.value.get("kickers", [])
    if not isinstance(value, list) or not all(isinstance(k, str) and k.strip() for k in value):
        return [], [
            error(name, loaded.line("kickers") or 1, "data", "kickers must be a list of labels")
        ]
    unknown = sorted(set(loaded.value) - {"kickers"})
    if unknown:
        return [], [error(name, loaded.line(unknown[0]), "data", f"unknown key {unknown[0]!r}")]
    return [" ".join(k.split()) for k in value], []


def _text_list(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(" ".join(v.split()) for v in value)
    return None


def _gazetteer(loaded: Loaded, name: str) -> tuple[list[Entity], list[str], list[Diagnostic]]:
    bad: list[Diagnostic] = []
    titles = _text_list(loaded.value.get("titles"))
    if titles is None:
        bad.append(error(name, loaded.line("titles"), "data", "titles must be a list of words"))
        titles = ()
    for key in sorted(set(loaded.value) - {"titles", "entries"}):
        bad.append(
            error(
                name,
                loaded.line(key),
                "data",
                f"unknown key {key!r}",
                "a gazetteer has titles and entries",
            )
        )
    raw = loaded.value.get("entries") or []
    if not isinstance(raw, list):
        bad.append(error(name, loaded.line("entries"), "data", "entries must be a list"))
        raw = []
    entities = []
    for index, entry in enumerate(raw):
        line = loaded.line("entries", index)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            bad.append(error(name, line, "data", "an entry needs a name"))
            continue
        unknown = sorted(set(entry) - {"name", "kind", "aliases", "roles", "gender"})
        kind = entry.get("kind", "person")
        aliases, roles = _text_list(entry.get("aliases")), _text_list(entry.get("roles"))
        gender = entry.get("gender") or ""
        if unknown:
            bad.append(
                error(
                    name,
                    line,
                    "data",
                    f"unknown key {unknown[0]!r}",
                    "an entry has name, kind, aliases, roles, gender",
                )
            )
        elif kind not in _KINDS:
            bad.append(
                error(
                    name, line, "data", f"unknown kind {kind!r}", "use one of: " + ", ".join(_KINDS)
                )
            )
        elif aliases is None or roles is None:
            bad.append(error(name, line, "data", "aliases and roles must be lists of text"))
        elif gender not in ("", "he", "she", "they"):
            bad.append(error(name, line, "data", "gender must be he, she or they"))
        else:
            entities.append(Entity(entry["name"].strip(), kind, aliases, roles, gender))
    return entities, list(titles), bad
