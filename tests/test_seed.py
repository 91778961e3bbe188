"""The bundled seed article (a real TASS dispatch) normalizes and tags as a reader expects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from brief.build import read_articles
from brief.config import load_config
from brief.news.knowledge import load_knowledge
from brief.stages.discover import discover
from brief.taxonomy import load_topics

REPO = Path(__file__).resolve().parent.parent
SEED = "content/2021/000_fed5f0d4c4963b3d.txt"


def test_the_seed_file_is_shipped_unchanged() -> None:
    shared = REPO.parent / "shared" / "000_fed5f0d4c4963b3d.txt"
    if shared.exists():  # beside a developer's checkout; CI has a copy too
        assert (REPO / SEED).read_bytes() == shared.read_bytes()
    assert (REPO / SEED).read_bytes().startswith(b"NATO Secretary General says he discussed")


def test_the_seed_article_has_the_expected_fields() -> None:
    config = load_config(REPO)
    sources, problems = discover(config)
    articles, more = read_articles(sources, config, load_knowledge(REPO), load_topics(REPO)[0])
    assert problems == () and more == ()
    [seed] = [a for a in articles if a.source_path == SEED]
    assert seed.title == "NATO Secretary General says he discussed Russia during meeting with Biden"
    assert seed.dateline is not None
    assert seed.dateline.place == "Washington"
    assert seed.agency == "TASS"
    assert seed.published.date() == date(2021, 6, 8)
    assert seed.origin("published") == "dateline 'June 8', year from folder 2021/"
    assert "originally published" not in seed.body_html
    assert all("originally published" not in p.text for p in seed.paragraphs)
    assert seed.paragraphs[0].text.startswith(
        "NATO Secretary General Jens Stoltenberg and US President"
    )
    assert len(seed.paragraphs) == 7
    assert seed.paragraphs[-1].text.startswith("Stoltenberg said on Monday that NATO")
    assert seed.summary.endswith("in response to a question by TASS.")
    topics = {t.topic.name: t for t in seed.topics}
    assert {"Arms control", "NATO-Russia Council"} <= set(topics)
    arms = {e.phrase: e.count for e in topics["Arms control"].evidence}
    assert arms["arms control"] == 4 and arms["New START"] == 1
    nrc = topics["NATO-Russia Council"].evidence
    assert [(e.phrase, e.count) for e in nrc] == [("NATO-Russia Council", 3)]
