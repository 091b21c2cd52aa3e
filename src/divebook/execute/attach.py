"""Outputs of executed notebooks, attached to the page's code cells.

A cell shared by several tabs (``#@tab all``) runs once per tab.  When the
tabs' outputs differ it is split into one cell per tab (the tab's branch of
the code, the tab's outputs), so ``transforms.tabs.group_tabs`` shows each
tab its own results and ``select_tab`` gives a tab's view its outputs; when
they agree the cell stays shared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import nbformat

from ..transforms.tabs import code_for_tab
from ..tree import Block, CodeCell, ListBlock, Page, Quote, TabContent, Translated
from .notebook import TabNotebook

#: MIME types that only a live Jupyter front end can show (widgets, e.g. tqdm bars)
_DROPPED_MIME = {"application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json"}


def outputs_from_notebook(outputs: list[Any]) -> list:
    """nbformat outputs -> ``tree.Output`` (streams of one name merged, widgets dropped)."""
    from ..tree import Output

    result: list[Output] = []
    for out in outputs:
        kind = out.get("output_type", "")
        if kind == "stream":
            text = str(_text(out.get("text", "")))
            name = out.get("name", "stdout")
            if result and result[-1].kind == "stream" and result[-1].name == name:
                result[-1].text += text
            else:
                result.append(Output("stream", name=name, text=text))
        elif kind == "error":
            result.append(Output("error", ename=out.get("ename", ""), evalue=out.get("evalue", ""),
                                 traceback=list(out.get("traceback", []))))
        elif kind in ("display_data", "execute_result"):
            raw = out.get("data", {})
            if any(mime in _DROPPED_MIME for mime in raw):
                continue  # a widget: its text/plain stand-in ("HBox(...)") means nothing on a page
            data = {mime: _text(value) for mime, value in raw.items()}
            if data:
                result.append(Output(kind, data=data))
    return result


def outputs_to_notebook(outputs: list) -> list[nbformat.NotebookNode]:
    """``tree.Output`` -> nbformat outputs (for the notebooks a reader downloads)."""
    nb_outputs = []
    for out in outputs:
        if out.kind == "stream":
            nb_outputs.append(nbformat.v4.new_output("stream", name=out.name or "stdout", text=out.text))
        elif out.kind == "error":
            nb_outputs.append(nbformat.v4.new_output("error", ename=out.ename, evalue=out.evalue,
                                                     traceback=list(out.traceback)))
        elif out.kind == "execute_result":
            nb_outputs.append(nbformat.v4.new_output("execute_result", data=dict(out.data),
                                                     execution_count=None))
        else:
            nb_outputs.append(nbformat.v4.new_output("display_data", data=dict(out.data)))
    return nb_outputs


def _text(value: Any) -> Any:
    """nbformat keeps multi-line text as lists of lines; JSON data stays as it is."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return value


@dataclass(slots=True)
class TabRun:
    """One tab's run of a page: the notebook as run and what became of each cell."""

    tab_notebook: TabNotebook
    executed: nbformat.NotebookNode | None  # None: nothing ran (e.g. no kernel) or not yet
    status: str  # "executed" | "cached" | "failed" | "pending" (runs while ``serve`` serves)
    failed_cell: int = -1  # index among code cells


def attach_outputs(page: Page, runs: dict[str, TabRun], tab_names: list[str]) -> None:
    """Give the page's cells the outputs of ``runs`` (tab -> run), splitting shared cells."""
    per_cell: dict[int, dict[str, tuple[list, str]]] = {}
    for tab, run in runs.items():
        nb_cells = run.executed.cells if run.executed is not None else []
        code = [c for c in nb_cells if c.cell_type == "code"]
        for i, cell in enumerate(run.tab_notebook.cells):
            outputs = outputs_from_notebook(code[i].get("outputs", [])) if i < len(code) else []
            if run.status == "pending":
                status = "pending"
            elif run.failed_cell >= 0 and i == run.failed_cell:
                status = "failed"
            elif run.failed_cell >= 0 and i > run.failed_cell or run.executed is None:
                status = ""
            else:
                status = run.status if run.status != "failed" else "executed"
            per_cell.setdefault(id(cell), {})[tab] = (outputs, status)
    page.blocks = rebuild_blocks(page.blocks, per_cell, tab_names)


def rebuild_blocks(blocks: list[Block], per_cell: dict[int, dict[str, tuple[list, str]]],
                   tab_names: list[str]) -> list[Block]:
    """``blocks`` with the cells named in ``per_cell`` (by id) given their tabs' outputs."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, CodeCell) and id(block) in per_cell:
            out.extend(_with_outputs(block, per_cell[id(block)], tab_names))
        elif isinstance(block, (Quote, TabContent)):
            block.children = rebuild_blocks(block.children, per_cell, tab_names)
            out.append(block)
        elif isinstance(block, ListBlock):
            block.items = [rebuild_blocks(item, per_cell, tab_names) for item in block.items]
            out.append(block)
        elif isinstance(block, Translated):
            original = rebuild_blocks([block.original], per_cell, tab_names)
            if len(original) == 1:
                block.original = original[0]
            out.append(block)
        else:
            out.append(block)
    return out


def _with_outputs(cell: CodeCell, ran: dict[str, tuple[list, str]], tab_names: list[str]) -> list[Block]:
    order = [t for t in tab_names if t in ran]
    first_outputs = ran[order[0]][0]
    if len(order) == 1 or all(ran[t][0] == first_outputs for t in order):
        statuses = {ran[t][1] for t in order}
        cell.outputs = first_outputs
        cell.status = ("failed" if "failed" in statuses else
                       "pending" if "pending" in statuses else
                       "executed" if "executed" in statuses else
                       "cached" if "cached" in statuses else "")
        return [cell]
    copies: list[Block] = []
    for tab in order:
        outputs, status = ran[tab]
        copies.append(replace(cell, source=code_for_tab(cell.source, tab), tabs=[tab], outputs=outputs,
                              status=status, marks=set(cell.marks), attrs=dict(cell.attrs)))
    rest = [t for t in cell.tabs if t not in ran]
    if rest:
        copies.append(replace(cell, tabs=rest, outputs=[], status="", marks=set(cell.marks),
                              attrs=dict(cell.attrs)))
    return copies
