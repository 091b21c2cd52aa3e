"""Shared test helpers: small books written on the fly, the corpus, required tools."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = (REPO.parent / "shared" / "corpus").resolve()
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, what: str) -> None:
    """Skip when ``what`` is missing on a developer's machine; fail in CI, where it must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is missing")
    pytest.skip(f"{what} is not available here")


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"the `{name}` command")
    return path  # type: ignore[return-value]


@pytest.fixture
def corpus() -> Path:
    require((CORPUS / "d2l-en" / "config.ini").exists(), f"the test corpus at {CORPUS}")
    return CORPUS


def write_book(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path -> text, dedented) under ``root`` and return it."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_book(tmp_path: Path):
    """``make_book({"index.md": "...", ...})`` -> the book folder."""
    def make(files: dict[str, str], name: str = "book") -> Path:
        return write_book(tmp_path / name, files)
    return make
