"""Config -> the Jinja environment: theme loaders, filters, autoescape and StrictUndefined."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

import jinja2

from brief.config import Config

_PACKAGE = Path(__file__).resolve().parent


def theme_path() -> Path:
    """The default theme: inside the installed package, or templates/ of a checkout."""
    installed = _PACKAGE / "theme"
    return installed if installed.is_dir() else _PACKAGE.parent / "templates"


def template_folders(config: Config) -> tuple[Path, ...]:
    """Where templates and static files are read from, the site's own first."""
    return (config.templates_path, theme_path())


def make_environment(config: Config) -> jinja2.Environment:
    """A site's templates/ overrides the theme file by file; "!theme/x.html" is the original."""
    theme = jinja2.FileSystemLoader(theme_path())
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"!theme": theme}, delimiter="/")]
    if config.templates_path.is_dir():
        loaders.append(jinja2.FileSystemLoader(config.templates_path))
    loaders.append(theme)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    base_path, base_url = config.base_path, config.base_url

    def url(path: str) -> str:
        return base_path + path.lstrip("/")

    def abs_url(path: str) -> str:
        return urljoin(base_url, url(path)) if "://" in base_url else url(path)

    env.globals.update(url=url, abs_url=abs_url)
    env.filters.update(date=format_date, isodate=lambda value: value.isoformat())
    return env


def format_date(value: datetime) -> str:
    """8 June 2021: day first, no leading zero, month in words, whatever the locale."""
    return f"{value.day} {value:%B %Y}"
