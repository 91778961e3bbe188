"""The {% cached key, ... %}…{% endcached %} template tag: a fragment rendered once per build.

An article's entry in a listing is the same on its day, month, source, topic and people pages
and in the "Related" lists of other articles: a dozen renderings of the same HTML. A theme
marks such a fragment with the values it depends on (as Hugo's partialCached or Django's
{% cache %} do), and each worker renders it once per key for the rest of the build.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup


class FragmentCache(Extension):
    """Adds the `cached` tag; ``environment.fragments`` holds the rendered fragments and is
    emptied by the renderer at the start of every build (the content may have changed) and
    at its end."""

    tags = {"cached"}  # noqa: RUF012 (Extension declares it so)

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.extend(fragments={})
        self._tags = itertools.count()

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        keys = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcached",), drop_needle=True)
        # Each tag's own number is part of the key: two tags never share a fragment, even
        # with equal keys (1 and True are equal keys).
        tag = nodes.Const(next(self._tags))
        call = self.call_method("_fragment", [nodes.Tuple([tag, *keys], "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, key: tuple[Hashable, ...], caller: Callable[[], str]) -> str | Markup:
        memo: dict[tuple[Hashable, ...], str | Markup] = self.environment.fragments  # type: ignore[attr-defined]
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:
            raise jinja2.TemplateRuntimeError(
                f"cached: a key must be text, numbers or a tuple of them, not {key!r}"
            ) from None
        memo[key] = rendered = caller()
        return rendered


def forget_fragments(env: jinja2.Environment) -> None:
    """Start a build afresh: fragments rendered from last build's content may be stale."""
    fragments = getattr(env, "fragments", None)
    if fragments is not None:
        fragments.clear()
