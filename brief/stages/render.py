"""Pages + Jinja environment -> OutputFiles; template errors name the template line and the page."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import jinja2

from brief.config import Config
from brief.errors import ContentError, Diagnostic, error
from brief.fragments import forget_fragments
from brief.model import OutputFile, Page, Site, SiteInfo
from brief.parallel import Meanwhile, stream_chunks
from brief.templating import (
    THEME_PREFIX,
    TemplateNotText,
    compile_templates,
    theme_path,
    theme_templates,
)


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
    return _stream(pages, env, info, config, workers, _kept, hold=2)


def render_into(
    pages: Sequence[Page],
    env: jinja2.Environment,
    info: SiteInfo,
    config: Config,
    workers: int,
    put: Callable[[OutputFile], int],
    meanwhile: Meanwhile | None = None,
) -> Iterator[tuple[str, int]]:
    """As render_each, but each page is handed to ``put`` (which writes it) in the process
    that rendered it, and only its path and size come back, in order. Writing a file costs
    this machine's file system more than rendering it (0.3-0.6 ms of system time each), and
    one process wrote them all while the others rendered. ``meanwhile``: other work for
    this process, done as the workers start (see stream_chunks)."""
    # Results are small: this process renders whenever the next one is not in.
    finish = partial(_put, put)
    return _stream(pages, env, info, config, workers, finish, len(pages), meanwhile)


def _kept(file: OutputFile) -> OutputFile:
    return file


def _put(put: Callable[[OutputFile], int], file: OutputFile) -> tuple[str, int]:
    return file.path, put(file)


def _stream(
    pages: Sequence[Page],
    env: jinja2.Environment,
    info: SiteInfo,
    config: Config,
    workers: int,
    finish: Callable[[OutputFile], Done],
    hold: int,
    meanwhile: Meanwhile | None = None,
) -> Iterator[Done]:
    """Each page rendered and ``finish``ed, in the worker, in order; template errors after."""

    def work(chunk: Sequence[Page]) -> list[Done | _Problem]:
        results: list[Done | _Problem] = []
        for page in chunk:
            made = _render_page(page, env, info, config)
            results.append(finish(made) if isinstance(made, OutputFile) else made)
        return results

    forget_fragments(env)  # before the workers fork, so that none inherits a stale one
    if workers > 1:
        compile_templates(env)  # once, before the workers fork, not once in each of them
    problems: dict[tuple[str, int | None, str], Diagnostic] = {}
    try:
        for result in stream_chunks(work, pages, workers, hold, meanwhile):
            if isinstance(result, _Problem):
                problems.setdefault(result.key, result.diagnostic)
            else:
                yield result
    finally:
        forget_fragments(env)  # 25 MB at 10,000 articles, that brief serve would keep
    if problems:
        raise ContentError(tuple(problems.values()))


Done = TypeVar("Done")


@dataclass(frozen=True, slots=True)
class _Problem:
    """A template problem, keyed so that each is reported once."""

    key: tuple[str, int | None, str]
    diagnostic: Diagnostic


def _render_page(
    page: Page, env: jinja2.Environment, info: SiteInfo, config: Config
) -> OutputFile | _Problem:
    """One page's bytes, or the template problem."""
    try:
        template = env.get_template(page.template)
        html = template.render(site=info, page_url=page.url, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        where = _template_path(exc.filename or exc.name or page.template, config)
        message = exc.message or "syntax error"
        # Named once, with the first page that needed the template (pages are in plan order).
        shown = f"{message} (while rendering /{page.url}{_source(page)})"
        return _Problem(
            (where, exc.lineno, message),
            error(where, exc.lineno, "template", shown, "fix the template syntax"),
        )
    except TemplateNotText as exc:
        where = _template_path(exc.path, config)
        return _Problem(
            (where, exc.line, "not UTF-8"),
            error(where, exc.line, "template", exc.message or "not UTF-8 text", "save it as UTF-8"),
        )
    except jinja2.TemplateNotFound as exc:
        if isinstance(exc.name, str) and exc.name.startswith(THEME_PREFIX):
            return _not_in_theme(exc.name, sys.exc_info()[2], page, config)
        if exc.name != page.template:  # asked for by an extends, include or import
            return _not_found(str(exc.name), sys.exc_info()[2], page, config)
        return _Problem(
            (page.template, None, "missing"),
            error(
                f"{config.templates_dir}/{exc.name}",
                None,
                "template",
                "template not found",
                "add it to templates/ or remove the override that extends it",
            ),
        )
    except jinja2.TemplateError as exc:
        where, line = _template_frame(sys.exc_info()[2], config, page.template)
        message = f"{exc.message or exc} (while rendering /{page.url}{_source(page)})"
        return _Problem(
            (where, line, str(exc)),
            error(where, line, "template", message, "check the names the template uses"),
        )
    except Exception as exc:  # a template is code: 1 // 0 fails there like anywhere
        where, line = _template_frame(sys.exc_info()[2], config, page.template)
        kind = type(exc).__name__
        message = f"{kind}: {exc} (while rendering /{page.url}{_source(page)})"
        return _Problem(
            (where, line, f"{kind}: {exc}"),
            error(where, line, "template", message, "check what the template computes"),
        )
    return OutputFile(page.path, html.encode("utf-8"))


def _not_in_theme(name: str, tb: TracebackType | None, page: Page, config: Config) -> _Problem:
    """A "!theme/x.html" the default theme lacks."""
    wanted = name.removeprefix(THEME_PREFIX)
    hint = f"use one of the theme's templates: {', '.join(theme_templates())}"
    return _asked_for(name, f"but the default theme has no {wanted}", hint, tb, page, config)


def _not_found(name: str, tb: TracebackType | None, page: Page, config: Config) -> _Problem:
    """A template another one asks for that is nowhere: the message named templates/<name>,
    a file that does not exist, and no line."""
    where = f"which is in neither {config.templates_dir}/ nor the default theme"
    hint = f"fix the name, or add {name} to {config.templates_dir}/"
    return _asked_for(name, where, hint, tb, page, config)


def _asked_for(
    name: str, why: str, hint: str, tb: TracebackType | None, page: Page, config: Config
) -> _Problem:
    """A missing template, named at the template and line that asked for it."""
    where, line = _template_frame(tb, config, f"{config.templates_dir}/{page.template}")
    message = f'asks for "{name}", {why} (while rendering /{page.url}{_source(page)})'
    return _Problem((where, line, name), error(where, line, "template", message, hint))


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
