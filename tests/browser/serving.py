"""A real ``brief serve`` in a subprocess over a temporary project, and raw HTTP to it.

Shared by tests/test_serve.py and the browser tests. All traffic goes to 127.0.0.1, every
wait is a bounded poll, and the process is always stopped (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import REPO, write_tree

BRIEF_YAML = """title: Live briefing
base_url: https://user.github.io/briefing/
search: false
"""
PROJECT = f"""
-- brief.yaml --
{BRIEF_YAML}-- topics.yaml --
- name: Arms control
  match: [arms control, New START]
-- content/2021/06/nato-talks.txt --
NATO and Russia agree to resume talks

BRUSSELS, June 8. /TASS/. NATO and Russia agreed on Tuesday to resume arms control talks.

"We are ready to talk," the spokesman said.
-- content/2021/06/new-start.txt --
New START inspections to restart

GENEVA, June 9. /TASS/. Inspections under New START will restart in the autumn, diplomats said.
"""

ARTICLE = "articles/nato-and-russia-agree-to-resume-talks/"
ARTICLE_FILE = "content/2021/06/nato-talks.txt"


def make_project(root: Path, spec: str = PROJECT) -> Path:
    return write_tree(root, spec)


class Served:
    """``python -m brief serve --port 0`` over ``project``: its output, its URL, requests."""

    def __init__(self, project: Path, *args: str, timeout: float = 120) -> None:
        self.project = project
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "brief", "serve", "--root", str(project), "--port", "0", *args],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=_collect, args=(stream, lines), daemon=True).start()
        deadline = time.monotonic() + timeout
        found = None
        while found is None:
            found = next((m for line in self.out if (m := re.search(r"Serving (\S+)", line))), None)
            if found is None and self.proc.poll() is not None:
                time.sleep(0.2)  # let the readers take the last lines
                raise AssertionError(f"brief serve exited {self.proc.returncode}: {self.output}")
            if found is None and time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"brief serve did not start in {timeout} s: {self.output}")
            if found is None:
                time.sleep(0.05)
        self.url: str = found.group(1)
        match = re.match(r"http://127\.0\.0\.1:(\d+)(/.*)", self.url)
        assert match, self.url
        self.port = int(match.group(1))
        self.base = match.group(2)

    @property
    def output(self) -> str:
        return "".join(self.out) + "".join(self.err)

    def request(
        self,
        path: str,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> tuple[int, dict[str, str], bytes]:
        """Send ``path`` exactly as given (no normalization) and read the whole answer."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            all_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            for name, value in all_headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def page(self, rel: str) -> str:
        status, _, body = self.request(self.base + rel)
        assert status == 200, (rel, status)
        return body.decode()

    def status(self) -> dict[str, Any]:
        code, _, body = self.request(self.base + "__brief__/status", timeout=10)
        assert code == 200
        result: dict[str, Any] = json.loads(body)
        return result

    def wait_for(
        self, check: Callable[[dict[str, Any]], bool], what: str, timeout: float = 20
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status = self.status()
            if check(status):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: {status}\n{self.output}")
            time.sleep(0.05)

    def wait_quiet(self, quiet: float = 1.5, timeout: float = 60) -> dict[str, Any]:
        """The status once no build has run or started for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        last = self.status()
        since = time.monotonic()
        while True:
            time.sleep(0.05)
            now = self.status()
            if now["building"] or now["version"] != last["version"]:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return now
            if time.monotonic() > deadline:
                raise AssertionError(f"builds never stopped: {now}\n{self.output}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        time.sleep(0.1)  # let the readers take the last lines
        return self.proc.returncode


def _collect(stream: Any, lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


def edit(path: Path, text: str) -> None:
    """Save as editors do: write a temporary file beside it, then rename it over."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
