"""brief serve: safe paths, live state, watching, rebuilding and stopping, with real parts.

Most tests start ``python -m brief serve --port 0`` over a temporary project and talk raw
HTTP to it (tests/browser/serving.py); the browser tests are in tests/browser/.
"""

from __future__ import annotations

import filecmp
import gc
import os
import shutil
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from brief import cache
from brief.build import build
from brief.config import load_config
from brief.errors import ConfigError, error
from brief.server import (
    SiteState,
    Snapshot,
    _BuildLoop,
    bind,
    build_site,
    inject,
    is_loopback,
    safe_path,
)
from brief.stages.write import read_stamp
from brief.watch import Scope, Watcher, is_noise
from tests.browser.serving import (
    ARTICLE,
    ARTICLE_FILE,
    BRIEF_YAML,
    PROJECT,
    Served,
    edit,
    make_project,
)

SECRET = "TOP-SECRET-7f3a9c"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def served(project: Path) -> Iterator[Served]:
    server = Served(project)
    yield server
    server.stop()


# --- paths, pages and state, as values -------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "/../secret",
        "/a/../../secret",
        "/%2e%2e/secret",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsecret",
        "/..%2Fsecret",
        "/..%5csecret",
        "/..\\secret",
        "/index.html%00.txt",
        "/%00",
        "/a%0d%0aSet-Cookie:x",
        "//evil.example/..%2f..%2fsub",
        "/a//b",
        "/./index.html",
        "/%ff%fe",
        "http://evil.example/",
        "C:/windows",
        "",
    ],
)
def test_safe_path_refuses_traversal_encoded_separators_and_control_characters(raw: str) -> None:
    assert safe_path(raw) is None


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("/", "/"),
        ("/briefing/articles/a-b/", "/briefing/articles/a-b/"),
        ("/static/brief.css", "/static/brief.css"),
        ("/%252e%252e/", "/%2e%2e/"),  # decoded once: a file literally named %2e%2e, not ..
        ("/topics/caf%C3%A9/", "/topics/café/"),
        ("/a..b/c...", "/a..b/c..."),
    ],
)
def test_safe_path_decodes_a_good_path_exactly_once(raw: str, decoded: str) -> None:
    assert safe_path(raw) == decoded


def test_the_live_state_goes_before_body_end_with_markup_in_messages_escaped() -> None:
    bad = error("content/a.md", 3, "date", "bad </script><script>alert(1)</script> & more")
    snapshot = Snapshot(Path("site"), "/briefing/", 2, 5, (bad,))
    page = inject(b"<html><body><p>x</p></BODY></html>", snapshot)
    head, tail = page.split(b"</BODY>")
    assert tail == b"</html>"
    assert b"</script><script>alert" not in page
    assert b"\\u003c/script\\u003e" in head
    assert b'<script src="/briefing/__brief__/livereload.js"></script>' in head
    assert inject(b"no body", snapshot).startswith(b"no body<script")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        *[("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True)],
        *[("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False)],
    ],
)
def test_only_loopback_addresses_count_as_private(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# --- watching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["4913", ".a.md.swp", "a.md~", ".#a.md", "#a.md#", "a.md.swx", "a.txt.tmp", "x___jb_tmp___"],
)
def test_editor_droppings_are_noise(name: str) -> None:
    assert is_noise(name)


def test_the_scope_holds_content_templates_and_yaml_beside_the_config(project: Path) -> None:
    scope = Scope.of(load_config(project))
    root = project.resolve()
    relevant = [
        "content/2021/a.txt",
        "content/notes.docx",  # the build warns about it, so it changes the output
        "content",
        "templates/article.html",
        "templates/static/brief.css",
        "brief.yaml",
        "topics.yaml",
        "agencies.yaml",
    ]
    irrelevant = [
        "site/index.html",
        ".brief-cache/articles-00.bin",
        ".site.brief-staging",
        "content/.git/index",
        "content/2021/.a.txt.swp",
        "content/2021/4913",
        "README.md",
        "tests/x.yaml",
        ".hidden.yaml",
    ]
    assert [p for p in relevant if not scope.relevant(root / p)] == []
    assert [p for p in irrelevant if scope.relevant(root / p)] == []


def _drain(watcher: Watcher, seconds: float = 0.8) -> list[frozenset[str]]:
    """Every batch the watcher hands out within ``seconds``."""
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    batches = []
    while (batch := watcher.changes(stop, quiet=0.2, longest=1.0)) is not None:
        batches.append(batch)
    timer.cancel()
    return batches


@pytest.fixture
def watcher(project: Path) -> Iterator[Watcher]:
    watching = Watcher()
    watching.follow(load_config(project))
    time.sleep(0.1)
    yield watching
    watching.close()


def test_an_atomic_save_counts_through_the_moves_destination(
    project: Path, watcher: Watcher
) -> None:
    edit(project / ARTICLE_FILE, "Changed\n")
    assert _drain(watcher) == [frozenset({ARTICLE_FILE})]


def test_idle_says_whether_the_project_stayed_quiet_and_keeps_the_change(
    project: Path, watcher: Watcher
) -> None:
    # brief serve collects a rebuild's garbage only when idle() is true: not while a change
    # waits to be built, and the change is still handed out afterwards.
    stop = threading.Event()
    started = time.monotonic()
    assert watcher.idle(0.3, stop)
    assert time.monotonic() - started >= 0.3
    edit(project / ARTICLE_FILE, "Changed while idle was waited for\n")
    assert not watcher.idle(5.0, stop)
    assert _drain(watcher) == [frozenset({ARTICLE_FILE})]
    stop.set()
    assert not watcher.idle(5.0, stop)


def test_serve_collects_after_ten_rebuilds_in_a_row_even_if_never_idle(
    project: Path, watcher: Watcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An autosave every 0.2 s never leaves the project quiet for IDLE seconds.
    state = SiteState(Snapshot(project / "site", "/"))
    loop = _BuildLoop(project, {}, False, build_site, state, watcher, threading.Event())
    monkeypatch.setattr(watcher, "idle", lambda seconds, stop: False)
    gc.disable()
    try:
        for _ in range(9):
            loop._collect_when_idle()
            assert not gc.isenabled()
        loop._collect_when_idle()
        assert gc.isenabled()
    finally:
        gc.enable()


def test_polling_sees_an_atomic_save_too(project: Path) -> None:
    watching = Watcher(poll=True)  # for WSL drives, Docker mounts and network drives
    try:
        watching.follow(load_config(project))
        time.sleep(0.6)  # the first poll takes the snapshot that later ones compare with
        edit(project / ARTICLE_FILE, "Changed by a polled editor\n")
        assert _drain(watching, 2.0) == [frozenset({ARTICLE_FILE})]
    finally:
        watching.close()


def test_reads_temp_files_and_the_builds_own_writes_are_not_changes(
    project: Path, watcher: Watcher
) -> None:
    (project / ARTICLE_FILE).read_bytes()
    (project / "content/2021/06/.nato-talks.txt.swp").write_text("swap")
    (project / "content/2021/06/4913").write_text("")
    (project / "content/2021/06/4913").unlink()
    build(load_config(project))  # writes site/, .brief-cache/ and a staging folder
    assert _drain(watcher) == []


def test_reading_files_sends_the_watcher_thread_no_events(
    project: Path, watcher: Watcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kernel is asked for edits only: a rebuild reads every content file, and their
    # opened and closed events, handled in Python, slowed each rebuild of brief serve.
    seen: list[object] = []
    monkeypatch.setattr(watcher._handler, "on_any_event", seen.append)
    for path in sorted((project / "content").rglob("*")):
        if path.is_file():
            path.read_bytes()
    time.sleep(0.5)
    assert seen == []


def test_a_burst_of_writes_is_handed_out_as_one_change(project: Path, watcher: Watcher) -> None:
    folder = project / "content/2022"
    folder.mkdir()
    for n in range(200):
        (folder / f"a{n}.txt").write_text(f"Title {n}\n\nText.\n")
    batches = _drain(watcher, 1.5)
    assert len(batches) == 1
    assert len(batches[0]) >= 200


# --- binding -----------------------------------------------------------------------------


def test_a_busy_port_is_a_config_error_saying_what_to_do() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError) as caught:
            bind("127.0.0.1", port)
        message = caught.value.diagnostics[0].format()
        assert f"port {port} is in use" in message
        assert "--port 0" in message
        server = bind("127.0.0.1", port, find_port=True)
        try:
            assert server.server_address[1] > port
        finally:
            server.server_close()


def test_brief_serve_on_a_busy_port_exits_2_with_the_message(
    project: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run("serve", "--root", project, "--port", port)
    assert code == 2
    assert f"port {port} is in use on 127.0.0.1" in err
    assert "Traceback" not in err


# --- the running server --------------------------------------------------------------------


def test_the_site_is_served_under_its_base_path_and_the_root_redirects_there(
    served: Served,
) -> None:
    assert served.base == "/briefing/"
    status, headers, _ = served.request("/")
    assert (status, headers["Location"]) == (302, "/briefing/")
    status, headers, _ = served.request("/briefing")
    assert (status, headers["Location"]) == (302, "/briefing/")
    status, headers, _ = served.request("/briefing/" + ARTICLE.rstrip("/"))
    assert (status, headers["Location"]) == (302, "/briefing/" + ARTICLE)
    assert "agreed on Tuesday" in served.page(ARTICLE)


def test_each_file_gets_its_content_type(served: Served) -> None:
    expected = {
        "": "text/html; charset=utf-8",
        "static/brief.css": "text/css; charset=utf-8",
        "feed.xml": "application/xml",
        "feed.json": "application/json",
        "__brief__/livereload.js": "text/javascript; charset=utf-8",
    }
    for rel, content_type in expected.items():
        status, headers, _ = served.request(served.base + rel)
        assert (rel, status, headers["Content-Type"]) == (rel, 200, content_type)
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_served_pages_carry_live_reload_but_the_built_files_never_do(served: Served) -> None:
    assert 'id="brief-live-state"' in served.page("")
    assert "livereload.js" in served.page(ARTICLE)
    _, _, css = served.request(served.base + "static/brief.css")
    assert b"livereload" not in css
    site = served.project / "site"
    written = [p for p in site.rglob("*") if p.is_file() and b"__brief__" in p.read_bytes()]
    assert written == []


def test_a_missing_path_gets_the_sites_404_page(served: Served) -> None:
    status, headers, body = served.request(served.base + "no/such/page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.startswith(b"<!DOCTYPE html>")
    assert b"Live briefing" in body  # the site's own 404.html, in its layout
    assert served.request("/elsewhere/")[0] == 404  # outside the base path


def test_a_foreign_host_header_is_refused_against_dns_rebinding(served: Served) -> None:
    for host in ("evil.example", f"evil.example:{served.port}", "127.0.0.1:1", ""):
        status, _, body = served.request(served.base, headers={"Host": host})
        assert (host, status) == (host, 400)
        assert b"<html" not in body
    for host in (f"localhost:{served.port}", f"127.0.0.1:{served.port}"):
        assert served.request(served.base, headers={"Host": host})[0] == 200
    status, _, _ = served.request(
        served.base + "__brief__/events", headers={"Origin": "http://evil.example"}
    )
    assert status == 403


def test_traversal_and_malformed_paths_get_400_or_404_and_no_byte_from_outside(
    served: Served, tmp_path: Path
) -> None:
    project = served.project
    (project / "secret.txt").write_text(SECRET)
    (tmp_path / "outside.txt").write_text(SECRET)
    site = project / "site"
    os.symlink(project / "secret.txt", site / "leak.txt")
    os.symlink(project, site / "up", target_is_directory=True)
    os.symlink("/etc", site / "etc", target_is_directory=True)
    os.symlink("../secret.txt", site / "relative.txt")
    os.mkfifo(site / "fifo")
    base = served.base
    paths = [
        "/../secret.txt",
        f"{base}../secret.txt",
        f"{base}%2e%2e/secret.txt",
        f"{base}%2e%2e/%2e%2e/{tmp_path.name}/outside.txt",
        f"{base}..%2fsecret.txt",
        f"{base}..%5csecret.txt",
        f"{base}..\\secret.txt",
        f"{base}%252e%252e/secret.txt",
        f"{base}index.html%00.txt",
        f"{base}%00",
        f"{base}leak.txt",
        f"{base}up/secret.txt",
        f"{base}up/",
        f"{base}etc/passwd",
        f"{base}etc/hostname",
        f"{base}relative.txt",
        f"{base}fifo",
        f"{base}.brief-output",
        "//evil.example/..%2f..%2fsub",
        "http://evil.example/",
        "C:/windows/win.ini",
        base + "a" * 2000,
        base + "a/" * 40_000,
        f"{base}{'%C3%A9' * 100}/",
        f"{base}{'a' * 300}/x",  # a name longer than the system allows
        f"{base}%ff/",
    ]
    for path in paths:
        status, headers, body = served.request(path)
        assert status in (400, 404, 414), (path, status)
        assert SECRET.encode() not in body, path
        assert b"root:" not in body and b"Traceback" not in body, path
        assert str(tmp_path).encode() not in body, path
        assert "Location" not in headers, path
    assert "Traceback" not in served.output
    assert "agreed on Tuesday" in served.page(ARTICLE)  # still up


def test_an_edit_rebuilds_once_and_the_page_shows_it(served: Served) -> None:
    before = served.wait_quiet(quiet=0.5)
    path = served.project / ARTICLE_FILE
    edit(path, path.read_text().replace("agreed on Tuesday", "agreed on Thursday"))
    served.wait_for(lambda s: s["version"] > before["version"], "the rebuild")
    after = served.wait_quiet(quiet=0.8)
    assert after["version"] == before["version"] + 1
    assert after["generation"] == before["generation"] + 1
    assert "agreed on Thursday" in served.page(ARTICLE)
    assert any(f"after {ARTICLE_FILE} changed in" in line for line in served.out)


def test_after_a_cold_first_build_serve_leaves_a_spare_for_the_first_edit(
    served: Served,
) -> None:
    # A build makes the spare from the site it replaces; a cold one leaves none, and the
    # first edit then linked every page into new folders (twice the time of later edits).
    _wait_for_the_spare(served)


def test_after_a_template_edit_serve_makes_the_spare_again_from_the_new_site(
    served: Served,
) -> None:
    # The rebuild rewrote every page, so the spare it left (the site before) was stale
    # throughout: pruning it fell on the next edit (1.2-1.7 s instead of 0.6 s at 1,000).
    before = served.wait_quiet(quiet=0.5)
    template = served.project / "templates" / "article.html"
    template.parent.mkdir(exist_ok=True)
    edit(template, '{% extends "!theme/article.html" %}{# edited #}\n')
    served.wait_for(lambda s: s["version"] > before["version"], "the rebuild")
    _wait_for_the_spare(served)


def _wait_for_the_spare(served: Served) -> None:
    """serve readies the spare after a rebuild is published, outside its build flag."""
    site, spare = served.project / "site", cache.spare_folder(served.project, "site")
    served.wait_for(lambda _: read_stamp(spare) == read_stamp(site) != "", "a spare of the site")


def test_reads_temp_files_and_its_own_builds_cause_no_rebuild(served: Served) -> None:
    before = served.wait_quiet(quiet=1.0)  # its own first build did not wake the watcher
    content = served.project / "content/2021/06"
    (content / "nato-talks.txt").read_text()
    (content / ".nato-talks.txt.swp").write_text("swap")
    (content / "nato-talks.txt~").write_text("backup")
    (content / "4913").write_text("")
    (content / "4913").unlink()
    served.page(ARTICLE)
    assert served.wait_quiet(quiet=1.0)["version"] == before["version"]


def test_a_content_error_keeps_the_last_good_site_and_clears_when_fixed(served: Served) -> None:
    path = served.project / ARTICLE_FILE
    good = path.read_text()
    edit(path, "---\ntitle: Broken\ndate: next Tuesday\n---\nBody.\n")
    state = served.wait_for(lambda s: bool(s["errors"]), "the failed build")
    assert state["errors"][0]["text"].startswith(f"{ARTICLE_FILE}:3: date: ")
    page = served.page(ARTICLE)
    assert "agreed on Tuesday" in page  # the last good site
    assert f"{ARTICLE_FILE}:3: date" in page  # its errors, for the overlay
    edit(path, good)
    served.wait_for(lambda s: not s["errors"], "the fixed build")
    assert "still serving the last good site" in "".join(served.err)


def test_a_config_error_is_shown_and_a_config_change_applies(served: Served) -> None:
    config = served.project / "brief.yaml"
    good = config.read_text()
    edit(config, good + "colour: blue\n")
    state = served.wait_for(lambda s: bool(s["errors"]), "the config error")
    assert state["errors"][0]["text"].startswith("brief.yaml:4: config: unknown key 'colour'")
    assert "Live briefing" in served.page("")
    edit(config, good.replace("Live briefing", "Renamed briefing"))
    served.wait_for(lambda s: not s["errors"], "the fixed config")
    assert "Renamed briefing" in served.page("")


def test_a_project_broken_at_the_start_is_still_served_with_its_errors(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / ARTICLE_FILE).write_text("---\ntitle: Broken\ndate: next Tuesday\n---\nBody.\n")
    server = Served(project)
    try:
        assert server.status()["errors"]
        status, _, body = server.request(server.base)
        assert status == 404  # nothing was ever built
        assert f"{ARTICLE_FILE}:3: date".encode() in body
        assert b"livereload.js" in body
    finally:
        server.stop()


def test_fifty_concurrent_requests_during_a_rebuild_get_complete_new_pages(
    tmp_path: Path,
) -> None:
    from bench.corpus import generate, write_brief

    project = make_project(tmp_path / "project")
    write_brief(generate(150, seed=5), project)
    (project / "brief.yaml").write_text(BRIEF_YAML)
    server = Served(project)
    try:
        pages = ["", ARTICLE, "topics/", "archive/", "static/brief.css", "feed.xml"] * 9
        pages = [*pages, "no/such/page/", "2021/", "", "", "", ""][:50]
        config = project / "brief.yaml"
        edit(config, config.read_text().replace("Live briefing", "Rebuilt briefing"))
        server.wait_for(lambda s: s["building"], "the rebuild to start", timeout=10)
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(lambda rel: (rel, *server.request(server.base + rel)), pages))
        assert not server.status()["building"]
    finally:
        server.stop()
    for rel, status, headers, body in answers:
        assert status == (404 if rel in ("no/such/page/", "2021/") else 200), rel
        assert int(headers["Content-Length"]) == len(body), rel
        if headers["Content-Type"].startswith("text/html"):
            assert body.endswith(b"</html>\n"), rel
            assert b"Rebuilt briefing" in body, rel  # it waited for the build
            assert b"Live briefing" not in body, rel


def test_a_burst_of_200_writes_makes_at_most_2_rebuilds_and_equals_a_clean_build(
    served: Served, tmp_path: Path
) -> None:
    before = served.wait_quiet(quiet=0.5)
    content = served.project / "content/2022/03"
    content.mkdir(parents=True)
    for n in range(200):
        (content / f"burst-{n:03d}.txt").write_text(
            f"Burst dispatch number {n}\n\nMOSCOW, March {n % 28 + 1}. /TASS/. "
            f"Talks on arms control continued for the {n}th time.\n"
        )
    served.wait_for(lambda s: s["version"] > before["version"], "the rebuild")
    after = served.wait_quiet(quiet=1.5)
    rebuilds = after["version"] - before["version"]
    assert 1 <= rebuilds <= 2, served.output
    assert not after["errors"]
    clean = tmp_path / "clean"
    clean.mkdir()
    for name in ("brief.yaml", "topics.yaml"):
        shutil.copy(served.project / name, clean / name)
    shutil.copytree(served.project / "content", clean / "content")
    build(load_config(clean), use_cache=False)
    _assert_same_tree(served.project / "site", clean / "site")


def _assert_same_tree(left: Path, right: Path) -> None:
    names = sorted(p.relative_to(left).as_posix() for p in left.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(right).as_posix() for p in right.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_sigint_and_sigterm_stop_it_cleanly_with_exit_0(project: Path, sig: int) -> None:
    server = Served(project)
    status = server.status()
    assert status["version"] == 1
    code = server.stop(sig)
    assert code == 0, server.output
    assert "Traceback" not in server.output
    assert server.out[-1] == "Stopped.\n"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()


def test_listening_on_all_addresses_prints_a_warning(project: Path) -> None:
    server = Served(project, "--host", "0.0.0.0")
    try:
        assert server.request(server.base)[0] == 200
        assert "Warning: listening on 0.0.0.0" in "".join(server.err)
    finally:
        assert server.stop() == 0


def test_a_folder_redirect_keeps_the_query_under_the_base_path(served: Served) -> None:
    """A typed /briefing/topics?q=NATO must reach /briefing/topics/ with its terms."""
    for path, location in [
        ("/briefing/topics?q=NATO", "/briefing/topics/?q=NATO"),
        ("/briefing?q=NATO&page=2", "/briefing/?q=NATO&page=2"),
        ("/?q=NATO", "/briefing/?q=NATO"),
        ("/briefing/topics?q=%22New+START%22", "/briefing/topics/?q=%22New+START%22"),
        # Sent raw, these would be markup or break the header: they go back escaped.
        ('/briefing/topics?q="<NATO>"', "/briefing/topics/?q=%22%3CNATO%3E%22"),
        ("/briefing/topics?", "/briefing/topics/"),
    ]:
        status, headers, _ = served.request(path)
        assert (path, status, headers["Location"]) == (path, 302, location)


def test_a_typed_search_url_keeps_its_terms_on_a_site_at_the_root(tmp_path: Path) -> None:
    spec = PROJECT.replace(
        BRIEF_YAML, "title: Live briefing\nbase_url: https://briefing.example.org/\n"
    )
    server = Served(make_project(tmp_path / "project", spec))
    try:
        assert server.base == "/"
        status, headers, _ = server.request("/search?q=NATO")
        assert (status, headers["Location"]) == (302, "/search/?q=NATO")
        status, _, body = server.request("/search/?q=NATO")
        assert status == 200 and b'id="search-form"' in body
    finally:
        server.stop()
