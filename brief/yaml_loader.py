"""YAML text -> plain values plus the line of every key, with none of YAML 1.1's surprises.

Everything is a string except ``true``/``false`` and null: ``NO``, ``on``, ``10:00``,
``01234`` and ``2021-06-08`` stay the text the user wrote, and the schema that reads the
value decides what it means. Aliases (the billion-laughs bomb), unknown tags and duplicate
keys are errors with a line number; deep nesting is an error, never a RecursionError.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brief.errors import ConfigError, Diagnostic, error

KeyPath = tuple[str | int, ...]

_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "value")
}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}
_MAX_DEPTH = 50


@dataclass(frozen=True, slots=True)
class Loaded:
    """A parsed YAML document and the 1-based line of each key and list item."""

    value: Any
    lines: dict[KeyPath, int]

    def line(self, *path: str | int) -> int | None:
        return self.lines.get(tuple(path))


class YamlError(Exception):
    """Raised with the Diagnostic that describes the problem."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


class _AliasFound(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)


def read_optional(path: Path, shown: str) -> bytes | None:
    """The bytes of an optional YAML file of the project (None when there is none); a
    ConfigError naming it when something is there that cannot be read: a folder, a broken
    link, a file brief may not read. Such a file was skipped as absent, silently."""
    if not os.path.lexists(path):
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            error(
                shown,
                None,
                "read",
                f"cannot read it: {exc.strerror or exc}",
                "make it a file brief may read, or remove it",
            )
        ) from None


def load_yaml(text: str, path: str, first_line: int = 1) -> Loaded:
    """Parse ``text`` (which starts at ``first_line`` of ``path``); raise YamlError."""
    offset = first_line - 1
    try:
        root = yaml.compose(text, Loader=_Loader)
    except _AliasFound as found:
        raise YamlError(
            error(
                path,
                found.mark.line + 1 + offset,
                "yaml",
                "aliases (*name) are not allowed",
                "write the value out in full",
            )
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else first_line
        column = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(
            error(path, line, "yaml", problem, "check the YAML syntax", column)
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        raise YamlError(
            error(
                path,
                line,
                "yaml",
                f"character U+{exc.character:04X} is not allowed in YAML",
                "remove it",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(error(path, first_line, "yaml", str(exc))) from None
    except RecursionError:
        raise YamlError(
            error(path, first_line, "yaml", "nesting is too deep", "flatten the structure")
        ) from None
    lines: dict[KeyPath, int] = {}
    if root is None:
        return Loaded(None, lines)
    value = _convert(root, (), lines, path, offset)
    return Loaded(value, lines)


def _convert(
    node: yaml.Node, at: KeyPath, lines: dict[KeyPath, int], path: str, offset: int
) -> Any:
    line = node.start_mark.line + 1 + offset
    if len(at) > _MAX_DEPTH:
        raise YamlError(error(path, line, "yaml", "nesting is too deep", "flatten the structure"))
    if node.tag not in _ALLOWED_TAGS:
        raise YamlError(
            error(path, line, "yaml", f"the tag {node.tag!r} is not allowed", "remove the !tag")
        )
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            item_path: KeyPath = (*at, index)
            lines[item_path] = child.start_mark.line + 1 + offset
            items.append(_convert(child, item_path, lines, path, offset))
        return items
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(error(path, key_line, "yaml", "a key must be plain text"))
            key = str(key_node.value)
            key_path: KeyPath = (*at, key)
            if key in mapping:
                raise YamlError(
                    error(
                        path,
                        key_line,
                        "yaml",
                        f"duplicate key {key!r}",
                        f"it was already set on line {lines[key_path]}",
                    )
                )
            lines[key_path] = key_line
            mapping[key] = _convert(value_node, key_path, lines, path, offset)
        return mapping
    raise YamlError(error(path, line, "yaml", "unsupported YAML node"))  # pragma: no cover


def _scalar(node: yaml.ScalarNode) -> str | bool | None:
    text = str(node.value)
    if node.style is not None:  # quoted or block text is always a string
        return text
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _NULL:
        return None
    return text
