"""The {% cached %} tag: a fragment rendered once per key and per build, never a stale one."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from brief.build import build
from brief.config import load_config
from brief.fragments import FragmentCache, forget_fragments


def _environment(calls: list[int]) -> jinja2.Environment:
    env = jinja2.Environment(extensions=[FragmentCache], autoescape=True)

    def tick() -> int:
        calls.append(1)
        return len(calls)

    env.globals["tick"] = tick
    return env


def test_a_fragment_is_rendered_once_per_key_until_the_build_forgets_it() -> None:
    calls: list[int] = []
    env = _environment(calls)
    template = env.from_string(
        "{% for i in keys %}{% cached 'n', i %}[{{ i }}:{{ tick() }}]{% endcached %}{% endfor %}"
    )
    assert template.render(keys=[1, 1, 2, 1]) == "[1:1][1:1][2:2][1:1]"
    assert template.render(keys=[2]) == "[2:2]"  # the same build: still the first rendering
    forget_fragments(env)
    assert template.render(keys=[2]) == "[2:3]"


def test_a_cached_fragment_is_escaped_once() -> None:
    env = _environment([])
    template = env.from_string(
        "{% for t in [text, 'unused'] %}{% cached 'x' %}{{ t }}{% endcached %}|{% endfor %}"
    )
    assert template.render(text="<b>&") == "&lt;b&gt;&amp;|&lt;b&gt;&amp;|"


def test_two_tags_never_share_a_fragment_even_with_equal_keys() -> None:
    env = _environment([])
    template = env.from_string(
        "{% cached 'c', 1 %}x{% endcached %}{% cached 'c', True %}z{% endcached %}"
    )
    assert template.render() == "xz"


def test_a_key_that_cannot_be_a_key_is_a_template_error_saying_what_a_key_may_be() -> None:
    env = _environment([])
    template = env.from_string("line one\n{% cached 'x', items %}{{ items }}{% endcached %}")
    with pytest.raises(jinja2.TemplateRuntimeError, match="a key must be text, numbers"):
        template.render(items=[1, 2])


def test_a_rebuild_shows_an_edited_summary_in_every_listing_though_its_url_is_the_same(
    tmp_path: Path,
) -> None:
    # The theme caches an article's listing entry by its URL: the next build (here in the
    # same process, with the same compiled templates, as under brief serve) must render it
    # again, or every listing would show the old summary.
    project = tmp_path / "project"
    (project / "content/2021").mkdir(parents=True)
    (project / "brief.yaml").write_text("title: T\nbase_url: https://example.org/\nsearch: false\n")
    (project / "topics.yaml").write_text("- name: Arms control\n  match: [arms control]\n")
    article = project / "content/2021/talks.txt"
    article.write_text(
        "Arms control talks resume\n\nMOSCOW, June 1. /TASS/. The arms control talks resumed "
        "in Geneva on Monday, officials said.\n"
    )
    build(load_config(project))
    listing = project / "site/topics/arms-control/index.html"
    assert "resumed in Geneva" in listing.read_text()
    article.write_text(article.read_text().replace("in Geneva", "in Vienna"))
    build(load_config(project))
    shown = listing.read_text()
    assert "resumed in Vienna" in shown and "Geneva" not in shown
