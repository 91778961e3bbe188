"""The build cache in .brief-cache/: normalized articles by content, and the pages last written.

Each file carries a SHA-256 checksum of its body, so a truncated or corrupt cache is detected
and ignored, never used. Articles are pickled (C-fast, which a 10,000-article rebuild needs)
but unpickled with an allowlist of brief's own value types, so a cache found in a cloned
repository cannot run code; the page manifest is plain tuples in marshal.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import io
import marshal
import os
import pickle
import re
import sys
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from brief import __version__, model
from brief.errors import Diagnostic

CACHE_DIR = ".brief-cache"
_PACKAGE = Path(__file__).resolve().parent
_MAGIC = b"brief-cache-2\n"
_ALLOWED = {
    *(
        (cls.__module__, cls.__qualname__)
        for cls in (
            model.Article,
            model.Dateline,
            model.Paragraph,
            model.Provenance,
            model.DeclaredTopic,
            model.Evidence,
            model.Topic,
            model.TopicTag,
            model.Quote,
            model.Mention,
            model.OtherSource,
            Diagnostic,
        )
    ),
    ("datetime", "datetime"),
    ("datetime", "timezone"),
    ("datetime", "timedelta"),
    ("zoneinfo", "ZoneInfo._unpickle"),
    ("markupsafe", "Markup"),
}


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What the manifest remembers of a written file: its inputs' fingerprint and its size."""

    fingerprint: str
    size: int


def article_key(path: str, digest: str, fingerprint: str) -> str:
    """The cache key of one file's article: its place, its bytes and everything that reads it."""
    return hashlib.sha256(f"{path}\0{digest}\0{fingerprint}".encode()).hexdigest()


def fingerprint(*parts: bytes | str) -> str:
    """A digest of the inputs that shape every article or page, brief's version first."""
    digest = hashlib.sha256(__version__.encode() + code_digest(_PACKAGE))
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@functools.cache
def code_digest(package: Path) -> bytes:
    """brief's own code, the Python running it and the libraries that shape what it writes:
    a checkout between two releases keeps its version number while what it makes of a file
    changes (and merge sketches are Python's hashes of tuples, which differ between Python
    builds); a new Jinja, markdown-it-py or sanitizer may write other bytes, and the site
    stayed as the old one made it until the cache was deleted by hand."""
    python = f"{sys.version}\0{sys.hash_info.width}\0"
    libraries = "".join(f"{name}={_version_of(name)}\0" for name in SHAPING_LIBRARIES)
    return (python + libraries).encode() + folder_digest([package], "*.py").encode()


SHAPING_LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown-it-py",
    "mdurl",
    "pyyaml",
    "nh3",
    "pagefind",
    "pagefind_bin",
    "trafilatura",
    "htmldate",
    "justext",
    "courlan",
    "charset-normalizer",
    "lxml",
    "lxml_html_clean",
    "tzdata",
)
"""The distributions whose version is part of every fingerprint."""


def _version_of(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def folder_digest(folders: Iterable[Path], pattern: str = "*") -> str:
    """Names and bytes of every file under ``folders`` that matches ``pattern``."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


Entry = tuple[model.Article, tuple[int, ...]]
"""A cached article and its merge sketch."""


_SHARDS = 64  # an edit re-saves one shard, not the whole cache
_KEY = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Loaded:
    """The cached articles a build wants, by key, and the shards that also hold entries it
    does not want (of edited or deleted files), which the next save writes again."""

    entries: dict[str, Entry]
    untidy: frozenset[str]


def load_articles(root: Path, wanted: Container[str]) -> Loaded:
    """The cached articles whose key is in ``wanted``; a damaged shard is left out (its
    files are read again). The others are dropped as each shard is loaded: a build that
    reads every file again (a new taxonomy, a new brief) held the whole stale cache, about
    200 MB at 10,000 articles, while it did."""
    entries: dict[str, Entry] = {}
    untidy: set[str] = set()
    pattern = _shard_file(root, "*")
    for path in sorted(pattern.parent.glob(pattern.name)):
        shard, dropped = _shard_state(root, path)
        kept = {key: entry for key, entry in shard.items() if key in wanted}
        # The file still holds what an earlier load of this process dropped, if any.
        dropped = dropped or len(kept) < len(shard)
        if dropped:
            untidy.add(path.name[len("articles-") : -len(".bin")])
        _remember(path, kept, dropped)
        entries.update(kept)
    return Loaded(entries, frozenset(untidy))


@dataclass
class _Remembered:
    """The shards this process last loaded or saved, with the file's signature then: a
    process that builds again (``brief serve``) unpickles only the shards that changed."""

    root: Path | None = None
    # file name -> (signature, entries kept, whether the file holds entries not kept)
    shards: dict[str, tuple[tuple[int, int, int], dict[str, Entry], bool]] = field(
        default_factory=dict
    )


_remembered = _Remembered()


def _signature(path: Path) -> tuple[int, int, int]:
    """Each save is a new file (written beside and renamed): a new inode and time."""
    try:
        status = path.stat()
    except OSError:
        return (-1, -1, -1)
    return (status.st_ino, status.st_mtime_ns, status.st_size)


def _remember(path: Path, shard: dict[str, Entry], dropped: bool = False) -> None:
    if _remembered.root is not None and path.parent == _remembered.root / CACHE_DIR:
        _remembered.shards[path.name] = (_signature(path), shard, dropped)


def _load_shard(body: bytes) -> dict[str, Entry]:
    try:
        payload = _Unpickler(io.BytesIO(body)).load()
    except (
        pickle.UnpicklingError,
        EOFError,
        TypeError,
        ValueError,
        AttributeError,
        IndexError,
        KeyError,
        ImportError,
    ):
        return {}
    if not isinstance(payload, dict):
        return {}
    return {k: v for k, v in payload.items() if _is_entry(k, v)}


def _is_entry(key: object, value: object) -> bool:
    """The shape save_articles writes: a file can be well formed and still not brief's."""
    return (
        isinstance(key, str)
        and _KEY.fullmatch(key) is not None
        and isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], model.Article)
        and _typed(value[0])
        and isinstance(value[1], tuple)
    )


_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "int": int,
    "bool": bool,
    "datetime": datetime,
    "Dateline | None": (model.Dateline, type(None)),
    "str | None": (str, type(None)),
}


def _typed(article: model.Article) -> bool:
    """Each field of the article is of its type (tuples as tuples; their items are not
    checked): a checksummed cache of the right shape but not brief's made every build fail
    with a traceback until it was deleted."""
    for name, kind in _ARTICLE_FIELDS:
        if not isinstance(getattr(article, name), kind):
            return False
    return article.published.tzinfo is not None


_ARTICLE_FIELDS = tuple(
    (f.name, tuple if str(f.type).startswith("tuple[") else _FIELD_TYPES[str(f.type)])
    for f in fields(model.Article)
)


def save_articles(
    root: Path,
    entries: Mapping[str, Entry],
    before: Mapping[str, Entry],
    untidy: Iterable[str] = (),
) -> None:
    """Save the shards whose entries differ from ``before`` (what was loaded), and the
    ``untidy`` ones."""
    shards: dict[str, dict[str, Entry]] = {f"{n:02x}": {} for n in range(_SHARDS)}
    for key, entry in entries.items():
        shards[_shard(key)][key] = entry
    stale: set[str] = {_shard(k) for k in set(entries) ^ set(before)} | set(untidy)
    stale |= {_shard(k) for k in entries if k in before and before[k] is not entries[k]}
    for name in sorted(stale & set(shards)):
        shard = dict(sorted(shards[name].items()))
        _save_shard(_shard_file(root, name), shard)


def load_entries(root: Path, keys: Iterable[str]) -> dict[str, Entry]:
    """The cached articles of these keys that are there, reading only the shards that hold
    them: a rebuild of one article page needs a dozen articles of 10,000."""
    wanted = set(keys)
    found: dict[str, Entry] = {}
    for name in sorted({_shard(key) for key in wanted}):
        shard, _ = _shard_state(root, _shard_file(root, name))
        found |= {k: v for k, v in shard.items() if k in wanted}
    return found


def update_articles(root: Path, add: Mapping[str, Entry], drop: Iterable[str]) -> None:
    """Put ``add`` into the cache and take ``drop`` out, saving only their shards."""
    dropped = set(drop)
    for name in sorted({_shard(key) for key in (*add, *dropped)}):
        path = _shard_file(root, name)
        shard = {k: v for k, v in _shard_state(root, path)[0].items() if k not in dropped}
        shard |= {key: entry for key, entry in add.items() if _shard(key) == name}
        _save_shard(path, dict(sorted(shard.items())))


def _shard_state(root: Path, path: Path) -> tuple[dict[str, Entry], bool]:
    """One shard file's entries, and whether the file also holds entries an earlier load
    of this process dropped: as this process last loaded or saved it, if the file is the
    same, else read ({} if missing or damaged: its files are read again)."""
    if _remembered.root != root:
        _remembered.root, _remembered.shards = root, {}
    known = _remembered.shards.get(path.name)
    if known is not None and known[0] == _signature(path):
        return known[1], known[2]
    body = _read(path)
    shard = _load_shard(body) if body is not None else {}
    _remember(path, shard)
    return shard, False


def _save_shard(path: Path, shard: dict[str, Entry]) -> None:
    if _write(path, pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL)):
        _remember(path, shard)


def _shard(key: str) -> str:
    return f"{int(key[:2], 16) % _SHARDS:02x}"


def _shard_file(root: Path, name: str) -> Path:
    return root / CACHE_DIR / f"articles-{name}.bin"


class _Unpickler(pickle.Unpickler):
    """Only brief's own value types may be rebuilt: a cache found in a cloned repository
    cannot name os.system or anything else (the 'restricting globals' recipe of the
    pickle documentation)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last build into one output folder wrote, and from which inputs."""

    stamp: str
    inputs: str
    records: dict[str, PageRecord]
    articles: int
    pages: int
    warnings: tuple[Diagnostic, ...]

    @classmethod
    def empty(cls) -> Manifest:
        return cls("", "", {}, 0, 0, ())


def load_manifest(root: Path, output_dir: str) -> Manifest:
    """The manifest of the last build into ``output_dir``; empty when absent or damaged."""
    body = _read(_manifest_file(root, output_dir))
    if body is None:
        return Manifest.empty()
    try:
        stamp, inputs, records, articles, pages, warnings = marshal.loads(body)
        return Manifest(
            str(stamp),
            str(inputs),
            {path: PageRecord(str(fp), int(size)) for path, (fp, size) in records},
            int(articles),
            int(pages),
            diagnostics_of(warnings),
        )
    except (TypeError, ValueError, EOFError):
        return Manifest.empty()


def save_manifest(
    root: Path, output_dir: str, manifest: Manifest, problems: Iterable[Diagnostic]
) -> None:
    """Save the manifest with the build's warnings, which an unchanged rebuild repeats."""
    records = tuple((path, (r.fingerprint, r.size)) for path, r in sorted(manifest.records.items()))
    warnings = diagnostic_rows(problems)
    body = (manifest.stamp, manifest.inputs, records, manifest.articles, manifest.pages, warnings)
    _write(_manifest_file(root, output_dir), marshal.dumps(body))


def diagnostic_rows(problems: Iterable[Diagnostic]) -> tuple[tuple[Any, ...], ...]:
    """Diagnostics as plain tuples, for marshal (manifest and outline files)."""
    return tuple(
        (d.path, d.line, d.code, d.message, d.hint, d.severity, d.column) for d in problems
    )


def diagnostics_of(rows: Iterable[Any]) -> tuple[Diagnostic, ...]:
    """diagnostic_rows read back (TypeError when a row is not one)."""
    return tuple(Diagnostic(*row) for row in rows)


def load_outline(root: Path, output_dir: str) -> Any:
    """The outline saved for ``output_dir`` (brief.shortcut checks its shape), or None."""
    body = _read(_named_file(root, "outline", output_dir))
    if body is None:
        return None
    try:
        return marshal.loads(body)
    except (TypeError, ValueError, EOFError):
        return None


def save_outline(root: Path, output_dir: str, outline: tuple[Any, ...]) -> None:
    """Save an outline of plain values (tuples, dicts, strings, numbers)."""
    _write(_named_file(root, "outline", output_dir), marshal.dumps(outline))


def spare_name(output_dir: str) -> str:
    """The manifest name of the spare site kept for ``output_dir`` (see write.Spare)."""
    return f"{output_dir}\0spare"


def spare_folder(root: Path, output_dir: str) -> Path:
    name = hashlib.sha256(output_dir.encode()).hexdigest()[:12]
    return root / CACHE_DIR / f"spare-{name}"


def _manifest_file(root: Path, output_dir: str) -> Path:
    return _named_file(root, "pages", output_dir)


def _named_file(root: Path, kind: str, output_dir: str) -> Path:
    name = hashlib.sha256(output_dir.encode()).hexdigest()[:12]
    return root / CACHE_DIR / f"{kind}-{name}.bin"


def _read(path: Path) -> bytes | None:
    """The checked body of a cache file; None when it is missing, truncated or corrupt."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    size = len(_MAGIC)
    head, checksum, body = data[:size], data[size : size + 32], data[size + 32 :]
    if head != _MAGIC or hashlib.sha256(body).digest() != checksum:
        return None
    return body


def clear_unfinished(root: Path) -> None:
    """Delete the half-written files that builds killed while saving left in the cache (a
    checked file is written beside its place, then renamed over it): each names the process
    that wrote it, and those of a live process (a build of another output folder) stay."""
    try:
        with os.scandir(root / CACHE_DIR) as entries:
            names = [entry.name for entry in entries]
    except OSError:
        return
    for name in names:
        found = _UNFINISHED.fullmatch(name)
        if found is None or _alive(int(found.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(root / CACHE_DIR / name)


# Only the names _write gives (a stray name in a cloned cache is no reason to fail a build)
_UNFINISHED = re.compile(r"\.(?:articles|pages|outline)-[0-9a-f]+\.bin\.([1-9][0-9]{0,9})\.tmp")


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill there ends the process, whatever the signal: keep it
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process; none can have that id
        return False
    except OSError:  # another user's process: leave its file
        return True
    return True


def _write(path: Path, body: bytes) -> bool:
    """Write beside and rename, so a killed build leaves the old cache or the new one. A
    cache that cannot be written (a read-only disk, a file where the folder should be) is
    no cache: the build goes on without it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(_MAGIC + hashlib.sha256(body).digest() + body)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True
