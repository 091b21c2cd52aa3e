"""The cache key of one page run in one tab: only what can change its outputs.

That is the tab's code cells as they run, in order (with the tags that let a
cell fail), the kernel's name and environment fingerprint, the kernel
environment variables the book sets, the page's folder (relative paths
resolve from it), the content of the companion-library modules the page
imports and of the files it declares as inputs.  What divebook itself runs
around the cells counts too: the format number below and the kernel prelude
(prelude.py), which changes what a cell's output holds.  Prose, the page's
place in the book, file times and the other pages are not in it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..cache import digest
from .prelude import PRELUDE

#: bump when what a cached run holds, or how pages run, changes (2: the prelude's
#: surrogate-safe output; later prelude changes are in the key by themselves)
EXEC_FORMAT = "exec-2"


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes; "missing" (or "folder") when it is not a file."""
    try:
        if path.is_dir():
            return "folder:" + _folder_digest(path)
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for item in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(item.relative_to(folder).as_posix().encode())
        h.update(hashlib.sha256(item.read_bytes()).digest())
    return h.hexdigest()


def run_key(*, tab: str, kernel: str, fingerprint: str, kernel_env: dict[str, str], page_dir: str,
            cells: list[tuple[str, list[str]]], library: dict[str, str], inputs: dict[str, str]) -> str:
    """``cells`` are (code, tags) as run; ``library`` and ``inputs`` map paths to file digests."""
    parts: list[str] = [EXEC_FORMAT, digest(PRELUDE), tab, kernel, fingerprint,
                        repr(sorted(kernel_env.items())), page_dir]
    parts.append(str(len(cells)))
    for code, tags in cells:
        parts.append(code)
        parts.append(",".join(tags))
    for path, value in sorted(library.items()):
        parts += ["lib", path, value]
    for path, value in sorted(inputs.items()):
        parts += ["input", path, value]
    return digest(*parts)
