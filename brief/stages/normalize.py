"""Document -> Article: title, date, dateline, clean paragraphs, summary, and their origins."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from brief.config import Config
from brief.errors import ContentError, Diagnostic, error, warning
from brief.model import Article, Dateline, DeclaredTopic, Document, Paragraph, Provenance
from brief.news.boilerplate import find_boilerplate, flatten, read_title, split_credits
from brief.news.dateline import dateline_alone, split_dateline
from brief.news.dates import date_from_file_name, parse_date, parse_month_day, year_from_path
from brief.news.knowledge import Knowledge
from brief.news.mentions import find_cast
from brief.news.quotes import find_quotes
from brief.news.sentences import first_sentence
from brief.slugs import slugify

WORDS_PER_MINUTE = 230
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_C0 = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKDOWN = MarkdownIt("js-default")  # raw HTML shown as text; javascript: links refused
_MARKDOWN_HTML = MarkdownIt("js-default", {"html": True})  # allow_raw_html: then nh3 cleans
_URL_SCHEMES = {"http", "https", "mailto"}
# A fenced block's language (<code class="language-python">) survives the sanitizer, as it
# does without raw HTML: the theme and highlighters read it. No other class does.
_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "code": {*nh3.ALLOWED_ATTRIBUTES.get("code", ()), "class"}}
_LANGUAGE = re.compile(r"language-[\w+#.-]+")
MAX_MARKUP = 5000
_MARKUP = ("[", "*", "_", "`", "<")


@dataclass(slots=True)
class _Front:
    """The known front-matter fields, typed; absent ones are None or empty."""

    title: str | None = None
    date: str | None = None
    source: str = ""
    source_url: str = ""
    author: str = ""
    topics: tuple[str, ...] = ()
    summary: str | None = None
    slug: str | None = None
    draft: bool = False


@dataclass(slots=True)
class _Block:
    text: str
    line: int


@dataclass(slots=True)
class _Notes:
    """What normalizing one file found out, gathered as it goes."""

    path: str
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)

    def came_from(self, name: str, source: str) -> None:
        self.provenance.append(Provenance(name, source))

    def origin(self, name: str, default: str) -> str:
        return next((p.source for p in self.provenance if p.field == name), default)


def normalize(doc: Document, config: Config, knowledge: Knowledge) -> Article:
    """Turn one parsed file into one clean Article; raise ContentError with every problem."""
    notes = _Notes(doc.source.path, warnings=list(doc.warnings))
    front = _front_matter(doc, notes)
    blocks = _blocks(doc.body, doc.body_line)
    title = _title(doc, front, blocks, notes)
    blocks, credits = _drop_boilerplate(blocks, knowledge, notes)
    dateline, blocks = _take_dateline(blocks, knowledge, notes)
    if dateline is None and len(blocks) == 1 and dateline_alone(blocks[0].text, knowledge):
        notes.errors.append(
            error(
                doc.source.path,
                blocks[0].line,
                "empty",
                "the article is a dateline with no story after it",
                "add the story's paragraphs after the dateline",
            )
        )
        raise ContentError(tuple(notes.errors))
    if not blocks and title is not None:
        notes.errors.append(
            error(
                doc.source.path,
                doc.body_line,
                "empty",
                "the article has no body text",
                "add the story's paragraphs under the title",
            )
        )
    if title is None or not blocks:
        raise ContentError(tuple(notes.errors))  # nothing to date: the date error would be noise
    published = _published(doc, front, dateline, config, notes)
    if published is not None:
        # A fixed offset, not the zone object: the moment and its wall time are the same, and
        # the value stays plain data (cacheable without pickling a zone database entry).
        published = published.replace(tzinfo=timezone(published.utcoffset() or timedelta(0)))
    if notes.errors or published is None:
        raise ContentError(tuple(notes.errors))
    if doc.format == "md" and not _too_much_markup(blocks, notes):
        markdown = _MARKDOWN_HTML if config.allow_raw_html else _MARKDOWN
        # C0 controls are not allowed in HTML; the paragraphs' text loses them in _clean.
        tokens = markdown.parse(_C0.sub("", "\n\n".join(b.text for b in blocks)))
        paragraphs = _markdown_paragraphs(tokens, blocks)
        markup: str | None = _render_markdown(markdown, tokens)
        if config.allow_raw_html:
            markup = _sanitize(str(markup))
    else:
        paragraphs = tuple(Paragraph(_clean(b.text), b.line) for b in blocks)
        markup = None  # Article.body_html makes it from the paragraphs
    words = sum(len(p.text.split()) for p in paragraphs)
    kicker, attribution = read_title(title, knowledge.kickers)
    texts = [p.text for p in paragraphs]
    cast = find_cast([title, *texts], knowledge)
    source_name = front.source or (dateline.agency if dateline else "")
    return Article(
        slug=_slug(doc, front, title, notes),
        title=title,
        title_line=doc.field_lines.get("title") or int(notes.origin("title", "line 1")[5:]),
        kicker=kicker,
        attribution=attribution,
        published=published,
        dateline=dateline,
        source_name=source_name,
        source_url=front.source_url,
        author=front.author,
        paragraphs=paragraphs,
        markup=markup,
        summary=_summary(front, paragraphs, knowledge, notes),
        credits=credits,
        quotes=find_quotes(texts, cast, knowledge.speech_verbs),
        mentions=cast.mentions(),
        word_count=words,
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        draft=front.draft,
        declared_topics=tuple(
            DeclaredTopic(name, doc.field_lines.get("topics", 1)) for name in front.topics
        ),
        provenance=tuple(notes.provenance),
        warnings=tuple(notes.warnings),
        source_path=doc.source.path,
        digest=doc.source.digest,
    )


def _front_matter(doc: Document, notes: _Notes) -> _Front:
    """The known front-matter fields with their types checked; mistakes become errors."""
    front = _Front()
    for key, value in doc.front_matter.items():
        line = doc.field_lines.get(key)
        if key == "draft":
            if isinstance(value, bool):
                front.draft = value
            else:
                notes.errors.append(
                    error(notes.path, line, "front-matter", "draft must be true or false")
                )
        elif key == "topics":
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(
                isinstance(t, str) and t.strip() for t in items
            ):
                notes.errors.append(
                    error(
                        notes.path,
                        line,
                        "front-matter",
                        "topics must be a list of topic names",
                        "write topics: [Arms control, Sanctions]",
                    )
                )
            else:
                front.topics = tuple(_clean(t) for t in items)
        elif key in ("title", "date", "source", "source_url", "author", "summary", "slug"):
            if not isinstance(value, str) or not value.strip():
                notes.errors.append(
                    error(
                        notes.path,
                        line,
                        "front-matter",
                        f"{key} must be non-empty text",
                        "quote the value if it looks like something else",
                    )
                )
            elif key == "source_url" and urlsplit(value.strip()).scheme.lower() not in (
                "http",
                "https",
            ):
                notes.warnings.append(
                    warning(
                        notes.path,
                        line,
                        "front-matter",
                        "source_url is not an http(s) address; it is left out",
                    )
                )
            else:
                setattr(front, key, _clean(value))
    return front


def _blocks(body: str, first_line: int) -> list[_Block]:
    """Blank-line separated blocks with the line each starts on."""
    blocks: list[_Block] = []
    current: list[str] = []
    start = first_line
    for offset, line in enumerate(body.split("\n")):
        if _CONTROL.sub("", line).strip():  # a line of only invisible characters is blank
            if not current:
                start = first_line + offset
            current.append(line.rstrip())
        elif current:
            blocks.append(_Block("\n".join(current), start))
            current = []
    if current:
        blocks.append(_Block("\n".join(current), start))
    return blocks


def _title(doc: Document, front: _Front, blocks: list[_Block], notes: _Notes) -> str | None:
    """From front matter, else the first line (wire copy) or first # heading (Markdown)."""
    if front.title is not None:
        if doc.format == "md" and blocks:
            heading = re.match(r"^#\s+(.+?)\s*#*\s*$", blocks[0].text)
            if heading and _clean(heading.group(1)).casefold() == front.title.casefold():
                blocks.pop(0)  # the title written twice: once is enough
        return front.title
    if "title" in doc.front_matter:
        return None  # already reported as a front-matter error
    if not blocks:
        notes.errors.append(
            error(
                notes.path,
                1,
                "empty",
                "the file is empty",
                "write a title line, a blank line, then the story",
            )
        )
        return None
    first = blocks[0]
    head, _, rest = first.text.partition("\n")
    if doc.format == "md":
        heading = re.match(r"^#\s+(.+?)\s*#*\s*$", head)
        if not heading:
            notes.errors.append(
                error(
                    notes.path,
                    first.line,
                    "title",
                    "no title",
                    "add title: to the front matter or start with a # heading",
                )
            )
            return None
        head = heading.group(1)
    notes.came_from("title", f"line {first.line}")
    if rest.strip():
        blocks[0] = _Block(rest, first.line + 1)
    else:
        blocks.pop(0)
    title = _clean(head)
    if not title:
        notes.errors.append(error(notes.path, first.line, "title", "the title is empty"))
        return None
    return title


def _drop_boilerplate(
    blocks: list[_Block], knowledge: Knowledge, notes: _Notes
) -> tuple[list[_Block], tuple[str, ...]]:
    """Story blocks, and the credit lines that rules moved out of the story."""
    kept = []
    credits: list[str] = []
    for block in blocks:
        rule = find_boilerplate(block.text, knowledge.boilerplate)
        if rule is None:
            kept.append(block)
        elif rule.field == "credits":
            credits.extend(split_credits(block.text))
            notes.came_from("credits", f"line {block.line} moved by rule boilerplate/{rule.id}")
        else:
            notes.came_from("body", f"line {block.line} removed by rule boilerplate/{rule.id}")
    return kept, tuple(credits)


def _take_dateline(
    blocks: list[_Block], knowledge: Knowledge, notes: _Notes
) -> tuple[Dateline | None, list[_Block]]:
    """The dateline opening the first (or, after a standfirst, second) paragraph."""
    for index, block in enumerate(blocks[:2]):
        found = split_dateline(" ".join(block.text.split()), knowledge)
        if found is None:
            continue
        dateline, rest = found
        notes.came_from("dateline", f"line {block.line}")
        if rest:
            blocks = [*blocks[:index], _Block(rest, block.line), *blocks[index + 1 :]]
        else:
            blocks = [*blocks[:index], *blocks[index + 1 :]]
        return dateline, blocks
    return None, blocks


def _published(
    doc: Document,
    front: _Front,
    dateline: Dateline | None,
    config: Config,
    notes: _Notes,
) -> datetime | None:
    """Front matter, else the dateline (its year from folder or file name), else the file name."""
    zone = config.zone
    if front.date is not None:
        value = parse_date(front.date, zone)
        if value is None:
            notes.errors.append(
                error(
                    notes.path,
                    doc.field_lines.get("date"),
                    "date",
                    f"cannot read the date {front.date!r}",
                    "write it as 2021-06-08, 8 June 2021 or 2021-06-08T14:30:00+03:00",
                )
            )
            return None
        notes.came_from("published", "front matter")
        return value
    if dateline and dateline.date_text:
        month_day = parse_month_day(dateline.date_text)
        if month_day:
            month, day, year = month_day
            origin = "dateline"
            if year is None:
                found = year_from_path(doc.source.path) or _year_before(
                    config, month, day, notes, _line_of(notes, doc)
                )
                if found is None:
                    notes.errors.append(
                        error(
                            notes.path,
                            _line_of(notes, doc),
                            "dateline",
                            f"no year for {dateline.date_text!r}",
                            "put the file under a year folder such as content/2021/, "
                            "or add date: to its front matter",
                        )
                    )
                    return None
                year, where = found
                origin = f"dateline {dateline.date_text!r}, year from {where}"
            try:
                value = datetime(year, month, day, tzinfo=zone)
            except ValueError:
                notes.errors.append(
                    error(
                        notes.path,
                        _line_of(notes, doc),
                        "dateline",
                        f"{dateline.date_text!r} {year} is not a real date",
                        "add date: to the front matter",
                    )
                )
                return None
            notes.came_from("published", origin)
            return value
    from_name = date_from_file_name(doc.source.path, zone)
    if from_name is not None:
        notes.came_from("published", f"file name {PurePosixPath(doc.source.path).name[:10]}")
        return from_name
    notes.errors.append(
        error(
            notes.path,
            1,
            "date",
            "no publication date",
            "add date: 2021-06-08 to the front matter, start the story with a "
            "dated dateline, or name the file 2021-06-08-title.txt",
        )
    )
    return None


def _year_before(
    config: Config, month: int, day: int, notes: _Notes, line: int
) -> tuple[int, str] | None:
    """The year that makes month/day the latest such date not after reference_date."""
    if not config.reference_date:
        return None
    reference = date.fromisoformat(config.reference_date)
    year = (
        reference.year if (month, day) <= (reference.month, reference.day) else reference.year - 1
    )
    notes.warnings.append(
        warning(
            notes.path,
            line,
            "dateline",
            # reference_date, or today for brief add: the date, not the setting, is named
            f"year {year} guessed: the latest such date not after {config.reference_date}",
            "put the file under a year folder or add date: to be sure",
        )
    )
    return year, f"reference_date {config.reference_date}"


def _line_of(notes: _Notes, doc: Document) -> int:
    """The line of the paragraph the dateline was taken from (recorded when it was)."""
    origin = notes.origin("dateline", "")
    return int(origin[5:]) if origin.startswith("line ") else doc.body_line


def _slug(doc: Document, front: _Front, title: str, notes: _Notes) -> str:
    if front.slug is not None:
        slug = slugify(front.slug)
        if slug != front.slug:
            notes.warnings.append(
                warning(
                    notes.path,
                    doc.field_lines.get("slug"),
                    "slug",
                    f"slug {front.slug!r} was changed to {slug!r}",
                    "slugs use only a-z, 0-9 and -",
                )
            )
        if slug:
            return slug
    slug = slugify(title)
    if slug:
        notes.came_from("slug", "title")
        return slug
    stem = slugify(PurePosixPath(doc.source.path).stem)
    notes.came_from("slug", "file name" if stem else "file digest")
    return stem or f"article-{doc.source.digest[:10]}"


def _summary(
    front: _Front, paragraphs: tuple[Paragraph, ...], knowledge: Knowledge, notes: _Notes
) -> str:
    if front.summary is not None:
        return front.summary
    lede = next((p for p in paragraphs if not p.heading), None)
    if lede is None:
        return ""
    notes.came_from("summary", f"lede sentence, line {lede.line}")
    return first_sentence(lede.text, knowledge.abbreviations)


def _too_much_markup(blocks: list[_Block], notes: _Notes) -> bool:
    """A paragraph so full of markup that Markdown would take minutes (markdown-it is
    quadratic in nested brackets or emphasis, as cmark's pathological tests show)."""
    for block in blocks:
        count = sum(block.text.count(mark) for mark in _MARKUP)
        if count > MAX_MARKUP:
            notes.warnings.append(
                warning(
                    notes.path,
                    block.line,
                    "markdown",
                    f"{count:,} markup characters ({' '.join(_MARKUP)}) in one paragraph; "
                    "the file is shown as plain text",
                    "split the paragraph or remove the markup",
                )
            )
            return True
    return False


def _markdown_paragraphs(tokens: list[Token], blocks: list[_Block]) -> tuple[Paragraph, ...]:
    """The plain text of each Markdown block, for summaries, counts and topic matching."""
    starts = []
    line = 0
    for block in blocks:
        starts.append((line, block.line))
        line += block.text.count("\n") + 2
    paragraphs = []
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.map:
            continue
        heading = index > 0 and tokens[index - 1].type == "heading_open"
        text = "".join(
            child.content for child in token.children or () if child.type in ("text", "code_inline")
        )
        origin = max((s for s in starts if s[0] <= token.map[0]), default=(0, blocks[0].line))
        if text.strip():
            line = origin[1] + token.map[0] - origin[0]
            paragraphs.append(Paragraph(_clean(text), line, heading))
    return tuple(paragraphs)


def _render_markdown(markdown: MarkdownIt, tokens: list[Token]) -> str:
    """HTML of a Markdown body; its headings go one level down, the page's title is the h1."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
    return str(markdown.renderer.render(tokens, markdown.options, {}))


def _clean(text: str) -> str:
    """NFC, no control or invisible format characters, single spaces."""
    composed = unicodedata.normalize("NFC", text)
    # Printable text, as most paragraphs are, holds no control or format character (all of
    # _CONTROL's are one or the other): looking for them took 2% of reading a dispatch.
    return flatten(composed if composed.isprintable() else _CONTROL.sub("", composed))


def _sanitize(html_text: str) -> str:
    """Raw HTML that a site allows, cleaned of scripts, handlers and unsafe links."""
    return nh3.clean(
        html_text,
        attributes=_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=_URL_SCHEMES,
    )


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "code" and attribute == "class":
        kept = [name for name in value.split() if _LANGUAGE.fullmatch(name)]
        return " ".join(kept) or None
    return value
