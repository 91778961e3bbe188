"""Problems a user can fix, as values (Diagnostic) and as exceptions (BriefError).

The tree::

    BriefError                 carries one or more Diagnostics
    ├── ConfigError            brief.yaml, topics.yaml, data files, CLI options  -> exit 2
    ├── ContentError           files under content/, templates, duplicate slugs  -> exit 1
    ├── OutputError            an output folder brief must not touch           -> exit 2
    ├── BuildError             a worker process died (out of memory?)          -> exit 1
    └── PublishError           brief publish refused or failed; nothing pushed -> exit 3

Anything else that escapes is a bug in brief and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One message about one place: ``path:line: message (hint)``."""

    path: str
    line: int | None
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"
    column: int | None = None

    def format(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        kind = "" if self.severity == "error" else f"{self.severity}: "
        text = f"{where}: {kind}{self.code}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.message)


def error(
    path: str, line: int | None, code: str, message: str, hint: str = "", column: int | None = None
) -> Diagnostic:
    return Diagnostic(path, line, code, message, hint, "error", column)


def warning(path: str, line: int | None, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, code, message, hint, "warning")


def note(path: str, line: int | None, code: str, message: str, hint: str = "") -> Diagnostic:
    """Something the user should know that is not a problem: it never fails a build."""
    return Diagnostic(path, line, code, message, hint, "note")


def _fast_pickling() -> None:
    """Plain-tuple pickling, as for the model's types (see brief.model)."""
    names = ("path", "line", "code", "message", "hint", "severity", "column")

    def getstate(self: Diagnostic) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in names])

    def setstate(self: Diagnostic, state: tuple[object, ...]) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    Diagnostic.__getstate__ = getstate  # type: ignore[attr-defined]
    Diagnostic.__setstate__ = setstate  # type: ignore[attr-defined]


_fast_pickling()


class BriefError(Exception):
    """A problem the user can fix; holds every Diagnostic found before giving up."""

    def __init__(self, diagnostics: Diagnostic | tuple[Diagnostic, ...]) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = (diagnostics,)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(
            sorted(diagnostics, key=Diagnostic.sort_key)
        )
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[BriefError], tuple[tuple[Diagnostic, ...]]]:
        # Raised in a forked worker (writing a page), it is pickled back to the build.
        return (type(self), (self.diagnostics,))


class ConfigError(BriefError):
    """The configuration, a data file or a command-line option is wrong."""


class ContentError(BriefError):
    """One or more content files or templates cannot be turned into pages."""


class OutputError(BriefError):
    """The output folder is one brief must not write to or delete."""


class BuildError(BriefError):
    """The build could not finish for a reason outside the project (a worker died)."""


class PublishError(BriefError):
    """Publishing was refused or failed; nothing was pushed (exit code 3)."""
