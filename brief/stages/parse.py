"""SourceFile -> Document: decode the bytes, split off YAML front matter, keep line numbers."""

from __future__ import annotations

import difflib
from pathlib import PurePosixPath

from brief.errors import ContentError, Diagnostic, error, warning
from brief.model import Document, Format, SourceFile
from brief.stages.discover import FORMATS
from brief.yaml_loader import YamlError, load_yaml

FRONT_MATTER_KEYS = (
    "title",
    "date",
    "source",
    "source_url",
    "author",
    "topics",
    "summary",
    "slug",
    "draft",
)


def parse(source: SourceFile) -> Document:
    """Decode ``source`` and split it; raise ContentError naming the file and line."""
    if FORMATS.get(PurePosixPath(source.path).suffix.lower()) == "html":
        return _parse_page(source)
    text, warnings = decode(source)
    # Text without a known suffix (brief add reading stdin) is wire copy.
    suffix = PurePosixPath(source.path).suffix.lower()
    fmt: Format = "md" if FORMATS.get(suffix) == "md" else "txt"
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Document(source, fmt, {}, {}, text, 1, warnings)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise ContentError(
            error(
                source.path,
                1,
                "front-matter",
                "front matter is never closed",
                "end it with a line of three dashes: ---",
            )
        )
    try:
        loaded = load_yaml("\n".join(lines[1:end]), source.path, first_line=2)
    except YamlError as exc:
        raise ContentError(exc.diagnostic) from None
    front = loaded.value if loaded.value is not None else {}
    if not isinstance(front, dict):
        raise ContentError(
            error(
                source.path,
                2,
                "front-matter",
                "front matter must be a mapping of keys to values",
                "write it as key: value lines",
            )
        )
    field_lines = {str(key[0]): line for key, line in loaded.lines.items() if len(key) == 1}
    for key in front:
        if key not in FRONT_MATTER_KEYS:
            close = difflib.get_close_matches(key, FRONT_MATTER_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "it is ignored"
            warnings += (
                warning(
                    source.path, field_lines[key], "front-matter", f"unknown key {key!r}", hint
                ),
            )
    body = "\n".join(lines[end + 1 :])
    return Document(source, fmt, front, field_lines, body, end + 2, warnings)


def decode(source: SourceFile) -> tuple[str, tuple[Diagnostic, ...]]:
    """UTF-8 (a BOM tolerated) with line ends made LF; anything else is an error with its offset."""
    data = source.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentError(
            error(source.path, 1, "encoding", "the file is UTF-16", "re-save it as UTF-8")
        )
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        byte = data[exc.start]
        raise ContentError(
            error(
                source.path,
                line,
                "encoding",
                f"invalid UTF-8 byte 0x{byte:02x} at byte offset {exc.start}",
                "re-save the file as UTF-8",
            )
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    warnings: tuple[Diagnostic, ...] = ()
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        warnings = (warning(source.path, line, "encoding", "NUL bytes replaced with U+FFFD"),)
        text = text.replace("\x00", "\ufffd")
    return text, warnings


def _parse_page(source: SourceFile) -> Document:
    """A saved web page: main text and metadata extracted by trafilatura (the html extra)."""
    try:
        import trafilatura  # an optional extra: imported only when a page is there to read
    except ImportError:
        raise ContentError(
            warning(
                source.path,
                None,
                "html",
                "saved web pages need the html extra; this file was skipped",
                "pip install 'brief[html]'",
            )
        ) from None
    extracted = trafilatura.bare_extraction(
        source.data,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    text = getattr(extracted, "text", None) if extracted is not None else None
    front: dict[str, object] = {}
    for key, attribute in (
        ("title", "title"),
        ("date", "date"),
        ("source", "sitename"),
        ("source_url", "url"),
        ("author", "author"),
    ):
        value = getattr(extracted, attribute, None)
        if isinstance(value, str) and value.strip():
            front[key] = value.strip()
    lines = [line.strip() for line in (text or "").replace("\r", "").split("\n") if line.strip()]
    if lines and front.get("title") and lines[0].casefold() == str(front["title"]).casefold():
        lines.pop(0)  # the page's own headline, already the title
    if len(lines) < (1 if front.get("title") else 2):
        raise ContentError(
            error(
                source.path,
                None,
                "html",
                "no article text found in the page",
                "save the article's own page, or paste its text into a .txt",
            )
        )
    # Each extracted line is a paragraph; wire-copy rules then apply as to a .txt.
    return Document(source, "html", front, dict.fromkeys(front, 1), "\n\n".join(lines), 1, ())
