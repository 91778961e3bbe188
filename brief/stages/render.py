"""Pages + Jinja environment -> OutputFiles; template errors name the template line and the page."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

import jinja2

from brief.config import Config
from brief.errors import ContentError, Diagnostic, error
from brief.model import OutputFile, Page, Site
from brief.templating import theme_path


def render(
    pages: Iterable[Page], env: jinja2.Environment, site: Site, config: Config
) -> tuple[OutputFile, ...]:
    """Render every page; gather every distinct template error, then fail once."""
    files: list[OutputFile] = []
    problems: dict[tuple[str, int | None, str], Diagnostic] = {}
    for page in pages:
        try:
            template = env.get_template(page.template)
            html = template.render(site=site.info, page_url=page.url, **page.context)
        except jinja2.TemplateSyntaxError as exc:
            where = _template_path(exc.filename or exc.name or page.template, config)
            key = (where, exc.lineno, exc.message or "")
            problems.setdefault(
                key,
                error(
                    where,
                    exc.lineno,
                    "template",
                    exc.message or "syntax error",
                    "fix the template syntax",
                ),
            )
            continue
        except jinja2.TemplateNotFound as exc:
            problems.setdefault(
                (page.template, None, "missing"),
                error(
                    f"{config.templates_dir}/{exc.name}",
                    None,
                    "template",
                    "template not found",
                    "add it to templates/ or remove the override that extends it",
                ),
            )
            continue
        except jinja2.TemplateError as exc:
            where, line = _template_frame(sys.exc_info()[2], config, page.template)
            message = f"{exc.message or exc} (while rendering /{page.url}{_source(page)})"
            problems.setdefault(
                (where, line, str(exc)),
                error(where, line, "template", message, "check the names the template uses"),
            )
            continue
        files.append(OutputFile(page.path, html.encode("utf-8")))
    if problems:
        raise ContentError(tuple(problems.values()))
    return tuple(files)


def copy_static(config: Config) -> tuple[OutputFile, ...]:
    """The theme's static/ files, overridden file by file by the site's templates/static/."""
    found: dict[str, Path] = {}
    for folder in (theme_path() / "static", config.templates_path / "static"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found["static/" + path.relative_to(folder).as_posix()] = path
    return tuple(OutputFile(name, found[name].read_bytes()) for name in sorted(found))


def _source(page: Page) -> str:
    article = page.context.get("article")
    path = getattr(article, "source_path", None)
    return f" from {path}" if path else ""


def _template_frame(
    tb: TracebackType | None, config: Config, fallback: str
) -> tuple[str, int | None]:
    """The innermost template file and line in a traceback Jinja rewrote to point at templates."""
    found: tuple[str, int | None] = (fallback, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2", ".jinja")):
            found = (_template_path(filename, config), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_path(filename: str, config: Config) -> str:
    path = Path(filename)
    for base, label in ((config.templates_path, config.templates_dir), (theme_path(), "theme")):
        try:
            return f"{label}/{path.resolve().relative_to(base.resolve()).as_posix()}"
        except ValueError:
            continue
    return filename
