"""The last build's outline + one edited article -> its page alone, when nothing else changed.

The commonest rebuild is one article edited: a paragraph fixed, a line pasted. Most such
edits change that article's page and nothing else. Whether one did is decided from what
the whole-site stages read of the article: its shape (card, mentions, draft, what merge
added: fingerprints.shape), its merge sketch, and whether a feed carries it whole. When
all are as before, the rest of the site is as before, and its page is made from the
outline the last build left: the paths of its related articles and of its neighbours in
each topic. A rebuild of 10,000 articles then loads a dozen cached articles instead of all
of them, and neither merges, assembles, plans nor fingerprints the site again (1.2 s of
2 s here).

Anything in doubt (another file added, removed or changed; a warning; a settings or
template change; an outline that is not the last build's) takes the whole way. The
differential tests compare both ways with a clean build.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from brief.stages.plan import article_page

Neighbour = tuple[str, int, int]
"""A topic's slug and the places (in Outline.paths) of the newer and older article, -1
for none."""


@dataclass(frozen=True, slots=True)
class Outline:
    """What a build decided for each source file that a one-article rebuild reuses. Places
    are indexes into ``paths`` (discover's order); ``pages`` is keyed by the article's place
    and holds its related articles' places and its neighbours."""

    # The build it describes (its manifest has the same stamp): "" until save() writes it
    # with the stamp of the build that made it, which is known only once pages are written.
    stamp: str
    site_fp: str
    found: tuple[str, ...]  # discover's problems, formatted
    problems: tuple[Diagnostic, ...]  # the build's, before the search index's
    paths: tuple[str, ...]
    digests: tuple[str, ...]
    shapes: tuple[str, ...]
    sketches: tuple[Sketch, ...]
    pages: dict[int, tuple[tuple[int, ...], tuple[Neighbour, ...]]]
    fed: frozenset[int]  # the places of the articles some feed carries whole


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
    fed: set[int] = set()
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
            fed.update(place[entry.source_path] for entry in feed.entries)
    return Outline(
        "",
        inputs.site_fp,
        tuple(d.format() for d in inputs.found),
        tuple(problems),
        paths,
        tuple(digest for _, digest in listed),
        tuple(shapes.get(path, "") for path in paths),
        tuple(sketches.get(path, ()) for path in paths),
        planned,
        frozenset(fed),
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
        or outline.site_fp != inputs.site_fp
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
        or me in outline.fed
        or not stays_alone(me, outline.sketches[me], sketch, outline.sketches)
        or not all(present(out, path, record) for path, record in before.records.items())
    ):
        return None
    records = dict(before.records)
    stale: list[Page] = []
    planned = outline.pages.get(me)
    if planned is not None:  # else a draft, left out of the site
        page = _page(article, planned, outline, inputs, config)
        if page is None or page.path not in records:
            return None
        fingerprint = Fingerprinter(inputs.site_fp).page(page)
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
        Outline(
            "",
            outline.site_fp,
            outline.found,
            outline.problems,
            outline.paths,
            tuple(digests),
            outline.shapes,
            tuple(drawn),
            outline.pages,
            outline.fed,
        ),
        (key, (article, sketch)),
        cache.article_key(source.path, outline.digests[me], inputs.content_fp),
    )


def _page(
    article: Article,
    planned: tuple[tuple[int, ...], tuple[Neighbour, ...]],
    outline: Outline,
    inputs: Inputs,
    config: Config,
) -> Page | None:
    """The article's page as plan makes it, from the cards of the articles it names."""
    related, neighbours = planned
    places = {*related, *(n for _, newer, older in neighbours for n in (newer, older) if n >= 0)}
    keys = {
        n: cache.article_key(outline.paths[n], outline.digests[n], inputs.content_fp)
        for n in places
    }
    entries = cache.load_entries(config.root, keys.values())
    if len(entries) < len(set(keys.values())):
        return None  # the cache lost one: the whole way reads it again
    cards = {n: Card.of(entries[key][0]) for n, key in keys.items()}
    topics = {topic.slug: topic for topic in inputs.topics}
    if any(slug not in topics for slug, _, _ in neighbours):
        return None
    return article_page(
        article,
        tuple(cards[n] for n in related),
        tuple(
            Neighbours(topics[slug], cards.get(newer), cards.get(older))
            for slug, newer, older in neighbours
        ),
    )


def save(root: Path, output_dir: str, outline: Outline, stamp: str) -> None:
    """Save the outline as the description of the build with this stamp."""
    cache.save_outline(
        root,
        output_dir,
        (
            stamp,
            outline.site_fp,
            outline.found,
            tuple(
                (d.path, d.line, d.code, d.message, d.hint, d.severity, d.column)
                for d in outline.problems
            ),
            outline.paths,
            outline.digests,
            outline.shapes,
            outline.sketches,
            outline.pages,
            outline.fed,
        ),
    )


def load(root: Path, output_dir: str) -> Outline | None:
    """The saved outline, or None when there is none or it is not of the right shape."""
    saved: Any = cache.load_outline(root, output_dir)
    try:
        stamp, site_fp, found, problems, paths, digests, shapes, sketches, pages, fed = saved
        outline = Outline(
            str(stamp),
            str(site_fp),
            tuple(map(str, found)),
            tuple(Diagnostic(*p) for p in problems),
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
            frozenset(map(int, fed)),
        )
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None
    return outline if _consistent(outline) else None


def _consistent(outline: Outline) -> bool:
    """Every place it names is a place of its paths (a damaged file is not trusted)."""
    count = len(outline.paths)
    if not len(outline.digests) == len(outline.shapes) == len(outline.sketches) == count:
        return False
    places = set(outline.fed) | set(outline.pages)
    for related, neighbours in outline.pages.values():
        places.update(related)
        places.update(n for _, newer, older in neighbours for n in (newer, older) if n >= 0)
    return all(0 <= n < count for n in places)
