"""The strict YAML loader: text stays text, lines are kept, bombs and tags are refused."""

from __future__ import annotations

import time

import pytest

from brief.yaml_loader import YamlError, load_yaml


def test_yaml_one_one_surprises_stay_the_text_written() -> None:
    loaded = load_yaml("a: NO\nb: on\nc: 10:00\nd: 01234\ne: 1.10\nf: 2021-06-08\n", "x.yaml")
    assert loaded.value == {
        "a": "NO",
        "b": "on",
        "c": "10:00",
        "d": "01234",
        "e": "1.10",
        "f": "2021-06-08",
    }


def test_true_false_and_null_keep_their_meaning() -> None:
    assert load_yaml("a: true\nb: false\nc: ~\nd: 'true'\n", "x").value == {
        "a": True,
        "b": False,
        "c": None,
        "d": "true",
    }


def test_every_key_and_item_has_its_line_offset_by_the_first_line() -> None:
    loaded = load_yaml("a: 1\nb:\n  - x\n  - y\n", "x", first_line=2)
    assert loaded.line("a") == 2
    assert loaded.line("b", 1) == 5


def message(text: str) -> str:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, "f.yaml")
    return caught.value.diagnostic.format()


def test_duplicate_keys_name_both_lines() -> None:
    assert message("a: 1\nb: 2\na: 3\n") == (
        "f.yaml:3: yaml: duplicate key 'a' (it was already set on line 1)"
    )


def test_an_alias_bomb_is_refused_at_once() -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n" + "".join(
        f"l{i}: &l{i} [*c, *c, *c, *c]\n" for i in range(9)
    )
    started = time.perf_counter()
    assert message(bomb).startswith("f.yaml:2: yaml: aliases (*name) are not allowed")
    assert time.perf_counter() - started < 1


def test_deep_nesting_is_an_error_not_a_recursion_crash() -> None:
    assert "nesting is too deep" in message("[" * 5000)
    assert "nesting is too deep" in message(
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 80))
    )


def test_python_tags_are_refused() -> None:
    assert "is not allowed" in message("a: !!python/object/apply:os.system ['true']\n")


def test_syntax_errors_have_line_and_column() -> None:
    assert message("a: 1\n  b: 2\n").startswith("f.yaml:2:4: yaml: mapping values are not allowed")


def test_a_nul_byte_is_an_error_with_its_line() -> None:
    assert message("a: 1\nb: x\x00y\n").startswith("f.yaml:2:")
