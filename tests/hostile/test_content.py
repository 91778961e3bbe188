"""Content at the extremes: nothing, almost nothing, far too much, nesting a thousand deep,
and cmark's pathological inputs, each of which must be built (or refused) within 4 s."""

from __future__ import annotations

import time

import html5lib
import pytest

from tests.hostile.conftest import Built

BUDGET = 4.0  # seconds: cmark's pathological_tests.py allows each case this long
HEAD = "---\ntitle: Pathological\ndate: 2021-06-09\n---\n"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param(
            "x.txt",
            b"",
            "content/2021/x.txt:1: empty: the file is empty "
            "(write a title line, a blank line, then the story)",
            id="empty",
        ),
        pytest.param(
            "x.txt",
            b" \n\t\n\r\n  \n",
            "content/2021/x.txt:1: empty: the file is empty "
            "(write a title line, a blank line, then the story)",
            id="whitespace-only",
        ),
        pytest.param(
            "x.txt",
            b"Only a title\n",
            "content/2021/x.txt:1: empty: the article has no body text "
            "(add the story's paragraphs under the title)",
            id="title-only",
        ),
        pytest.param(
            "x.md",
            b"---\ntitle: Only front matter\ndate: 2021-06-09\n---\n",
            "content/2021/x.md:5: empty: the article has no body text "
            "(add the story's paragraphs under the title)",
            id="front-matter-only",
        ),
        pytest.param(
            "x.txt",
            b"Dateline only\n\nWASHINGTON, June 8. /TASS/.\n",
            "content/2021/x.txt:3: empty: the article is a dateline with no story after it "
            "(add the story's paragraphs after the dateline)",
            id="dateline-only",
        ),
        pytest.param(
            "x.txt",
            b"Dateline only\n\nMOSCOW (Reuters) -\n",
            "content/2021/x.txt:3: empty: the article is a dateline with no story after it "
            "(add the story's paragraphs after the dateline)",
            id="dateline-only-reuters",
        ),
        pytest.param(
            "x.md",
            b"No heading here\n\nJust text.\n",
            "content/2021/x.md:1: title: no title "
            "(add title: to the front matter or start with a # heading)",
            id="markdown-without-title",
        ),
    ],
)
def test_empty_and_near_empty_files_are_errors_on_their_line(
    built: Built, name: str, data: bytes, expected: str
) -> None:
    built.put(f"content/2021/{name}", data)
    built.fails(expected)


def test_ten_megabytes_of_text_is_refused_without_reading_it_all(built: Built) -> None:
    built.put("content/2021/big.txt", "Big\n\n" + "word " * 2_000_000)
    started = time.perf_counter()
    built.fails(
        "content/2021/big.txt: too-large: the file is 10.0 MB; brief reads files up to 5 MB "
        "(keep only the article's text, or split it into several files)"
    )
    assert time.perf_counter() - started < BUDGET


def timed_build(built: Built, *warnings: str) -> float:
    started = time.perf_counter()
    built.passes(*warnings)
    return time.perf_counter() - started


def test_fifty_thousand_paragraphs_build_in_reasonable_time(built: Built) -> None:
    paragraphs = "\n\n".join(f"Paragraph {n} of the record." for n in range(50_000))
    built.put("content/2021/long.txt", f"Long record\n\nMOSCOW, June 9. /TASS/. {paragraphs}\n")
    seconds = timed_build(built)
    page = built.page("articles/long-record/index.html")
    assert page.count("<p>Paragraph ") == 50_000
    assert seconds < 15, seconds


def test_a_file_just_under_the_size_limit_builds(built: Built) -> None:
    sentence = "Officials said on Monday that the talks would resume in Geneva next week. "
    paragraph = sentence * 10
    count = 4_900_000 // (len(paragraph) + 2)
    body = "\n\n".join([paragraph] * count)
    built.put("content/2021/near.txt", f"Near the limit\n\nMOSCOW, June 9. /TASS/. {body}\n")
    seconds = timed_build(built)
    assert (built.root / "content/2021/near.txt").stat().st_size < 5_000_000
    assert seconds < 30, seconds


def well_formed(page: str) -> None:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    parser.parse(page)
    assert parser.errors == [], parser.errors[:5]


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        pytest.param("".join("  " * n + "- a\n" for n in range(1000)), "<ul>", id="list"),
        pytest.param("".join(f"{'  ' * n}1. a\n" for n in range(1000)), "<ol>", id="ordered"),
        pytest.param("".join("> " * n + "a\n" for n in range(1, 1000)), "<blockquote>", id="quote"),
        pytest.param("> " * 1000 + "a\n", "<blockquote>", id="quote-one-line"),
    ],
)
def test_a_thousand_levels_of_nesting_render_capped_and_well_formed(
    built: Built, text: str, tag: str
) -> None:
    built.put("content/2021/deep.md", HEAD + text)
    assert timed_build(built) < BUDGET
    page = built.page("articles/pathological/index.html")
    assert 10 <= page.count(tag) <= 101  # markdown-it's maxNesting (js-default: 100)
    well_formed(page)


# cmark's test/pathological_tests.py, plus markdown-it-py's known quadratic cases.
PATHOLOGICAL = {
    "nested strong emph": ("*a **a " * 65000) + "b" + (" a** a*" * 65000),
    "many emph closers with no openers": "a_ " * 65000,
    "many emph openers with no closers": "_a " * 65000,
    "many link closers with no openers": "a]" * 65000,
    "many link openers with no closers": "[a" * 65000,
    "mismatched openers and closers": "*a_ " * 50000,
    "openers and closers multiple of 3": "a**b" + ("c* " * 50000),
    "link openers and emph closers": "[ a_" * 50000,
    "pattern [ (]( repeated": "[ (](" * 80000,
    "pattern ![[]() repeated": "![[]()" * 160000,
    "hard link/emph case": "**x [a*b**c*](d)",
    "nested brackets": "[" * 50000 + "a" + "]" * 50000,
    "nested block quotes": "> " * 50000 + "a",
    "deeply nested lists": "".join("  " * n + "* a\n" for n in range(1000)),
    "U+0000 in input": "abc\u0000de\u0000",
    "backticks (3,000 runs)": "".join("e" + "`" * n for n in range(1, 3000)),
    "unclosed links A": "[a](<b" * 30000,
    "unclosed links B": "[a](b" * 30000,
    "many references": "".join(f"[{n}]: u\n" for n in range(50000)) + "\n" + "[0] " * 1000,
    "reference label of backslashes": "[" + "\\" * 50000 + "]: u\n\n[x]",
    "many entities": "&" * 128000,
    "many less-than signs": "<" * 128000,
    "many tildes": "~" * 128000,
    "many braces": "{" * 128000,
    "html comment openers": "<!--" * 50000,
    "cdata openers": "<![CDATA[" * 30000,
    "declaration openers": "<!A " * 50000,
    "autolink openers": "<a:" * 50000,
    "emphasis with underscores": "**_* " * 50000,
    "quotes and underscores": '"?c_' * 100000,
    "a name repeated": "NATO Secretary General Jens Stoltenberg " * 20000,
    "a quote repeated": "“We are ready,” he said. " * 20000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_markdown_finishes_within_four_seconds(unbuilt: Built, name: str) -> None:
    built = unbuilt
    built.put("content/2021/p.md", HEAD + PATHOLOGICAL[name] + "\n")
    seconds = timed_build(built)
    assert seconds < BUDGET, f"{name}: {seconds:.2f} s"
    page = built.page("articles/pathological/index.html")
    if len(page) < 200_000:  # html5lib itself needs seconds for the larger pages
        well_formed(page)


def test_markup_heavy_paragraphs_are_shown_as_plain_text_with_a_warning(built: Built) -> None:
    built.put("content/2021/p.md", HEAD + "Intro *kept*.\n\n" + "[a" * 65000 + "\n")
    built.passes(
        "content/2021/p.md:7: warning: markdown: 65,000 markup characters ([ * _ ` <) in one "
        "paragraph; the file is shown as plain text (split the paragraph or remove the markup)"
    )
    assert "<p>Intro *kept*.</p>" in built.page("articles/pathological/index.html")


def test_cmarks_backticks_case_is_over_the_size_limit_and_refused_at_once(built: Built) -> None:
    built.put("content/2021/p.md", HEAD + "".join("e" + "`" * n for n in range(1, 5000)))
    started = time.perf_counter()
    built.fails(
        "content/2021/p.md: too-large: the file is 12.5 MB; brief reads files up to 5 MB "
        "(keep only the article's text, or split it into several files)"
    )
    assert time.perf_counter() - started < BUDGET
