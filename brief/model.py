"""The vocabulary of brief: the immutable values each pipeline stage hands to the next.

content/** -discover-> SourceFile -parse-> Document -normalize-> Article -tag-> Article
    -assemble-> Site -plan-> Page -render-> OutputFile -write-> site/** + BuildReport
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape
from operator import attrgetter
from types import MemberDescriptorType
from typing import Literal

from markupsafe import Markup

from brief.errors import Diagnostic

Format = Literal["txt", "md", "html"]


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A content file as read from disk; ``path`` is project-relative, POSIX style."""

    path: str
    data: bytes
    digest: str


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded file split into front matter and body, with line numbers for both."""

    source: SourceFile
    format: Format
    front_matter: Mapping[str, object]
    field_lines: Mapping[str, int]
    body: str
    body_line: int
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening of a wire dispatch: ``WASHINGTON, June 8. /TASS/.``."""

    text: str
    place: str
    date_text: str
    agency: str


@dataclass(frozen=True, slots=True)
class Quote:
    """Direct speech: the words, who said them ("" when unsure), and the paragraph index."""

    text: str
    speaker: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A person, organization or treaty the article names; ``kind`` says which."""

    name: str
    kind: str
    aliases_seen: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of clean body text and the source line it starts on."""

    text: str
    line: int
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an inferred field's value came from, e.g. ("year", "folder 2021/")."""

    field: str
    source: str


@dataclass(frozen=True, slots=True)
class DeclaredTopic:
    """A topic named in front matter, with the line that named it."""

    name: str
    line: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a topic was given: a phrase that matched, how often, and where first."""

    phrase: str
    count: int
    first_line: int


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic of the taxonomy in topics.yaml; ``parent`` is the slug of the topic it is
    nested under ("" at the top)."""

    name: str
    slug: str
    description: str
    match: tuple[str, ...]
    exclude: tuple[str, ...]
    parent: str = ""


@dataclass(frozen=True, slots=True)
class TopicTag:
    """A topic given to an article, with the evidence for it."""

    topic: Topic
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class OtherSource:
    """Another copy of the same story, merged into its canonical article."""

    name: str
    url: str
    path: str
    reason: str


class Story:
    """What an article and its card both answer, from the fields both have."""

    __slots__ = ()
    slug: str
    dateline: Dateline | None
    source_name: str

    @property
    def url(self) -> str:
        return f"articles/{self.slug}/"

    @property
    def agency(self) -> str:
        return self.dateline.agency if self.dateline else self.source_name


@dataclass(frozen=True, slots=True)
class Article(Story):
    """One clean article. ``topics`` is empty until the tag stage fills it, and
    ``also_reported_by`` until the merge stage does; no other field changes after normalize."""

    slug: str
    title: str
    title_line: int
    kicker: str
    attribution: str
    published: datetime
    dateline: Dateline | None
    source_name: str
    source_url: str
    author: str
    paragraphs: tuple[Paragraph, ...]
    markup: str | None
    """The body as HTML where the file was written in markup (Markdown); None for plain
    text, whose HTML is its paragraphs' (see body_html)."""
    summary: str
    credits: tuple[str, ...]
    quotes: tuple[Quote, ...]
    mentions: tuple[Mention, ...]
    word_count: int
    reading_minutes: int
    draft: bool
    declared_topics: tuple[DeclaredTopic, ...]
    provenance: tuple[Provenance, ...]
    warnings: tuple[Diagnostic, ...]
    source_path: str
    digest: str
    topics: tuple[TopicTag, ...] = ()
    also_reported_by: tuple[OtherSource, ...] = ()

    def origin(self, field: str) -> str:
        """Where ``field`` came from, or "" when it was given as is."""
        return next((p.source for p in self.provenance if p.field == field), "")

    @property
    def body_html(self) -> Markup:
        """The body as HTML. For plain text it is made when asked for (the article page and
        the feeds), not kept: kept, it doubled the size of every article that workers hand
        back and the cache holds."""
        if self.markup is not None:
            return Markup(self.markup)
        return Markup("".join(f"<p>{escape(p.text, quote=False)}</p>\n" for p in self.paragraphs))


@dataclass(frozen=True, slots=True)
class Card(Story):
    """An article as a listing shows it (topic, day, month, source and name pages, related
    articles, the home page): everything but what its body alone decides (paragraphs, HTML,
    mentions, reading time, provenance). A page's fingerprint covers its context, so a page
    listing whole articles was rendered again for an edit anywhere in any of them; a card
    changes only when its title, date, dateline, summary, quotes or topics do."""

    slug: str
    title: str
    kicker: str
    published: datetime
    dateline: Dateline | None
    source_name: str
    source_url: str
    author: str
    summary: str
    quotes: tuple[Quote, ...]
    topics: tuple[TopicTag, ...]
    source_path: str

    @classmethod
    def of(cls, article: Article) -> Card:
        return cls(
            article.slug,
            article.title,
            article.kicker,
            article.published,
            article.dateline,
            article.source_name,
            article.source_url,
            article.author,
            article.summary,
            article.quotes,
            article.topics,
            article.source_path,
        )


@dataclass(frozen=True, slots=True)
class TopicListing:
    """What names a topic's listing and gives its URL; the index and the heading add to it."""

    topic: Topic

    @property
    def url(self) -> str:
        return f"topics/{self.topic.slug}/"


@dataclass(frozen=True, slots=True)
class TopicIndex(TopicListing):
    """A topic with its articles, newest first."""

    articles: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class TopicHeading(TopicListing):
    """A topic as each page of its listing shows it: the count, not the articles. A page's
    fingerprint covers its context, so a page holding the whole index was rendered again
    whenever any article of the topic changed, even one shown on another page."""

    total: int


@dataclass(frozen=True, slots=True)
class MonthListing:
    """What names a month's listing: its URL and its label."""

    year: int
    month: int

    @property
    def url(self) -> str:
        return f"archive/{self.year:04d}/{self.month:02d}/"

    @property
    def label(self) -> str:
        return datetime(self.year, self.month, 1).strftime("%B %Y")


@dataclass(frozen=True, slots=True)
class MonthIndex(MonthListing):
    """The articles of one calendar month, newest first."""

    articles: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class MonthHeading(MonthListing):
    """A month as each page of its listing shows it (see TopicHeading)."""

    total: int


@dataclass(frozen=True, slots=True)
class DayListing:
    """What names a day's briefing: its URL and its label."""

    day: str

    @property
    def url(self) -> str:
        return f"briefings/{self.day}/"

    @property
    def label(self) -> str:
        moment = datetime.fromisoformat(self.day)
        return f"{moment:%A}, {moment.day} {moment:%B %Y}"


@dataclass(frozen=True, slots=True)
class DayIndex(DayListing):
    """The articles of one day (the briefing of that day), newest first."""

    articles: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class DayHeading(DayListing):
    """A day as each page of its briefing shows it (see TopicHeading)."""

    total: int


@dataclass(frozen=True, slots=True)
class SourceListing:
    """What names an agency's or publisher's listing and gives its URL."""

    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"sources/{self.slug}/"


@dataclass(frozen=True, slots=True)
class SourceIndex(SourceListing):
    """The articles of one agency or publisher, newest first."""

    articles: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class SourceHeading(SourceListing):
    """A source as each page of its listing shows it (see TopicHeading)."""

    total: int


@dataclass(frozen=True, slots=True)
class NameListing:
    """What names a person's or organization's listing and gives its URL."""

    name: str
    slug: str
    kind: str

    @property
    def url(self) -> str:
        section = "people" if self.kind == "person" else "organizations"
        return f"{section}/{self.slug}/"


@dataclass(frozen=True, slots=True)
class NameIndex(NameListing):
    """A person or organization the articles name: their articles and their quotes."""

    articles: tuple[Card, ...]
    quotes: tuple[tuple[Quote, Card], ...]


@dataclass(frozen=True, slots=True)
class NameHeading(NameListing):
    """A person or organization as each page of its listing shows it (see TopicHeading):
    ``quotes`` on the first page only, ``quote_total`` on every page."""

    total: int
    quote_total: int
    quotes: tuple[tuple[Quote, Card], ...]


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a page of a long listing sits: its number, the count, and its neighbours' URLs."""

    number: int
    count: int
    previous: str
    next: str


@dataclass(frozen=True, slots=True)
class TimelineMonth:
    """A month of a listing: its label, how many articles it has in all, those on this page."""

    label: str
    total: int
    articles: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """A briefing's articles under one topic (or "Other news")."""

    name: str
    url: str
    articles: tuple[Card, ...]


@dataclass(frozen=True, slots=True)
class Neighbours:
    """The articles before and after one in a topic's timeline."""

    topic: Topic
    newer: Card | None
    older: Card | None


@dataclass(frozen=True, slots=True)
class Feed:
    """An Atom or JSON feed: its title, the page it follows, where it lives, its entries."""

    title: str
    page_url: str
    url: str
    id: str
    entries: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The site-wide values templates see."""

    title: str
    description: str
    base_url: str
    base_path: str
    language: str


@dataclass(frozen=True, slots=True)
class Site:
    """Every article newest first, plus the indexes the pages need, built once."""

    info: SiteInfo
    articles: tuple[Article, ...]
    cards: tuple[Card, ...]  # the same articles as the listings show them, in the same order
    topics: tuple[TopicIndex, ...]
    months: tuple[MonthIndex, ...]
    days: tuple[DayIndex, ...] = ()
    sources: tuple[SourceIndex, ...] = ()
    names: tuple[NameIndex, ...] = ()
    related: Mapping[str, tuple[Card, ...]] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Page:
    """A page to render: its URL (relative to the site root), template and context."""

    url: str
    template: str
    context: Mapping[str, object]

    @property
    def path(self) -> str:
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url


@dataclass(frozen=True, slots=True)
class OutputFile:
    """Bytes to write at a path relative to the output folder."""

    path: str
    data: bytes


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did."""

    articles: int
    pages: int
    files: int
    warnings: tuple[Diagnostic, ...]
    seconds: float
    output: str
    skipped: int = 0
    removed: int = 0


def _fast_pickling(cls: type) -> None:
    """Give a slotted dataclass plain-tuple pickling: dataclasses' own version looks up the
    fields of every object it saves or loads, which made a 10,000-article cache take seconds.
    A tuple of the fields is read by one attrgetter. It is loaded by a function made for the
    class, as dataclasses makes __init__: it sets each slot directly (bypassing the frozen
    __setattr__, as dataclasses does). A loop over the fields took 0.4 s of the 0.66 s that
    loading a 10,000-article cache took; this takes 0.1 s."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    if not names:
        raise TypeError(f"{cls.__name__} has no fields to pickle")
    slots = {f"_slot{i}": _slot(cls, name).__set__ for i, name in enumerate(names)}
    values = ", ".join(f"v{i}" for i in range(len(names)))
    # Unpacking refuses a state of the wrong length (a damaged cache): never half-loaded.
    body = "".join(f"\n    _slot{i}(self, v{i})" for i in range(len(names)))
    namespace: dict[str, object] = dict(slots)
    exec(f"def setstate(self, state):\n    ({values},) = state{body}", namespace)
    read = attrgetter(*names)
    if len(names) == 1:
        cls.__getstate__ = lambda self: (read(self),)  # type: ignore[attr-defined]
    else:
        cls.__getstate__ = lambda self: read(self)  # type: ignore[attr-defined]
    cls.__setstate__ = namespace["setstate"]  # type: ignore[attr-defined]


def _slot(cls: type, name: str) -> MemberDescriptorType:
    """The slot (member descriptor) that holds field ``name``, in whichever class of the MRO
    declared it."""
    slot = next(vars(base)[name] for base in cls.__mro__ if name in vars(base))
    if not isinstance(slot, MemberDescriptorType):
        raise TypeError(f"{cls.__name__}.{name} is not a slot")
    return slot


for _cls in (
    SourceFile,
    Document,
    Dateline,
    Quote,
    Mention,
    Paragraph,
    Provenance,
    DeclaredTopic,
    Evidence,
    Topic,
    TopicTag,
    OtherSource,
    Article,
):
    _fast_pickling(_cls)
