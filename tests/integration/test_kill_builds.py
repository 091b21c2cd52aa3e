"""Builds killed at random moments leave nothing wrong behind.

Cold and incremental builds (ten pages edited, one removed or added) of a
small book are killed, the main process alone or its whole process group,
at a random moment; no process of theirs may be left after a couple of
seconds, and the next build must give exactly what a clean build gives:
every output file byte for byte, and the same text found by search.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

from divebook.writers.html.search import pagefind_binary
from tests.conftest import require
from tests.integration.faults_kit import (build_command, searchable, site_files, start_build,
                                          tagged_processes, wait_gone, write_fault_book)

KILLS = 20


def _clean_build(book: Path, out: Path) -> float:
    start = time.monotonic()
    done = subprocess.run(build_command(book, out), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.monotonic() - start


def _wait_for_children(tag: str, proc: subprocess.Popen, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if len(tagged_processes(tag)) > 1:
            return
        time.sleep(0.005)


def _assert_same(out: Path, reference: Path, what: str) -> None:
    got, want = site_files(out), site_files(reference)
    assert sorted(got) == sorted(want), f"{what}: files differ: " \
        f"extra {sorted(set(got) - set(want))[:5]}, missing {sorted(set(want) - set(got))[:5]}"
    differ = [rel for rel in want if got[rel] != want[rel]]
    assert not differ, f"{what}: {len(differ)} files differ, e.g. {differ[:5]}"
    assert searchable(out / "html") == searchable(reference / "html"), f"{what}: the search index differs"


def test_killed_builds_rebuild_to_a_clean_build(tmp_path: Path) -> None:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    rng = random.Random(int(os.environ.get("DIVEBOOK_KILL_SEED", "14")))
    book = tmp_path / "book"
    references, seconds = {}, {}
    for version in (0, 1):
        write_fault_book(book, version)
        references[version] = tmp_path / f"clean{version}"
        seconds[version] = _clean_build(book, references[version])
    incremental = tmp_path / "incremental"
    write_fault_book(book, 0)
    _clean_build(book, incremental)
    version = 0
    for trial in range(KILLS):
        cold, group = trial % 2 == 0, trial % 4 >= 2
        if cold:
            out = tmp_path / f"cold{trial}"
        else:
            out, version = incremental, 1 - version
            write_fault_book(book, version)
        tag = f"kill{trial}-{os.getpid()}"
        delay = rng.uniform(0.05, seconds[version])
        what = f"trial {trial} ({'cold' if cold else 'incremental'}, {'group' if group else 'main'} " \
               f"killed at {delay:.2f} s)"
        proc = start_build(book, out, tag, group)
        if not group and trial % 8 < 4:  # the main process alone, while it has children
            what = what.replace(f"at {delay:.2f} s", "while workers or Pagefind run")
            _wait_for_children(tag, proc, seconds[version] * 3)
        else:
            time.sleep(delay)
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.communicate()
        left = wait_gone(tag, 3.0)
        assert not left, f"{what}: processes left running: {left}"
        if cold:
            write_fault_book(book, version)  # unchanged: cold trials build the current version
        _clean_build(book, out)
        _assert_same(out, references[version], what)
        if cold:
            shutil.rmtree(out)
