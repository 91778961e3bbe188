"""brief.yaml and topics.yaml mistakes: each names the file and line, exits 2, keeps site/."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from brief.config import Config, load_config
from brief.errors import ConfigError
from brief.taxonomy import load_topics
from tests.conftest import snapshot

Site = Callable[[str], Path]
Run = Callable[..., tuple[int, str, str]]

GOOD = """
-- brief.yaml --
title: Test
-- content/2021/a.txt --
Title here

WASHINGTON, June 8. /TASS/. Body text.
"""


def built(site: Site, run: Run) -> tuple[Path, dict[str, bytes]]:
    """A project with a good site built into site/, and a snapshot of that site."""
    project = site(GOOD)
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    before = snapshot(project / "site")
    assert "index.html" in before
    return project, before


def write(project: Path, name: str, text: str) -> None:
    (project / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def assert_config_error(project: Path, before: dict[str, bytes], code: int, err: str) -> None:
    """Exit 2, no traceback, and site/ exactly as the good build left it."""
    assert code == 2, err
    assert "Traceback" not in err
    after = snapshot(project / "site")
    assert after["index.html"] == before["index.html"]
    assert sorted(after) == sorted(before)
    assert after == before


# brief.yaml


def test_unknown_config_key_names_its_line_and_suggests_the_right_one(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", "title: Test\nhome_artciles: 5\n")
    code, out, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert out == ""
    assert (
        "brief.yaml:2: config: unknown key 'home_artciles' (did you mean 'home_articles'?)"
        in err.splitlines()
    )


def test_an_unknown_key_with_no_close_match_lists_the_known_keys(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", "title: Test\n\nzzzzzz: 1\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert "brief.yaml:3: config: unknown key 'zzzzzz' (known keys: title, description," in err


def test_several_config_problems_are_all_reported_in_one_run_each_with_its_line(
    site: Site, run: Run
) -> None:
    project, before = built(site, run)
    write(
        project,
        "brief.yaml",
        """
        title: [a]
        tiemzone: UTC
        language: en_US
        base_url: example.org/briefing/
        home_articles: many
        timezone: Mars/Olympus_Mons
        """,
    )
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    lines = err.splitlines()
    assert lines[0].startswith("brief.yaml:1: config: title must be text")
    assert lines[1].startswith(
        "brief.yaml:2: config: unknown key 'tiemzone' (did you mean 'timezone'?)"
    )
    assert lines[2].startswith("brief.yaml:3: config: language 'en_US' is not a language tag")
    assert lines[3].startswith(
        "brief.yaml:4: config: base_url 'example.org/briefing/' is not a URL"
    )
    assert lines[4].startswith("brief.yaml:5: config: home_articles must be a whole number above 0")
    assert lines[5].startswith("brief.yaml:6: config: unknown timezone 'Mars/Olympus_Mons'")
    assert len(lines) == 6


def test_a_title_that_is_a_list_is_an_error_asking_to_quote_it(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", "description: A site\ntitle: [a]\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == ["brief.yaml:2: config: title must be text (quote the value)"]


@pytest.mark.parametrize("value", ["many", "0", "-3", "2.5", "[5]", "²", "'1²'"])
def test_home_articles_that_is_not_a_positive_whole_number_names_its_line(
    site: Site, run: Run, value: str
) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", f"title: Test\nhome_articles: {value}\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "brief.yaml:2: config: home_articles must be a whole number above 0"
    ]


def test_home_articles_limits_the_home_page_list(site: Site, run: Run) -> None:
    project = site(
        GOOD
        + """
-- content/2021/b.txt --
Second story

WASHINGTON, June 9. /TASS/. More text.
-- content/2021/c.txt --
Oldest story

WASHINGTON, June 1. /TASS/. Old text.
"""
    )
    # The home page is the latest day's briefing, then home_articles earlier ones.
    write(project, "brief.yaml", "title: Test\nhome_articles: 1\n")
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    home = (project / "site/index.html").read_text(encoding="utf-8")
    assert "/articles/second-story/" in home
    assert "/articles/title-here/" in home
    assert "/articles/oldest-story/" not in home


@pytest.mark.parametrize(
    "url",
    ["user.github.io/briefing/", "briefing", "ftp://example.org/briefing/", "https:///briefing/"],
)
def test_a_base_url_without_a_scheme_or_host_is_not_a_url(site: Site, run: Run, url: str) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", f"title: Test\nbase_url: {url}\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        f"brief.yaml:2: config: base_url {url!r} is not a URL "
        "(use https://user.github.io/briefing/ or a path such as /)"
    ]


@pytest.mark.parametrize(
    "url", ["https://user.github.io/briefing/?ref=1", "https://user.github.io/briefing/#top"]
)
def test_a_base_url_with_a_query_or_fragment_is_refused(site: Site, run: Run, url: str) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", f"title: Test\n\nbase_url: '{url}'\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == ["brief.yaml:3: config: base_url must not have ? or #"]


@pytest.mark.parametrize("zone", ["Moscow Time", "America", "x" * 300])
def test_an_unknown_timezone_names_its_line_and_suggests_an_iana_name(
    site: Site, run: Run, zone: str
) -> None:
    # "America" is a folder of the zone database, and 300 letters too long a file name:
    # both ended as a file error naming tzdata's folder.
    project, before = built(site, run)
    write(project, "brief.yaml", f"title: Test\ntimezone: {zone}\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        f"brief.yaml:2: config: unknown timezone {zone!r} "
        "(use an IANA name such as UTC or Europe/Moscow)"
    ]


@pytest.mark.parametrize("tag", ["en_US", "english", "e", "en-"])
def test_a_bad_language_tag_names_its_line(site: Site, run: Run, tag: str) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", f"title: Test\nlanguage: {tag}\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        f"brief.yaml:2: config: language {tag!r} is not a language tag "
        "(use a BCP 47 tag such as en or en-GB)"
    ]


def test_a_valid_language_tag_is_written_into_the_pages(site: Site, run: Run) -> None:
    project = site(GOOD)
    write(project, "brief.yaml", "title: Test\nlanguage: en-GB\n")
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    assert '<html lang="en-GB">' in (project / "site/index.html").read_text(encoding="utf-8")


def test_invalid_yaml_syntax_names_the_line_and_column(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", "title: Test\ndescription: a: b\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "brief.yaml:2:15: yaml: mapping values are not allowed here (check the YAML syntax)"
    ]


def test_a_duplicate_key_names_the_second_line_and_points_to_the_first(
    site: Site, run: Run
) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", "title: One\ndescription: Two\ntitle: Three\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "brief.yaml:3: yaml: duplicate key 'title' (it was already set on line 1)"
    ]


def test_a_yaml_alias_is_refused_with_its_line(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", "title: &x Test\ndescription: *x\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "brief.yaml:2: yaml: aliases (*name) are not allowed (write the value out in full)"
    ]


def test_a_brief_yaml_that_is_a_list_is_refused(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(project, "brief.yaml", "- title: Test\n- language: en\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == ["brief.yaml:1: config: must be a mapping of keys to values"]


def test_a_brief_yaml_that_is_not_utf8_is_an_error_not_a_crash(site: Site, run: Run) -> None:
    project, before = built(site, run)
    (project / "brief.yaml").write_bytes(b"title: Caf\xe9\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == ["brief.yaml:1: encoding: not UTF-8 (byte 10) (save it as UTF-8)"]


@pytest.mark.parametrize("name", ["brief.yaml", "topics.yaml", "agencies.yaml", "speech.yaml"])
def test_a_settings_file_that_is_a_folder_is_an_error_not_skipped(
    site: Site, run: Run, name: str
) -> None:
    # It was taken for an absent file: the build went on with the defaults, saying nothing.
    project, before = built(site, run)
    (project / name).unlink(missing_ok=True)
    (project / name).mkdir()
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        f"{name}: read: cannot read it: Is a directory (make it a file brief may read, or "
        "remove it)"
    ]


def test_a_templates_folder_that_is_a_file_is_an_error_not_skipped(site: Site, run: Run) -> None:
    # Taken for an absent folder: the site's overrides were left out without a word.
    project, before = built(site, run)
    (project / "templates").write_text("not a folder")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "templates: config: 'templates' is a file, not a folder of templates (move it away, "
        "or set templates_dir to a folder)"
    ]


def test_title_no_stays_the_text_no(site: Site, run: Run) -> None:
    project = site(GOOD)
    write(project, "brief.yaml", "title: NO\ndescription: on\n")
    code, _, err = run("build", "--root", project)
    assert code == 0, err
    assert "Traceback" not in err
    home = (project / "site/index.html").read_text(encoding="utf-8")
    assert ">NO<" in home
    assert "<title>NO</title>" in home
    assert load_config(project).description == "on"


def test_an_empty_brief_yaml_gives_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "brief.yaml").write_text("# nothing yet\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config == Config(root=tmp_path)


def test_base_url_override_makes_every_link_start_with_its_path(site: Site, run: Run) -> None:
    project = site(GOOD)
    code, _, err = run("build", "--root", project, "--base-url", "https://user.github.io/briefing")
    assert code == 0, err
    home = (project / "site/index.html").read_text(encoding="utf-8")
    assert 'href="/briefing/articles/title-here/"' in home
    assert 'href="/briefing/static/brief.css"' in home
    assert 'href="/articles/' not in home


def test_a_bad_base_url_override_names_the_option(site: Site, run: Run) -> None:
    project, before = built(site, run)
    code, _, err = run("build", "--root", project, "--base-url", "user.github.io/briefing/")
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "--base-url: config: base_url 'user.github.io/briefing/' is not a URL "
        "(use https://user.github.io/briefing/ or a path such as /)"
    ]


def test_output_override_builds_into_that_folder_with_links_under_the_sub_path(
    site: Site, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = site(GOOD)
    monkeypatch.chdir(project)
    code, out, err = run(
        "build", "--base-url", "https://user.github.io/briefing/", "--output", "public"
    )
    assert code == 0, err
    assert out.rstrip().endswith("into public/")
    assert not (project / "site").exists()
    home = (project / "public/index.html").read_text(encoding="utf-8")
    assert 'href="/briefing/articles/title-here/"' in home
    assert (project / "public/articles/title-here/index.html").is_file()


def test_output_override_is_relative_to_where_the_user_is_not_to_root(
    site: Site, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = site(GOOD)
    monkeypatch.chdir(project.parent)
    code, out, err = run("build", "--root", "project", "--output", "project/public")
    assert code == 0, err
    assert out.rstrip().endswith("into public/")
    assert (project / "public/index.html").is_file()


def test_an_output_dir_in_brief_yaml_that_overlaps_content_names_brief_yaml_and_its_line(
    site: Site, run: Run
) -> None:
    """README: a bad value in brief.yaml is an error naming brief.yaml and the line."""
    project, before = built(site, run)
    write(project, "brief.yaml", "title: Test\noutput_dir: content\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert (project / "content/2021/a.txt").is_file()
    assert err.startswith("brief.yaml:2: ")
    assert "overlaps the content, templates or cache folder" in err


# topics.yaml


@pytest.mark.parametrize(
    "rule", ["arms control", "[arms control, [nested]]", "{arms: control}", "[arms control, '']"]
)
def test_a_match_rule_that_is_not_a_list_of_phrases_names_its_line(
    site: Site, run: Run, rule: str
) -> None:
    project, before = built(site, run)
    write(
        project,
        "topics.yaml",
        f"""
        - name: Sanctions
        - name: Arms control
          description: Treaties.
          match: {rule}
        """,
    )
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "topics.yaml:4: topics: match of 'Arms control' must be a list of phrases "
        "(write match: [New START, arms control])"
    ]


def test_an_exclude_rule_that_is_not_a_list_names_its_line(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(
        project,
        "topics.yaml",
        """
        - name: Arms control
          match: [arms control]
          exclude: gun control
        """,
    )
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "topics.yaml:3: topics: exclude of 'Arms control' must be a list of phrases "
        "(write exclude: [New START, arms control])"
    ]


def test_an_unknown_topic_key_names_its_line_and_suggests_the_right_one(
    site: Site, run: Run
) -> None:
    project, before = built(site, run)
    write(
        project,
        "topics.yaml",
        """
        - name: Arms control
          match: [arms control]
          exlude: [gun control]
        """,
    )
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "topics.yaml:3: topics: unknown key 'exlude' (did you mean 'exclude'?)"
    ]


def test_a_topic_without_a_name_names_the_topics_line(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(
        project,
        "topics.yaml",
        """
        - name: Arms control
        - description: Sanctions and export controls.
          match: [sanctions]
        """,
    )
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == ["topics.yaml:2: topics: a topic needs a name"]


def test_a_slug_that_gives_no_address_is_named_on_its_line_not_the_name(
    site: Site, run: Run
) -> None:
    project, before = built(site, run)
    write(
        project,
        "topics.yaml",
        """
        - name: Arms control
          slug: '..'
        - name: '!!!'
        """,
    )
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "topics.yaml:2: topics: slug '..' gives an empty slug (give slug: letters or digits)",
        "topics.yaml:3: topics: '!!!' gives an empty slug (add slug: with letters or digits)",
    ]


def test_two_topics_with_the_same_slug_name_the_second_ones_line(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(
        project,
        "topics.yaml",
        """
        - name: Arms control
          match: [arms control]
        - name: Arms Control!
          match: [New START]
        """,
    )
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "topics.yaml:3: topics: 'Arms Control!' has the same slug as 'Arms control' "
        "(give one of them another name or slug)"
    ]


def test_a_topics_yaml_that_is_not_a_list_is_refused(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(project, "topics.yaml", "name: Arms control\nmatch: [arms control]\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.splitlines() == [
        "topics.yaml:1: topics: must be a list of topics (start each topic with '- name: …')"
    ]


def test_several_topics_problems_are_reported_together(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(
        project,
        "topics.yaml",
        """
        - name: Arms control
          matches: [arms control]
        - description: No name.
        - name: Sanctions
          match: sanctions
        """,
    )
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    lines = err.splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "topics.yaml:2: topics: unknown key 'matches'",
        "topics.yaml:3: topics: a topic needs a name",
        "topics.yaml:5: topics: match of 'Sanctions' must be a list of phrases",
    ]


def test_a_topics_yaml_syntax_error_names_its_line(site: Site, run: Run) -> None:
    project, before = built(site, run)
    write(project, "topics.yaml", "- name: Arms control\n  match: [a, b\n- name: X\n")
    code, _, err = run("build", "--root", project)
    assert_config_error(project, before, code, err)
    assert err.startswith("topics.yaml:3:")
    assert ": yaml: " in err


# the library functions


def test_load_config_raises_config_error_with_every_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "brief.yaml").write_text(
        "title: Test\ntitel: Typo\nhome_articles: 0\ntimezone: Nowhere/Land\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    found = [(d.path, d.line, d.code, d.severity) for d in caught.value.diagnostics]
    assert found == [
        ("brief.yaml", 2, "config", "error"),
        ("brief.yaml", 3, "config", "error"),
        ("brief.yaml", 4, "config", "error"),
    ]
    assert caught.value.diagnostics[0].hint == "did you mean 'title'?"


def test_load_config_without_brief_yaml_gives_defaults_and_applies_overrides(
    tmp_path: Path,
) -> None:
    config = load_config(tmp_path, {"base_url": "https://user.github.io/briefing"})
    assert config.title == "Briefing"
    assert config.home_articles == 30
    assert config.base_url == "https://user.github.io/briefing/"
    assert config.base_path == "/briefing/"


def test_load_config_names_an_override_by_its_option(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, {"output_dir": " "})
    assert [d.format() for d in caught.value.diagnostics] == [
        "--output: config: output_dir must not be empty"
    ]


def test_load_topics_raises_config_error_with_the_line(tmp_path: Path) -> None:
    (tmp_path / "topics.yaml").write_text(
        "- name: Arms control\n  match: [arms control, [x]]\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_topics(tmp_path)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.code) == ("topics.yaml", 2, "topics")
    assert "must be a list of phrases" in diagnostic.message


def test_load_topics_keeps_numbers_as_phrases_and_adds_the_name(tmp_path: Path) -> None:
    (tmp_path / "topics.yaml").write_text(
        "- name: Arms control\n  slug: arms\n  match: [New START, 2021]\n", encoding="utf-8"
    )
    topics, data = load_topics(tmp_path)
    [topic] = topics
    assert topic.slug == "arms"
    assert topic.match == ("Arms control", "New START", "2021")
    assert data == (tmp_path / "topics.yaml").read_bytes()


def test_load_topics_without_topics_yaml_is_an_empty_taxonomy(tmp_path: Path) -> None:
    assert load_topics(tmp_path) == ((), b"")
