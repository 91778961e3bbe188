"""Config -> BuildReport: the whole pipeline, one line per stage."""

from __future__ import annotations

from collections.abc import Sequence
from time import perf_counter

from brief.config import Config
from brief.errors import BriefError, ContentError, Diagnostic, error
from brief.model import Article, BuildReport, SourceFile, Topic
from brief.news.knowledge import Knowledge, load_knowledge
from brief.stages.assemble import assemble
from brief.stages.discover import discover
from brief.stages.merge import merge
from brief.stages.normalize import normalize
from brief.stages.parse import parse
from brief.stages.plan import plan
from brief.stages.render import copy_static, render
from brief.stages.tag import tag
from brief.stages.write import check_output, write
from brief.taxonomy import load_topics
from brief.templating import make_environment


def build(config: Config, *, drafts: bool = False, strict: bool = False) -> BuildReport:
    """Build the site into the output folder; raise BriefError with every problem found."""
    started = perf_counter()
    output = check_output(config)
    knowledge = load_knowledge(config.root)
    topics, _ = load_topics(config.root)
    sources, found = discover(config)
    articles, problems = read_articles(sources, config, knowledge, topics)
    articles, merged = merge(articles)
    problems += found + merged + check_slugs(articles)
    articles = tuple(a for a in articles if drafts or not a.draft)
    _stop_on_errors(problems, strict)
    site = assemble(articles, topics, config)
    pages = plan(site, config)
    files = render(pages, make_environment(config), site, config) + copy_static(config)
    written = write(files, output)
    warnings = tuple(sorted(problems, key=Diagnostic.sort_key))
    return BuildReport(
        len(articles), len(pages), written, warnings, perf_counter() - started, config.output_dir
    )


def read_articles(
    sources: Sequence[SourceFile], config: Config, knowledge: Knowledge, topics: tuple[Topic, ...]
) -> tuple[tuple[Article, ...], tuple[Diagnostic, ...]]:
    """parse -> normalize -> tag for each file; one file's errors never stop the others."""
    articles: list[Article] = []
    problems: list[Diagnostic] = []
    for source in sources:
        try:
            article = tag(normalize(parse(source), config, knowledge), topics)
        except BriefError as exc:
            problems.extend(exc.diagnostics)
            continue
        articles.append(article)
        problems.extend(article.warnings)
    return tuple(articles), tuple(problems)


def check_slugs(articles: Sequence[Article]) -> tuple[Diagnostic, ...]:
    """Two articles at one URL is an error naming both files."""
    first: dict[str, Article] = {}
    problems = []
    for article in sorted(articles, key=lambda a: a.source_path):
        other = first.setdefault(article.slug, article)
        if other is not article:
            problems.append(
                error(
                    article.source_path,
                    article.title_line,
                    "slug",
                    f"slug {article.slug!r} is also used by {other.source_path}",
                    "give one of them another title or a slug: in front matter",
                )
            )
    return tuple(problems)


def _stop_on_errors(problems: Sequence[Diagnostic], strict: bool) -> None:
    if any(p.severity == "error" or (strict and p.severity == "warning") for p in problems):
        raise ContentError(tuple(problems))
