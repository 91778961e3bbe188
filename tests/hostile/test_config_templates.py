"""Configuration and templates gone wrong: missing files, wrong types, unknown keys, broken
template syntax, undefined names. Config problems exit 2, template problems exit 1 naming
the template line and the article being rendered; site/ stays as it was either way."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.hostile.conftest import Built


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        pytest.param(
            "title: [a, b]\n",
            "brief.yaml:1: config: title must be text (quote the value)",
            id="list",
        ),
        pytest.param(
            "page_size: ten\n",
            "brief.yaml:1: config: page_size must be a whole number above 0",
            id="word-for-number",
        ),
        pytest.param(
            "page_size: -1\n",
            "brief.yaml:1: config: page_size must be a whole number above 0",
            id="negative",
        ),
        pytest.param(
            "page_size: 0\n",
            "brief.yaml:1: config: page_size must be a whole number above 0",
            id="zero",
        ),
        pytest.param(
            "search: yes\n", "brief.yaml:1: config: search must be true or false", id="yes"
        ),
        pytest.param(
            "allow_raw_html: 1\n",
            "brief.yaml:1: config: allow_raw_html must be true or false",
            id="allow-raw-html-1",
        ),
        pytest.param(
            "titel: x\n",
            "brief.yaml:1: config: unknown key 'titel' (did you mean 'title'?)",
            id="typo",
        ),
        pytest.param(
            "- title\n", "brief.yaml:1: config: must be a mapping of keys to values", id="a-list"
        ),
        pytest.param(
            "title: a\ntitle: b\n",
            "brief.yaml:2: yaml: duplicate key 'title' (it was already set on line 1)",
            id="duplicate",
        ),
        pytest.param(
            "a: &x 1\ntitle: *x\n",
            "brief.yaml:2: yaml: aliases (*name) are not allowed (write the value out in full)",
            id="alias",
        ),
        pytest.param(
            "timezone: Mars/Olympus\n",
            "brief.yaml:1: config: unknown timezone 'Mars/Olympus' "
            "(use an IANA name such as UTC or Europe/Moscow)",
            id="timezone",
        ),
        pytest.param(
            "timezone: ../../etc/passwd\n",
            "brief.yaml:1: config: unknown timezone '../../etc/passwd' "
            "(use an IANA name such as UTC or Europe/Moscow)",
            id="timezone-path",
        ),
        pytest.param(
            "base_url: javascript:alert(1)\n",
            "brief.yaml:1: config: base_url 'javascript:alert(1)' is not a URL "
            "(use https://user.github.io/briefing/ or a path such as /)",
            id="base-url-javascript",
        ),
        pytest.param(
            "language: 'en\"><script>'\n",
            "brief.yaml:1: config: language 'en\"><script>' is not a language tag "
            "(use a BCP 47 tag such as en or en-GB)",
            id="language-injection",
        ),
        pytest.param(
            "title: x\n  bad: indent\n",
            "brief.yaml:2:6: yaml: mapping values are not allowed here (check the YAML syntax)",
            id="yaml-syntax",
        ),
    ],
)
def test_a_bad_brief_yaml_is_a_config_error_on_its_line(
    built: Built, config: str, expected: str
) -> None:
    built.put("brief.yaml", config)
    built.fails(expected, code=2)


def test_a_missing_brief_yaml_means_the_defaults(built: Built) -> None:
    (built.root / "brief.yaml").unlink()
    built.put("brief.yaml", "search: false\n")  # only to keep the test fast: no other key
    built.passes()
    assert "<title>" in built.page("index.html")


def test_a_missing_content_folder_is_an_error(built: Built) -> None:
    shutil.rmtree(built.root / "content")
    built.fails(
        "content: content: the content folder does not exist (create content/ and put "
        "articles in it)"
    )


def test_a_broken_topics_yaml_is_a_config_error(built: Built) -> None:
    built.put("topics.yaml", "- name: A\n  match: [x\n")
    err = built.fails(code=2)
    assert err.startswith("topics.yaml:")


def test_topics_yaml_that_is_not_a_list_is_a_config_error(built: Built) -> None:
    built.put("topics.yaml", "name: A\n")
    err = built.fails(code=2)
    assert err.startswith("topics.yaml:1: ")


def test_a_project_data_file_with_a_bad_type_is_a_config_error(built: Built) -> None:
    built.put("agencies.yaml", "- name: [not, text]\n")
    built.fails("agencies.yaml:1: data: name, timezone and url must be text", code=2)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "agencies.yaml",
            "- name: Wire\n  timezone: Nowhere/Land\n",
            "agencies.yaml:2: data: unknown timezone 'Nowhere/Land' (use an IANA name such as "
            "Europe/Moscow or America/New_York)",
        ),
        (
            "agencies.yaml",
            "- name: Wire\n  timezone: America\n",  # a folder of the zone database
            "agencies.yaml:2: data: unknown timezone 'America' (use an IANA name such as "
            "Europe/Moscow or America/New_York)",
        ),
        (
            "agencies.yaml",
            "- name: Wire\n  timezone: UTC\n  site: x\n",
            "agencies.yaml:1: data: unknown key 'site' (an entry has name, and may have aliases, "
            "timezone, url)",
        ),
        (
            "speech.yaml",
            "verbs: [said]\nx: [1]\n",
            "speech.yaml:2: data: unknown key 'x' (the key is verbs)",
        ),
    ],
    ids=["unknown-timezone", "zone-folder", "unknown-agency-key", "unknown-speech-key"],
)
def test_a_project_data_file_with_a_wrong_value_or_key_is_a_config_error(
    built: Built, name: str, text: str, message: str
) -> None:
    # The timezone and the speech key were accepted without a word, and the hint for an
    # agency's unknown key left out the keys an agency may have.
    built.put(name, text)
    built.fails(message, code=2)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param(
            '{% extends "!theme/article.html" %}\n{% block content %}\n{% for x in y %}\n'
            "{% endblock %}\n",
            re.compile(
                r"templates/article\.html:4: template: Encountered unknown tag 'endblock'\..* "
                r"\(while rendering /articles/good-title/ from content/2021/good\.txt\) "
                r"\(fix the template syntax\)"
            ),
            id="syntax-error",
        ),
        pytest.param(
            '{% extends "!theme/article.html" %}\n{% block content %}\n<p>{{ 1 +  }}</p>\n'
            "{% endblock %}\n",
            re.compile(
                r"templates/article\.html:3: template: unexpected .* \(while rendering "
                r"/articles/good-title/ from content/2021/good\.txt\) \(fix the template syntax\)"
            ),
            id="bad-expression",
        ),
        pytest.param(
            '{% extends "!theme/article.html" %}\n{% block content %}\n\n<p>{{ nothing }}</p>\n'
            "{% endblock %}\n",
            "templates/article.html:4: template: 'nothing' is undefined (while rendering "
            "/articles/good-title/ from content/2021/good.txt) (check the names the template uses)",
            id="undefined-name",
        ),
        pytest.param(
            '{% extends "!theme/article.html" %}\n{% block content %}\n'
            "<p>{{ article.no_such_field }}</p>\n{% endblock %}\n",
            "templates/article.html:3: template: 'brief.model.Article object' has no attribute "
            "'no_such_field' (while rendering /articles/good-title/ from content/2021/good.txt) "
            "(check the names the template uses)",
            id="undefined-attribute",
        ),
        pytest.param(
            '{% extends "!theme/article.html" %}\n{% block content %}\n'
            "<p>{{ article.title | no_such_filter }}</p>\n{% endblock %}\n",
            "templates/article.html:3: template: No filter named 'no_such_filter'. "
            "(while rendering /articles/good-title/ from content/2021/good.txt) "
            "(fix the template syntax)",
            id="unknown-filter",
        ),
        pytest.param(
            '{% extends "!theme/article.html" %}\n{% block content %}\n'
            "<p>{{ article.word_count // 0 }}</p>\n{% endblock %}\n",
            "templates/article.html:3: template: ZeroDivisionError: integer division or modulo "
            "by zero (while rendering /articles/good-title/ from content/2021/good.txt) "
            "(check what the template computes)",
            id="runtime-error",
        ),
        pytest.param(
            '{% extends "no-such-base.html" %}\n',
            'templates/article.html:1: template: asks for "no-such-base.html", which is in '
            "neither templates/ nor the default theme (while rendering /articles/good-title/ "
            "from content/2021/good.txt) (fix the name, or add no-such-base.html to templates/)",
            id="missing-base",
        ),
    ],
)
def test_a_template_error_names_the_template_line_and_the_article(
    built: Built, template: str, expected: str | re.Pattern[str]
) -> None:
    built.put("templates/article.html", template)
    built.fails(expected)


def test_a_template_error_on_every_page_is_reported_once(built: Built) -> None:
    built.put("content/2021/two.txt", "Second\n\nMOSCOW, June 9. /TASS/. Text.\n")
    built.put(
        "templates/article.html",
        '{% extends "!theme/article.html" %}\n{% block content %}{{ nope }}{% endblock %}\n',
    )
    err = built.fails()
    assert sum("'nope' is undefined" in line for line in err.splitlines()) == 1


def test_a_template_that_reads_a_file_or_runs_code_cannot(built: Built) -> None:
    built.put(
        "templates/article.html",
        '{% extends "!theme/article.html" %}\n{% block content %}\n'
        "{{ ''.__class__.__mro__[1].__subclasses__() }}\n{% endblock %}\n",
    )
    # Templates are the site owner's code, not content: this documents that a template can
    # reach Python objects, which is why SECURITY.md says to review template changes.
    status, _, err = built.build()
    assert "Traceback" not in err
    assert status in (0, 1)
