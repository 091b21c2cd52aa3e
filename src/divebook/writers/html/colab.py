"""Google Colab: "open in Colab" links and the notebooks those links open.

Colab opens notebooks from a GitHub repository (``[colab] github_repo``, one
per tab).  d2lbook's format: the page ``chapter_x/y.html`` opens
``https://colab.research.google.com/github/OWNER/REPO/blob/master/chapter_x/y.ipynb``.
The notebooks pushed there are the book's notebooks with a first cell that
installs the libraries they import (``[colab] libs``), a ``python3`` kernel,
and a GPU runtime when the code mentions ``[colab] gpu_pattern``.
``write_colab_notebooks`` makes them under ``OUT/colab/<tab>/`` from
``OUT/notebooks/<tab>/``, ready to push.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from ...bookpaths import url_of
from ...cache import write_if_changed
from ...config import Config
from ...globs import matches

COLAB = "https://colab.research.google.com/github"
_STATE = ".divebook-colab.json"


def excluded(output: str, patterns: list[str]) -> bool:
    """Whether the page ``output`` (``chapter_x/y.html``) gets no Colab link."""
    return matches(output, patterns)


def colab_url(repo: str, output: str) -> str:
    stem = output[:-5] if output.endswith(".html") else output
    return f"{COLAB}/{repo.strip('/')}/blob/master/{url_of(stem)}.ipynb"


def colab_links(config: Config, output: str) -> list[tuple[str, str]]:
    """(tab, URL) for every tab with a Colab repository, unless the page is excluded."""
    if excluded(output, config.colab_exclusions):
        return []
    return [(tab.name, colab_url(tab.colab_repo, output)) for tab in config.tabs if tab.colab_repo]


# ------------------------------------------------------------------ notebooks

_IMPORT = re.compile(r"^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import|import\s+([A-Za-z_]\w*))")
_SVG_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+\.svg)(\))")


def install_cell_source(code_cells: list[str], libs: list[tuple[str, str]]) -> str:
    """``!pip install`` lines for the configured libraries the code imports, in config order."""
    imported: set[str] = set()
    for source in code_cells:
        for line in source.splitlines():
            m = _IMPORT.match(line)
            if m:
                imported.add(m.group(1) or m.group(2))
    return "".join(f"!pip install {spec}\n" for name, spec in libs if name in imported)


def colab_notebook(nb: dict, libs: list[tuple[str, str]], header: str = "",
                   gpu_pattern: str = "gpu", svg_rule: tuple[str, str] | None = None,
                   path: str = "") -> dict:
    """The Colab version of one notebook (JSON dict, nbformat 4); ``nb`` is not changed."""
    nb = json.loads(json.dumps(nb))
    cells = nb.setdefault("cells", [])
    code = ["".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", "")
            for c in cells if c.get("cell_type") == "code"]
    metadata = nb.setdefault("metadata", {})
    metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if gpu_pattern and any(gpu_pattern in source for source in code):
        metadata["accelerator"] = "GPU"
    if svg_rule:
        _point_svgs_online(cells, svg_rule, path)
    install = install_cell_source(code, libs)
    if install:
        new = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": install.rstrip("\n")}]
        if header:
            new.insert(0, {"cell_type": "markdown", "metadata": {}, "source": header})
        if nb.get("nbformat_minor", 0) >= 5:  # cell ids are required from 4.5 on
            for i, cell in enumerate(new):
                cell["id"] = f"colab-install-{i}"
        nb["cells"] = new + cells
    return nb


def _point_svgs_online(cells: list[dict], rule: tuple[str, str], path: str) -> None:
    """SVG images under ``rule[0]`` (book-relative) are linked from ``rule[1]`` instead."""
    prefix, url = rule[0].strip("/"), rule[1].rstrip("/")

    def swap(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), m.group(2)))
        if target.startswith(prefix + "/"):
            return m.group(1) + url + target[len(prefix):] + m.group(3)
        return m.group(0)

    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            cell["source"] = _SVG_IMAGE.sub(swap, source)


def write_colab_notebooks(out: Path, config: Config) -> list[str]:
    """``OUT/colab/<tab>/**.ipynb`` from ``OUT/notebooks/<tab>/`` for tabs with a Colab repo.

    A small state file remembers each source's size and time, so a build that
    changed no notebook reads none.
    """
    written: list[str] = []
    for tab in config.tabs:
        source_dir = out / "notebooks" / tab.name
        if not tab.colab_repo or not source_dir.is_dir():
            continue
        target_dir = out / "colab" / tab.name
        state_file = target_dir / _STATE
        try:
            state = json.loads(state_file.read_text())
        except (OSError, ValueError):
            state = {}
        settings = [tab.colab_libs, config.colab_libs_header, config.colab_gpu_pattern,
                    config.colab_replace_svg_url, config.colab_exclusions]
        if state.get("settings") != json.loads(json.dumps(settings)):
            state = {"settings": settings, "files": {}}
        files: dict[str, list[int]] = {}
        for nb_path in sorted(source_dir.rglob("*.ipynb")):
            rel = nb_path.relative_to(source_dir).as_posix()
            if excluded(rel[:-6] + ".html", config.colab_exclusions):
                continue
            stat = nb_path.stat()
            files[rel] = [stat.st_size, stat.st_mtime_ns]
            if state["files"].get(rel) == files[rel] and (target_dir / rel).is_file():
                continue
            try:
                nb = json.loads(nb_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # the notebooks writer reports its own failures
            colab = colab_notebook(nb, tab.colab_libs, config.colab_libs_header,
                                   config.colab_gpu_pattern, config.colab_replace_svg_url, rel)
            data = (json.dumps(colab, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
            if write_if_changed(target_dir / rel, data):
                written.append(f"colab/{tab.name}/{rel}")
        for rel in set(state["files"]) - set(files):
            (target_dir / rel).unlink(missing_ok=True)
        if files != state["files"]:
            write_if_changed(state_file, json.dumps({"settings": settings, "files": files}).encode())
    return written
