"""brief's own Jinja filters where they stand in for Jinja's: the same output, byte for byte."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from jinja2.filters import do_indent
from markupsafe import Markup

from brief.templating import indent

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
