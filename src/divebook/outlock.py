"""One build at a time per output folder: an advisory lock on ``OUT/.divebook.lock``.

Two builds writing one site at once interleave their pages and fight over the
search index (one swaps it away while the other fills it), so a build, and
``divebook serve`` for as long as it runs, holds ``fcntl.flock`` on a lock
file inside the output folder.  A second one waits, saying whom it waits for,
or with ``--no-wait`` stops at once (exit status 2).  The kernel drops the lock
when its holder dies, however it dies, so a killed build never blocks the next.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # not POSIX: builds are not serialised
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".divebook.lock"


class OutputBusy(Exception):
    """Another build holds the output folder and the caller would not wait."""

    def __init__(self, message: str, holder: str = "another process") -> None:
        super().__init__(message)
        self.holder = holder


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def output_lock(out: Path, wait: bool = True,
                notify: Callable[[str], None] | None = None, poll: float = 0.2) -> Iterator[None]:
    """Hold the lock of ``out`` (created if need be) for the ``with`` block.

    When another process holds it: raise ``OutputBusy`` unless ``wait``; else
    call ``notify`` once with a message and wait until it is free.
    """
    if fcntl is None:
        yield
        return
    path = out / LOCK_NAME
    fd = -1
    try:
        told = False
        while True:
            if fd < 0:
                out.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(path)
                if not wait:
                    raise OutputBusy(f"{out} is being built by {holder}; try again when it has "
                                     "finished (or leave out --no-wait to wait for it)", holder) from None
                if not told and notify is not None:
                    notify(f"waiting for the build in {holder} to finish ({out} is in use)")
                    told = True
                time.sleep(poll)  # polled, not blocking: Ctrl+C stays immediate
                continue
            if _still_there(fd, path):
                break
            # The folder was removed while we waited (``divebook clean``): the lock we hold is
            # on a file no one else can find, so take the lock of the file that is there now.
            os.close(fd)
            fd = -1
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        if fd >= 0:
            os.close(fd)


def _still_there(fd: int, path: Path) -> bool:
    """Whether ``path`` is still the file open as ``fd`` (not removed or replaced)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False
