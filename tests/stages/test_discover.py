"""discover: the content folder -> SourceFiles, sorted, with skipped files reported."""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from brief.config import Config
from brief.stages.discover import _read_up_to, discover


def make(root: Path, names: list[str]) -> Config:
    for name in names:
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    return Config(root=root)


def test_files_are_found_recursively_in_sorted_order(tmp_path: Path) -> None:
    config = make(tmp_path, ["b.txt", "2021/06/z.md", "a.txt", "2021/a.txt"])
    files, problems = discover(config)
    assert [f.path for f in files] == [
        "content/2021/06/z.md",
        "content/2021/a.txt",
        "content/a.txt",
        "content/b.txt",
    ]
    assert problems == ()


def test_hidden_and_editor_temp_files_are_ignored_silently(tmp_path: Path) -> None:
    config = make(
        tmp_path, ["a.txt", ".a.txt.swp", "a.txt~", ".#a.txt", "#a.txt#", ".git/x.txt", "notes.swp"]
    )
    files, problems = discover(config)
    assert [f.path for f in files] == ["content/a.txt"]
    assert problems == ()


def test_other_file_types_are_skipped_with_a_warning(tmp_path: Path) -> None:
    config = make(tmp_path, ["a.docx"])
    files, problems = discover(config)
    assert files == ()
    assert [p.format() for p in problems] == [
        "content/a.docx: warning: skipped: unsupported file type '.docx' (brief reads .txt, .md and .html files)"
    ]


def test_a_symlink_out_of_the_project_is_refused_and_a_loop_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n")
    project = tmp_path / "p"
    config = make(project, ["a.txt"])
    os.symlink(outside, project / "content" / "leak.txt")
    os.symlink(project / "content", project / "content" / "loop")
    files, problems = discover(config)
    assert [f.path for f in files] == ["content/a.txt"]
    assert [p.format() for p in problems] == [
        "content/loop: warning: symlink: a symbolic link to a folder is not followed: the "
        "articles there are not read (move or copy the folder into the content folder instead)",
        "content/leak.txt: symlink: links to a file outside the project "
        "(copy the file into content/ instead)",
    ]


def test_a_linked_folder_of_articles_is_named_not_silently_left_out(tmp_path: Path) -> None:
    elsewhere = make(tmp_path / "elsewhere", ["2021/o.txt"]).root / "content"
    project = tmp_path / "p"
    config = make(project, ["a.txt"])
    os.symlink(elsewhere, project / "content" / "ext", target_is_directory=True)
    os.symlink(elsewhere, project / "content" / ".hidden", target_is_directory=True)
    files, problems = discover(config)
    assert [f.path for f in files] == ["content/a.txt"]
    assert [(p.path, p.severity, p.code) for p in problems] == [
        ("content/ext", "warning", "symlink")
    ]


def test_a_folder_brief_may_not_read_is_an_error_naming_it() -> None:
    # Its articles would be left out of the site with a build that said all was well.
    base = Path(tempfile.mkdtemp(dir="/tmp"))  # where an unprivileged process may go
    try:
        base.chmod(0o755)
        config = make(base / "p", ["a.txt", "2021/05/b.txt", "2021/06/c.txt"])
        (base / "p/content/2021/05").chmod(0)
        paths, problems = _unprivileged(lambda: _found(config))
    finally:
        (base / "p/content/2021/05").chmod(0o755)
        shutil.rmtree(base)
    assert paths == ["content/2021/06/c.txt", "content/a.txt"]
    assert problems == [
        "content/2021/05: read: cannot read this folder: the articles in it would be left out "
        "(check the folder's permissions)"
    ]


def _found(config: Config) -> tuple[list[str], list[str]]:
    files, problems = discover(config)
    return [f.path for f in files], [p.format() for p in problems]


def _unprivileged(work: Callable[[], Any]) -> Any:
    """``work()`` run in a forked process without root's right to read any folder (as
    nobody, when these tests run as root), its result sent back pickled."""
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        try:
            os.close(reading)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            data = pickle.dumps(work())
            os.write(writing, data)
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        data = pipe.read()
    os.waitpid(child, 0)
    assert data, "the unprivileged process sent nothing back"
    return pickle.loads(data)


def test_a_missing_content_folder_is_an_error(tmp_path: Path) -> None:
    files, problems = discover(Config(root=tmp_path))
    assert files == ()
    assert problems[0].format().startswith("content: content: the content folder does not exist")


def test_a_read_that_returns_less_is_continued_until_the_end_of_the_file() -> None:
    # A pipe hands out what has been written so far: the rest must still be read.
    reading, writing = os.pipe()
    os.write(writing, b"abc")
    later = threading.Timer(0.2, lambda: (os.write(writing, b"def"), os.close(writing)))
    later.start()
    try:
        assert _read_up_to(reading, 6) == b"abcdef"
        later.join()
        assert _read_up_to(reading, 6) == b""  # the end of the file: nothing more
    finally:
        os.close(reading)


def test_a_file_is_read_whole_with_its_last_byte(tmp_path: Path) -> None:
    config = make(tmp_path, ["a.txt"])
    text = "Title\n\n" + "A paragraph of wire copy.\n" * 4000  # 100 KB: several reads
    (tmp_path / "content/a.txt").write_text(text)
    [source], _ = discover(config)
    assert source.data == text.encode()


def test_a_named_pipe_in_the_content_folder_is_an_error_not_a_wait(tmp_path: Path) -> None:
    # Opening a pipe for reading waits for a writer: brief build would hang for ever.
    config = make(tmp_path, ["a.txt"])
    os.mkfifo(tmp_path / "content/pipe.txt")
    sources, problems = discover(config)
    assert [s.path for s in sources] == ["content/a.txt"]
    assert [p.format() for p in problems] == [
        "content/pipe.txt: read: cannot read: not a regular file (a pipe, a device or a "
        "socket) (move it out of the content folder)"
    ]
