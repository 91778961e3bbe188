"""brief's own Jinja filters, output escaping and calls where they stand in for Jinja's: the
same output, byte for byte."""

from __future__ import annotations

import functools
import traceback
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.filters import do_indent
from markupsafe import Markup, escape

from brief.config import load_config
from brief.templating import escape_output, indent, make_environment

# Line breaks of every kind str.splitlines knows, markup and blank lines: where they differ.
_TEXT = st.lists(st.sampled_from(["a", "<b>", "&", " ", "\n", "\r\n", "\r", "\u2028", "\x0c"])).map(
    "".join
)


@given(
    text=_TEXT,
    markup=st.booleans(),
    width=st.sampled_from([0, 2, 4, "\t", "--"]),
    first=st.booleans(),
    blank=st.booleans(),
)
def test_indent_gives_what_jinjas_indent_gives(
    text: str, markup: bool, width: int | str, first: bool, blank: bool
) -> None:
    value = Markup(text) if markup else text
    expected = do_indent(value, width, first, blank)
    found = indent(value, width, first, blank)
    assert found == expected
    assert type(found) is type(expected)  # Markup stays Markup: it is not escaped again


class _Html:
    def __html__(self) -> str:
        return "<i>safe</i>"


_VALUES = st.one_of(
    st.text(),
    st.lists(st.sampled_from(["a", "&", "<", ">", '"', "'", "&amp;", " "])).map("".join),
    st.builds(Markup, st.text()),
    st.integers(),
    st.none(),
    st.just(_Html()),
)


@given(value=_VALUES)
def test_escape_output_writes_what_markupsafe_escape_writes(value: object) -> None:
    assert escape_output(value) == str(escape(value))


def _plain_jinja(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """Jinja as it comes, with the options brief sets."""
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# Output in every kind of place Jinja compiles it: the page, a loop, a macro, a call block,
# a set block, a filter block, autoescape switched off, and switched by a variable.
_TEMPLATE = """\
{{ text }}|{{ markup }}|{{ number }}|{{ text ~ markup }}
{% for t in [text, markup] %}{{ t }}{% endfor %}
{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(text) }}{{ m(markup) }}
{% macro wrap() %}({{ caller() }}){% endmacro %}{% call wrap() %}{{ text }}{% endcall %}
{% set block %}{{ text }}{{ markup }}{% endset %}{{ block }}|{{ block | length }}
{% filter upper %}{{ text }}{% endfilter %}
{% autoescape false %}{{ text }}{% endautoescape %}
{% autoescape flag %}{{ text }}{% endautoescape %}
"""


@pytest.mark.parametrize("flag", [True, False])
def test_brief_environment_renders_what_jinja_renders(tmp_path: Path, flag: bool) -> None:
    env = make_environment(load_config(tmp_path))
    plain = _plain_jinja()
    values = {
        "text": "<Tom & \"Jerry\"> 'x'",
        "markup": Markup("<b>bold</b> &amp;"),
        "number": 3,
        "flag": flag,
    }
    ours = env.from_string(_TEMPLATE).render(values)
    assert ours == plain.from_string(_TEMPLATE).render(values)
    assert "&lt;Tom &amp; &#34;Jerry&#34;&gt; &#39;x&#39;" in ours
    # The speed-up is in use with the installed Jinja (output is the same without it).
    assert "environment.escape_output(" in env.compile(_TEMPLATE, raw=True)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


class _Callable:
    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context, x: object) -> str:
        return f"object {x} on {context['where']}"


class _EqualToAll(type):
    def __eq__(cls, other: object) -> bool:
        return True

    __hash__ = type.__hash__


class _Odd(metaclass=_EqualToAll):
    """A callable object whose type compares equal to every type, FunctionType included."""

    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context, x: object) -> str:
        return f"odd {x} on {context['where']}"


def _with_own_call(x: object) -> str:
    return f"own {x}"


_cached_with_own_call = functools.cache(_with_own_call)
# A __call__ of its own, which Jinja calls (with the context its mark asks for) in place of
# the function itself.
_OWN_CALL = jinja2.pass_context(lambda context, x: f"own call {x} {context['where']}")
setattr(_with_own_call, "__call__", _OWN_CALL)  # noqa: B010 (mypy: a method cannot be set)
setattr(_cached_with_own_call, "__call__", _OWN_CALL)  # noqa: B010


def _exhausted() -> object:
    return next(iter(()))


class _Methods:
    def plain(self, x: object) -> str:
        return f"method {x}"

    @jinja2.pass_context
    def marked(self, context: jinja2.runtime.Context, x: object) -> str:
        return f"marked method {x} {context['where']}"


@functools.cache
def _cached(x: object) -> str:
    return f"cached {x}"


@functools.cache
@jinja2.pass_context
def _cached_with_context(context: jinja2.runtime.Context, x: object) -> str:
    return f"cached context {x} {context['where']}"


_CALLS = {
    "plain": lambda x, y="-": f"plain {x} {y}",
    "with_context": jinja2.pass_context(lambda context, x: f"context {x} {context['where']}"),
    "with_environment": jinja2.pass_environment(lambda env, x: f"env {x} {env.autoescape}"),
    "with_eval_context": jinja2.pass_eval_context(lambda ctx, x: f"eval {x} {ctx.autoescape}"),
    "callable_object": _Callable(),
    "builtin": len,
    "exhausted": _exhausted,
    "method": _Methods().plain,
    "marked_method": _Methods().marked,
    "cached": _cached,
    "cached_with_context": _cached_with_context,
    "appended": [].append,
    "odd": _Odd(),
    "own_call": _with_own_call,
    "cached_own_call": _cached_with_own_call,
}

# Each kind of callable, called at the top, in a loop, in a block, with keywords, and
# macros called plainly, with a caller, and from inside another macro.
_CALLING = """\
{% extends "base" %}
{% macro m(x, y='d') %}<{{ x }}|{{ y }}|{{ plain(x) }}|{{ with_context(x) }}>{% endmacro %}
{% macro wrap(x) %}({{ caller(x) }}){% endmacro %}
{% block body %}
{% set where = 'block' %}
{{ plain(1) }} {{ plain(2, y=3) }} {{ with_context(4) }} {{ with_environment(5) }}
{{ with_eval_context(6) }} {{ callable_object(7) }} {{ builtin('abc') }}
{{ exhausted() is undefined }}
{{ odd(16) }} {{ own_call(17) }} {{ cached_own_call(18) }} {{ method(11) }} {{ marked_method(12) }} {{ cached(13) }} {{ cached_with_context(14) }} {{ appended(15) }}
{% for i in [1, 2] %}{% set where = 'loop' %}{{ with_context(i) }}{{ m(i, y=loop.index) }}{{ marked_method(i) }}{% endfor %}
{% call(v) wrap(8) %}{{ m(v) }}{{ with_context(v) }}{% endcall %}
{{ m(9) }}{{ m('<x>', y=m(10)) }}
{% endblock %}
"""


def test_brief_environment_calls_what_jinja_calls(tmp_path: Path) -> None:
    templates = {"base": "{% set where = 'base' %}[{% block body %}{% endblock %}]", "t": _CALLING}
    env = make_environment(load_config(tmp_path))
    env.loader = jinja2.DictLoader(templates)
    plain = _plain_jinja(jinja2.DictLoader(templates))
    ours = env.get_template("t").render(_CALLS, where="page")
    assert ours == plain.get_template("t").render(_CALLS, where="page")
    assert "context 1 loop" in ours and "object 7 on block" in ours and "True" in ours
    assert "marked method 12 block" in ours and "marked method 2 loop" in ours
    assert "cached context 14 block" in ours and "cached 13" in ours and "None" in ours
    assert "odd 16 on block" in ours
    assert "own call 17 block" in ours and "own call 18 block" in ours


def _failing(x: object) -> str:
    raise ValueError(x)


def test_a_failing_call_shows_the_frames_plain_jinja_shows(tmp_path: Path) -> None:
    # Jinja leaves its own Context.call out of the traceback it makes for a template; ours
    # is left out as well, for every kind of call.
    source = "{% macro m(x) %}{{ f(x) }}{% endmacro %}\n\n{{ m(1) }}"

    def frames(env: jinja2.Environment, f: object) -> list[tuple[str, str]]:
        with pytest.raises(ValueError) as raised:
            env.from_string(source).render(f=f)
        return [(Path(t.filename).name, t.name) for t in traceback.extract_tb(raised.tb)]

    ours = make_environment(load_config(tmp_path))
    for f in (_failing, jinja2.pass_context(lambda context, x: _failing(x))):
        assert frames(ours, f) == frames(_plain_jinja(), f)


def _nested(depth: int) -> list[object]:
    tree: list[object] = []
    for _ in range(depth):
        tree = [tree]
    return tree


def _deepest(env: jinja2.Environment, source: str) -> int:
    """The deepest nesting a template renders before Python's recursion limit."""
    template = env.from_string(source)
    low, high = 1, 2000
    while low < high:
        middle = (low + high + 1) // 2
        try:
            template.render(tree=_nested(middle))
            low = middle
        except RecursionError:
            high = middle - 1
    return low


@pytest.mark.parametrize(
    "source",
    [
        "{% macro r(n) %}{% if n %}<{{ r(n[0]) }}>{% endif %}{% endmacro %}{{ r(tree) }}",
        "{% for n in [tree] recursive %}{% if n %}<{{ loop(n) }}>{% endif %}{% endfor %}",
    ],
    ids=["macro", "loop"],
)
def test_a_recursive_template_goes_as_deep_as_in_plain_jinja(tmp_path: Path, source: str) -> None:
    # Called as obj(), a macro took two of Python's recursion levels a level: a tree that
    # plain Jinja rendered 247 deep failed at 198.
    deepest = _deepest(_plain_jinja(), source)
    env = make_environment(load_config(tmp_path))
    assert env.from_string(source).render(tree=_nested(deepest)).count("<") == deepest
