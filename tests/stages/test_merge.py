"""merge: the same story saved twice becomes one article that lists the other copies."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import brief.stages.merge as merge_module
from brief.stages.merge import _hash, _shingles, candidates, merge, sketch, stays_alone

from .helpers import article

STORY = (
    "MOSCOW, June 1. /TASS/. Russia and the United States will hold consultations on strategic "
    "stability in Geneva next week, Deputy Foreign Minister Sergey Ryabkov told reporters on Tuesday.\n\n"
    "“We expect a professional conversation without any illusions about quick results,” he said.\n\n"
    "The talks follow the extension of the New START treaty in February for five more years.\n"
)


def test_identical_text_from_two_files_is_merged_into_one_with_a_note() -> None:
    a = article("content/2021/a.txt", "Ryabkov on Geneva talks\n\n" + STORY)
    b = article(
        "content/2021/b.txt",
        "---\nsource: Example Site\nsource_url: https://example.org/x\n---\n"
        "Ryabkov on Geneva talks\n\n"
        + STORY.replace("MOSCOW, June 1. /TASS/. ", "MOSCOW, June 1. /TASS/. "),
    )
    kept, notes = merge((a, b))
    assert len(kept) == 1
    [canonical] = kept
    assert (
        canonical.source_path == "content/2021/b.txt"
    )  # both have the dateline; b names its source
    assert [(o.path, o.reason) for o in canonical.also_reported_by] == [
        ("content/2021/a.txt", "identical text")
    ]
    assert [n.format() for n in notes] == [
        "content/2021/a.txt:1: note: duplicate: merged into content/2021/b.txt (identical text) "
        "(it is listed there as 'also reported by')"
    ]


def test_the_same_wire_story_with_other_furniture_is_merged() -> None:
    a = article("content/2021/a.txt", "Ryabkov on Geneva talks\n\n" + STORY)
    b = article(
        "content/2021/b.txt",
        "---\ndate: 2021-06-01\n---\nRussia, US to hold Geneva consultations — Ryabkov\n\nA standfirst from another site.\n\n"
        + STORY.replace("MOSCOW, June 1. /TASS/. ", "")
        + "\nSubscribe to our daily digest\n",
    )
    kept, _ = merge((a, b))
    assert [k.source_path for k in kept] == [
        "content/2021/a.txt"
    ]  # the copy with the dateline wins
    [other] = kept[0].also_reported_by
    assert other.path == "content/2021/b.txt" and other.reason.endswith("of the text shared")


def test_different_stories_on_the_same_topic_are_kept_apart() -> None:
    a = article("content/2021/a.txt", "Ryabkov on Geneva talks\n\n" + STORY)
    b = article(
        "content/2021/b.txt",
        "Lavrov on Geneva\n\nMOSCOW, June 2. /TASS/. Foreign Minister Sergey Lavrov "
        "said on Wednesday that Moscow expected the consultations on strategic stability in Geneva to "
        "be difficult, and that no quick results should be expected from them at all.\n",
    )
    kept, notes = merge((a, b))
    assert len(kept) == 2 and notes == ()


def test_a_merged_copy_does_not_collide_on_its_slug_and_the_page_lists_it(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site(
        "-- content/2021/a.txt --\nRyabkov on Geneva talks\n\n"
        + STORY
        + "-- content/2021/b.txt --\n---\nsource: Example Site\nsource_url: https://example.org/x\n---\n"
        "Ryabkov on Geneva talks\n\n" + STORY
    )
    code, out, err = run("build", "--root", project)
    assert code == 0, err
    assert "content/2021/a.txt:1: note: duplicate: merged into content/2021/b.txt" in err
    assert out.startswith("Built 1 article,") and "0 warnings" in out
    page = (project / "site/articles/ryabkov-on-geneva-talks/index.html").read_text()
    assert "Also reported by" in page and "identical text" in page


def test_an_article_that_stays_alone_changes_no_candidate_pair_and_is_in_none() -> None:
    # brief.shortcut skips merge when one article's sketch changes and stays_alone says
    # so: the pairs merge compares must then be the same, and none of them hold it. Small
    # pools of hashes make shared values common, near and across the stock-phrase limit.
    rng = random.Random(11)
    outcomes = Counter[bool]()
    for _ in range(400):
        count, pool = rng.randrange(20, 80), rng.randrange(30, 600)
        sketches = [tuple(sorted(rng.sample(range(pool), 24))) for _ in range(count)]
        for _ in range(rng.randrange(4)):  # copies of one story share most of their hashes
            a, b = rng.sample(range(count), 2)
            sketches[b] = tuple(sorted({*sketches[a][:20], *rng.sample(range(pool), 4)}))
        me = rng.randrange(count)
        new = list(sketches[me])
        for _ in range(rng.randrange(7)):
            new[rng.randrange(len(new))] = rng.randrange(pool)
        changed = tuple(sorted(set(new)))
        alone = stays_alone(me, sketches[me], changed, sketches)
        outcomes[alone] += 1
        if alone:
            before = candidates({f"a{n}": s for n, s in enumerate(sketches)})
            sketches[me] = changed
            after = candidates({f"a{n}": s for n, s in enumerate(sketches)})
            assert before == after
            assert f"a{me}" not in {path for pair in after for path in pair}
    assert outcomes[True] > 50 and outcomes[False] > 50  # both ways were tried


def test_an_article_taking_up_a_hash_fifty_others_share_does_not_stay_alone() -> None:
    # Fifty articles share twelve hashes: each pair is compared. A fifty-first article with
    # one of them makes it a stock phrase, and the pairs are no longer compared.
    block = tuple(range(1000, 1012))
    sketches = [
        tuple(sorted(block + tuple(range(n * 100 + 20000, n * 100 + 20012)))) for n in range(50)
    ]
    sketches.append(tuple(range(9000, 9024)))
    me, new = 50, tuple(sorted((1000, *range(9000, 9023))))
    paths = [f"a{n}" for n in range(51)]
    before = candidates(dict(zip(paths, sketches, strict=True)))
    after = candidates(dict(zip(paths, [*sketches[:50], new], strict=True)))
    assert len(before) == 50 * 49 // 2 and after == []
    assert not stays_alone(me, sketches[me], new, sketches)
    assert stays_alone(me, sketches[me], tuple(range(9001, 9025)), sketches)


def test_a_sketch_is_the_smallest_shingle_hashes_whatever_the_length() -> None:
    rng = random.Random(7)
    vocabulary = [f"word{n}" for n in range(400)]
    # From 3 words (one shingle) to 900 (hundreds of hashes in the lowest eighth)
    for length in (3, 6, 20, 30, 60, 120, 250, 900):
        words = " ".join(rng.choice(vocabulary) for _ in range(length))
        a = article(f"content/2021-06-08-s{length}.txt", f"Title\n\n{words}.\n")
        assert sketch(a) == tuple(sorted(_shingles(a))[:24])


def test_shingles_are_the_same_when_the_kept_word_hashes_are_emptied_as_they_fill(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Word hashes are kept from article to article, emptied when full; the shingles must be
    # those of each word's own hash whatever the memo held (here emptied every few words).
    text = "the treaty the talks the treaty and the talks on the treaty went on"
    a = article("content/2021-06-08-t.txt", f"Title\n\n{text}.\n")
    words = text.split()
    expected = {hash(tuple(_hash(w) for w in words[i : i + 5])) for i in range(len(words) - 4)}
    monkeypatch.setattr(merge_module, "_WORDS_KEPT", 3)
    monkeypatch.setattr(merge_module, "_WORD_HASHES", merge_module._WordHashes())
    assert _shingles(a) == expected
    assert len(merge_module._WORD_HASHES) <= 3
