"""Front matter as people really write it, and as an attacker would: every problem is an
error on its line, YAML 1.1's coercions never change a value, and nothing in YAML runs."""

from __future__ import annotations

import time

import pytest

from brief.slugs import slugify
from tests.hostile.conftest import Built

BODY = "Body text.\n"


def fm(*lines: str) -> str:
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n" + BODY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "---\ntitle: Never closed\ndate: 2021-06-09\nBody.\n",
            "content/2021/x.md:1: front-matter: front matter is never closed "
            "(end it with a line of three dashes: ---)",
            id="unterminated",
        ),
        pytest.param(
            fm("title: Tabs", "\tdate: 2021-06-09"),
            "content/2021/x.md:3:1: yaml: found character '\\t' that cannot start any token "
            "(check the YAML syntax)",
            id="tab-indent",
        ),
        pytest.param(
            fm("title: One", "date: 2021-06-09", "title: Two"),
            "content/2021/x.md:4: yaml: duplicate key 'title' (it was already set on line 2)",
            id="duplicate-key",
        ),
        pytest.param(
            fm("- title", "- date"),
            "content/2021/x.md:2: front-matter: front matter must be a mapping of keys to values "
            "(write it as key: value lines)",
            id="a-list",
        ),
        pytest.param(
            fm("just a sentence"),
            "content/2021/x.md:2: front-matter: front matter must be a mapping of keys to values "
            "(write it as key: value lines)",
            id="a-scalar",
        ),
        pytest.param(
            fm("title: x", "date: 2021-06-09", "a: 1", "  b: 2"),
            "content/2021/x.md:5:4: yaml: mapping values are not allowed here "
            "(check the YAML syntax)",
            id="bad-indent",
        ),
        pytest.param(
            fm("title: " + "[" * 5000, "date: 2021-06-09"),
            "content/2021/x.md:2: yaml: nesting is too deep (flatten the structure)",
            id="5000-brackets",
        ),
        pytest.param(
            fm("title: " + "{a: " * 5000),
            "content/2021/x.md:2: yaml: nesting is too deep (flatten the structure)",
            id="5000-braces",
        ),
        pytest.param(
            fm("title: x", "date: 2024-13-01"),
            "content/2021/x.md:3: date: cannot read the date '2024-13-01' "
            "(write it as 2021-06-08, 8 June 2021 or 2021-06-08T14:30:00+03:00)",
            id="month-13",
        ),
        pytest.param(
            fm("title: x", "date: 2024-02-30"),
            "content/2021/x.md:3: date: cannot read the date '2024-02-30' "
            "(write it as 2021-06-08, 8 June 2021 or 2021-06-08T14:30:00+03:00)",
            id="february-30",
        ),
        pytest.param(
            fm("title: x", "date: 10000-01-01"),
            "content/2021/x.md:3: date: cannot read the date '10000-01-01' "
            "(write it as 2021-06-08, 8 June 2021 or 2021-06-08T14:30:00+03:00)",
            id="year-10000",
        ),
        pytest.param(
            fm("title: x", "date: yesterday"),
            "content/2021/x.md:3: date: cannot read the date 'yesterday' "
            "(write it as 2021-06-08, 8 June 2021 or 2021-06-08T14:30:00+03:00)",
            id="yesterday",
        ),
        pytest.param(
            fm("title: [a, b]", "date: 2021-06-09"),
            "content/2021/x.md:2: front-matter: title must be non-empty text "
            "(quote the value if it looks like something else)",
            id="title-a-list",
        ),
        pytest.param(
            fm('title: ""', "date: 2021-06-09"),
            "content/2021/x.md:2: front-matter: title must be non-empty text "
            "(quote the value if it looks like something else)",
            id="title-empty",
        ),
        pytest.param(
            fm("title: x", "date: 2021-06-09", "draft: yes"),
            "content/2021/x.md:4: front-matter: draft must be true or false",
            id="draft-yes",
        ),
        pytest.param(
            fm("title: x", "date: 2021-06-09", "topics: {a: 1}"),
            "content/2021/x.md:4: front-matter: topics must be a list of topic names "
            "(write topics: [Arms control, Sanctions])",
            id="topics-a-mapping",
        ),
        pytest.param(
            fm("? [a, b]", ": c"),
            "content/2021/x.md:2: yaml: a key must be plain text",
            id="complex-key",
        ),
    ],
)
def test_broken_front_matter_is_an_error_on_its_line(
    built: Built, text: str, expected: str
) -> None:
    built.put("content/2021/x.md", text)
    built.fails(expected)


def test_an_alias_bomb_is_refused_at_once(built: Built) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    levels += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)
    ]
    built.put("content/2021/x.md", fm("title: Bomb", *levels))
    started = time.perf_counter()
    built.fails(
        "content/2021/x.md:4: yaml: aliases (*name) are not allowed (write the value out in full)"
    )
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!custom 1",
    ],
)
def test_yaml_tags_are_refused_and_nothing_runs(built: Built, tag: str) -> None:
    marker = built.root / "ran"
    value = tag.format(marker=marker)
    built.put("content/2021/x.md", fm("title: Tag", f"source: {value}"))
    name = value.split()[0].replace("!!", "tag:yaml.org,2002:")
    built.fails(f"content/2021/x.md:3: yaml: the tag {name!r} is not allowed (remove the !tag)")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("title", "NO", "<h1>NO</h1>"),
        ("title", "on", "<h1>on</h1>"),
        ("title", "10:00", "<h1>10:00</h1>"),
        ("title", "01234", "<h1>01234</h1>"),
        ("title", "1.10", "<h1>1.10</h1>"),
        ("title", "1e3", "<h1>1e3</h1>"),
        ("title", "0x1F", "<h1>0x1F</h1>"),
        ("title", ".inf", "<h1>.inf</h1>"),
        ("author", "Off", "By Off</p>"),
        ("source", "Y", ">Y<"),
    ],
)
def test_yaml_1_1_values_stay_the_text_that_was_written(
    built: Built, key: str, value: str, shown: str
) -> None:
    lines = [f"{key}: {value}", "date: 2021-06-09"]
    if key != "title":
        lines.insert(0, "title: Plain")
    built.put("content/2021/x.md", fm(*lines))
    built.passes()
    slug = "plain" if key != "title" else slugify(value)
    page = built.page(f"articles/{slug}/index.html")
    assert shown in page


def test_an_unknown_key_is_a_warning_with_a_suggestion(built: Built) -> None:
    built.put("content/2021/x.md", fm("titel: Typo", "title: Right", "date: 2021-06-09"))
    built.passes(
        "content/2021/x.md:2: warning: front-matter: unknown key 'titel' (did you mean 'title'?)"
    )
