"""brief.yaml -> Config, with every mistake reported as ``brief.yaml:line: message``."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from brief.errors import ConfigError, Diagnostic, error
from brief.news.dates import is_zone
from brief.yaml_loader import Loaded, YamlError, load_yaml, read_optional

CONFIG_NAME = "brief.yaml"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class Config:
    """The settings of one briefing site. Each attribute is a key of brief.yaml."""

    root: Path
    """The project folder (not a key: where brief.yaml is, or --root)."""
    title: str = "Briefing"
    """The site's name, shown in every page header and <title>."""
    description: str = ""
    """One sentence about the site, used on the home page and in meta tags."""
    base_url: str = "/"
    """Where the site is published, e.g. https://user.github.io/briefing/; links use its path."""
    language: str = "en"
    """The language of the site as a BCP 47 tag (en, en-GB, ru)."""
    timezone: str = "UTC"
    """An IANA time zone name; dates without a zone are read in it and shown in it."""
    content_dir: str = "content"
    """The folder of articles, relative to the project."""
    templates_dir: str = "templates"
    """A folder of templates overriding the default theme file by file."""
    output_dir: str = "site"
    """Where the built site is written; brief replaces this folder as a whole."""
    home_articles: int = 30
    """How many of the latest articles the home page lists besides the briefing."""
    page_size: int = 25
    """How many articles a page of a long list (topic, source, day) holds before the next."""
    briefing: str = "day"
    """What the home page's briefing covers: the latest "day" or the latest "week"."""
    feed_entries: int = 50
    """How many of the newest articles each feed carries."""
    search: bool = True
    """Build the Pagefind search index (pagefind/) after the pages are written."""
    allow_raw_html: bool = False
    """Pass raw HTML in Markdown through, cleaned by nh3 (no scripts, event handlers or
    javascript: links). False: raw HTML is shown as text."""
    lines: tuple[tuple[str, int], ...] = ()
    """(Not a key: the brief.yaml line of each key set there, for messages.)"""
    reference_date: str = ""
    """YYYY-MM-DD: a last resort for datelines without a year. The most recent such date not
    after it is taken, with a warning. Empty: such a dateline is an error."""

    def line_of(self, key: str) -> int | None:
        """The brief.yaml line that set ``key``; None when it was a default or an option."""
        return dict(self.lines).get(key)

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def templates_path(self) -> Path:
        return self.root / self.templates_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir


_KEYS = [f.name for f in fields(Config) if f.name not in ("root", "lines")]
_STRING_KEYS = {f.name for f in fields(Config) if f.type == "str"}
_INT_KEYS = {f.name for f in fields(Config) if f.type == "int"}
_BOOL_KEYS = {f.name for f in fields(Config) if f.type == "bool"}


def load_config(root: Path, overrides: dict[str, Any] | None = None) -> Config:
    """Read ``root/brief.yaml`` (optional) and apply command-line overrides."""
    path = root / CONFIG_NAME
    data = read_optional(path, CONFIG_NAME)
    loaded = _read(data, CONFIG_NAME) if data is not None else Loaded({}, {})
    values, problems = _check_keys(loaded)
    lines = tuple(
        (key, line)
        for (key, *rest), line in sorted(loaded.lines.items(), key=lambda item: item[1])
        if not rest and key in values and key not in (overrides or {})
    )
    config = Config(root=root, lines=lines, **{**values, **(overrides or {})})
    problems += _validate(config, loaded.lines, overrides or {})
    if problems:
        raise ConfigError(tuple(problems))
    return replace(config, base_url=_with_slash(config.base_url))


def _read(data: bytes, name: str) -> Loaded:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(
            error(name, line, "encoding", f"not UTF-8 (byte {exc.start})", "save it as UTF-8")
        ) from None
    try:
        loaded = load_yaml(text.replace("\r\n", "\n"), name)
    except YamlError as exc:
        raise ConfigError(exc.diagnostic) from None
    if loaded.value is not None and not isinstance(loaded.value, dict):
        raise ConfigError(error(name, 1, "config", "must be a mapping of keys to values"))
    return loaded


def _check_keys(loaded: Loaded) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The known keys with usable values, and a problem for each of the others."""
    values: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for key, value in (loaded.value or {}).items():
        line = loaded.line(key)
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(_KEYS)
            problems.append(error(CONFIG_NAME, line, "config", f"unknown key {key!r}", hint))
        elif key in _STRING_KEYS and not isinstance(value, str):
            problems.append(
                error(CONFIG_NAME, line, "config", f"{key} must be text", "quote the value")
            )
        elif key in _BOOL_KEYS:
            if isinstance(value, bool):
                values[key] = value
            else:
                problems.append(error(CONFIG_NAME, line, "config", f"{key} must be true or false"))
        elif key in _INT_KEYS:
            if not (isinstance(value, str) and re.fullmatch(r"[0-9]+", value) and int(value) > 0):
                problems.append(
                    error(CONFIG_NAME, line, "config", f"{key} must be a whole number above 0")
                )
            else:
                values[key] = int(value)
        else:
            values[key] = value
    return values, problems


def _validate(config: Config, lines: dict[Any, int], overrides: dict[str, Any]) -> list[Diagnostic]:
    def at(key: str) -> tuple[str, int | None]:
        if key in overrides:
            return (f"--{key.replace('_', '-').removesuffix('-dir')}", None)
        return (CONFIG_NAME, lines.get((key,)))

    problems: list[Diagnostic] = []
    url = urlsplit(config.base_url)
    absolute = url.scheme in ("http", "https") and bool(url.netloc)
    if not (absolute or (not url.scheme and not url.netloc and config.base_url.startswith("/"))):
        problems.append(
            error(
                *at("base_url"),
                "config",
                f"base_url {config.base_url!r} is not a URL",
                "use https://user.github.io/briefing/ or a path such as /",
            )
        )
    elif url.query or url.fragment:
        problems.append(error(*at("base_url"), "config", "base_url must not have ? or #"))
    if not _LANGUAGE.match(config.language):
        problems.append(
            error(
                *at("language"),
                "config",
                f"language {config.language!r} is not a language tag",
                "use a BCP 47 tag such as en or en-GB",
            )
        )
    if not is_zone(config.timezone):
        problems.append(
            error(
                *at("timezone"),
                "config",
                f"unknown timezone {config.timezone!r}",
                "use an IANA name such as UTC or Europe/Moscow",
            )
        )
    if config.briefing not in ("day", "week"):
        problems.append(
            error(
                *at("briefing"),
                "config",
                f"briefing {config.briefing!r} is not day or week",
                "write briefing: day or briefing: week",
            )
        )
    if config.reference_date:
        try:
            date.fromisoformat(config.reference_date)
        except ValueError:
            problems.append(
                error(
                    *at("reference_date"),
                    "config",
                    f"reference_date {config.reference_date!r} is not a date",
                    "write it as YYYY-MM-DD, e.g. 2021-12-31",
                )
            )
    for key in ("content_dir", "templates_dir", "output_dir"):
        value = getattr(config, key)
        if not value.strip():
            problems.append(error(*at(key), "config", f"{key} must not be empty"))
    templates = config.templates_path
    if config.templates_dir.strip() and templates.exists() and not templates.is_dir():
        # Taken for an absent folder, its overrides were left out without a word.
        named = ("templates_dir",) in lines or "templates_dir" in overrides
        problems.append(
            error(
                *(at("templates_dir") if named else (config.templates_dir, None)),
                "config",
                f"{config.templates_dir!r} is a file, not a folder of templates",
                "move it away, or set templates_dir to a folder",
            )
        )
    return problems


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
