"""Helpers for the fault tests: a small book in two versions, site snapshots, leftover processes."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from divebook.writers.html.search import DELTA_DIR, DELTA_PAGES, INDEX_DIR

PAGES = 30  # above parallel.MIN_PARALLEL_ITEMS: pages render in worker processes


def write_fault_book(root: Path, version: int) -> Path:
    """Version 0 and 1 differ in ten pages' text, and 1 lacks the last page (a page removed)."""
    root.mkdir(parents=True, exist_ok=True)
    count = PAGES if version == 0 else PAGES - 1
    toc = "\n".join(f"page{i:02d}" for i in range(count))
    (root / "config.ini").write_text("[project]\nname = faults\ntitle = Faults\n", encoding="utf-8")
    (root / "index.md").write_text(f"# Faults\n\n```toc\n:maxdepth: 1\n\n{toc}\n```\n", encoding="utf-8")
    for i in range(PAGES):
        page = root / f"page{i:02d}.md"
        if i >= count:
            page.unlink(missing_ok=True)
            continue
        word = f"edition{version}word{i}" if i % 3 == 0 else f"steadyword{i}"
        body = "\n\n".join(f"Paragraph {j} of page {i} says {word} and refers to :numref:`sec_p{(i + 1) % count}`."
                           for j in range(12))
        page.write_text(f"# Page {i}\n:label:`sec_p{i}`\n\n{body}\n\n## Part two\n\n$$x_{i} = {i}$$\n",
                        encoding="utf-8")
    return root


def build_command(book: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "divebook", "build", "html", "--no-eval", "--jobs", "2", "-q",
            "-C", str(book), "--out", str(out)]


def _fragments(folder: Path) -> dict[str, dict]:
    found = {}
    for path in (folder / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        data = json.loads(raw[len(b"pagefind_dcd"):])
        found[data["url"]] = {"content": data["content"], "meta": data.get("meta"),
                              "anchors": data.get("anchors")}
    return found


def searchable(site: Path) -> dict[str, dict]:
    """What search finds: each page's indexed text, the delta index's taking precedence."""
    found = _fragments(site / INDEX_DIR)
    try:
        delta_pages = json.loads((site / DELTA_DIR / DELTA_PAGES).read_text())["pages"]
    except OSError:
        return found
    delta = _fragments(site / DELTA_DIR)
    for page in delta_pages:
        found.pop("/" + page, None)
    found.update(delta)
    return found


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of the output folder but the cache, the report, the lock and the search index."""
    files = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(".cache/") or rel in ("report.json", ".divebook.lock") or path.is_dir():
            continue
        if "/_pagefind/" in f"/{rel}" or "/_pagefind_delta/" in f"/{rel}":
            continue
        files[rel] = path.read_bytes()
    return files


def tagged_processes(tag: str) -> list[int]:
    """Processes whose environment carries ``DIVEBOOK_FAULT_TAG=tag`` (the build's and its children's)."""
    found = []
    needle = f"DIVEBOOK_FAULT_TAG={tag}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_gone(tag: str, seconds: float) -> list[int]:
    """Wait up to ``seconds`` for the tagged processes to end; those still there."""
    deadline = time.monotonic() + seconds
    while True:
        left = [pid for pid in tagged_processes(tag) if not _zombie(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _zombie(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().split(") ")[1].startswith("Z")
    except (OSError, IndexError):
        return True


def start_build(book: Path, out: Path, tag: str, group: bool) -> subprocess.Popen:
    env = {**os.environ, "DIVEBOOK_FAULT_TAG": tag}
    return subprocess.Popen(build_command(book, out), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=group)
