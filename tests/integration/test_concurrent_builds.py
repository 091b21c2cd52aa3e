"""Builds into one output folder at once take turns: all end, and the site is whole."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from divebook.writers.html.search import pagefind_binary
from tests.conftest import require
from tests.integration.faults_kit import (build_command, searchable, site_files, start_build,
                                          wait_gone, write_fault_book)


def test_three_builds_at_once_make_one_complete_site(tmp_path: Path) -> None:
    require(pagefind_binary() is not None, "Pagefind (pip install 'pagefind[extended]')")
    book = write_fault_book(tmp_path / "book", 0)
    reference = tmp_path / "clean"
    done = subprocess.run(build_command(book, reference), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout
    out = tmp_path / "out"
    tag = f"concurrent-{os.getpid()}"
    builds = [start_build(book, out, tag, group=False) for _ in range(3)]
    outputs = []
    for proc in builds:
        text, _ = proc.communicate(timeout=180)
        outputs.append(text.decode("utf-8", "replace"))
        assert proc.returncode == 0, outputs[-1]
    assert any("waiting for the build in process" in text for text in outputs), outputs
    assert not wait_gone(tag, 3.0)
    got, want = site_files(out), site_files(reference)
    assert sorted(got) == sorted(want)
    assert [rel for rel in want if got[rel] != want[rel]] == []
    assert searchable(out / "html") == searchable(reference / "html")
    assert len(searchable(out / "html")) == 31  # every page and the index page
