"""Bytes as they arrive from the web and from editors: wrong encodings, BOMs, NULs, odd line
ends, invisible and bidi characters. Each names the file and line, or is read correctly."""

from __future__ import annotations

import re

import pytest

from tests.hostile.conftest import GOOD, Built

DISPATCH = "Second story\n\nMOSCOW, June 9. /TASS/. The text of the second story.\n"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"Caf\xe9 news\n\nMOSCOW, June 9. /TASS/. Text.\n", 1),  # Latin-1 in the title
        (b"Title\n\nMOSCOW, June 9. /TASS/. na\xefve text.\n", 3),  # Latin-1 in the body
        (b"Title\r\n\r\nMOSCOW, June 9. /TASS/. x\r\n\r\n\x80 y\r\n", 5),  # CRLF counted once
        (b"Title\r\rMOSCOW, June 9. /TASS/. x\r\r\xc0\xaf overlong\r", 5),  # lone CR ends
        (b"Title\n\nMOSCOW, June 9. /TASS/. \xed\xa0\x80 surrogate\n", 3),
        (b"Title\n\nMOSCOW, June 9. /TASS/. cut \xe2\x82\n", 3),  # truncated sequence
        (b"---\ntitle: caf\xe9\ndate: 2021-06-09\n---\nBody.\n", 2),  # in front matter
    ],
)
def test_invalid_utf8_names_the_line_and_the_byte_offset(
    built: Built, data: bytes, line: int
) -> None:
    suffix = "md" if data.startswith(b"---") else "txt"
    built.put(f"content/2021/bad.{suffix}", data)
    offset = next(i for i in range(len(data)) if data[i] >= 0x80)
    built.fails(
        f"content/2021/bad.{suffix}:{line}: encoding: invalid UTF-8 byte 0x{data[offset]:02x} "
        f"at byte offset {offset} (re-save the file as UTF-8)"
    )


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
def test_utf16_with_a_bom_asks_to_resave_as_utf8(built: Built, bom: bytes) -> None:
    codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
    built.put("content/2021/wide.txt", bom + DISPATCH.encode(codec))
    built.fails("content/2021/wide.txt:1: encoding: the file is UTF-16 (re-save it as UTF-8)")


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda s: "\ufeff" + s, id="utf8-bom"),
        pytest.param(lambda s: s.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda s: s.replace("\n", "\r"), id="cr"),
        pytest.param(lambda s: "\ufeff" + s.replace("\n", "\r\n"), id="bom-crlf"),
    ],
)
def test_boms_and_line_ends_give_the_same_page_as_plain_lf(built: Built, variant: object) -> None:
    text = "---\ntitle: Line ends\ndate: 2021-06-09\nsummary: One.\n---\nFirst.\n\nSecond.\n"
    built.put("content/2021/ends.md", text)
    built.passes()
    plain = built.page("articles/line-ends/index.html")
    assert "<p>First.</p>" in plain and "Second." in plain
    built.put("content/2021/ends.md", variant(text))  # type: ignore[operator]
    built.passes()
    assert built.page("articles/line-ends/index.html") == plain


def test_a_nul_byte_in_the_body_becomes_a_replacement_character_with_a_warning(
    built: Built,
) -> None:
    built.put("content/2021/nul.txt", "Nul story\n\nMOSCOW, June 9. /TASS/. a\x00b text.\n")
    built.passes("content/2021/nul.txt:3: warning: encoding: NUL bytes replaced with U+FFFD")
    page = built.page("articles/nul-story/index.html")
    assert "a\ufffdb text." in page and "\x00" not in page


def test_a_nul_byte_in_front_matter_is_replaced_too_never_a_yaml_crash(built: Built) -> None:
    built.put("content/2021/nul.md", "---\ntitle: Nul\x00title\ndate: 2021-06-09\n---\nBody.\n")
    built.passes("content/2021/nul.md:2: warning: encoding: NUL bytes replaced with U+FFFD")
    assert "Nul\ufffdtitle" in built.page("articles/nultitle/index.html")


def test_mixed_scripts_are_kept_in_the_title_and_give_an_ascii_slug(built: Built) -> None:
    title = "Москва и Beijing 北京 مرحبا — Ελλάδα"
    built.put("content/2021/mixed.txt", f"{title}\n\nMOSCOW, June 9. /TASS/. Text.\n")
    built.passes()
    page = built.page("articles/beijing/index.html")
    assert f"<h1>{title}</h1>" in page


def test_a_title_in_a_script_with_no_latin_letters_gets_a_slug_from_the_file_name(
    built: Built,
) -> None:
    built.put("content/2021/beijing-talks.txt", "北京会谈\n\nMOSCOW, June 9. /TASS/. Text.\n")
    built.passes()
    assert "<h1>北京会谈</h1>" in built.page("articles/beijing-talks/index.html")


INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


def test_zero_width_and_bidi_controls_are_removed_from_titles(built: Built) -> None:
    title = "Evil\u202eGNP.exe\u200b talks\u2066 resume"
    built.put("content/2021/bidi.txt", f"{title}\n\nMOSCOW, June 9. /TASS/. Text.\n")
    built.passes()
    page = built.page("articles/evilgnp-exe-talks-resume/index.html")
    assert "<h1>EvilGNP.exe talks resume</h1>" in page
    assert not re.search(f"[{INVISIBLE}]", page)


def test_zero_width_and_bidi_controls_never_reach_a_slug_or_a_file_name(built: Built) -> None:
    built.put(
        "content/2021/slug.md",
        '---\ntitle: Slug test\nslug: "ab\u200bc\u202e-d\u2066ef"\ndate: 2021-06-09\n---\nBody.\n',
    )
    built.passes()
    names = [p.name for p in (built.root / "site/articles").iterdir()]
    assert "abc-def" in names
    assert all(name.isascii() and name.isprintable() for name in names)


def test_a_line_of_only_invisible_characters_counts_as_blank(built: Built) -> None:
    built.put("content/2021/blank.txt", f"{INVISIBLE}\n\nMOSCOW, June 9. /TASS/. Text.\n")
    built.fails(
        "content/2021/blank.txt:1: empty: the article has no body text "
        "(add the story's paragraphs under the title)"
    )


def test_c0_controls_in_a_yaml_escape_are_stripped_from_the_title(built: Built) -> None:
    built.put(
        "content/2021/bell.md",
        '---\ntitle: "Bell\\x07 and\\x1b[31m red"\ndate: 2021-06-09\n---\nBody.\n',
    )
    built.passes()
    page = built.page("articles/bell-and-31m-red/index.html")
    assert "<h1>Bell and[31m red</h1>" in page
    assert "\x07" not in page and "\x1b" not in page


def test_nfc_and_nfd_spellings_of_one_title_are_the_same_slug_and_clash(built: Built) -> None:
    built.put("content/2021/nfc.txt", "Caf\u00e9 talks\n\nMOSCOW, June 9. /TASS/. One.\n")
    built.put("content/2021/nfd.txt", "Cafe\u0301 talks\n\nMOSCOW, June 9. /TASS/. Two.\n")
    built.fails(
        "content/2021/nfd.txt:1: slug: slug 'cafe-talks' is also used by content/2021/nfc.txt "
        "(give one of them another title or a slug: in front matter)"
    )


def test_a_config_file_that_is_not_utf8_is_a_config_error(built: Built) -> None:
    built.put("brief.yaml", b"title: Caf\xe9\n")
    built.fails("brief.yaml:1: encoding: not UTF-8 (byte 10) (save it as UTF-8)", code=2)


def test_the_good_article_is_unaffected_by_its_bad_neighbours(built: Built) -> None:
    built.put("content/2021/bad.txt", b"\xff\xfe" + DISPATCH.encode("utf-16-le"))
    built.fails()
    assert GOOD.splitlines()[0] in built.page("index.html")
