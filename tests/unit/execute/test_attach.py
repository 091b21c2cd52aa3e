"""Outputs from notebooks onto the tree, one per tab where tabs differ."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat

from divebook.diagnostics import Diagnostics
from divebook.execute.attach import TabRun, attach_outputs, outputs_from_notebook, outputs_to_notebook
from divebook.execute.notebook import page_notebook
from divebook.reader.page import read_page
from divebook.transforms.tabs import group_tabs, select_tab
from divebook.tree import CodeCell, TabGroup, walk_blocks

TABS = ["a", "b"]
TEXT = """
# T

```{.python .input}
#@tab all
print("shared")
```

```{.python .input}
#@tab all
import sys
```

```{.python .input}
#@tab b
1
```
"""


def make_page():
    return read_page(Path("/x"), "p.md", textwrap.dedent(TEXT).encode(), TABS, Diagnostics())


def executed(nb, outputs):
    """A copy of the tab notebook with the given outputs per code cell."""
    nb = nbformat.from_dict(nbformat.v4.new_notebook(cells=[dict(c) for c in nb.notebook.cells]))
    for cell, outs in zip([c for c in nb.cells if c.cell_type == "code"], outputs):
        cell.outputs = [nbformat.from_dict(o) for o in outs]
    return nb


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def test_streams_merge_and_widgets_are_dropped_and_round_trip():
    outs = outputs_from_notebook([stream("a"), stream("b"), stream("e", "stderr"),
                                  {"output_type": "display_data", "metadata": {},
                                   "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                            "text/plain": "HBox()"}},
                                  {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                                   "data": {"text/plain": ["1", "2"]}}])
    assert [(o.kind, o.name, o.text) for o in outs[:2]] == [("stream", "stdout", "ab"), ("stream", "stderr", "e")]
    assert outs[2].data == {"text/plain": "12"} and len(outs) == 3
    back = outputs_to_notebook(outs)
    nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=back)]))


def test_shared_cells_split_per_tab_when_outputs_differ():
    page = make_page()
    nb_a, nb_b = page_notebook(page, "a", TABS), page_notebook(page, "b", TABS)
    runs = {"a": TabRun(nb_a, executed(nb_a, [[stream("from a\n")], []]), "executed"),
            "b": TabRun(nb_b, executed(nb_b, [[stream("from b\n")], [], []]), "cached")}
    attach_outputs(page, runs, TABS)
    code = [b for b in walk_blocks(page.blocks) if isinstance(b, CodeCell)]
    first_a, first_b = code[0], code[1]
    assert (first_a.tabs, first_a.outputs[0].text, first_a.status) == (["a"], "from a\n", "executed")
    assert (first_b.tabs, first_b.outputs[0].text, first_b.status) == (["b"], "from b\n", "cached")
    shared = code[2]
    assert shared.tabs == ["a", "b"] and shared.outputs == []  # same (empty) outputs: stays shared
    # The website's tab view and one tab's view see each tab's own outputs.
    group = next(b for b in group_tabs(page.blocks, TABS) if isinstance(b, TabGroup))
    assert group.panels["a"][0].outputs[0].text == "from a\n"
    assert group.panels["b"][0].outputs[0].text == "from b\n"
    only_b = [b for b in select_tab(page.blocks, "b") if isinstance(b, CodeCell)]
    assert [c.outputs[0].text if c.outputs else None for c in only_b] == ["from b\n", None, None]


def test_failed_run_marks_the_failing_cell_and_leaves_later_cells_unrun():
    page = make_page()
    nb_b = page_notebook(page, "b", TABS)
    err = {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["tb"]}
    runs = {"b": TabRun(nb_b, executed(nb_b, [[], [err], []]), "failed", failed_cell=1)}
    attach_outputs(page, runs, TABS)
    code = [b for b in walk_blocks(page.blocks) if isinstance(b, CodeCell)]
    assert [c.status for c in code] == ["executed", "failed", ""]
    assert code[1].outputs[0].kind == "error"
