"""What changed since the last build: the inputs' fingerprints, cached articles, stale pages.

A build is incremental by default and must equal a clean build byte for byte: every decision
here is made from fingerprints of inputs, never from timestamps, and anything in doubt
(a missing or damaged cache, an output folder that is not the last build's) is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import partial
from itertools import chain
from pathlib import Path

import jinja2

from brief import cache
from brief.config import Config
from brief.errors import Diagnostic
from brief.fingerprints import Fingerprinter
from brief.lock import one_at_a_time
from brief.model import Article, OutputFile, Page, Site, SiteInfo, SourceFile, Topic
from brief.news.knowledge import Knowledge, load_knowledge
from brief.parallel import Aside, Later, Meanwhile, workers_for
from brief.stages.discover import discover
from brief.stages.merge import Sketch
from brief.stages.render import render_into
from brief.stages.write import Fill, Put, Spare, make_spare, read_stamp
from brief.taxonomy import load_topics
from brief.templating import compile_templates, copy_static, make_environment, templates_digests

Reader = Callable[
    [Sequence[SourceFile], Config, Knowledge, tuple[Topic, ...]],
    tuple[tuple[Article, ...], tuple[Diagnostic, ...], dict[str, Sketch]],
]
"""Reads files afresh: their articles, problems and merge sketches (build.read_sketched)."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a build reads, with the fingerprints that say whether it changed."""

    knowledge: Knowledge
    topics: tuple[Topic, ...]
    sources: tuple[SourceFile, ...]
    found: tuple[Diagnostic, ...]
    content_fp: str
    site_fp: str
    """What every page's rendering reads: content settings, templates, settings."""
    assets_fp: str
    """The static files, which pages link to and do not read."""
    static: tuple[OutputFile, ...]
    """Those files, read once: their digest and the site's copies are made from them."""
    digest: str


@dataclass(frozen=True, slots=True)
class Files:
    """The files a build writes and the unchanged ones it keeps from the last build. The
    changed files are rendered and written by each process as it goes (``changed`` is the
    fill write() runs): a cold build of 10,000 articles held 260 MB of pages at once
    before. ``manifest()`` is complete once the fill has run to the end (it records each
    file's size)."""

    changed: Fill
    count: int
    html_changed: bool
    kept: tuple[str, ...]
    paths: tuple[str, ...]
    any_change: bool
    stamp: Callable[[], str]
    """A digest of the fingerprints, some of which may be made while the pages are."""
    manifest: Callable[[], cache.Manifest]


def gather(config: Config, drafts: bool) -> Inputs:
    """Read the project's files and fingerprint them: data, taxonomy, templates, content."""
    knowledge = load_knowledge(config.root)
    topics, taxonomy = load_topics(config.root)
    sources, found = discover(config)
    content_fp = cache.fingerprint(
        knowledge.fingerprint,
        taxonomy,
        config.timezone,
        config.reference_date,
        str(config.allow_raw_html),
    )
    settings = repr(
        [
            (f.name, getattr(config, f.name))
            for f in fields(config)
            if f.name not in ("root", "lines")
        ]
    )
    static = copy_static(config)
    templates, assets = templates_digests(config, static)
    site_fp = cache.fingerprint(content_fp, templates, settings, str(drafts))
    digest = cache.fingerprint(
        site_fp,
        assets,
        *(f"{s.path}\0{s.digest}" for s in sources),
        *(d.format() for d in found),
    )
    return Inputs(knowledge, topics, sources, found, content_fp, site_fp, assets, static, digest)


def previous_output(config: Config, output: Path) -> cache.Manifest:
    """The last build's manifest, if the output folder is still that build's output."""
    return _describing(config, config.output_dir, output)


def _describing(config: Config, name: str, folder: Path) -> cache.Manifest:
    """The manifest saved under ``name`` if it describes ``folder`` (its stamp is the one in
    the folder's marker), else an empty one."""
    manifest = cache.load_manifest(config.root, name)
    if manifest.stamp and manifest.stamp == read_stamp(folder):
        return manifest
    return cache.Manifest.empty()


def spare_for(
    config: Config, before: cache.Manifest, kept: Sequence[str], paths: Iterable[str]
) -> Spare:
    """The spare site (the one before the current), which of the kept files it already
    holds as they are now (none if its manifest does not match its marker), and the
    folders of the new site's ``paths``."""
    folder = cache.spare_folder(config.root, config.output_dir)
    reuse: dict[str, int] = {}
    if before.stamp:
        spare = _describing(config, cache.spare_name(config.output_dir), folder)
        for path in kept:
            record = before.records.get(path)
            if record is not None and spare.records.get(path) == record:
                reuse[path] = record.size
    folders = {path[:end] for path in paths for end in _slashes(path)}
    return Spare(folder, reuse, folders, keep_old=bool(before.stamp))


def _slashes(path: str) -> Iterator[int]:
    end = path.find("/")
    while end > 0:
        yield end
        end = path.find("/", end + 1)


def ready_spare(config: Config, output: Path) -> bool:
    """Leave a spare site that the next build can bring up to date cheaply; for brief serve,
    between rebuilds. One is made when there is none (a build makes the spare from the site
    it replaces, so a cold build leaves none), and made again when most of its files are
    stale (the site it holds was replaced by a build that rewrote most pages: a template
    edit, a new brief), whose pruning fell on the next edit: 1.2-1.7 s instead of 0.6 s
    for a one-article edit of 1,000 articles. False when another build holds the site:
    nothing was done, and brief serve tries again after its next rebuild."""
    with one_at_a_time(output, wait=False) as alone:
        if not alone:  # a build (brief build in another terminal) is using it: later
            return False
        current = previous_output(config, output)
        name = cache.spare_name(config.output_dir)
        folder = cache.spare_folder(config.root, config.output_dir)
        if not current.stamp:
            return True
        spare = _describing(config, name, folder)
        if spare.stamp and 2 * _alike(spare, current) >= len(current.records):
            return True
        if make_spare(output, folder, current.records):
            cache.save_manifest(config.root, name, current, ())
        return True


def _alike(spare: cache.Manifest, current: cache.Manifest) -> int:
    """How many of the current site's files the spare holds as they are."""
    return sum(spare.records.get(path) == record for path, record in current.records.items())


def prepare(config: Config, inputs: Inputs) -> None:
    """Load what the next build of this process will need: the cached articles and the
    compiled templates. brief serve's first build usually finds the site up to date, and
    the first edit then paid for both (about 0.5 s of a 1,000-article rebuild)."""
    cache.load_articles(config.root, set(_keys(inputs).values()))
    compile_templates(_environment(config, inputs.site_fp))


def _keys(inputs: Inputs) -> dict[str, str]:
    """Each source file's cache key, by path."""
    return {s.path: cache.article_key(s.path, s.digest, inputs.content_fp) for s in inputs.sources}


def read_cached(
    inputs: Inputs,
    config: Config,
    use_cache: bool,
    reader: Reader,
    aside: Aside | None = None,
    workers: int | None = None,
) -> tuple[tuple[Article, ...], tuple[Diagnostic, ...], dict[str, Sketch]]:
    """Articles from the cache where a file and all that reads it are unchanged, the others
    read afresh by ``reader``; with their warnings and merge sketches. Saves the cache, in a
    forked child of ``aside`` when many were read (0.6 s of a cold build of 10,000)."""
    keys = _keys(inputs)
    loaded = cache.load_articles(config.root, set(keys.values())) if use_cache else None
    cached = loaded.entries if loaded is not None else {}
    misses = [s for s in inputs.sources if keys[s.path] not in cached]
    read, problems, sketches = reader(misses, config, inputs.knowledge, inputs.topics)
    entries = {keys[s.path]: cached[keys[s.path]] for s in inputs.sources if keys[s.path] in cached}
    entries |= {keys[a.source_path]: (a, sketches[a.source_path]) for a in read}
    fresh = {a.source_path for a in read}
    problems += tuple(
        warning
        for path, key in keys.items()
        if path not in fresh and key in cached
        for warning in cached[key][0].warnings
    )
    ordered = [entries[keys[s.path]] for s in inputs.sources if keys[s.path] in entries]
    if loaded is not None and (read or loaded.untidy):
        save = partial(cache.save_articles, config.root, entries, cached, loaded.untidy)
        if aside is None:
            save()
        else:
            aside.run(save, workers_for(len(read), workers))
    return (
        tuple(article for article, _ in ordered),
        problems,
        {article.source_path: value for article, value in ordered},
    )


def render_changed(
    pages: Sequence[Page],
    site: Site,
    config: Config,
    inputs: Inputs,
    before: cache.Manifest,
    output: Path,
    workers: int | None,
    meanwhile: Iterable[Callable[[], object]] = (),
) -> Files:
    """Render the pages whose fingerprint changed (or whose file is gone); keep the rest.
    ``meanwhile``: steps of other work for this process, done while the workers render
    (see parallel.Meanwhile), or before the manifest is made if no page is rendered."""
    records: dict[str, cache.PageRecord] = {}
    stale: list[Page] = []
    fingerprints = Fingerprinter(inputs.site_fp)
    out = str(output)
    steps: Iterable[Callable[[], object]] = meanwhile
    if before.records:
        for page in pages:
            fp = fingerprints.page(page)
            old = before.records.get(page.path)
            if old is not None and old.fingerprint == fp and present(out, page.path, old):
                records[page.path] = old
            else:
                records[page.path] = cache.PageRecord(fp, -1)
                stale.append(page)
    else:
        # No page to keep (a first build, or one without the cache): every page is
        # rendered, and the fingerprints, which only the next build reads, are made while
        # the workers render (0.4 s of one process at 10,000 articles).
        stale = list(pages)
        records = dict.fromkeys((page.path for page in pages), cache.PageRecord("", -1))

        def fingerprint(chunk: Sequence[Page]) -> None:
            for page in chunk:
                records[page.path] = cache.PageRecord(
                    fingerprints.page(page), records[page.path].size
                )

        chunks = (partial(fingerprint, pages[i : i + _CHUNK]) for i in range(0, len(pages), _CHUNK))
        steps = chain(chunks, meanwhile)
    static: list[OutputFile] = []
    for file in inputs.static:
        record = cache.PageRecord(hashlib.sha256(file.data).hexdigest(), len(file.data))
        records[file.path] = record
        if before.records.get(file.path) != record or not present(out, file.path, record):
            static.append(file)
    return changed_files(
        records,
        stale,
        static,
        before,
        inputs,
        config,
        site.info,
        workers,
        len(site.articles),
        len(pages),
        Meanwhile(steps),
    )


_CHUNK = 64  # pages fingerprinted in one step of other work: about one chunk's rendering time


def changed_files(
    records: dict[str, cache.PageRecord],
    stale: Sequence[Page],
    static: Sequence[OutputFile],
    before: cache.Manifest,
    inputs: Inputs,
    config: Config,
    info: SiteInfo,
    workers: int | None,
    articles: int,
    pages: int,
    meanwhile: Meanwhile | None = None,
) -> Files:
    """The files to write: the ``stale`` pages, rendered as they are read, and the changed
    ``static`` files. ``records`` holds every file of the new site (-1 as the size of those
    to write, filled in as they are); the steps of ``meanwhile`` may fill in their
    fingerprints, and are all done by the time the stamp or the manifest is asked for."""
    env = _environment(config, inputs.site_fp)
    rest = meanwhile or Meanwhile(())

    def changed(put: Put) -> Iterator[str]:
        processes = workers_for(len(stale), workers)
        rendered = render_into(stale, env, info, config, processes, put, rest)
        for path, size in chain(rendered, ((file.path, put(file)) for file in static)):
            records[path] = cache.PageRecord(records[path].fingerprint, size)
            yield path

    written = {p.path for p in stale} | {f.path for f in static}

    def made_stamp() -> str:
        rest.finish()
        return _stamp(records)

    stamp = Later(made_stamp)

    def manifest() -> cache.Manifest:
        return cache.Manifest(stamp(), inputs.digest, records, articles, pages, ())

    return Files(
        changed,
        len(written),
        any(path.endswith(".html") for path in written),
        tuple(sorted(set(records) - written)),
        tuple(records),
        bool(written) or set(records) != set(before.records) or not before.stamp,
        stamp,
        manifest,
    )


_environments: dict[tuple[Path, str], jinja2.Environment] = {}


def _environment(config: Config, site_fp: str) -> jinja2.Environment:
    """The last build's Jinja environment while the templates and settings are the same
    (the site fingerprint covers both): ``brief serve`` then compiles the theme once, not on
    every rebuild. One is kept, so a long session does not pile them up."""
    key = (config.root, site_fp)
    if key not in _environments:
        _environments.clear()
        _environments[key] = make_environment(config)
    return _environments[key]


def present(output: str, path: str, record: cache.PageRecord) -> bool:
    """The file the manifest describes is still there (a user may have deleted it). Paths
    as strings: this runs for every page of the site, and pathlib took half its time."""
    try:
        return os.stat(os.path.join(output, path)).st_size == record.size
    except OSError:
        return False


def _stamp(records: Mapping[str, cache.PageRecord]) -> str:
    """A digest of the manifest: the same inputs give the same stamp, clean or incremental."""
    digest = hashlib.sha256()
    for path in sorted(records):
        digest.update(f"{path}\0{records[path].fingerprint}\n".encode())
    return digest.hexdigest()[:32]
