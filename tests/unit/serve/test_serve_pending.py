"""Builds for ``divebook serve`` run no code: runs the cache lacks are handed over and their
pages say outputs are pending; once a run is cached (or failed) the next build shows it.

The runner here records what builds hand it; the real one (execute/background.py) runs
kernels and is tested in tests/integration/test_serve_background.py.
"""

from __future__ import annotations

import nbformat

from divebook.context import BuildOptions
from divebook.build import build
from divebook.cache import Store
from divebook.execute.background import store_result
from divebook.execute.runner import ERROR, OK, Job, JobResult

BOOK = {
    "index.md": "# Book\n\n```toc\nch/answer\nch/broken\n```\n",
    "ch/answer.md": "# Answer\n\nProse.\n\n```{.python .input}\nprint(6 * 7)\n```\n",
    "ch/broken.md": "# Broken\n\n```{.python .input}\nx = 1\n```\n\n```{.python .input}\n1 / 0\n```\n",
}


class RecordingRuns:
    """What serve's BackgroundRuns offers a build: ``want`` the runs, ``failure`` of a key."""

    def __init__(self) -> None:
        self.wanted: list[list[Job]] = []
        self.failed: dict[str, JobResult] = {}

    def want(self, jobs: list[Job]) -> None:
        self.wanted.append(list(jobs))

    def failure(self, key: str) -> JobResult | None:
        return self.failed.get(key)


def _ran(job: Job, outputs: list[list[dict]]) -> str:
    """The job's notebook as a kernel would give it back, with these outputs per code cell."""
    nb = nbformat.reads(job.notebook, as_version=4)
    for cell, outs in zip([c for c in nb.cells if c.cell_type == "code"], outputs):
        cell.outputs = [nbformat.from_dict(o) for o in outs]
    return nbformat.writes(nb)


def test_pending_runs_are_handed_over_then_shown_when_done(make_book, tmp_path):
    book = make_book(BOOK)
    runs = RecordingRuns()
    options = BuildOptions(book=book, out=tmp_path / "out", quiet=True, background=runs)
    site = tmp_path / "out" / "html"

    first = build(options)
    jobs = {job.source: job for job in runs.wanted[-1]}
    assert sorted(jobs) == ["ch/answer.md", "ch/broken.md"]
    assert first.extra["execution"]["pending"] == 2
    assert {source: tabs["python"]["status"] for source, tabs in first.execution.items()} == \
        {"ch/answer.md": "pending", "ch/broken.md": "pending"}
    html = (site / "ch" / "answer.html").read_text()
    assert "print" in html and "Output pending" in html and "still running" in html
    assert '<div class="cell" data-status="pending">' in html

    # The first run ends well (the runner caches it), the second fails (the runner keeps it).
    answer = jobs["ch/answer.md"]
    store_result(Store(tmp_path / "out" / ".cache"), answer, JobResult(OK, _ran(answer, [
        [{"output_type": "stream", "name": "stdout", "text": "42\n"}]]), 0.5))
    broken = jobs["ch/broken.md"]
    error = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
             "traceback": ["ZeroDivisionError: division by zero"]}
    runs.failed[broken.key] = JobResult(ERROR, _ran(broken, [[], [error]]), 0.5, cell=1,
                                        ename="ZeroDivisionError", evalue="division by zero",
                                        traceback="ZeroDivisionError: division by zero")

    second = build(options)  # not a no-op: the last build left runs pending
    assert runs.wanted[-1] == []
    assert "pending" not in second.extra["execution"]
    html = (site / "ch" / "answer.html").read_text()
    assert "42" in html and "Output pending" not in html and "still running" not in html
    assert sorted(second.outputs["html"]) == ["ch/answer.html", "ch/broken.html"]
    failed = [d for d in second.diags.items if d.code == "cell-error"]
    assert [(d.file, d.line) for d in failed] == [("ch/broken.md", 8)]
    assert "ZeroDivisionError" in (site / "ch" / "broken.html").read_text()


def test_a_code_edit_hands_over_the_new_run_instead_of_the_old(make_book, tmp_path):
    book = make_book(BOOK)
    runs = RecordingRuns()
    options = BuildOptions(book=book, out=tmp_path / "out", quiet=True, background=runs)
    build(options)
    before = {job.source: job.key for job in runs.wanted[-1]}
    page = book / "ch" / "answer.md"
    page.write_text(page.read_text().replace("6 * 7", "6 * 9"))
    build(options)
    after = {job.source: job for job in runs.wanted[-1]}
    assert after["ch/broken.md"].key == before["ch/broken.md"]
    assert after["ch/answer.md"].key != before["ch/answer.md"]
    assert "6 * 9" in after["ch/answer.md"].notebook
