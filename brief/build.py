"""Config -> BuildReport: the whole pipeline, one line per stage, with the cache at the edges."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from time import perf_counter

from brief import cache, shortcut
from brief.config import Config
from brief.errors import BriefError, ContentError, Diagnostic, error, warning
from brief.incremental import (
    gather,
    prepare,
    previous_output,
    read_cached,
    render_changed,
    spare_for,
)
from brief.lock import one_at_a_time
from brief.model import Article, BuildReport, SourceFile, Topic
from brief.news.knowledge import Knowledge
from brief.parallel import Aside, Later, paused_collector, stream_chunks, workers_for
from brief.search import FOLDER as SEARCH_FOLDER
from brief.search import index_site
from brief.stages.assemble import assemble
from brief.stages.merge import Sketch, merge, sketch
from brief.stages.normalize import normalize
from brief.stages.parse import parse
from brief.stages.plan import check_paths, plan
from brief.stages.tag import tag
from brief.stages.words import body_words
from brief.stages.write import Fill, Put, check_output, clear_leftovers, strays, write

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) as a build goes: the CLI draws it as a bar."""


def build(
    config: Config,
    *,
    drafts: bool = False,
    strict: bool = False,
    use_cache: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
    warm: bool = False,
) -> BuildReport:
    """Build the site into the output folder; raise BriefError with every problem found.
    ``progress(stage, done, total)`` hears of articles read and pages written. ``warm``
    (for a process that builds again, brief serve): when nothing changed, still load the
    cached articles and compile the templates, so that the next build does not."""
    started = perf_counter()
    output = check_output(config)

    def waiting() -> None:
        if progress is not None:
            progress("waiting for another build of this site", 0, 1)

    aside = Aside()
    with paused_collector(), one_at_a_time(output, waiting):
        try:
            return _pipeline(
                output, config, drafts, strict, use_cache, workers, progress, warm, started, aside
            )
        finally:
            aside.wait()  # the cache is saved before the site is another build's


def _pipeline(
    output: Path,
    config: Config,
    drafts: bool,
    strict: bool,
    use_cache: bool,
    workers: int | None,
    progress: Progress | None,
    warm: bool,
    started: float,
    aside: Aside,
) -> BuildReport:
    clear_leftovers(output)  # a killed build's staging goes, a site left aside comes back
    if use_cache:
        cache.clear_unfinished(config.root)
    inputs = gather(config, drafts)
    before = previous_output(config, output) if use_cache else cache.Manifest.empty()
    if before.inputs == inputs.digest:  # nothing that shapes the site changed since
        _stop_on_errors(before.warnings, strict)
        if warm and use_cache:
            prepare(config, inputs)
        return _report(config, before.articles, before.pages, 0, before.warnings, started, before)
    reader = partial(read_sketched, workers=workers, progress=progress)
    taken = shortcut.take(config, inputs, before, output, reader, workers) if use_cache else None
    outline: Later[shortcut.Outline] | None
    if taken is not None:  # one article edited, and nothing the rest of the site shows of it
        _stop_on_errors(taken.problems, strict)
        key, entry = taken.entry
        # Saved before the page is written, as the whole way saves what it read: a template
        # error then leaves the cache holding the article as it is now, which is right.
        cache.update_articles(config.root, {key: entry}, [taken.stale_key])
        problems, files, outline = taken.problems, taken.files, Later.known(taken.outline)
        counts = (before.articles, before.pages)
    else:
        articles, problems, sketches = read_cached(
            inputs, config, use_cache, reader, aside, workers
        )
        listed = tuple((s.path, s.digest) for s in inputs.sources)
        # The files' bytes (35 MB at 10,000 articles) are read: rendering's forked workers
        # need not share them.
        inputs = replace(inputs, sources=())
        read = articles
        articles, merged = merge(articles, sketches)
        problems += inputs.found + merged + check_slugs(articles)
        articles = tuple(a for a in articles if drafts or not a.draft)
        _stop_on_errors(problems, strict)
        site = assemble(articles, inputs.topics, config)
        pages = plan(site, config)
        _stop_on_errors(check_paths(pages), strict)
        if progress is not None:
            progress("rendering pages", 0, len(pages))
        # What the next build's shortcut needs (0.17 s at 10,000), made while the workers
        # start rendering: not made for a clean build without the cache (brief build
        # --verify's), which saves none.
        drawn = Later(partial(shortcut.outline_of, inputs, listed, read, sketches, pages, problems))
        files = render_changed(
            pages, site, config, inputs, before, output, workers, [drawn] if use_cache else []
        )
        outline = drawn if use_cache else None
        counts = (len(articles), len(pages))
    indexing: list[Diagnostic] = []

    def index(staging: Path) -> None:
        pages_changed = files.html_changed or bool(
            set(before.records) - set(files.manifest().records)
        )
        indexing.extend(index_site(staging, output, pages_changed))

    hook = index if config.search else None
    changed = _counted(files.changed, files.count, "writing pages", progress)
    spare = spare_for(config, before, files.kept, files.paths) if use_cache else None
    written = 0
    # Told once, by the build that leaves them out: not saved with the build's warnings,
    # which a no-change rebuild repeats.
    strayed: tuple[Diagnostic, ...] = ()
    if files.any_change:
        found = strays(output, files.paths, (SEARCH_FOLDER,))
        strayed = tuple(_stray_warning(config, name) for name in found)
        # Pages are rendered as they are written: a template error stops the writing, and
        # write() clears its staging folder; the site stays as it was.
        written = write(changed, output, files.kept, files.stamp, hook, spare)
        if spare is not None and spare.keep_old:  # the site just replaced is the spare now
            cache.save_manifest(config.root, cache.spare_name(config.output_dir), before, ())
    after = files.manifest()
    problems += tuple(indexing)
    if use_cache:
        cache.save_manifest(config.root, config.output_dir, after, problems)
        if outline is not None:
            shortcut.save(config.root, config.output_dir, outline(), after.stamp)
    if not aside.wait():  # told once, as the strays are: the next build reads them again
        strayed += (_unsaved_warning(),)
    return _report(config, *counts, written, problems + strayed, started, before, after)


def read_articles(
    sources: Sequence[SourceFile],
    config: Config,
    knowledge: Knowledge,
    topics: tuple[Topic, ...],
    workers: int | None = None,
    progress: Progress | None = None,
) -> tuple[tuple[Article, ...], tuple[Diagnostic, ...]]:
    """parse -> normalize -> tag for each file; one file's errors never stop the others."""
    articles, problems, _ = read_sketched(
        sources, config, knowledge, topics, workers, progress, sketched=False
    )
    return articles, problems


def read_sketched(
    sources: Sequence[SourceFile],
    config: Config,
    knowledge: Knowledge,
    topics: tuple[Topic, ...],
    workers: int | None = None,
    progress: Progress | None = None,
    *,
    sketched: bool = True,
) -> tuple[tuple[Article, ...], tuple[Diagnostic, ...], dict[str, Sketch]]:
    """As read_articles, with each article's merge sketch (by source path), made by the same
    worker: made afterwards in the parent, the sketches of 10,000 articles took 7 s alone.
    ``sketched=False`` leaves them out (read_articles), and the dict empty."""
    processes = workers_for(len(sources), workers)

    def work(chunk: Sequence[SourceFile]) -> list[tuple[Article, Sketch] | tuple[Diagnostic, ...]]:
        results: list[tuple[Article, Sketch] | tuple[Diagnostic, ...]] = []
        for source in chunk:
            try:
                normalized = normalize(parse(source), config, knowledge)
            except BriefError as exc:
                results.append(exc.diagnostics)
                continue
            words = body_words(normalized)  # tagging and the sketch both read them
            article = tag(normalized, topics, words)
            results.append((article, sketch(article, words) if sketched else ()))
        return results

    articles: list[Article] = []
    sketches: dict[str, Sketch] = {}
    problems: list[Diagnostic] = []
    # Streamed, all results kept: progress is told as each chunk comes back, from whichever
    # process read it (forked workers cannot call back into this one). Reading is half of a
    # cold build, and the bar stood at 0 for all of it.
    results = stream_chunks(work, sources, processes, hold=len(sources))
    for number, result in enumerate(results):
        if progress is not None:
            progress("reading articles", number, len(sources))
        if result and isinstance(result[0], Article):
            article, found = result
            if sketched:
                sketches[article.source_path] = found
            articles.append(article)
            problems.extend(article.warnings)
        else:
            problems.extend(result)
    if progress is not None:
        progress("reading articles", len(sources), len(sources))
    return tuple(articles), tuple(problems), sketches


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


def _report(
    config: Config,
    articles: int,
    pages: int,
    written: int,
    problems: Sequence[Diagnostic],
    started: float,
    before: cache.Manifest,
    after: cache.Manifest | None = None,
) -> BuildReport:
    after = after or before
    return BuildReport(
        articles,
        pages,
        written,
        tuple(sorted(problems, key=Diagnostic.sort_key)),
        perf_counter() - started,
        config.output_dir,
        skipped=len(after.records) - written,
        removed=len(set(before.records) - set(after.records)),
    )


def _stray_warning(config: Config, name: str) -> Diagnostic:
    return warning(
        f"{config.output_dir}/{name}",
        None,
        "output",
        "brief did not write this, and the new site leaves it out",
        f"{config.output_dir}/ is replaced whole: keep your own files elsewhere (files to "
        "publish go in templates/static/, under static/ in the site)",
    )


def _unsaved_warning() -> Diagnostic:
    return warning(
        cache.CACHE_DIR,
        None,
        "cache",
        "the articles read could not be saved to the cache (the process saving them failed)",
        "the site is complete; the next build reads every article again. If this keeps "
        "happening, build with --workers 1 to see the error",
    )


def _counted(fill: Fill, count: int, stage: str, progress: Progress | None) -> Fill:
    """``fill`` as write() takes it, telling ``progress`` as each file is written."""
    if progress is None:
        return fill

    def each(put: Put) -> Iterator[object]:
        for number, item in enumerate(fill(put)):
            progress(stage, number, count)
            yield item
        progress(stage, count, count)

    return each


def _stop_on_errors(problems: Sequence[Diagnostic], strict: bool) -> None:
    if any(p.severity == "error" or (strict and p.severity == "warning") for p in problems):
        raise ContentError(tuple(problems))
