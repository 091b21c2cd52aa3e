"""A digest of divebook's own code, templates and strings.

Cache keys include it, so a changed divebook never reuses what an older one
computed, even between releases with the same version number.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from . import __version__

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_digest() -> str:
    h = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".js", ".toml", ".tex", ".j2"}:
            h.update(path.relative_to(_PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:32]
