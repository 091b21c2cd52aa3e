"""``divebook init DIR``: a small book that builds at once, to start from."""

from __future__ import annotations

import shutil
from pathlib import Path

from .context import UsageError

TEMPLATE = Path(__file__).resolve().parent / "templates" / "init"


def init_book(target: Path) -> Path:
    """Copy the template book into ``target`` (new or empty); refuse to overwrite."""
    try:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise UsageError(f"{target} exists and is not empty; choose a new folder")
        shutil.copytree(TEMPLATE, target, dirs_exist_ok=True)
    except (OSError, shutil.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot create the book in {target}: {reason}; "
                         "choose a new folder in a place you can write to") from None
    return target
