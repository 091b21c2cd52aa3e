"""Plain-language messages for runs that failed: what, where, and how to mend it."""

from __future__ import annotations

import os
import re
import sys

from .runner import DEAD, ERROR, LOST, NO_KERNEL, START_FAILED, TIMEOUT, JobResult

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_CELL_FRAME = re.compile(r"(?:Cell In\s*\[(\d*)\]|<ipython-input-(\d+)-[0-9a-f]+>)[^\n]*?line (\d+)")
_MISSING_MODULE = re.compile(r"No module named '([^']+)'")
_NETWORK = {"ConnectionError", "URLError", "gaierror", "HTTPError", "ConnectTimeout", "ReadTimeout",
            "MaxRetryError", "NameResolutionError", "SSLError", "RemoteDisconnected", "TimeoutError"}


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def failing_line(traceback: str, execution_count: int | None) -> int:
    """The 1-based line within the failing cell that the traceback points at (0 if unknown)."""
    plain = strip_ansi(traceback)
    frames = _CELL_FRAME.findall(plain)
    if not frames:
        m = re.search(r'File "<[^>]*>", line (\d+)', plain)  # syntax errors
        return int(m.group(1)) if m else 0
    for count, old_count, line in frames:
        number = count or old_count
        if execution_count is not None and number and int(number) == execution_count:
            return int(line)
    return int(frames[0][2])


def failure_message(result: JobResult, tab: str, kernel: str, cell_number: int,
                    library_packages: dict[str, bool], interpreter: str | None) -> str:
    """One line (and a hint) saying what went wrong in which cell of which tab.

    ``library_packages`` maps the book's library package names to whether
    their module has been built.
    """
    where = f"tab `{tab}`, cell {cell_number}" if cell_number > 0 else f"tab `{tab}`"
    if result.outcome == ERROR:
        text = f"{where} raised {result.ename}: {strip_ansi(result.evalue)}"
        return text + _hint(result, tab, kernel, library_packages, interpreter)
    if result.outcome == TIMEOUT:
        return (f"{where} timed out: {result.message}; the kernel was stopped. Raise the limit with "
                "`timeout: SECONDS` in the page's front matter, [pages.\"GLOB\"] timeout or "
                "[build] timeout")
    if result.outcome == DEAD:
        return f"{where}: {result.message}"
    if result.outcome in (NO_KERNEL, START_FAILED):
        return f"tab `{tab}`: {result.message}"
    if result.outcome == LOST:
        return f"{where}: {result.message}"
    return f"{where}: {result.message or result.outcome}"


def _is_divebook_python(kernel: str, interpreter: str | None) -> bool:
    """``python3`` (and any kernel on divebook's own interpreter) runs in divebook's environment."""
    if kernel == "python3":
        return True
    if not interpreter:
        return False
    path = os.path.abspath(interpreter)
    return path == os.path.abspath(sys.executable) or path.startswith(os.path.abspath(sys.prefix) + os.sep)


def _hint(result: JobResult, tab: str, kernel: str, library_packages: dict[str, bool],
          interpreter: str | None) -> str:
    if result.ename in ("ModuleNotFoundError", "ImportError"):
        m = _MISSING_MODULE.search(result.evalue)
        if m:
            module = m.group(1)
            top = module.split(".")[0]
            if top in library_packages and not library_packages[top]:
                return (f". `{top}` is the book's companion library, made from its `#@save` code: "
                        f"build it in the same run (`divebook build lib html`), or install it into "
                        f"the kernel's environment")
            where = f" ({interpreter})" if interpreter else ""
            own = (f"give tab `{tab}` its own environment: in divebook.toml (it can sit beside "
                   f"config.ini) add `[tabs.{tab}] requirements = [\"{top}\"]` (the package that provides "
                   f"`{top}`), and the next build makes it (or `divebook env --tab {tab}`)")
            if kernel == f"divebook-{tab}":
                return (f". Tab `{tab}` runs in its own environment{where}, which has no module "
                        f"`{module}`: add the package that provides it to [tabs.{tab}] requirements "
                        f"in divebook.toml; the next build (or `divebook env --tab {tab}`) installs it")
            if _is_divebook_python(kernel, interpreter):
                return (f". Tab `{tab}` runs in kernel `{kernel}`{where}, divebook's own Python, "
                        f"which has no module `{module}`; rather than installing into it, {own}")
            return (f". The kernel `{kernel}`{where} has no module `{module}`: install it into that "
                    f"environment" + (f" (`{interpreter} -m pip install {top}`)" if interpreter else "")
                    + f", or {own}")
    if result.ename in _NETWORK or "urlopen error" in result.evalue or "Max retries" in result.evalue:
        return (". The cell needs the network (a download?), which this machine could not reach; "
                "put the file in place beforehand and declare it in `inputs:`")
    return ""
