"""Pages + Jinja environment -> OutputFiles; template errors name the template line and the page."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

import jinja2

from brief.config import Config
from brief.errors import ContentError, Diagnostic, error
from brief.fragments import forget_fragments
from brief.model import OutputFile, Page, Site, SiteInfo
from brief.parallel import stream_chunks
from brief.templating import theme_path


def render(
    pages: Sequence[Page],
    env: jinja2.Environment,
    site: Site,
    config: Config,
    workers: int = 1,
) -> tuple[OutputFile, ...]:
    """Render every page; gather every distinct template error, then fail once."""
    return tuple(render_each(pages, env, site.info, config, workers))


def render_each(
    pages: Sequence[Page],
    env: jinja2.Environment,
    info: SiteInfo,
    config: Config,
    workers: int = 1,
) -> Iterator[OutputFile]:
    """As render, handing each page on as it is made (in order), so that a build never holds
    the whole site in memory; the template errors are raised after the last page."""

    def work(chunk: Sequence[Page]) -> list[OutputFile | _Problem]:
        return [_render_page(page, env, info, config) for page in chunk]

    forget_fragments(env)  # before the workers fork, so that none inherits a stale one
    problems: dict[tuple[str, int | None, str], Diagnostic] = {}
    try:
        for result in stream_chunks(work, pages, workers):
            if isinstance(result, OutputFile):
                yield result
            else:
                problems.setdefault(result[0], result[1])
    finally:
        forget_fragments(env)  # 25 MB at 10,000 articles, that brief serve would keep
    if problems:
        raise ContentError(tuple(problems.values()))


_Problem = tuple[tuple[str, int | None, str], Diagnostic]


def _render_page(
    page: Page, env: jinja2.Environment, info: SiteInfo, config: Config
) -> OutputFile | _Problem:
    """One page's bytes, or the template problem (keyed so that each is reported once)."""
    try:
        template = env.get_template(page.template)
        html = template.render(site=info, page_url=page.url, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        where = _template_path(exc.filename or exc.name or page.template, config)
        message = exc.message or "syntax error"
        # Named once, with the first page that needed the template (pages are in plan order).
        shown = f"{message} (while rendering /{page.url}{_source(page)})"
        return (where, exc.lineno, message), error(
            where, exc.lineno, "template", shown, "fix the template syntax"
        )
    except jinja2.TemplateNotFound as exc:
        return (page.template, None, "missing"), error(
            f"{config.templates_dir}/{exc.name}",
            None,
            "template",
            "template not found",
            "add it to templates/ or remove the override that extends it",
        )
    except jinja2.TemplateError as exc:
        where, line = _template_frame(sys.exc_info()[2], config, page.template)
        message = f"{exc.message or exc} (while rendering /{page.url}{_source(page)})"
        return (where, line, str(exc)), error(
            where, line, "template", message, "check the names the template uses"
        )
    return OutputFile(page.path, html.encode("utf-8"))


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
