"""Config -> CheckReport: the whole pipeline without writing, and every guess brief made."""

from __future__ import annotations

from dataclasses import dataclass

from brief.build import check_slugs, read_articles
from brief.config import Config
from brief.errors import BriefError, Diagnostic, warning
from brief.model import Article
from brief.news.knowledge import load_knowledge
from brief.stages.assemble import assemble
from brief.stages.discover import discover
from brief.stages.merge import merge
from brief.stages.plan import plan
from brief.stages.render import render
from brief.taxonomy import load_topics
from brief.templating import make_environment


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What a check found: problems (errors and warnings) and guesses, sorted by place."""

    articles: int
    problems: tuple[Diagnostic, ...]
    guesses: tuple[Diagnostic, ...]

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)


def check(config: Config, *, drafts: bool = False) -> CheckReport:
    """Read, normalize, tag and render everything in memory; raise nothing for content."""
    topics, _ = load_topics(config.root)
    sources, found = discover(config)
    articles, problems = read_articles(sources, config, load_knowledge(config.root), topics)
    articles, merged = merge(articles)
    problems += found + merged + check_slugs(articles)
    kept = tuple(a for a in articles if drafts or not a.draft)
    if not any(p.severity == "error" for p in problems):
        site = assemble(kept, topics, config)
        try:
            render(plan(site, config), make_environment(config), site, config)
        except BriefError as exc:
            problems += exc.diagnostics
    guesses = tuple(g for a in articles for g in list_guesses(a))
    return CheckReport(
        len(kept),
        tuple(sorted(problems, key=Diagnostic.sort_key)),
        tuple(sorted(guesses, key=Diagnostic.sort_key)),
    )


def list_guesses(article: Article) -> tuple[Diagnostic, ...]:
    """What brief inferred and a careful editor may want to confirm."""
    path = article.source_path
    guesses = []
    published = article.origin("published")
    if "year from" in published:
        guesses.append(
            warning(
                path,
                _line(article, "dateline"),
                "guess",
                f"year inferred: {published}",
                "add date: to be sure",
            )
        )
    elif published.startswith("file name"):
        guesses.append(warning(path, 1, "guess", f"date taken from the {published}"))
    if article.dateline is None and path.endswith(".txt"):
        guesses.append(
            warning(
                path,
                article.paragraphs[0].line if article.paragraphs else 1,
                "guess",
                "no dateline recognized",
                "if the story has one, add its agency to agencies.yaml",
            )
        )
    for quote in article.quotes:
        if not quote.speaker:
            line = (
                article.paragraphs[quote.paragraph].line
                if quote.paragraph < len(article.paragraphs)
                else 1
            )
            guesses.append(
                warning(
                    path, line, "guess", f"quote without a clear speaker: “{_short(quote.text)}”"
                )
            )
    return tuple(guesses)


def _line(article: Article, field: str) -> int:
    origin = article.origin(field)
    return int(origin[5:]) if origin.startswith("line ") and origin[5:].isdigit() else 1


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57].rstrip() + "…"
