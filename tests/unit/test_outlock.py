"""One build at a time per output folder: a second waits, or with --no-wait stops (exit 2)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import build
from divebook.cli import main
from divebook.outlock import LOCK_NAME, OutputBusy, output_lock

BOOK = {"index.md": "# Home\n\nText.\n"}


def _hold(out: Path) -> int:
    """Take the folder's lock as another build would (a separate open file description)."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.pwrite(fd, b"process 4242\n", 0)
    return fd


def test_no_wait_exits_2_at_once(make_book, tmp_path: Path, capsys) -> None:
    book = make_book(BOOK)
    out = tmp_path / "out"
    fd = _hold(out)
    try:
        start = time.monotonic()
        status = main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "--no-wait"])
        assert status == 2 and time.monotonic() - start < 5
        err = capsys.readouterr().err
        assert "being built by process 4242" in err and "Traceback" not in err
        assert not (out / "html").exists()
    finally:
        os.close(fd)
    assert main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out), "--no-wait"]) == 0


def test_a_second_build_waits_and_says_for_whom(make_book, tmp_path: Path) -> None:
    book = make_book(BOOK)
    out = tmp_path / "out"
    fd = _hold(out)
    told: list[str] = []
    threading.Timer(0.5, os.close, (fd,)).start()  # the other build ends
    start = time.monotonic()
    ctx = build(BuildOptions(book=book, out=out, evaluate=False, quiet=True, notify=told.append))
    assert time.monotonic() - start >= 0.4
    assert told == [f"waiting for the build in process 4242 to finish ({out.resolve()} is in use)"]
    assert (ctx.out / "html" / "index.html").is_file()


def test_the_lock_is_free_after_a_build_and_names_its_holder(tmp_path: Path) -> None:
    with output_lock(tmp_path, wait=False):
        assert (tmp_path / LOCK_NAME).read_text() == f"process {os.getpid()}\n"
        fd = os.open(tmp_path / LOCK_NAME, os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
    with output_lock(tmp_path, wait=False):  # released: taken again at once
        pass


def test_nested_lock_of_the_same_folder_is_busy(tmp_path: Path) -> None:
    with output_lock(tmp_path, wait=False):
        with pytest.raises(OutputBusy):
            with output_lock(tmp_path, wait=False):
                pass


@pytest.mark.parametrize("cache", [False, True])
def test_clean_refuses_at_once_while_a_build_or_serve_holds_the_folder(make_book, tmp_path: Path, capsys,
                                                                        cache: bool) -> None:
    book = make_book(BOOK)
    out = tmp_path / "out"
    assert main(["build", "html", "--no-eval", "-C", str(book), "--out", str(out)]) == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    capsys.readouterr()
    fd = _hold(out)
    try:
        start = time.monotonic()
        status = main(["clean", "-C", str(book), "--out", str(out), *(["--cache"] if cache else [])])
        assert status == 2 and time.monotonic() - start < 5
        err = capsys.readouterr().err
        assert "in use by process 4242" in err and "Nothing was removed" in err and "Traceback" not in err
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    finally:
        os.close(fd)
    assert main(["clean", "-C", str(book), "--out", str(out), *(["--cache"] if cache else [])]) == 0
    assert not (out / ".cache").exists() and out.exists() == cache


def test_a_build_waiting_while_clean_removes_the_folder_locks_the_new_folder(tmp_path: Path) -> None:
    """The waiter's lock file was removed with the folder: it must lock the file that is there now,
    or a build started after the removal would hold a lock too, and both would write the site."""
    import shutil

    out = tmp_path / "out"
    fd = _hold(out)
    holding, release = threading.Event(), threading.Event()

    def waiter() -> None:
        with output_lock(out, wait=True, poll=0.02):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.2)  # the waiter polls the old lock file
    shutil.rmtree(out)  # as clean does, under the lock
    os.close(fd)
    try:
        assert holding.wait(5)
        assert (out / LOCK_NAME).read_text() == f"process {os.getpid()}\n"
        with pytest.raises(OutputBusy):  # a newcomer finds the folder taken
            with output_lock(out, wait=False):
                pass
    finally:
        release.set()
        thread.join(10)
