"""How far the translation of a book has come: translated, missing and stale pairs.

A pair is **stale** when its original changed after its translation was
last edited.  Git knows: ``git blame`` names, for every line of a file, the
last commit that changed it.  The rule, the same for both layouts:

    stale  <=>  newest commit among the original's lines
                is newer than the newest among the translation's lines

where "newer" follows the history (``git rev-list --topo-order``), not the
clock, and lines not yet committed are the newest of all.  For an
interleaved page both sides are lines of the same file; in the paired
layout the original's lines are in ``x_origin.md`` and the translation's in
``x.md``.  A block's lines run from its first line to the line before the
next block, blank lines at the end left out.  Whitespace-only changes
(``blame -w``) do not count.  Without git (or outside a repository)
nothing is stale and the status says so.

Blame results are cached by the commit checked out and the file's bytes.
"""

from __future__ import annotations

import bisect
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..cache import Store, digest
from ..config import Config
from ..diagnostics import Diagnostics
from ..diagnostics import Diagnostic
from .files import ORIGIN_SUFFIX
from .script import LanguagePair, block_text
from ..tree import Block, Book, CodeCell, Page, Translated, plain_text, walk_blocks

_UNCOMMITTED = "0" * 40
_HEADER = re.compile(r"^([0-9a-f]{40}) \d+ \d+")


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _blame(root: Path, rel: str) -> list[str] | None:
    """The commit of each line of ``rel`` (uncommitted lines: zeros); None if git cannot say."""
    out = _git(root, "blame", "--line-porcelain", "-w", "--", rel)
    if out is None:
        return None
    commits: list[str] = []
    current = _UNCOMMITTED
    for line in out.split("\n"):
        if line.startswith("\t"):
            commits.append(current)
            continue
        m = _HEADER.match(line)
        if m:
            current = m.group(1)
    return commits


class History:
    """What git knows about the book's files: which commit last touched each line."""

    def __init__(self, root: Path, store: Store | None) -> None:
        self.root = root
        self.store = store
        head = _git(root, "rev-parse", "HEAD")
        self.head = head.strip() if head else ""
        order = _git(root, "rev-list", "--topo-order", "HEAD") if self.head else None
        commits = order.split() if order else []
        #: commit -> rank; a higher rank is newer
        self.rank = {c: len(commits) - i for i, c in enumerate(commits)}
        self.lines: dict[str, list[str]] = {}

    @property
    def available(self) -> bool:
        return bool(self.head)

    def load(self, files: list[str], jobs: int) -> None:
        """Blame ``files`` (book-relative), in parallel, from the cache where possible."""
        todo = []
        for rel in files:
            path = self.root / rel
            try:
                data = path.read_bytes()
            except OSError:
                continue
            key = digest("blame", self.head, rel, data)
            cached = self.store.get_object("blame", key) if self.store else None
            if cached is not None:
                self.lines[rel] = cached
            else:
                todo.append((rel, key, data))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = list(pool.map(lambda job: _blame(self.root, job[0]), todo))
        for (rel, key, data), commits in zip(todo, results):
            if commits is None:  # not tracked: every line is new
                commits = [_UNCOMMITTED] * (data.count(b"\n") + 1)
            self.lines[rel] = commits
            if self.store:
                self.store.put_object("blame", key, commits)

    def newest(self, rel: str, first: int, last: int) -> float:
        """The rank of the newest commit among lines ``first..last`` (1-based) of ``rel``."""
        commits = self.lines.get(rel, [])
        best = -1.0
        for commit in commits[max(first, 1) - 1:last]:
            best = max(best, float("inf") if commit == _UNCOMMITTED else self.rank.get(commit, 0))
        return best


def _file_lines(root: Path, rel: str, cache: dict[str, list[str]]) -> list[str]:
    if rel not in cache:
        try:
            cache[rel] = (root / rel).read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            cache[rel] = []
    return cache[rel]


class Spans:
    """The source lines of each block of a page: from its line to the next block's."""

    def __init__(self, blocks: list[Block], root: Path, texts: dict[str, list[str]]) -> None:
        self.starts: dict[str, list[int]] = {}
        for block in walk_blocks(blocks):
            pos = getattr(block, "pos", None)
            if pos is None or not pos.line or isinstance(block, Translated):
                continue
            self.starts.setdefault(pos.file, []).append(pos.line)
            if isinstance(block, CodeCell) and block.end_line:
                self.starts[pos.file].append(block.end_line + 1)
        for lines in self.starts.values():
            lines.sort()
        self.root = root
        self.texts = texts

    def span(self, block: Block) -> tuple[str, int, int]:
        pos = block.pos  # type: ignore[union-attr]
        inside = {b.pos.line for b in walk_blocks([block]) if getattr(b, "pos", None)}  # type: ignore[union-attr]
        starts = self.starts.get(pos.file, [])
        text = _file_lines(self.root, pos.file, self.texts)
        end = len(text)
        i = bisect.bisect_right(starts, pos.line)
        while i < len(starts):
            if starts[i] not in inside:
                end = starts[i] - 1
                break
            i += 1
        while end > pos.line and end <= len(text) and not text[end - 1].strip():
            end -= 1
        return pos.file, pos.line, end


def page_pairs(page: Page) -> list[Block]:
    """Where a page's pairs are: the alignment of ``x_origin.md`` with ``x.md`` (paired
    files), or the page's own blocks (interleaved)."""
    return page.origin.pairs if page.origin is not None else page.blocks


def _all_blocks(page: Page) -> list[Block]:
    """Every block of the page's files: the spans of one block end where the next begins."""
    return page.blocks + page.origin.page.blocks if page.origin is not None else page.blocks


def mark_stale(book: Book, config: Config, store: Store | None, diags: Diagnostics,
               jobs: int = 1) -> bool:
    """Set ``stale`` on every pair whose original changed after its translation.

    Returns whether git history was available.
    """
    history = History(config.root, store)
    if not history.available:
        return False
    pairs: list[tuple[Translated, Spans]] = []
    texts: dict[str, list[str]] = {}
    files: set[str] = set()
    for page in book.pages.values():
        spans: Spans | None = None
        for block in walk_blocks(page_pairs(page)):
            if isinstance(block, Translated) and block.original is not None \
                    and block.translation is not None:
                spans = spans or Spans(_all_blocks(page), config.root, texts)
                pairs.append((block, spans))
                files.add(block.original.pos.file)  # type: ignore[union-attr]
                files.add(block.translation.pos.file)  # type: ignore[union-attr]
    history.load(sorted(files), jobs)
    for pair, spans in pairs:
        o_file, o_first, o_last = spans.span(pair.original)  # type: ignore[arg-type]
        original = history.newest(o_file, o_first, o_last)
        translation = -1.0
        for side in [pair.translation] + pair.more:
            t_file, t_first, t_last = spans.span(side)  # type: ignore[arg-type]
            translation = max(translation, history.newest(t_file, t_first, t_last))
        pair.stale = original > translation
    return True


# --------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------


def _excerpt(block: Block | None, width: int = 70) -> str:
    text = " ".join(block_text(block).split()) if block is not None else ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _title(page: Page) -> str:
    for block in walk_blocks(page_pairs(page)):
        if isinstance(block, Translated):
            side = block.translation or block.original
            if side is not None and type(side).__name__ == "Heading":
                return plain_text(side.children).strip()  # type: ignore[union-attr]
    return plain_text(page.title).strip() or page.source


def page_status(page: Page) -> dict:
    """Counts and the pairs needing work on one page."""
    counts = {"translated": 0, "missing": 0, "stale": 0, "added": 0}
    items = []
    layout = "paired" if page.origin is not None else "interleaved"
    for block in walk_blocks(page_pairs(page)):
        if not isinstance(block, Translated):
            continue
        if block.original is None:
            counts["added"] += 1
            continue
        if block.translation is None:
            status = "missing"
        elif block.stale:
            status = "stale"
        else:
            status = "translated"
        counts[status] += 1
        if status != "translated":
            item = {"status": status, "file": block.original.pos.file,  # type: ignore[union-attr]
                    "line": block.original.pos.line, "text": _excerpt(block.original)}  # type: ignore[union-attr]
            if block.translation is not None:
                item["translation_file"] = block.translation.pos.file  # type: ignore[union-attr]
                item["translation_line"] = block.translation.pos.line  # type: ignore[union-attr]
            items.append(item)
    total = counts["translated"] + counts["missing"] + counts["stale"]
    if total == 0:
        layout = "translation only" if counts["added"] == 0 else layout
    return {"source": page.source, "output": page.output, "title": _title(page), "layout": layout,
            "paragraphs": total, **counts,
            "percent": round(100.0 * counts["translated"] / total, 1) if total else 100.0,
            "items": items, "problems": 0}


def translation_status(book: Book, langs: LanguagePair, git: bool) -> dict:
    """The status of every page and of the book, as report.json keeps it."""
    pages = [page_status(book.pages[s]) for s in book.order + book.orphans if s in book.pages]
    totals = {k: sum(p[k] for p in pages) for k in ("paragraphs", "translated", "missing", "stale",
                                                   "added")}
    totals["percent"] = round(100.0 * totals["translated"] / totals["paragraphs"], 1) \
        if totals["paragraphs"] else 100.0
    status = {"origin_lang": langs.origin, "lang": langs.translation, "git": git,
              "book": totals, "pages": pages, "problems": []}
    add_problems(status, [d for page in book.pages.values() if page.origin is not None
                          for d in page.origin.problems])
    return status


def add_problems(status: dict, problems: list[Diagnostic]) -> None:
    """Keep ``problems`` of the translation (pairing, the original's files) in ``status``:
    ``divebook check --translation`` lists them and the status page counts them per page."""
    seen = {(p["file"], p["line"], p["code"], p["message"]) for p in status["problems"]}
    by_source = {p["source"]: p for p in status["pages"]}
    for d in problems:
        key = (d.file, d.line, d.code, d.message)
        if key in seen:
            continue
        seen.add(key)
        status["problems"].append({**d.to_json(), "severity": d.severity})
        page = by_source.get(d.file) or by_source.get(d.file.removesuffix(ORIGIN_SUFFIX) + ".md")
        if page is not None:
            page["problems"] += 1
    status["problems"].sort(key=lambda p: (p["file"], p["line"]))
    status["book"]["problems"] = len(status["problems"])
