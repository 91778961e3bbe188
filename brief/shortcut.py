"""The last build's outline + one edited article -> its page and feeds, when all else holds.

The commonest rebuild is one article edited: a paragraph fixed, a line pasted. Most such
edits change that article's page, and the feeds that carry it whole, and nothing else.
Whether one did is decided from what the whole-site stages read of the article: its shape
(card, mentions, draft: fingerprints.shape) and its merge sketch. When both are as before,
the rest of the site is as before, and those pages are made from the outline the last
build left: the places of the article's related articles and of its neighbours in each
topic, and each feed's entries. A rebuild of 10,000 articles then loads the cached
articles those pages show instead of all of them, and neither merges, assembles, plans nor
fingerprints the site again (1.2 s of 2 s here).

Anything in doubt (another file added, removed or changed; a warning; a settings or
template change; an outline that is not the last build's; a feed entry that merge gave
other sources) takes the whole way. The differential tests compare both ways with a clean
build.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from brief import cache
from brief.config import Config
from brief.errors import Diagnostic
from brief.fingerprints import Fingerprinter, shape
from brief.incremental import Files, Inputs, Reader, changed_files, present
from brief.model import Article, Card, Feed, Neighbours, Page
from brief.stages.assemble import site_info
from brief.stages.merge import Sketch, stays_alone
from brief.stages.plan import article_page, feed_page

Neighbour = tuple[str, int, int]
"""A topic's slug and the places (in Outline.paths) of the newer and older article, -1
for none."""

FeedPlan = tuple[str, str, str, str, str, tuple[int, ...]]
"""A feed page's template, and its feed's title, page URL, URL, id and entries' places."""


@dataclass(frozen=True, slots=True)
class Outline:
    """What a build decided for each source file that a one-article rebuild reuses. Places
    are indexes into ``paths`` (discover's order); ``pages`` is keyed by the article's place
    and holds its related articles' places and its neighbours."""

    # The build it describes (its manifest has the same stamp): "" until save() writes it
    # with the stamp of the build that made it, which is known only once pages are written.
    stamp: str
    site_fp: str  # and the static files' digest (see _site_key)
    found: tuple[str, ...]  # discover's problems, formatted
    problems: tuple[Diagnostic, ...]  # the build's, before the search index's
    paths: tuple[str, ...]
    digests: tuple[str, ...]
    shapes: tuple[str, ...]
    sketches: tuple[Sketch, ...]
    pages: dict[int, tuple[tuple[int, ...], tuple[Neighbour, ...]]]
    feeds: dict[str, FeedPlan]  # by the feed's path
    merged: frozenset[int]  # feed entries that merge gave other sources (also_reported_by)


@dataclass(frozen=True, slots=True)
class Shortcut:
    """A rebuild the shortcut took: the files, the build's problems, the next outline and
    the cache entry that replaces the edited article's."""

    files: Files
    problems: tuple[Diagnostic, ...]
    outline: Outline
    entry: tuple[str, cache.Entry]
    stale_key: str


def outline_of(
    inputs: Inputs,
    listed: Sequence[tuple[str, str]],
    articles: Sequence[Article],
    sketches: Mapping[str, Sketch],
    pages: Sequence[Page],
    problems: Sequence[Diagnostic],
) -> Outline:
    """The outline of a build that read every source file: ``listed`` holds each one's path
    and digest, ``articles`` are as read (before merge), ``problems`` all the build found."""
    paths = tuple(path for path, _ in listed)
    place = {path: number for number, path in enumerate(paths)}
    shapes = {a.source_path: shape(a) for a in articles}
    planned: dict[int, tuple[tuple[int, ...], tuple[Neighbour, ...]]] = {}
    feeds: dict[str, FeedPlan] = {}
    merged: set[int] = set()
    for page in pages:
        context = page.context
        if page.template == "article.html":
            article: Article = context["article"]  # type: ignore[assignment]
            related: tuple[Card, ...] = context["related"]  # type: ignore[assignment]
            neighbours: tuple[Neighbours, ...] = context["neighbours"]  # type: ignore[assignment]
            planned[place[article.source_path]] = (
                tuple(place[card.source_path] for card in related),
                tuple(
                    (n.topic.slug, _place(n.newer, place), _place(n.older, place))
                    for n in neighbours
                ),
            )
        elif isinstance(feed := context.get("feed"), Feed):
            entries = tuple(place[entry.source_path] for entry in feed.entries)
            feeds[page.path] = (
                page.template,
                feed.title,
                feed.page_url,
                feed.url,
                feed.id,
                entries,
            )
            merged.update(place[e.source_path] for e in feed.entries if e.also_reported_by)
    return Outline(
        "",
        _site_key(inputs),
        tuple(d.format() for d in inputs.found),
        tuple(problems),
        paths,
        tuple(digest for _, digest in listed),
        tuple(shapes.get(path, "") for path in paths),
        tuple(sketches.get(path, ()) for path in paths),
        planned,
        feeds,
        frozenset(merged),
    )


def _place(card: Card | None, place: Mapping[str, int]) -> int:
    return -1 if card is None else place[card.source_path]


def take(
    config: Config,
    inputs: Inputs,
    before: cache.Manifest,
    output: Path,
    reader: Reader,
    workers: int | None,
) -> Shortcut | None:
    """The rebuild of the one edited article, or None when the whole way must be taken."""
    if not before.stamp:
        return None
    outline = load(config.root, config.output_dir)
    if (
        outline is None
        or outline.stamp != before.stamp
        or outline.site_fp != _site_key(inputs)
        or outline.found != tuple(d.format() for d in inputs.found)
        or outline.paths != tuple(s.path for s in inputs.sources)
    ):
        return None
    changed = [n for n, s in enumerate(inputs.sources) if s.digest != outline.digests[n]]
    if len(changed) != 1:
        return None
    me = changed[0]
    source = inputs.sources[me]
    read, problems, sketches = reader([source], config, inputs.knowledge, inputs.topics)
    if problems or len(read) != 1 or any(p.path == source.path for p in outline.problems):
        return None  # a warning, now or before: the whole way reports it as it does
    article, sketch = read[0], sketches[source.path]
    out = str(output)
    if (
        shape(article) != outline.shapes[me]
        or not stays_alone(me, outline.sketches[me], sketch, outline.sketches)
        or not all(present(out, path, record) for path, record in before.records.items())
    ):
        return None
    pages = _pages(article, me, outline, inputs, config)
    if pages is None:
        return None
    records = dict(before.records)
    stale: list[Page] = []
    fingerprints = Fingerprinter(inputs.site_fp)
    for page in pages:
        if page.path not in records:
            return None  # the outline names a page the last build did not write
        fingerprint = fingerprints.page(page)
        if records[page.path].fingerprint != fingerprint:
            records[page.path] = cache.PageRecord(fingerprint, -1)
            stale.append(page)
    files = changed_files(
        records,
        stale,
        (),
        before,
        inputs,
        config,
        site_info(config),
        workers,
        before.articles,
        before.pages,
    )
    digests = list(outline.digests)
    digests[me] = source.digest
    drawn = list(outline.sketches)
    drawn[me] = sketch
    key = cache.article_key(source.path, source.digest, inputs.content_fp)
    return Shortcut(
        files,
        outline.problems,
        replace(outline, stamp="", digests=tuple(digests), sketches=tuple(drawn)),
        (key, (article, sketch)),
        cache.article_key(source.path, outline.digests[me], inputs.content_fp),
    )


def _pages(
    article: Article, me: int, outline: Outline, inputs: Inputs, config: Config
) -> list[Page] | None:
    """The article's page and the feeds that carry it, as plan makes them, from the cached
    articles they show; None when one is missing or merge changed it (its cached copy is
    as read, without the sources merge added)."""
    planned = outline.pages.get(me)  # None for a draft, left out of the site
    related, neighbours = planned if planned is not None else ((), ())
    feeds = [plan for plan in outline.feeds.values() if me in plan[5]]
    places = {*related, *_around(neighbours), *(n for plan in feeds for n in plan[5] if n != me)}
    if places & outline.merged:
        return None
    keys = {
        n: cache.article_key(outline.paths[n], outline.digests[n], inputs.content_fp)
        for n in places
    }
    entries = cache.load_entries(config.root, keys.values())
    if len(entries) < len(set(keys.values())):
        return None  # the cache lost one: the whole way reads it again
    shown = {n: entries[key][0] for n, key in keys.items()} | {me: article}
    cards = {n: Card.of(shown[n]) for n in places}
    topics = {topic.slug: topic for topic in inputs.topics}
    if any(slug not in topics for slug, _, _ in neighbours):
        return None
    pages = [
        feed_page(template, Feed(title, page_url, url, id_, tuple(shown[n] for n in entries_)))
        for template, title, page_url, url, id_, entries_ in feeds
    ]
    if planned is not None:
        page = article_page(
            article,
            tuple(cards[n] for n in related),
            tuple(
                Neighbours(topics[slug], cards.get(newer), cards.get(older))
                for slug, newer, older in neighbours
            ),
        )
        pages.insert(0, page)
    return pages


def save(root: Path, output_dir: str, outline: Outline, stamp: str) -> None:
    """Save the outline as the description of the build with this stamp."""
    cache.save_outline(
        root,
        output_dir,
        (
            stamp,
            outline.site_fp,
            outline.found,
            cache.diagnostic_rows(outline.problems),
            outline.paths,
            outline.digests,
            outline.shapes,
            outline.sketches,
            outline.pages,
            outline.feeds,
            outline.merged,
        ),
    )


def load(root: Path, output_dir: str) -> Outline | None:
    """The saved outline, or None when there is none or it is not of the right shape."""
    saved: Any = cache.load_outline(root, output_dir)
    try:
        stamp, site_fp, found, problems, paths, digests, shapes, sketches, pages, feeds, merged = (
            saved
        )
        outline = Outline(
            str(stamp),
            str(site_fp),
            tuple(map(str, found)),
            cache.diagnostics_of(problems),
            tuple(map(str, paths)),
            tuple(map(str, digests)),
            tuple(map(str, shapes)),
            tuple(tuple(map(int, s)) for s in sketches),
            {
                int(n): (
                    tuple(map(int, related)),
                    tuple((str(slug), int(newer), int(older)) for slug, newer, older in around),
                )
                for n, (related, around) in pages.items()
            },
            {str(path): _feed_plan(*plan) for path, plan in feeds.items()},
            frozenset(map(int, merged)),
        )
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None
    return outline if _consistent(outline) else None


def _feed_plan(
    template: str, title: str, page_url: str, url: str, id_: str, entries: tuple[int, ...]
) -> FeedPlan:
    return (str(template), str(title), str(page_url), str(url), str(id_), tuple(map(int, entries)))


def _consistent(outline: Outline) -> bool:
    """Every place it names is a place of its paths (a damaged file is not trusted)."""
    count = len(outline.paths)
    if not len(outline.digests) == len(outline.shapes) == len(outline.sketches) == count:
        return False
    places = set(outline.merged) | set(outline.pages)
    for plan in outline.feeds.values():
        places.update(plan[5])
    for related, neighbours in outline.pages.values():
        places.update(related)
        places.update(_around(neighbours))
    return all(0 <= n < count for n in places)


def _around(neighbours: Sequence[Neighbour]) -> Iterator[int]:
    """The places of the newer and older articles the neighbours name."""
    return (n for _, newer, older in neighbours for n in (newer, older) if n >= 0)


def _site_key(inputs: Inputs) -> str:
    """The templates, settings and static files of the outline's build: a stylesheet edit
    makes no page stale, but the shortcut, which writes only the edited article's pages,
    would leave the new stylesheet out."""
    return f"{inputs.site_fp}:{inputs.assets_fp}"
