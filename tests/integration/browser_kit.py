"""Helpers for the website's browser tests: a test book, a served site, Chromium.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright; no
browser is ever downloaded.  Sites are served on 127.0.0.1 by divebook's
own server, so every test also exercises it.
"""

from __future__ import annotations

import contextlib
import json
import threading
import zipfile
from pathlib import Path
from typing import Iterator

import nbformat

from tests.conftest import require, require_tool, write_book

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions"]

#: a word found only deep in the test book (chapter_deep/deeper.md, a level-3 section)
DEEP_WORD = "quokkanomics"

TORCH_CELL = "import torch\n\nx = torch.arange(12)\ny = x.reshape(3, 4)\nprint(y.sum())"

TEST_BOOK = {
    "config.ini": """
        [project]
        name = testbook
        title = A Test Book
        author = The divebook tests
        release = 1.2.3

        [build]
        tabs = pytorch, mxnet

        [html]
        header_links = GitHub, https://github.com/example/testbook, fab fa-github,
                       Forum, https://discuss.example.org, fas fa-comments

        [colab]
        github_repo = pytorch, example/testbook-pytorch-colab
                      mxnet, example/testbook-mxnet-colab
        libs = pytorch, testbooklib, testbooklib==RELEASE
               mxnet, testbooklib, testbooklib==RELEASE
               mxnet, mxnet, mxnet==1.9.1

        [repository]
        github = example/testbook
        branch = main
        """,
    "index.md": """
        # A Test Book

        This book exists to be read by a browser.

        ```toc
        :maxdepth: 2

        chapter_basics/index
        chapter_deep/index
        ```
        """,
    "chapter_basics/index.md": """
        # Basics
        :label:`chap_basics`

        The first chapter.

        ```toc
        :maxdepth: 2

        tabs
        math
        ```
        """,
    "chapter_basics/tabs.md": f"""
        # Tensors in Two Frameworks
        :label:`sec_tabs`

        Every cell below exists once per framework.

        ```{{.python .input}}
        #@tab pytorch
        {TORCH_CELL.replace(chr(10), chr(10) + "        ")}
        ```

        ```{{.python .input}}
        #@tab mxnet
        from mxnet import np

        x = np.arange(12)
        y = x.reshape(3, 4)
        print(y.sum())
        ```

        ## At the Prompt

        A session at the interpreter, with its prompts and what it printed:

        ```python
        >>> print(1 + 1)
        2
        >>> for i in range(2):
        ...     print(i)
        0
        1
        ```

        ## Exercises

        1. Sum the rows instead.

        :begin_tab:`pytorch`
        [Discussions](https://discuss.example.org/t/101)
        :end_tab:

        :begin_tab:`mxnet`
        [Discussions](https://discuss.example.org/t/102)
        :end_tab:
        """,
    "chapter_basics/math.md": """
        # Equations and Figures
        :label:`sec_math`

        A loss $L(w) = \\sum_i (w x_i - y_i)^2$ is smallest where its gradient vanishes:

        $$\\frac{\\partial L}{\\partial w} = 2 \\sum_i x_i (w x_i - y_i) = 0.$$
        :eqlabel:`eq_grad`

        :eqref:`eq_grad` gives $w$; :numref:`fig_line` draws it.

        ![A line drawn on a transparent background.](../img/line.svg)
        :label:`fig_line`

        [Discussions](https://discuss.example.org/t/200)
        """,
    "chapter_deep/index.md": """
        # Going Deeper

        ```toc
        :maxdepth: 2

        deeper
        torch-only
        ```
        """,
    "chapter_deep/deeper.md": f"""
        # A Deep Page

        ## Background

        Some background.

        ### A Nested Section
        :label:`sec_nested`

        Only here does the word {DEEP_WORD} appear, so search must find this page.

        ```{{.python .input}}
        #@tab all
        values = [1, 2, 3]
        sum(values)
        ```

        ```{{.python .input}}
        #@tab pytorch
        import torch
        torch.tensor(values).sum()
        ```

        ```{{.python .input}}
        #@tab mxnet
        from mxnet import np
        np.array(values).sum()
        ```
        """,
    "chapter_deep/torch-only.md": """
        # Only PyTorch

        This section has code for one framework.

        ```{.python .input}
        #@tab pytorch
        import torch
        torch.ones(3)
        ```

        ```{.python .input}
        #@tab pytorch
        torch.zeros(2)
        ```
        """,
    "img/line.svg": """
        <svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
          <line x1="10" y1="90" x2="190" y2="10" stroke="black" stroke-width="3"/>
        </svg>
        """,
}


def make_test_book(root: Path) -> Path:
    return write_book(root, TEST_BOOK)


def add_notebooks(out: Path, tabs: list[str], pages: list[str], name: str = "testbook") -> None:
    """Notebooks where the notebooks target writes them: ``OUT/notebooks/<tab>/<page>.ipynb``
    and ``OUT/notebooks/<name>-<tab>.zip`` (written here with nbformat)."""
    for tab in tabs:
        folder = out / "notebooks" / tab
        for page in pages:
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_markdown_cell(f"# {page}"),
                        nbformat.v4.new_code_cell("import testbooklib\nprint('hello')")]
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                         "language": "python"}
            path = folder / f"{page}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(path))
        with zipfile.ZipFile(out / "notebooks" / f"{name}-{tab}.zip", "w") as archive:
            for path in sorted(folder.rglob("*.ipynb")):
                archive.write(path, path.relative_to(folder).as_posix())


@contextlib.contextmanager
def served(site: Path) -> Iterator[str]:
    """Serve ``site`` with divebook's static server; yields the base URL."""
    from divebook.serve import static_server

    server = static_server(site.resolve())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (Debian's), or a skip/CI failure when it is missing."""
    executable = require_tool("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package")
        raise
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class NetworkLog:
    """Every request a page makes, to check that none leaves the site."""

    def __init__(self, page: object, base: str) -> None:
        self.base = base
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))  # type: ignore[attr-defined]

    def outside(self) -> list[str]:
        return [u for u in self.urls if not (u.startswith(self.base) or u.startswith(("data:", "blob:")))]


def visible_math_sizes(page: object) -> list[tuple[float, float]]:
    """Width and height of every <math> element not inside a hidden tab panel."""
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        "math", "els => els.filter(e => !e.closest('[hidden]'))"
                ".map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })")


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
