"""A table of wire dispatches in every agency's style and what normalizing each must give.

The table is tests/news/fixtures/dispatches.yaml; each entry is one test. The expectations
are written by hand from reading the dispatch: the dateline's place and agency, the date,
where the story starts, the title's kicker and attribution, the credits, the boilerplate that
goes, the quotes with their speakers and paragraphs, and the names the article mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from brief.errors import ContentError
from brief.model import Article
from tests.stages.helpers import article

TABLE = Path(__file__).resolve().parent / "fixtures" / "dispatches.yaml"
ENTRIES: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
AGENCIES = (
    "TASS",
    "Reuters",
    "Associated Press",
    "AFP",
    "Xinhua",
    "Interfax",
    "RIA Novosti",
    "UPI",
    "Bloomberg",
    "dpa",
    "Kyodo",
)
BOILERPLATE_RULES = (
    "originally-published",
    "click-here",
    "read-more",
    "share",
    "advertisement",
    "copyright",
    "photo-caption",
)
_REMOVED = re.compile(r"removed by rule boilerplate/(?P<rule>[\w-]+)")


def _input(entry: dict[str, Any]) -> str:
    text: str = entry["input"]
    return text.replace("\n", "\r\n") if entry.get("crlf") else text


def _where(entry: dict[str, Any]) -> str:
    return f"[{entry['id']}] {entry['path']}"


def _paragraphs(a: Article) -> str:
    return "\n".join(f"  {i}: {p.text}" for i, p in enumerate(a.paragraphs))


def _removed_rules(a: Article) -> set[str]:
    rules = set()
    for p in a.provenance:
        match = _REMOVED.search(p.source) if p.field == "body" else None
        if match:
            rules.add(match.group("rule"))
    return rules


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_dispatch(entry: dict[str, Any]) -> None:
    expect: dict[str, Any] = entry["expect"]
    where = _where(entry)
    if expect.get("error"):
        with pytest.raises(ContentError):
            got = article(entry["path"], _input(entry))
            pytest.fail(
                f"{where}: expected a ContentError (no date can be found), "
                f"got an article dated {got.published.date().isoformat()}"
            )
        return

    a = article(entry["path"], _input(entry))
    place = a.dateline.place if a.dateline else ""
    agency = a.dateline.agency if a.dateline else ""
    problems: list[str] = []

    def check(name: str, got: object, want: object) -> None:
        if got != want:
            problems.append(f"{name}: expected {want!r}, got {got!r}")

    check("title", a.title, expect["title"])
    check("place", place, expect.get("place", ""))
    check("agency", agency, expect.get("agency", ""))
    check("date", a.published.date().isoformat(), str(expect["date"]))
    check("kicker", a.kicker, expect.get("kicker", ""))
    check("attribution", a.attribution, expect.get("attribution", ""))
    check("credits", list(a.credits), list(expect.get("credits", [])))

    first = a.paragraphs[0].text if a.paragraphs else ""
    if not first.startswith(expect["body_start"]):
        problems.append(
            f"body: expected the first paragraph to start with {expect['body_start']!r}, "
            f"got {first[:120]!r}"
        )

    missing_rules = set(expect.get("removed", [])) - _removed_rules(a)
    if missing_rules:
        problems.append(
            f"removed: rules {sorted(missing_rules)} did not fire "
            f"(fired: {sorted(_removed_rules(a))})"
        )

    if "quotes" in expect:
        want_quotes = [(q["speaker"], q["starts"], q["paragraph"]) for q in expect["quotes"] or []]
        got_quotes = [(q.speaker, q.text, q.paragraph) for q in a.quotes]
        same = len(want_quotes) == len(got_quotes) and all(
            g_speaker == w_speaker and g_text.startswith(w_starts) and g_par == w_par
            for (w_speaker, w_starts, w_par), (g_speaker, g_text, g_par) in zip(
                want_quotes, got_quotes, strict=False
            )
        )
        if not same:
            want_lines = "".join(f"\n    {s!r} ¶{p}: {t!r}…" for s, t, p in want_quotes)
            got_lines = "".join(f"\n    {s!r} ¶{p}: {t[:70]!r}" for s, t, p in got_quotes)
            problems.append(
                f"quotes (speaker ¶paragraph: text):\n  expected{want_lines or ' none'}"
                f"\n  got{got_lines or ' none'}"
            )

    names = {m.name for m in a.mentions}
    missing_names = [n for n in expect.get("mentions", []) if n not in names]
    if missing_names:
        problems.append(f"mentions: missing {missing_names} (found {sorted(names)})")

    for text in expect.get("absent_in_body", []):
        found = [i for i, p in enumerate(a.paragraphs) if text in p.text]
        if found:
            problems.append(f"absent_in_body: {text!r} is still in paragraph(s) {found}")

    if problems:
        pytest.fail(
            f"{where}:\n- " + "\n- ".join(problems) + f"\nclean paragraphs:\n{_paragraphs(a)}",
            pytrace=False,
        )


def test_the_table_is_large_and_covers_every_agency_twice() -> None:
    assert len(ENTRIES) >= 64, f"the table has only {len(ENTRIES)} dispatches"
    ids = Counter(e["id"] for e in ENTRIES)
    assert not [i for i, n in ids.items() if n > 1], "ids must be unique"
    checked = Counter(
        e["expect"].get("agency", "") for e in ENTRIES if not e["expect"].get("error")
    )
    thin = {name: checked[name] for name in AGENCIES if checked[name] < 2}
    assert not thin, f"agencies with fewer than two (non-error) dispatches: {thin}"
    unknown = set(checked) - {*AGENCIES, ""}
    assert not unknown, f"agencies not in brief/data/agencies.yaml: {unknown}"


def test_the_table_covers_the_forms_it_is_for() -> None:
    expects = [e["expect"] for e in ENTRIES]
    fired = Counter(rule for x in expects for rule in x.get("removed", []))
    assert not [r for r in BOILERPLATE_RULES if not fired[r]], f"rules never expected: {fired}"
    speakers = [q["speaker"] for x in expects for q in x.get("quotes") or []]
    assert "" in speakers, "no unattributable quote"
    assert any(e.get("crlf") for e in ENTRIES), "no CRLF dispatch"
    assert any(x.get("error") for x in expects), "no dispatch without a date"
    assert sum(1 for x in expects if not x.get("error") and not x.get("agency")) >= 2
    assert any(x.get("kicker") == "IN BRIEF" for x in expects)
    assert any(x.get("attribution") for x in expects)
    assert any(x.get("credits") for x in expects)
    assert all(set(x) >= {"title", "body_start"} or x.get("error") for x in expects)
