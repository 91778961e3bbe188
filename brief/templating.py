"""Config -> the Jinja environment: theme loaders, filters, autoescape and StrictUndefined."""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any
from urllib.parse import urljoin

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.runtime import Context, LoopContext, Macro
from jinja2.utils import internalcode
from markupsafe import Markup, escape

from brief.config import Config
from brief.fragments import FragmentCache
from brief.model import Article, Feed, OutputFile, SiteInfo
from brief.slugs import slugify

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_PACKAGE = Path(__file__).resolve().parent


def theme_path() -> Path:
    """The default theme: inside the installed package, or templates/ of a checkout."""
    installed = _PACKAGE / "theme"
    return installed if installed.is_dir() else _PACKAGE.parent / "templates"


def theme_templates() -> tuple[str, ...]:
    """The default theme's template names, as "!theme/<name>" reaches them."""
    return tuple(
        name for name, path in _template_files(theme_path()) if not path.name.startswith(".")
    )


class TemplateNotText(jinja2.TemplateError):
    """A template file that is not UTF-8: its path, and the line of the first bad byte."""

    def __init__(self, path: str, line: int | None, detail: str) -> None:
        super().__init__(f"not UTF-8 text{detail}")
        self.path = path
        self.line = line


class _TextLoader(jinja2.FileSystemLoader):
    """Jinja's FileSystemLoader, but a file that is not UTF-8 is a TemplateNotText naming
    the file and line, where Jinja's UnicodeDecodeError named neither."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError:
            raise self._not_text(template) from None

    def _not_text(self, template: str) -> TemplateNotText:
        """The file get_source could not decode (the first match, as it searched)."""
        pieces = split_template_path(template)
        paths = [Path(posixpath.join(folder, *pieces)) for folder in self.searchpath]
        path = next((p for p in paths if p.is_file()), paths[0])
        try:
            data = path.read_bytes()
            data.decode(self.encoding)
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            return TemplateNotText(
                str(path), line, f": byte 0x{data[exc.start]:02x} at byte offset {exc.start}"
            )
        except OSError:
            pass  # gone or fixed since: the file is still the one to look at
        return TemplateNotText(str(path), None, "")


def template_folders(config: Config) -> tuple[Path, ...]:
    """Where templates and static files are read from, the site's own first."""
    return (config.templates_path, theme_path())


STATIC = "static"
"""The folder of templates/ (and of the theme) copied to the site as it is."""


def templates_digests(config: Config, static: Iterable[OutputFile]) -> tuple[str, str]:
    """(the digest of what page rendering reads, the digest of the ``static`` files, which
    copy_static made).

    Pages link to static files and do not read them, so a stylesheet edit writes one file
    instead of rendering every page again (13,700 at 10,000 articles). Every file of the
    template folders outside static/ is in the first digest, whatever its name (a folder
    linked to static/ too). A template that may include, import or extend a file under
    static/ (see _may_read_static) puts the static files in the first digest as well."""
    pages, assets = hashlib.sha256(), hashlib.sha256()
    reads_static = False
    for place, folder in enumerate(template_folders(config)):
        for name, path in _template_files(folder):
            data = path.read_bytes()
            pages.update(f"{place}\0{name}\0".encode() + hashlib.sha256(data).digest())
            reads_static = reads_static or _may_read_static(data)
    for file in static:  # what the site gets, as the site gets it
        assets.update(f"{file.path}\0".encode() + hashlib.sha256(file.data).digest())
    if reads_static:
        pages.update(assets.digest())
    return pages.hexdigest(), assets.hexdigest()


def copy_static(config: Config) -> tuple[OutputFile, ...]:
    """The theme's static/ files, overridden file by file by the site's templates/static/."""
    found: dict[str, Path] = {}
    for folder in (theme_path() / STATIC, config.templates_path / STATIC):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    found[f"{STATIC}/" + path.relative_to(folder).as_posix()] = path
    return tuple(OutputFile(name, found[name].read_bytes()) for name in sorted(found))


def _template_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(name below ``folder``, path) of each file outside its static/ folder, in name
    order, through linked folders (each real folder once: a link loop ends)."""
    if not folder.is_dir():
        return
    seen: set[tuple[int, int]] = set()
    found: list[tuple[str, Path]] = []
    for top, folders, files in os.walk(folder, followlinks=True):
        here = os.stat(top)
        if (here.st_dev, here.st_ino) in seen:
            folders.clear()
            continue
        seen.add((here.st_dev, here.st_ino))
        relative = os.path.relpath(top, folder)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        if not prefix:
            folders[:] = [f for f in folders if f != STATIC]
        found.extend((prefix + n, Path(top, n)) for n in files if os.path.isfile(Path(top, n)))
    yield from sorted(found)


def _may_read_static(source: bytes) -> bool:
    """Whether a template may include, import or extend a file under static/: a plain
    string naming one, or any name that is not a plain string (made at run time, a list,
    a call, a condition, an escape sequence). A scan, not a parse: a parse of the theme
    cost 40 ms in every build, and a doubt only makes every page depend on the static
    files, as all did before."""
    for tag in _REFERENCE.finditer(source):
        literal = _LITERAL.match(source, tag.end())
        if literal is None or _names_static(literal["name"].decode("utf-8", "replace")):
            return True
    return False


def _names_static(name: str) -> bool:
    """Whether a template name reaches static/, read as the loaders read it: "!theme/" is
    the theme; empty and "." segments are dropped; case may not matter to the disk."""
    parts = [p for p in name.removeprefix(THEME_PREFIX).split("/") if p not in ("", ".")]
    return bool(parts) and parts[0].casefold() == STATIC


THEME_PREFIX = "!theme/"
"""How a site's template names the default theme's own."""

_REFERENCE = re.compile(rb"\{%[-+]?\s*(?:include|import|from|extends)\b")
_LITERAL = re.compile(
    rb"""\s*(["'])(?P<name>(?:(?!\1)[^\\\n])*)\1"""
    rb"""\s*(?=[-+]?%\}|as\b|import\b|ignore\b|with\b|without\b)"""
)
"""One plain string after the tag's keyword, and nothing but the tag's end or its clauses
after it; no backslash (an escape may spell anything)."""


def escape_output(value: object) -> str:
    """What autoescaping writes for ``{{ value }}``: markupsafe's escape, to the byte, but
    text with nothing to escape is written as it is. Jinja's escape makes a Markup of every
    piece of a page, which the page then joins into one string: a sixth of the time spent
    rendering an article page went to that."""
    if type(value) is str and not (
        "&" in value or "<" in value or ">" in value or '"' in value or "'" in value
    ):
        return value
    return escape(value)


class _CodeGenerator(CodeGenerator):
    """Jinja's, with what an autoescaped ``{{ … }}`` writes made by escape_output. (Jinja's
    own native-types environment overrides the same method to change what is written.) A
    Jinja that no longer calls it compiles the usual escape, which writes the same text."""

    def _output_child_pre(self, node: jinja2.nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


_CACHED = type(cache(len))
"""functools.cache's wrapper, which carries a pass_* mark (if any) in its own __dict__, as a
function does, where Jinja finds it; a built-in carries none. Types are compared with
``is``: a metaclass may define ``==``."""


def _unmarked(attributes: dict[str, Any]) -> bool:
    """No pass_* mark, and no __call__ of its own, which Jinja would call instead (with its
    mark): a function's or cache wrapper's __dict__."""
    return "jinja_pass_arg" not in attributes and "__call__" not in attributes


def _unmarked_function(function: object) -> bool:
    return type(function) is FunctionType and _unmarked(function.__dict__)


class _Context(Context):
    """Jinja's, with a short way to call a macro, a recursive loop, a function, a bound
    method or a built-in: an article page calls the theme's macros and url() some 55 times,
    cached fragments, abs_url() and methods such as list.append another 12, and Jinja looks
    up each time whether the callee asks for the context (two failed attribute look-ups),
    which cost more than url() itself. None of these asks for it unless its function carries
    a pass_context-style mark; anything else is called Jinja's way."""

    @internalcode  # as Jinja's is: left out of the tracebacks Jinja makes for templates
    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        kind = type(obj)
        if kind is Macro or kind is LoopContext:
            # Through __call__, as Jinja reaches them: called as obj(), a recursive macro
            # or loop took two of Python's recursion levels a level, and failed 50 sooner.
            target = obj.__call__
        elif ((kind is FunctionType or kind is _CACHED) and _unmarked(obj.__dict__)) or (
            kind is BuiltinFunctionType
        ):
            target = obj
        elif kind is MethodType and _unmarked_function(obj.__func__):
            target = obj  # a bound method: a mark would be on its function
        else:
            return super().call(obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return target(*args, **kwargs)
        except StopIteration:
            return self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class _Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator
    context_class = _Context
    escape_output = staticmethod(escape_output)


def make_environment(config: Config) -> jinja2.Environment:
    """A site's templates/ overrides the theme file by file; "!theme/x.html" is the original."""
    theme = _TextLoader(theme_path())
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"!theme": theme}, delimiter="/")]
    if config.templates_path.is_dir():
        loaders.append(_TextLoader(config.templates_path))
    loaders.append(theme)
    env = _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[FragmentCache],
    )
    base_path, base_url = config.base_path, config.base_url

    def url(path: str) -> str:
        return base_path + path.lstrip("/")

    # Called for every link of every feed and JSON-LD block: urljoin is slow, the answers few
    @cache
    def abs_url(path: str) -> str:
        return urljoin(base_url, url(path)) if "://" in base_url else url(path)

    def news_article(article: Article) -> dict[str, Any]:
        return news_article_ld(article, abs_url)

    def json_feed(feed: Feed, info: SiteInfo) -> dict[str, Any]:
        return json_feed_document(feed, info, abs_url)

    env.globals.update(
        url=url,
        abs_url=abs_url,
        news_article=news_article,
        json_feed=json_feed,
        absolute="://" in base_url,
    )
    env.filters.update(
        date=format_date,
        isodate=lambda value: value.isoformat(),
        xml=xml_text,
        indent=indent,
        slug=slugify,
    )
    return env


def compile_templates(env: jinja2.Environment) -> None:
    """Compile the templates pages may use, ahead: for brief serve's next build, and before
    workers fork, each of which compiled them for itself (70 ms of CPU at each fork)."""
    for name in env.list_templates(filter_func=_is_page_template):
        try:
            env.get_template(name)
        except Exception:  # best effort: whatever is wrong with a template
            continue  # is reported by the build that renders with it, with the page named


def _is_page_template(name: str) -> bool:
    return not name.startswith((THEME_PREFIX, f"{STATIC}/")) and name.endswith(
        (".html", ".xml", ".json", ".txt")
    )


def indent(text: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's indent, to the byte, without wrapping each line in Markup and escaping it
    again: the theme indents nested macros, and Jinja's own filter was a quarter of the
    time spent rendering a listing."""
    indention = width if isinstance(width, str) else " " * width
    lines = (str(text) + "\n").splitlines()
    if blank:
        result = ("\n" + indention).join(lines)
    else:
        result = lines.pop(0)
        if lines:
            result += "\n" + "\n".join(indention + line if line else line for line in lines)
    if first:
        result = indention + result
    return Markup(result) if isinstance(text, Markup) else result


def xml_text(value: object) -> Markup:
    """Text for an XML feed: escaped even when it is already HTML (Markup), and without the
    control characters XML 1.0 forbids (a pasted dispatch can carry them)."""
    return Markup(html.escape(_XML_FORBIDDEN.sub("", str(value)), quote=True))


def news_article_ld(article: Article, abs_url: Callable[[str], str]) -> dict[str, Any]:
    """schema.org NewsArticle for an article page; emitted with tojson, which escapes < and >."""
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
        "url": abs_url(article.url),
        "description": article.summary,
        "wordCount": article.word_count,
        "about": [{"@type": "Thing", "name": t.topic.name} for t in article.topics],
    }
    if article.dateline:
        ld["dateline"] = article.dateline.text
    if article.agency or article.source_name:
        ld["sourceOrganization"] = {
            "@type": "NewsMediaOrganization",
            "name": article.agency or article.source_name,
        }
    if article.source_url:
        ld["isBasedOn"] = article.source_url
    if article.author:
        ld["author"] = {"@type": "Person", "name": article.author}
    return ld


def json_feed_document(feed: Feed, info: SiteInfo, abs_url: Callable[[str], str]) -> dict[str, Any]:
    """JSON Feed 1.1 (jsonfeed.org); URLs are absolute when base_url is."""
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "language": info.language,
    }
    if "://" in info.base_url:
        document["home_page_url"] = abs_url(feed.page_url)
        document["feed_url"] = abs_url(feed.url)
    if info.description:
        document["description"] = info.description
    document["items"] = [
        {
            "id": abs_url(a.url),
            "url": abs_url(a.url),
            "title": a.title,
            "content_html": _XML_FORBIDDEN.sub("", str(a.body_html)),
            "summary": a.summary,
            "date_published": a.published.isoformat(),
            "authors": [{"name": a.author or a.agency or a.source_name or info.title}],
            "tags": [t.topic.name for t in a.topics],
            **({"external_url": a.source_url} if a.source_url else {}),
        }
        for a in feed.entries
    ]
    return document


def format_date(value: datetime) -> str:
    """8 June 2021: day first, no leading zero, month in words, whatever the locale."""
    return f"{value.day} {value:%B %Y}"
