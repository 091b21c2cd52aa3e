"""What a page asks of execution: cell timeout, GPUs, input files.

Each comes from the page's front matter (``timeout: 60``,
``resources: {gpus: 2}``, ``inputs: [../data/x.csv]``) or from the
configuration (``[pages."chapter_x/*.md"]`` tables, then ``[tabs.NAME]
timeout``, then ``[build] timeout``); the front matter wins.  A value that
makes no sense is reported with the page and the default is used.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..diagnostics import Diagnostics
from ..globs import matches
from ..tree import Page, Pos


@dataclass(slots=True)
class PageSettings:
    timeout: float
    gpus: int = 0
    #: book-relative paths of declared input files (may name missing files)
    inputs: list[str] = field(default_factory=list)


def is_evaluated(source: str, config: Config) -> bool:
    """Whether the page's code runs: a notebook (``[build] notebooks``, not ``non-notebooks``)
    and, when ``[build] eval_pages`` is set, one of those."""
    if config.notebooks and not matches(source, config.notebooks):
        return False
    if config.eval_pages and not matches(source, config.eval_pages):
        return False
    return not matches(source, config.non_notebooks)


def page_settings(page: Page, tab: str, config: Config, diags: Diagnostics) -> PageSettings:
    merged: dict[str, Any] = {}
    for pattern, values in config.pages.items():
        if matches(page.source, [pattern]):
            merged.update(values)
    merged.update({k: v for k, v in page.front_matter.items() if k in ("timeout", "resources", "inputs")})
    where = Pos(page.source, 1)

    timeout = config.tab(tab).timeout or config.timeout
    if "timeout" in merged:
        value = merged["timeout"]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            timeout = float(value)
        else:
            diags.warning(where, f"`timeout: {value!r}` must be a number of seconds per cell; "
                          f"using {timeout:g}", "page-settings")
    gpus = 0
    resources = merged.get("resources", {})
    if not isinstance(resources, dict):
        diags.warning(where, "`resources` must be a mapping such as `resources: {gpus: 1}`",
                      "page-settings")
        resources = {}
    if "gpus" in resources:
        value = resources["gpus"]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            gpus = value
        else:
            diags.warning(where, f"`resources: {{gpus: {value!r}}}` must be a whole number of GPUs; "
                          "using 0", "page-settings")
    inputs: list[str] = []
    declared = merged.get("inputs", [])
    if isinstance(declared, str):
        declared = [declared]
    if not isinstance(declared, list):
        diags.warning(where, "`inputs` must be a list of files the page's code reads", "page-settings")
        declared = []
    base = posixpath.dirname(page.source)
    for item in declared:
        inputs.append(posixpath.normpath(posixpath.join(base, str(item))))
    return PageSettings(timeout=timeout, gpus=gpus, inputs=inputs)


def local_gpus() -> list[str]:
    """The GPU ids this machine can hand out.

    ``DIVEBOOK_GPUS`` ("0,1" or a count) overrides; otherwise the devices in
    ``CUDA_VISIBLE_DEVICES``, or those ``nvidia-smi -L`` lists.
    """
    setting = os.environ.get("DIVEBOOK_GPUS")
    if setting is not None:
        setting = setting.strip()
        if setting.isdigit():
            return [str(i) for i in range(int(setting))]
        return [g.strip() for g in setting.split(",") if g.strip()]
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return [g.strip() for g in visible.split(",") if g.strip() and g.strip() != "-1"]
    smi = shutil.which("nvidia-smi")
    if not smi:
        return []
    try:
        listing = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return []
    return [str(i) for i, line in enumerate(l for l in listing.stdout.splitlines() if l.startswith("GPU"))]
