"""A broken site: the exact list of ``path:line: message`` lines one run reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

BROKEN = """
-- brief.yaml --
title: Broken
-- topics.yaml --
- name: Arms control
-- content/2021/good.txt --
A good article

MOSCOW, June 1. /TASS/. Fine.
-- content/2021/dup.txt --
A good article

MOSCOW, June 2. /TASS/. Same title, same slug.
-- content/empty.txt --
-- content/2021/title-only.txt --
Just a title
-- content/no-year.txt --
Title

WASHINGTON, June 8. /TASS/. No year anywhere.
-- content/2021/bad-date.md --
---
title: Bad date
date: next Tuesday
---
Body.
-- content/2021/unclosed.md --
---
title: Never closed
Body.
-- content/2021/unknown-topic.md --
---
title: Unknown topic
date: 2021-06-01
topics: [Cyber]
---
Body.
-- content/notes.docx --
binary
"""


def test_one_run_reports_every_problem_in_path_order(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site(BROKEN)
    code, out, err = run("build", "--root", project)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "content/2021/bad-date.md:3: date: cannot read the date 'next Tuesday' "
        "(write it as 2021-06-08, 8 June 2021 or 2021-06-08T14:30:00+03:00)",
        "content/2021/good.txt:1: slug: slug 'a-good-article' is also used by content/2021/dup.txt "
        "(give one of them another title or a slug: in front matter)",
        "content/2021/title-only.txt:1: empty: the article has no body text "
        "(add the story's paragraphs under the title)",
        "content/2021/unclosed.md:1: front-matter: front matter is never closed "
        "(end it with a line of three dashes: ---)",
        "content/2021/unknown-topic.md:4: warning: topics: unknown topic 'Cyber' is ignored "
        "(add it to topics.yaml or fix the spelling)",
        "content/empty.txt:1: empty: the file is empty (write a title line, a blank line, then the story)",
        "content/no-year.txt:3: dateline: no year for 'June 8' (put the file under a year folder "
        "such as content/2021/, or add date: to its front matter)",
        "content/notes.docx: warning: skipped: unsupported file type '.docx' (brief reads .txt, .md and .html files)",
        "Build failed: 6 errors, 2 warnings; site/ was left as it was.",
    ]
    assert not (project / "site").exists()


def test_template_errors_name_the_template_line_and_the_article_being_rendered(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site("""
-- content/2021/a.txt --
A title

MOSCOW, June 1. /TASS/. Body.
-- templates/article.html --
{% extends "!theme/article.html" %}
{% block content %}
<p>{{ article.no_such_field }}</p>
{% endblock %}
""")
    code, _, err = run("build", "--root", project)
    assert code == 1
    assert err.splitlines()[0] == (
        "templates/article.html:3: template: 'brief.model.Article object' has no attribute "
        "'no_such_field' (while rendering /articles/a-title/ from content/2021/a.txt) "
        "(check the names the template uses)"
    )
    assert "Traceback" not in err


def test_a_template_syntax_error_names_its_line(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site("""
-- content/2021/a.txt --
A title

MOSCOW, June 1. /TASS/. Body.
-- templates/topics.html --
{% extends "!theme/topics.html" %}
{% block content %}
{% for t in topics %}
{% endblock %}
""")
    code, _, err = run("build", "--root", project)
    assert code == 1
    assert err.splitlines()[0].startswith("templates/topics.html:4: template: ")
    assert "Traceback" not in err


def test_a_template_that_is_not_utf8_is_named_with_its_line_and_told_to_be_saved_as_utf8(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site("""
-- content/2021/a.txt --
A title

MOSCOW, June 1. /TASS/. Body.
-- templates/index.html --
{% extends "!theme/index.html" %}
{% block content %}{% include "part.html" %}{% endblock %}
""")
    (project / "templates/part.html").write_bytes(b"<p>ok</p>\n<p>caf\xe9</p>\n")
    code, _, err = run("build", "--root", project)
    assert code == 1
    assert err.splitlines()[0] == (
        "templates/part.html:2: template: not UTF-8 text: byte 0xe9 at byte offset 16 "
        "(save it as UTF-8)"
    )
    (project / "templates/part.html").unlink()
    (project / "templates/index.html").write_bytes(b'{% extends "!theme/index.html" %}{# \xe9 #}')
    code, _, err = run("build", "--root", project)
    assert code == 1
    assert err.splitlines()[0] == (
        "templates/index.html:1: template: not UTF-8 text: byte 0xe9 at byte offset 36 "
        "(save it as UTF-8)"
    )


def test_a_theme_template_that_does_not_exist_is_named_where_it_is_asked_for(
    site: Callable[[str], Path], run: Callable[..., tuple[int, str, str]]
) -> None:
    project = site("""
-- content/2021/a.txt --
A title

MOSCOW, June 1. /TASS/. Body.
-- templates/index.html --
{# the home page, from a theme template that is not there #}
{% extends "!theme/nope.html" %}
""")
    code, _, err = run("build", "--root", project)
    assert code == 1
    [problem, summary] = err.splitlines()
    assert problem.startswith(
        'templates/index.html:2: template: asks for "!theme/nope.html", but the default theme '
        "has no nope.html (while rendering /) (use one of the theme's templates: 404.html, "
        "archive.html, article.html, "
    )
    assert problem.endswith(", topics.html)")
    assert summary.startswith("Build failed: 1 error")
