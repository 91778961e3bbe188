"""A project folder -> a local preview: build, serve the output over HTTP, rebuild on change.

The site is built into the project's own output folder, which brief swaps in whole, so it is
always a complete site; requests that arrive during a build wait for it. Live reload travels
over the same port (server-sent events) and is added to HTML responses only, never to files.
A failed build keeps the last good site served, with the errors overlaid on every page.

Only regular files inside the output folder are served: the request path is decoded once and
refused (400) with ``..``, encoded slashes, backslashes or control characters, the real path
(symlinks resolved) must stay inside the real output folder, and the Host header must name
this server (DNS rebinding). Responses never carry a traceback or a filesystem path.
"""

from __future__ import annotations

import errno
import gc
import html
import ipaddress
import json
import os
import socket
import socketserver
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from brief.build import build
from brief.config import Config, load_config
from brief.errors import BriefError, ConfigError, Diagnostic, error
from brief.incremental import ready_spare
from brief.model import BuildReport
from brief.stages.write import MARKER, check_output
from brief.watch import Watcher

IDLE = 0.3
"""Seconds without a change after a rebuild before its garbage is collected: by then the
reloading pages have their HTML."""
_MOST_UNCOLLECTED = 10  # rebuilds in a row without a quiet moment, then collected anyway

ENDPOINT = "__brief__"
"""The dev server's own URLs live under <base path>__brief__/ (events, livereload.js, status)."""
MAX_PATH = 1024
"""Longest request path, in bytes, before 414: no page of a brief site comes near it."""
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_LIVERELOAD = Path(__file__).with_name("livereload.js")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
    ".pdf": "application/pdf",
}
# O_NONBLOCK: a FIFO in the folder must not hang the request. (getattr: Windows lacks them.)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOT_FOUND = b"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>Not found</title>"
_NOT_FOUND += b"</head><body><h1>Not found</h1></body></html>\n"

SiteBuilder = Callable[[Config, bool], BuildReport]
"""(config, drafts) -> report: how serve builds. The seam for a faster, cached build."""


def build_site(config: Config, drafts: bool) -> BuildReport:
    return build(config, drafts=drafts, warm=True)


@dataclass(frozen=True, slots=True)
class Rebuild:
    """One build's outcome, for the command line to print."""

    number: int
    """1 for the first build."""
    changed: tuple[str, ...]
    """The project files whose change started it (empty for the first build)."""
    seconds: float
    report: BuildReport | None
    """None when the build failed."""
    problems: tuple[Diagnostic, ...] = ()
    """What made it fail: every error, with the warnings found beside them."""
    crash: str = ""
    """The traceback of a bug in brief (not the user's fault); the server keeps going."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What pages and the event stream are told, and where the site is served from."""

    output: Path
    base_path: str
    generation: int = 0
    """Successful builds that changed the output: a page from an older one is stale."""
    version: int = 0
    """Every finished build, failed or not: the event stream sends each."""
    errors: tuple[Diagnostic, ...] = ()
    css_only: bool = False
    """Only stylesheets changed between generation - 1 and generation."""

    def as_json(self, **extra: object) -> str:
        return json.dumps(
            {
                **extra,
                "generation": self.generation,
                "version": self.version,
                "css_only": self.css_only,
                "errors": [
                    {"text": d.format(), "path": d.path, "line": d.line, "message": d.message}
                    | {"hint": d.hint}
                    for d in self.errors
                ],
            },
            ensure_ascii=True,
        )


class SiteState:
    """The served site's snapshot, and the gate that holds requests back during a build."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._cond = threading.Condition()
        self._readers = 0
        self._building = False
        self.stopping = False

    def current(self) -> Snapshot:
        with self._cond:
            return self._snapshot

    def status(self) -> str:
        """The snapshot as JSON, and whether a build is running (for tools and tests)."""
        with self._cond:
            return self._snapshot.as_json(building=self._building)

    @contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """The snapshot, once no build runs; the build waits until the reader is done."""
        with self._cond:
            while self._building and not self.stopping:
                self._cond.wait()
            self._readers += 1
            snapshot = self._snapshot
        try:
            yield snapshot
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def building(self) -> Iterator[None]:
        with self._cond:
            self._building = True  # new requests wait from now on
            while self._readers:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._building = False
                self._cond.notify_all()

    def publish(self, snapshot: Snapshot) -> None:
        with self._cond:
            self._snapshot = snapshot
            self._cond.notify_all()

    def newer(self, version: int, timeout: float) -> Snapshot | None:
        """The snapshot once its version passes ``version``; None after ``timeout`` or a stop."""
        with self._cond:
            self._cond.wait_for(
                lambda: self.stopping or self._snapshot.version > version, timeout=timeout
            )
            if self.stopping or self._snapshot.version <= version:
                return None
            return self._snapshot

    def stop(self) -> None:
        with self._cond:
            self.stopping = True
            self._cond.notify_all()


def serve(
    root: Path,
    *,
    stop: threading.Event,
    on_ready: Callable[[str], None],
    on_build: Callable[[Rebuild], None],
    overrides: Mapping[str, Any] | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    find_port: bool = False,
    poll: bool = False,
    drafts: bool = False,
    build_with: SiteBuilder = build_site,
) -> None:
    """Build, serve and rebuild until ``stop`` is set. A config or output-folder problem at
    the start raises (there is nothing to serve); every later problem is shown in the pages."""
    config = load_config(root, dict(overrides or {}))
    output = check_output(config)
    httpd = bind(host, port, find_port)
    state = SiteState(Snapshot(output, config.base_path))
    httpd.state = state
    watcher = Watcher(poll)
    try:
        # Watching starts before the first build, so an edit made during it is not missed.
        watcher.follow(config)
    except ConfigError:
        watcher.close()
        httpd.server_close()
        raise
    url = f"http://{_display(host)}:{httpd.server_address[1]}"
    loop = _BuildLoop(root, dict(overrides or {}), drafts, build_with, state, watcher, stop)
    server_thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.25}, name="brief-http", daemon=True
    )
    builder = threading.Thread(
        target=loop.run, args=(on_build, lambda base: on_ready(url + base)), daemon=True
    )
    server_thread.start()
    builder.start()
    try:
        while not stop.wait(0.25):
            if not builder.is_alive():
                break
    finally:
        state.stop()
        watcher.close()
        httpd.shutdown()
        httpd.server_close()
        # A build in progress is left to finish or to die with the process: the output is
        # swapped in whole, and the next build clears a half-written staging folder.
        builder.join(timeout=3)


class _BuildLoop:
    """Build, publish the outcome, wait for changes, again; in its own thread."""

    def __init__(
        self,
        root: Path,
        overrides: dict[str, Any],
        drafts: bool,
        build_with: SiteBuilder,
        state: SiteState,
        watcher: Watcher,
        stop: threading.Event,
    ) -> None:
        self.root, self.overrides, self.drafts = root, overrides, drafts
        self.build_with, self.state, self.watcher, self.stop = build_with, state, watcher, stop
        self._uncollected = 0  # rebuilds since the last collection
        self._spare_left = False  # a spare site was made ready after a good build

    def run(self, on_build: Callable[[Rebuild], None], on_ready: Callable[[str], None]) -> None:
        try:
            self._loop(on_build, on_ready)
        finally:
            gc.enable()  # serve may run in a thread of a longer-lived process (the tests)

    def _loop(self, on_build: Callable[[Rebuild], None], on_ready: Callable[[str], None]) -> None:
        changed: frozenset[str] | None = frozenset()
        since_good: set[str] | None = None  # None: unknown, so the next good build reloads
        number = 0
        while changed is not None and not self.stop.is_set():
            number += 1
            if since_good is not None:
                since_good |= changed
            gc.disable()  # see _collect_when_idle
            with self.state.building():
                outcome, snapshot = self._once(number, changed, since_good)
                self.state.publish(snapshot)
            since_good = set() if outcome.report is not None else since_good
            on_build(outcome)
            if number == 1:
                on_ready(snapshot.base_path)
            report = outcome.report
            if report is not None and (not self._spare_left or report.files > report.skipped):
                self._spare_left = self._ready_spare()
            self._collect_when_idle()
            changed = self.watcher.changes(self.stop)

    def _ready_spare(self) -> bool:
        """Leave a spare site for the next rebuild to bring up to date, if there is none: a
        cold first build leaves none, and the first edit then linked every page into new
        folders (1.0 s instead of 0.5 s on 1,000 articles). Out of the request gate: the
        site is only read. Once done, every rebuild that writes keeps the site it replaces
        as the spare, so serve does this again only after a rebuild that wrote most pages
        (a template edit): the spare it left is mostly stale (see ready_spare)."""
        try:
            config = load_config(self.root, self.overrides)
            return ready_spare(config, check_output(config))
        except BriefError:
            return False  # the next build reports what is wrong

    def _collect_when_idle(self) -> None:
        """Collect a rebuild's cyclic garbage once the browser has fetched the new page.
        During a rebuild the collector would run again and again, each time walking the
        cached articles (a quarter of a 1,000-article rebuild, measured); collected right
        after it, it held the interpreter while the reloading page asked for its HTML. It
        stays off until the site has been quiet for a moment; rebuilds in a row share one
        collection."""
        self._uncollected += 1
        # Changes less than IDLE apart (an autosave) must not put collection off for ever.
        if self.watcher.idle(IDLE, self.stop) or self._uncollected >= _MOST_UNCOLLECTED:
            gc.enable()
            gc.collect()
            self._uncollected = 0

    def _once(
        self, number: int, changed: frozenset[str], since_good: set[str] | None
    ) -> tuple[Rebuild, Snapshot]:
        before = self.state.current()
        started = time.perf_counter()
        names = tuple(sorted(changed))
        try:
            config = load_config(self.root, self.overrides)
            self.watcher.follow(config)
            output = check_output(config)
            report = self.build_with(config, self.drafts)
        except BriefError as exc:
            seconds = time.perf_counter() - started
            failed = Rebuild(number, names, seconds, None, exc.diagnostics)
            return failed, replace(before, version=before.version + 1, errors=_errors(exc))
        except Exception:  # a bug in brief: say so in the page and keep serving
            seconds = time.perf_counter() - started
            text = traceback.format_exc()
            bug = error(
                "brief",
                None,
                "bug",
                text.strip().splitlines()[-1],
                "this is a bug in brief; the traceback is in the terminal",
            )
            crashed = Rebuild(number, names, seconds, None, (bug,), crash=text)
            return crashed, replace(before, version=before.version + 1, errors=(bug,))
        seconds = time.perf_counter() - started
        wrote = bool(report.files or report.removed) or number == 1
        css_only = bool(since_good) and all(p.endswith(".css") for p in since_good or ())
        snapshot = Snapshot(
            output,
            config.base_path,
            before.generation + wrote,
            before.version + 1,
            (),
            css_only if wrote else before.css_only,
        )
        return Rebuild(number, names, seconds, report), snapshot


def _errors(exc: BriefError) -> tuple[Diagnostic, ...]:
    return tuple(d for d in exc.diagnostics if d.severity == "error") or exc.diagnostics


def bind(host: str, port: int, find_port: bool = False) -> _Server:
    """Listen on host:port (0: any free port; with ``find_port``, the next free one after a
    busy port); a ConfigError saying what to do when that is not possible."""
    last = port + (19 if find_port and port else 0)
    for candidate in range(port, last + 1):
        try:
            return _Server(host, candidate)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and candidate < last:
                continue
            raise ConfigError(_bind_problem(host, candidate, port, exc)) from None
    raise AssertionError("unreachable")


def _bind_problem(host: str, port: int, first: int, exc: OSError) -> Diagnostic:
    if exc.errno == errno.EADDRINUSE:
        tried = f"ports {first}-{port} are" if port != first else f"port {port} is"
        return error(
            "--port",
            None,
            "serve",
            f"{tried} in use on {host} (another brief serve?)",
            "stop the other server, pass --port N, --find-port, or --port 0 for any free port",
        )
    if exc.errno == errno.EACCES:
        return error(
            "--port", None, "serve", f"not allowed to listen on port {port}", "use a port >= 1024"
        )
    return error(
        "--host",
        None,
        "serve",
        f"cannot listen on {host}:{port}: {exc.strerror or exc}",
        "use an address of this machine, such as 127.0.0.1",
    )


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _display(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections under a burst of page loads
    state: SiteState

    def __init__(self, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.host = host
        super().__init__((host, port), _Handler)
        bound = self.server_address[1]
        names = {*LOOPBACK_NAMES, _display(host), host}
        self.hosts = {f"{n}:{bound}".lower() for n in names} | (
            {n.lower() for n in names} if bound == 80 else set()
        )

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks DNS for the host's full name, which can take seconds
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.host, int(self.server_address[1])

    def host_allowed(self, header: str) -> bool:
        """The Host header names this server: a page on another name (DNS rebinding) gets 400.
        Bound to every address, an IP literal with our port is fine too (no DNS involved)."""
        header = header.strip().lower()
        if header in self.hosts:
            return True
        if self.host not in ("", "0.0.0.0", "::"):
            return False
        name, _, port = header.rpartition(":")
        if port != str(self.server_address[1]):
            return False
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return name == socket.gethostname().lower()
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the browser went away mid-response: normal, not worth a word
        super().handle_error(request, client_address)  # a bug: the traceback goes to stderr


def safe_path(raw: str) -> str | None:
    """The decoded path of a request target's path part, or None when it is malformed or
    could leave the site: ``..`` or ``.`` segments, empty segments (``//``), encoded slashes,
    backslashes, NUL and other control characters, or text that is not UTF-8."""
    if not raw.startswith("/") or "\\" in raw:
        return None
    lower = raw.lower()
    if "%2f" in lower or "%5c" in lower or "%00" in lower:
        return None
    try:
        path = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in path) or "\\" in path:
        return None
    segments = path.split("/")[1:]
    if any(s in (".", "..") for s in segments) or "" in segments[:-1]:
        return None
    return path


def query_of(target: str) -> str:
    """The query of a request target, "?" included, "" for none; quoted where it is not
    already query text, so that it cannot break the header it is sent back in."""
    query = target.partition("?")[2]
    return "?" + quote(query, safe=_QUERY_SAFE) if query else ""


_QUERY_SAFE = "!$&'()*+,;=:@/?%"
"""What RFC 3986 allows in a query besides letters, digits and -._~; % keeps escapes as sent."""


def inject(page: bytes, snapshot: Snapshot) -> bytes:
    """The page with the live-reload script and the current state before </body>. The state
    is JSON in a data block with <, > and & escaped, so no message can close the script."""
    data = snapshot.as_json().replace("<", "\\u003c").replace(">", "\\u003e")
    data = data.replace("&", "\\u0026")
    src = html.escape(f"{snapshot.base_path}{ENDPOINT}/livereload.js", quote=True)
    snippet = (
        f'<script type="application/json" id="brief-live-state">{data}</script>\n'
        f'<script src="{src}"></script>\n'
    ).encode()
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


def _open_inside(output: Path, rel: str) -> tuple[str, int | None]:
    """("file", fd) for a regular file inside the real output folder, ("folder", None) for a
    folder, ("missing", None) for anything else, symlinks out of the folder included."""
    root = os.path.realpath(output)
    real = os.path.realpath(os.path.join(root, rel))
    if real != root and not real.startswith(root + os.sep):
        return "missing", None
    if os.path.basename(real) == MARKER:
        return "missing", None
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError:
        return "missing", None
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return "file", fd
    os.close(fd)
    return ("folder" if stat.S_ISDIR(mode) else "missing"), None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the body waited for the
    # browser's delayed ACK of the headers, up to 40 ms per file of every reload.
    disable_nagle_algorithm = True
    server_version = "brief"
    sys_version = ""
    timeout = 60  # an idle keep-alive connection gives its thread back

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal is for build messages; a request log would bury them

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def _answer(self) -> None:
        self._sent = False
        try:
            self._route()
        except OSError:
            self.close_connection = True
        except Exception:
            self.close_connection = True
            if not self._sent:
                self._text(500, "brief serve: internal error (see the terminal).")
            raise

    def _route(self) -> None:
        if not self.server.host_allowed(self.headers.get("Host", "")):
            return self._text(400, "Bad Host header: this server answers to its own address only.")
        raw = self.path.split("?", 1)[0]
        if len(raw.encode("utf-8", "surrogateescape")) > MAX_PATH:
            return self._text(414, "Request path too long.")
        path = safe_path(raw)
        if path is None:
            return self._text(400, "Bad request path.")
        base = self.server.state.current().base_path
        for prefix in {base, "/"}:
            if path.startswith(prefix + ENDPOINT + "/"):
                return self._internal(path[len(prefix + ENDPOINT) + 1 :])
        if path == "/" and base != "/":
            return self._redirect(base)
        if path + "/" == base:
            return self._redirect(base)
        with self.server.state.reading() as snapshot:
            if path.startswith(snapshot.base_path):
                kind, fd = _open_inside(snapshot.output, path[len(snapshot.base_path) :])
                if kind == "folder" and not path.endswith("/"):
                    return self._redirect(quote(path + "/"))
                if kind == "folder":
                    kind, fd = _open_inside(
                        snapshot.output, path[len(snapshot.base_path) :] + "index.html"
                    )
            else:
                kind, fd = "missing", None
            status = 200
            if fd is None:
                status, path = 404, "/404.html"
                kind, fd = _open_inside(snapshot.output, "404.html")
        # Read outside the gate: the file was opened from a complete site, and a build's swap
        # replaces folders, never the bytes of an open file.
        if fd is None:
            body = _NOT_FOUND
        else:
            with os.fdopen(fd, "rb") as file:
                body = file.read()
        kind_type = _TYPES.get(os.path.splitext(path)[1].lower() or ".html")
        content_type = kind_type or "application/octet-stream"
        if content_type.startswith("text/html"):
            body = inject(body, snapshot)
        self._send(status, body, content_type)

    def _internal(self, name: str) -> None:
        if name == "events" and self.command == "GET":
            return self._events()
        if name == "livereload.js":
            return self._send(200, _LIVERELOAD.read_bytes(), _TYPES[".js"])
        if name == "status":
            body = self.server.state.status().encode()
            return self._send(200, body, "application/json")
        return self._text(404, "Not found.")

    def _events(self) -> None:
        """Server-sent events: the state now, then after every build; a comment every 15 s
        notices a closed tab. Another site's page (an Origin that is not ours) is refused."""
        origin = self.headers.get("Origin")
        if origin is not None and origin.lower() != f"http://{self.headers['Host']}".lower():
            return self._text(403, "Forbidden.")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self._sent = True
        self.close_connection = True
        self.wfile.write(b"retry: 1000\n\n")
        state, version = self.server.state, -1
        while not state.stopping:
            snapshot = state.newer(version, timeout=15)
            if snapshot is None:
                self.wfile.write(b": still here\n\n")
                continue
            version = snapshot.version
            self.wfile.write(b"data: " + snapshot.as_json().encode() + b"\n\n")

    def _redirect(self, location: str) -> None:
        """To ``location`` with the request's query: /search?q=NATO must keep its terms."""
        self.send_response(302)
        self.send_header("Location", quote(location, safe="/%") + query_of(self.path))
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self._sent = True

    def _text(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    def _send(
        self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self._sent = True
        if self.command != "HEAD":
            self.wfile.write(body)
