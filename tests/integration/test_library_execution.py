"""The library feeds execution: pages run against it, and its changes re-run only its importers.

A two-tab book: page ``a`` saves a function for each tab, page ``b`` imports
each tab's library, page ``c`` imports none.  Editing pytorch's saved
function re-runs ``a`` (its code changed) and ``b``'s pytorch tab (its
library changed); ``b``'s mxnet tab and page ``c`` stay cached.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import build, exit_status
from tests.conftest import require

pytestmark = pytest.mark.kernel

BOOK = {
    "divebook.toml": """
        [project]
        title = "Cache interplay"

        [build]
        tabs = ["pytorch", "mxnet"]

        [tabs.pytorch.library]
        file = "cachelib/pt.py"

        [tabs.mxnet.library]
        file = "cachelib/mx.py"
    """,
    "index.md": """
        # Cache interplay

        ```toc
        a
        b
        c
        ```
    """,
    "a.md": """
        # Saving
        :label:`sec_saving`

        ```{.python .input}
        #@tab pytorch
        def greet(name):  #@save
            return f"hello {name} from pytorch"
        ```

        ```{.python .input}
        #@tab mxnet
        def greet(name):  #@save
            return f"hello {name} from mxnet"
        ```
    """,
    "b.md": """
        # Using

        ```{.python .input}
        #@tab pytorch
        from cachelib import pt as lib
        ```

        ```{.python .input}
        #@tab mxnet
        from cachelib import mx as lib
        ```

        ```{.python .input}
        #@tab all
        print(lib.greet("b"))
        ```
    """,
    "c.md": """
        # Plain

        ```{.python .input}
        #@tab all
        print(6 * 7)
        ```
    """,
}


def statuses(out: Path) -> dict[tuple[str, str], str]:
    data = json.loads((out / "report.json").read_text())
    return {(page["source"], tab): info["status"]
            for page in data["pages"] for tab, info in page["tabs"].items()}


def test_editing_a_saved_function_reruns_only_its_importers(make_book, tmp_path):
    require(importlib.util.find_spec("divebook.execute") is not None,
            "the execution stage (divebook.execute)")
    from jupyter_client.kernelspec import KernelSpecManager

    require("python3" in KernelSpecManager().find_kernel_specs(), "the python3 Jupyter kernel")
    book = make_book(BOOK)
    out = tmp_path / "out"
    options = BuildOptions(book=book, out=out, targets=["html"], tab="all", jobs=2)
    ctx = build(options)
    assert exit_status(ctx) == 0, [str(d) for d in ctx.diags.errors]
    first = statuses(out)
    assert set(first.values()) == {"executed"}, first
    html = (out / "html" / "b.html").read_text()
    assert "hello b from pytorch" in html and "hello b from mxnet" in html

    build(options)
    assert set(statuses(out).values()) == {"cached"}

    page = book / "a.md"
    page.write_text(page.read_text().replace("from pytorch", "from the new pytorch"))
    ctx = build(options)
    assert exit_status(ctx) == 0
    after = statuses(out)
    assert after[("a.md", "pytorch")] == "executed"
    assert after[("b.md", "pytorch")] == "executed"
    assert after[("b.md", "mxnet")] == "cached"
    assert after[("a.md", "mxnet")] == "cached"
    # c has only `#@tab all` code: it runs in the default tab only (d2lbook's rule, issue 3).
    assert after[("c.md", "pytorch")] == "cached" and ("c.md", "mxnet") not in after
    assert "hello b from the new pytorch" in (out / "html" / "b.html").read_text()
