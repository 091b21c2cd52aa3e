"""Shared test helpers: small books written on the fly, the corpus, required tools."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from tools.fetch_corpus import FETCH_COMMAND, SETTING, corpus_root, load_pins

REPO = Path(__file__).resolve().parent.parent
#: The real books (tools/corpus.toml): $DIVEBOOK_CORPUS, else ../shared/corpus beside the repo.
CORPUS = corpus_root()
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: Said by every skip for a missing corpus book, and once at the end of the session.
CORPUS_HINT = (f"get the corpus with `{FETCH_COMMAND}` (git, network), "
               f"or set {SETTING} to a folder that has it")


def require(condition: bool, what: str, how: str = "") -> None:
    """Skip when ``what`` is missing on a developer's machine; fail in CI, where it must exist."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is missing" + (f"; {how}" if how else ""))
    pytest.skip(f"{what} is not available here" + (f"; {how}" if how else ""))


def require_corpus(*books: str) -> Path:
    """The corpus folder, once each of ``books`` (names in tools/corpus.toml) is in it."""
    missing = [name for name in books if not (CORPUS / name).is_dir()]
    require(not missing, f"the corpus ({', '.join(missing)} under {CORPUS})", CORPUS_HINT)
    return CORPUS


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path is not None, f"the `{name}` command")
    return path  # type: ignore[return-value]


@pytest.fixture
def corpus() -> Path:
    """The corpus folder with d2l-en in it (tests that read other books call require_corpus)."""
    return require_corpus("d2l-en")


def pytest_report_header(config: pytest.Config) -> list[str]:
    pins = ", ".join(book.pin for book in load_pins().values())
    return [f"corpus: {CORPUS} (${SETTING}); pins in tools/corpus.toml: {pins}"]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Say once how to get the corpus when tests skipped (or, in CI, failed) for want of it."""
    reports = [report for key in ("skipped", "failed", "error") for report in terminalreporter.stats.get(key, [])]
    count = sum(CORPUS_HINT in str(report.longrepr) for report in reports)
    if count:
        terminalreporter.write_line(f"{count} test(s) lacked the corpus at {CORPUS}: {CORPUS_HINT}")


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
