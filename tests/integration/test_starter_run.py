"""Run the starter book's pages in their tabs' real kernels, without the build.

Used by ``test_starter_numbers.py`` (and by hand: ``python -m
tests.integration.test_starter_run [PAGE...]`` prints every output) to check that
what the prose says is what the code prints.  It reads pages with divebook's
reader, writes the companion library from the ``#@save`` blocks the way
d2lbook does (the statement after the mark), and runs each page's cells for
one tab in that tab's kernel (``envs.ensure_tab_env``) through nbclient.

Once the build executes pages itself, the test reads the executed outputs
from the build instead (see ``test_starter_numbers.py``).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from rich.console import Console

from divebook.config import Config, load_config
from divebook.diagnostics import Diagnostics
from divebook.envs import TabEnv, ensure_tab_env
from divebook.reader.book import read_book
from divebook.transforms.tabs import code_for_tab
from divebook.tree import Book, CodeCell, walk_blocks

STARTER = Path(__file__).resolve().parents[2] / "starter"


@dataclass
class CellRun:
    source: str
    text: str  # stdout and text/plain results, joined
    images: list[str]  # MIME types of images shown
    error: str = ""


def read_starter(root: Path = STARTER) -> tuple[Config, Book]:
    diags = Diagnostics()
    config = load_config(root, diags)
    book = read_book(config, None, 1, diags)
    return config, book


def page_cells(book: Book, source: str, tab: str) -> list[str]:
    """The code of ``source`` that tab ``tab`` runs, cell by cell."""
    page = book.pages[source]
    return [code_for_tab(block.source, tab) for block in walk_blocks(page.blocks)
            if isinstance(block, CodeCell) and block.executable and tab in block.tabs]


def saved_blocks(code: str) -> list[str]:
    """d2lbook's ``#@save``: the statement after a ``#@save`` line (or on its line)."""
    lines = code.split("\n")
    blocks = []
    for i, line in enumerate(lines):
        m = re.search(r"#\s*@save", line)
        if not m:
            continue
        block = [line[:m.start()].rstrip()] if line[:m.start()].strip() else []
        j = i + 1
        while j < len(lines) and lines[j] and not lines[j].startswith((" ", "\t")):
            block.append(lines[j])  # consecutive top-level lines (imports)
            j += 1
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith((" ", "\t"))):
            block.append(lines[j])  # the indented body
            j += 1
        blocks.append("\n".join(block).rstrip())
    return blocks


def write_library(config: Config, book: Book, lib: Path) -> None:
    for tab in config.tabs:
        if tab.library is None:
            continue
        blocks = []
        for source in book.order:
            for code in page_cells(book, source, tab.name):
                blocks.extend(saved_blocks(code))
        path = lib / tab.library.lib_file
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text("\n\n\n".join(blocks) + "\n", encoding="utf-8")


def _text(outputs: list) -> tuple[str, list[str], str]:
    texts, images, error = [], [], ""
    for out in outputs:
        if out.output_type == "stream":
            texts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            data = out.get("data", {})
            images.extend(k for k in data if k.startswith("image/"))
            if "text/plain" in data and not any(k.startswith("image/") for k in data):
                texts.append(data["text/plain"] + "\n")
        elif out.output_type == "error":
            error = f"{out.ename}: {out.evalue}"
    return "".join(texts), images, error


def run_page(config: Config, book: Book, source: str, env: TabEnv, lib: Path,
             timeout: float = 300) -> list[CellRun]:
    cells = page_cells(book, source, env.tab)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    km_env = {**os.environ, **env.env, "PYTHONPATH": str(lib)}
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name=env.kernel_name, kernel_spec_manager=env.kernel_spec_manager())
    client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": str(config.root / Path(source).parent)}})
    try:
        client.execute(env=km_env)
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    runs = []
    for cell in nb.cells:
        text, images, error = _text(cell.outputs)
        runs.append(CellRun(cell.source, text, images, error))
    return runs


def run_book(pages: list[str] | None, tabs: list[str] | None, lib: Path,
             console: Console | None = None) -> dict[tuple[str, str], list[CellRun]]:
    config, book = read_starter()
    write_library(config, book, lib)
    console = console or Console(stderr=True)
    results = {}
    for tab in tabs or config.tab_names:
        env = ensure_tab_env(config, tab, console)
        for source in book.order:
            if pages and not any(p in source for p in pages):
                continue
            if not page_cells(book, source, tab):
                continue
            results[(source, tab)] = run_page(config, book, source, env, lib)
    return results


def main(argv: list[str]) -> int:
    import tempfile
    import time

    tabs = [a[len("--tab="):] for a in argv if a.startswith("--tab=")] or None
    pages = [a for a in argv if not a.startswith("--")]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        results = run_book(pages or None, tabs, Path(tmp))
        failed = 0
        for (source, tab), runs in results.items():
            print(f"==================== {source} [{tab}]")
            for run in runs:
                print(">>> " + run.source.replace("\n", "\n... "))
                if run.text:
                    print(run.text.rstrip())
                if run.images:
                    print(f"[{', '.join(run.images)}]")
                if run.error:
                    failed += 1
                    print(f"!!! {run.error}")
        print(f"{len(results)} page runs, {failed} errors, {time.perf_counter() - start:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
