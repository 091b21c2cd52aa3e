"""Page -> notebook per tab: d2lbook's tab semantics, prose, selectors, line maps."""

from __future__ import annotations

import textwrap
from pathlib import Path

from divebook.diagnostics import Diagnostics
from divebook.execute.notebook import page_notebook, tab_code, tabs_with_code
from divebook.reader.page import read_page

TABS = ["pytorch", "mxnet", "jax"]


def page(text: str, tabs: list[str] = TABS):
    data = textwrap.dedent(text).lstrip("\n").encode()
    diags = Diagnostics()
    result = read_page(Path("/nonexistent"), "chapter/page.md", data, tabs, diags)
    return result


def cells(nb):
    return [(c.cell_type, c.source) for c in nb.notebook.cells]


MIXED = """
---
timeout: 5
---
# Title

Intro text.

```{.python .input}
%load_ext d2lbook.tab
tab.interact_select(['pytorch', 'mxnet', 'jax'])
```

```{.python .input}
#@tab all
import math
```

:begin_tab:`mxnet`
Only for MXNet readers.
:end_tab:

:begin_tab:`pytorch, jax`
For PyTorch and JAX.
:end_tab:

```{.python .input}
x = 1  # the default tab
```

```{.python .input}
#@tab mxnet
x = 2
```

```python
print("display only")
```

```{.python .input}
%%tab all
if tab.selected('pytorch'):
    y = 'torch'
elif tab.selected('mxnet'):
    y = 'mx'
else:
    y = 'other'
print(y)
```

The end.
"""


def test_default_tab_gets_untagged_and_all_cells_and_its_prose():
    nb = page_notebook(page(MIXED), "pytorch", TABS)
    assert nb is not None
    got = cells(nb)
    code = [src for kind, src in got if kind == "code"]
    assert code == ["import math", "x = 1  # the default tab", "y = 'torch'\nprint(y)"]
    md = "\n".join(src for kind, src in got if kind == "markdown")
    assert "# Title" in md and "Intro text." in md and "The end." in md
    assert "For PyTorch and JAX." in md
    assert "Only for MXNet readers." not in md
    assert ":begin_tab:" not in md and ":end_tab:" not in md
    assert "timeout: 5" not in md  # front matter is not prose
    assert "d2lbook.tab" not in md and "interact_select" not in md
    assert '```python\nprint("display only")\n```' in md  # display code stays in the prose


def test_named_tab_gets_its_cells_branch_and_prose():
    nb = page_notebook(page(MIXED), "mxnet", TABS)
    code = [src for kind, src in cells(nb) if kind == "code"]
    assert code == ["import math", "x = 2", "y = 'mx'\nprint(y)"]
    md = "\n".join(src for kind, src in cells(nb) if kind == "markdown")
    assert "Only for MXNet readers." in md and "For PyTorch and JAX." not in md


def test_tab_without_code_of_its_own_gets_no_notebook():
    p = page(MIXED)
    assert tabs_with_code(p, TABS) == ["pytorch", "mxnet"]  # jax has only `all` cells
    assert page_notebook(p, "jax", TABS) is None
    only_all = page("""
    # T

    ```{.python .input}
    #@tab all
    print(1)
    ```
    """)
    assert tabs_with_code(only_all, TABS) == ["pytorch"]
    assert page_notebook(page("# No code\n\nJust prose.\n"), "pytorch", TABS) is None


def test_cells_map_to_tree_cells_and_source_lines():
    p = page(MIXED)
    nb = page_notebook(p, "mxnet", TABS)
    assert len(nb.cells) == len(nb.code_cells) == 3
    last = nb.cells[2]
    text_lines = p.text.split("\n")
    # `y = 'mx'` and `print(y)` come from the lines that hold them in the file
    assert [text_lines[n - 1].strip() for n in nb.lines[2]] == ["y = 'mx'", "print(y)"]
    assert last.source_line <= nb.lines[2][0]


def test_expected_errors_become_raises_exception_tags_and_rewrite_applies():
    p = page("""
    # T

    ```{.python .input}
    #@expect_error
    1 / 0
    ```

    ```{.python .input}
    d2l.nn_Module
    ```
    """, ["pytorch"])
    nb = page_notebook(p, "pytorch", ["pytorch"], rewrite=lambda c: c.replace("d2l.nn_Module", "nn.Module"))
    first, second = nb.code_cells
    assert first.metadata["tags"] == ["raises-exception"]
    assert "tags" not in second.metadata
    assert second.source == "nn.Module"


def test_tab_code_keeps_lines_of_the_chosen_branch():
    p = page("""
    # T

    ```{.python .input}
    #@tab all
    a = 1
    if tab.selected('jax'):
        b = 2
    c = 3
    ```
    """)
    cell = next(c for c in page_notebook(p, "pytorch", TABS).cells)
    code, lines = tab_code(cell, "jax")
    assert code.split("\n") == ["a = 1", "b = 2", "c = 3"]
    assert lines == [cell.source_line, cell.source_line + 2, cell.source_line + 3]


def test_tab_notebooks_are_valid_nbformat_4() -> None:
    """Cells are made without nbformat's per-cell check, so check the whole notebook once here."""
    import json

    import nbformat

    nb = page_notebook(page(MIXED), "pytorch", TABS)
    assert nb is not None and len(nb.notebook.cells) >= 2
    nbformat.validate(nb.notebook)
    again = nbformat.reads(json.dumps(nb.notebook), as_version=4)  # what a job carries
    nbformat.validate(again)
    assert [c.source for c in again.cells] == [c.source for c in nb.notebook.cells]
    assert len({c.id for c in again.cells}) == len(again.cells)
