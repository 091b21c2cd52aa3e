"""Per-tab environments: one virtual environment and Jupyter kernel per framework tab.

A tab that lists requirements in ``divebook.toml``::

    [tabs.mxnet]
    requirements = ["mxnet==1.9.1", "numpy<1.24"]

gets its own virtual environment in ``BOOK/.divebook/envs/<tab>/`` with those
requirements and ipykernel, and a kernelspec ``divebook-<tab>`` in
``BOOK/.divebook/jupyter/kernels/``.  Nothing is written to the user's Jupyter
configuration: whoever starts the kernel looks in the book's folder
(``TabEnv.kernel_spec_manager()``).  The environment is reused while its
requirements (and the Python that made it) are unchanged; a half-made one
(a failed or killed install) has no state file and is made again.

A tab without requirements runs in the kernel ``[tabs.NAME] kernel`` names
(``python3`` by default: the Python divebook runs in).

For the executor, everything it needs about a tab's kernel::

    env = tab_environment(config, "mxnet")     # no side effects; EnvError if not usable
    env = ensure_tab_env(config, "mxnet", console)   # create or repair first
    envs = environments_for_build(config, tabs, console, diags)  # build: errors -> diags
    env.kernel_name          # "divebook-mxnet" (or the configured kernel)
    env.kernel_spec_manager()  # a jupyter_client KernelSpecManager that finds it
    env.jupyter_path         # BOOK/.divebook/jupyter, or None for an unmanaged kernel
    env.env                  # extra environment variables for the kernel
    env.fingerprint          # hash of Python version + installed distributions + env
    env.python               # the kernel's interpreter
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from rich.console import Console

from ..cache import digest, write_atomic
from ..console import problem
from ..config import Config, TabConfig, load_config
from ..diagnostics import ConfigError, Diagnostics
from .install import find_installer, install_locked, make_venv, resolve
from .lock import (KERNEL_REQUIREMENTS, LOCK_NAME, LockSection, book_library_needs, lock_path,
                        read_lock, requirement_name, section_digest, tab_needs, write_section)
from ..tree import Pos

#: bumped when the layout of an environment changes, so old ones are remade
ENV_FORMAT = 2  # 2: every environment is recorded in divebook.lock
STATE_FILE = "divebook-env.json"


class EnvError(Exception):
    """A tab's environment cannot be made or used; ``pos`` says where to fix it."""

    def __init__(self, message: str, pos: Pos | None = None, log: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.log = log


@dataclass(frozen=True)
class TabEnv:
    """How to start a tab's kernel, and a fingerprint of what it runs with."""

    tab: str
    kernel_name: str
    python: Path
    fingerprint: str
    #: BOOK/.divebook/jupyter for managed environments (holds kernels/<name>/kernel.json)
    jupyter_path: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    managed: bool = False

    def kernel_spec_manager(self):  # type: ignore[no-untyped-def]
        """A KernelSpecManager that finds this kernel (the book's kernels first)."""
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_core.paths import jupyter_path

        dirs = jupyter_path("kernels")
        if self.jupyter_path is not None:
            dirs = [str(self.jupyter_path / "kernels"), *dirs]
        return KernelSpecManager(kernel_dirs=dirs)


# --------------------------------------------------------------------------
# Paths and hashes
# --------------------------------------------------------------------------


def envs_root(book: Path) -> Path:
    return book / ".divebook" / "envs"


def jupyter_dir(book: Path) -> Path:
    return book / ".divebook" / "jupyter"


def kernel_name(tab: str) -> str:
    return f"divebook-{tab}"


def env_dir(book: Path, tab: str) -> Path:
    return envs_root(book) / tab


def env_python(path: Path) -> Path:
    return path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def log_file(book: Path, tab: str) -> Path:
    return envs_root(book) / f"{tab}.log"


def requirements_hash(tab: TabConfig, extra: str = "") -> str:
    """What decides whether an environment can be reused: its requirements and our Python."""
    return digest("divebook-env", str(ENV_FORMAT), sys.version, sys.base_prefix,
                  json.dumps(list(tab.requirements)), json.dumps(KERNEL_REQUIREMENTS), *([extra] if extra else []))


def _needs(config: Config, spec: TabConfig) -> tuple[list[str], str]:
    """Everything the tab's environment gets (envs/lock.py, tab_needs) and where the library's came from."""
    library, origin = book_library_needs(config.root)
    return tab_needs(list(spec.requirements), library), origin


def environment_hash(config: Config, spec: TabConfig) -> str:
    """requirements_hash, plus the library's needs and the tab's locked packages when there are any."""
    library, _ = book_library_needs(config.root)
    section = read_lock(config.root)[0].get(spec.name)
    extra = json.dumps([library, section_digest(section)]) if library or section else ""
    return requirements_hash(spec, extra)


_FINGERPRINT_SCRIPT = r"""
import json, sys
from importlib import metadata
dists = sorted({f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in metadata.distributions()})
print(json.dumps({"python": sys.version, "dists": dists}))
"""


def _site_stamp(python: Path) -> str:
    """The modification times of the interpreter's site-packages folders (cheap change test)."""
    prefix = python.parent.parent
    stamps = []
    for site in sorted(prefix.glob("lib*/python3*/site-packages")):
        try:
            stamps.append(f"{site}:{site.stat().st_mtime_ns}")
        except OSError:
            continue
    return ";".join(stamps)


def interpreter_fingerprint(python: Path, extra_env: dict[str, str] | None = None) -> str:
    """Hash of the interpreter's version and every installed distribution (name==version)."""
    result = subprocess.run([str(python), "-c", _FINGERPRINT_SCRIPT], capture_output=True,
                            text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise EnvError(f"cannot run {python} to list its packages: {result.stderr.strip()[-500:]}")
    return digest(result.stdout.strip(), json.dumps(sorted((extra_env or {}).items())))


def _cached_fingerprint(state_path: Path, python: Path, extra_env: dict[str, str]) -> str:
    """The fingerprint, recomputed only when site-packages changed since it was stored."""
    stamp = _site_stamp(python) + json.dumps(sorted(extra_env.items()))
    state = _read_json(state_path)
    cached = state.get("fingerprints", {}).get(str(python))
    if cached and stamp and cached.get("stamp") == stamp:
        return str(cached["fingerprint"])
    fingerprint = interpreter_fingerprint(python, extra_env)
    state = _read_json(state_path)  # re-read: another tab may have written meanwhile
    state.setdefault("fingerprints", {})[str(python)] = {"stamp": stamp, "fingerprint": fingerprint}
    try:
        write_atomic(state_path, json.dumps(state, indent=1).encode("utf-8"))
    except OSError:
        pass  # a read-only book still builds; the fingerprint is just not remembered
    return fingerprint


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --------------------------------------------------------------------------
# Looking an environment up (no side effects but the fingerprint cache)
# --------------------------------------------------------------------------


def _tab_config(config: Config, tab: str) -> TabConfig:
    if tab not in config.tab_names:
        raise EnvError(f"the book has no tab `{tab}` (its tabs: {', '.join(config.tab_names)})",
                       config.pos("build.tabs"))
    return config.tab(tab)


def _requirements_pos(config: Config, tab: str) -> Pos:
    key = f"tabs.{tab}.requirements" if f"tabs.{tab}.requirements" in config.lines else f"tabs.{tab}"
    return config.pos(key)


def env_status(config: Config, tab: str) -> str:
    """"ready", "missing", "stale" (requirements changed) or "broken" (half-made)."""
    spec = _tab_config(config, tab)
    path = env_dir(config.root, tab)
    if not path.exists():
        return "missing"
    state = _read_json(path / STATE_FILE)
    if not state.get("complete") or not env_python(path).exists():
        return "broken"
    if state.get("requirements_hash") != environment_hash(config, spec):
        return "stale"
    return "ready"


def tab_environment(config: Config, tab: str) -> TabEnv:
    """The kernel of ``tab`` as it is now; EnvError when it must first be made or repaired."""
    spec = _tab_config(config, tab)
    if not spec.requirements:
        return _unmanaged(config, spec)
    status = env_status(config, tab)
    if status != "ready":
        why = {"missing": "has not been created", "stale": "was made for other requirements",
               "broken": "was left half-made (an install failed or was interrupted)"}[status]
        raise EnvError(f"the environment of tab `{tab}` {why}; run `divebook env -C {config.root}"
                       f" --tab {tab}` (or build, which makes it)", _requirements_pos(config, tab))
    path = env_dir(config.root, tab)
    _write_kernelspec(config.root, spec, env_python(path))  # cheap; repairs a deleted kernelspec
    python = env_python(path)
    return TabEnv(tab=tab, kernel_name=kernel_name(tab), python=python,
                  fingerprint=_cached_fingerprint(path / STATE_FILE, python, spec.env),
                  jupyter_path=jupyter_dir(config.root), env=dict(spec.env), managed=True)


def _unmanaged(config: Config, spec: TabConfig) -> TabEnv:
    """A tab without requirements: the kernel it names, found where Jupyter looks."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        kernelspec = KernelSpecManager().get_kernel_spec(spec.kernel)
    except NoSuchKernel:
        raise EnvError(f"tab `{spec.name}` runs in kernel `{spec.kernel}`, which is not installed "
                       f"(`jupyter kernelspec list` shows the installed ones); list the tab's packages "
                       f"in [tabs.{spec.name}] requirements and divebook makes an environment for it",
                       config.pos(f"tabs.{spec.name}")) from None
    first = kernelspec.argv[0] if kernelspec.argv else sys.executable
    if first in {"python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"}:
        python = Path(sys.executable)  # jupyter_client starts these with its own interpreter
    else:
        python = Path(shutil.which(first) or first)
    env = {**kernelspec.env, **spec.env}
    if kernelspec.language.lower() != "python" or not python.exists():
        # Not a Python kernel we can ask for its packages: fingerprint what we know of it.
        fingerprint = digest(json.dumps(kernelspec.to_dict(), sort_keys=True), json.dumps(sorted(env.items())))
    else:
        fingerprint = _cached_fingerprint(config.root / ".divebook" / "fingerprints.json", python, env)
    return TabEnv(tab=spec.name, kernel_name=spec.kernel, python=python, fingerprint=fingerprint,
                  jupyter_path=None, env=dict(spec.env), managed=False)


# --------------------------------------------------------------------------
# Making an environment
# --------------------------------------------------------------------------


def _write_kernelspec(book: Path, spec: TabConfig, python: Path) -> Path:
    folder = jupyter_dir(book) / "kernels" / kernel_name(spec.name)
    kernel = {
        # -Xfrozen_modules=off: keeps ipykernel's debugger from warning at every start
        "argv": [str(python), "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"{spec.name} (divebook)",
        "language": "python",
        "env": dict(spec.env),
        "metadata": {"debugger": False},
    }
    data = (json.dumps(kernel, indent=1) + "\n").encode("utf-8")
    path = folder / "kernel.json"
    try:
        if path.read_bytes() == data:
            return path
    except OSError:
        pass
    write_atomic(path, data)
    return path


class _Lock:
    """An exclusive lock on a tab's environment, so two builds never make it at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = None

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "w")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.handle is not None
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def ensure_tab_env(config: Config, tab: str, console: Console, upgrade: bool = False) -> TabEnv:
    """The tab's environment, made (or remade) first when missing, stale, half-made or upgraded."""
    spec = _tab_config(config, tab)
    if not spec.requirements:
        return _unmanaged(config, spec)
    with _Lock(envs_root(config.root) / f"{tab}.lock"):
        status = "upgrade" if upgrade else env_status(config, tab)
        if status != "ready":
            _create(config, spec, status, console)
        return tab_environment(config, tab)


def _create(config: Config, spec: TabConfig, status: str, console: Console) -> None:
    """Make the environment: from the lock file's section when it fits, else resolve and lock."""
    book, tab = config.root, spec.name
    path = env_dir(book, tab)
    reason = {"missing": "creating", "stale": "the requirements changed; remaking",
              "broken": "the last attempt did not finish; remaking",
              "upgrade": "upgrading"}[status]
    installer = find_installer()
    needs, origin = _needs(config, spec)
    sections, lock_problem = read_lock(book)
    if lock_problem:
        console.print(problem(str(lock_path(book)), "warning", lock_problem), soft_wrap=True)
    section = sections.get(tab)
    locked = section is not None and list(section.requirements) == needs and status != "upgrade"
    console.print(f"[bold]{tab}[/bold]: {reason} the environment in {path} with {installer.label()}"
                  + (f" from {LOCK_NAME}" if locked else "")
                  + (f" (with the library's needs from {origin})" if origin else ""), highlight=False)
    if path.exists():
        shutil.rmtree(path)
    start = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    log = log_file(book, tab)
    python = env_python(path)
    with open(log, "w", encoding="utf-8") as log_out, _progress(console, tab) as sink:
        log_out.write(f"# divebook: environment of tab {tab}\n# requirements: {needs}\n")
        code, lines = make_venv(installer, path, log_out, sink)
        if code == 0 and locked:
            assert section is not None
            code, lines = install_locked(installer, python, section.packages, path, log_out, sink)
        elif code == 0:
            code, lines, packages = resolve(installer, python, needs, path, log_out, sink)
            if code == 0 and installer.uv:
                code, lines = install_locked(installer, python, packages, path, log_out, sink)
            if code == 0:
                write_section(book, LockSection(tab, tuple(needs), _python_label(), installer.label(),
                                                packages))
    if code != 0:
        shutil.rmtree(path, ignore_errors=True)  # never leave a half-made environment behind
        message = _pip_failure(spec, lines, log)
        if locked:
            message += f"; if {LOCK_NAME} was made for another machine, `divebook env --upgrade` resolves again"
        raise EnvError(message, _requirements_pos(config, tab), log)
    _write_kernelspec(book, spec, python)
    fingerprint = interpreter_fingerprint(python, spec.env)
    state = {"complete": True, "format": ENV_FORMAT, "tab": tab, "installer": installer.label(),
             "requirements": needs, "requirements_hash": environment_hash(config, spec),
             "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
             "seconds": round(time.perf_counter() - start, 1),
             "fingerprints": {str(python): {"stamp": _site_stamp(python) + json.dumps(sorted(spec.env.items())),
                                            "fingerprint": fingerprint}}}
    # Written last: an environment without this file is half-made and is made again.
    write_atomic(path / STATE_FILE, json.dumps(state, indent=1).encode("utf-8"))
    console.print(f"[bold]{tab}[/bold]: [green]ready[/green] in {time.perf_counter() - start:.1f} s "
                  f"(kernel {kernel_name(tab)})", highlight=False)


def _python_label() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


#: installer lines worth showing as progress when the output is not a terminal
_PROGRESS = re.compile(r"^(Collecting|Installing collected packages|Successfully installed|ERROR|"
                       r"error:|Resolved|Installed|Prepared)")


@contextmanager
def _progress(console: Console, tab: str) -> Iterator[Callable[[str], None]]:
    """Where the installer's lines go: a status line on a terminal, a few lines otherwise."""
    if console.is_terminal:
        with console.status(f"{tab}: installing …") as status:
            yield lambda line: status.update(f"[bold]{tab}[/bold]: {line[:console.width - len(tab) - 8]}")
        return

    def show(line: str) -> None:
        if _PROGRESS.match(line):
            console.print(f"  {tab}: {line}", highlight=False, markup=False, soft_wrap=True)
    yield show


def failed_requirement(spec: TabConfig, lines: list[str]) -> str | None:
    """The tab requirement that pip's output blames, if it names one."""
    patterns = [r"No matching distribution found for (\S+)",
                r"Could not find a version that satisfies the requirement (\S+)",
                r"Failed to build (\S+)", r"Failed building wheel for (\S+)",
                r"Cannot install (\S+)", r"Invalid requirement: '?([^':]+)",
                # uv's words
                r"there is no version of ([A-Za-z0-9][A-Za-z0-9._-]*)",
                r"Because ([A-Za-z0-9][A-Za-z0-9._-]*) was not found in the package registry",
                r"Because ([A-Za-z0-9][A-Za-z0-9._-]*)\S* has no wheels with a matching",
                r"Failed to (?:build|download) `([A-Za-z0-9][A-Za-z0-9._-]*)"]
    for pattern in patterns:
        for line in lines:
            m = re.search(pattern, line)
            if not m:
                continue
            blamed = requirement_name(m.group(1).strip("'\","))
            for requirement in spec.requirements:
                if requirement_name(requirement) == blamed:
                    return requirement
            return m.group(1).strip("'\",")
    return None


def _pip_failure(spec: TabConfig, lines: list[str], log: Path) -> str:
    errors = [line.strip() for line in lines
              if re.match(r"(ERROR|error:|cause:|[×╰]|hint:)", line.strip())]
    blamed = failed_requirement(spec, lines)
    head = (f"tab `{spec.name}`: requirement `{blamed}` could not be installed"
            if blamed else f"tab `{spec.name}`: the requirements could not be installed")
    detail = "; ".join(errors[-3:]) or (lines[-1].strip() if lines else "")
    return f"{head} ({detail}); fix [tabs.{spec.name}] requirements and run again (the installer's output: {log})"


# --------------------------------------------------------------------------
# Entry points: `divebook env` and the build
# --------------------------------------------------------------------------


def environments_for_build(config: Config, tabs: list[str], console: Console,
                           diags: Diagnostics) -> dict[str, TabEnv]:
    """Ready environments for ``tabs``, making missing ones; a tab that fails becomes an error."""
    envs: dict[str, TabEnv] = {}
    for tab in tabs:
        try:
            envs[tab] = ensure_tab_env(config, tab, console)
        except EnvError as exc:
            diags.error(exc.pos or Pos(config.source or "."), exc.message, "tab-env")
    return envs


def ensure_envs(book: Path, tab: str | None, console: Console, upgrade: bool = False) -> int:
    """``divebook env``: make or repair the environments (``upgrade``: resolve again);
    0 ready, 1 one failed, 2 bad usage."""
    diags = Diagnostics()
    try:
        config = load_config(book, diags)
    except ConfigError as exc:
        console.print(problem(f"{exc.file}:{exc.line}" if exc.line else exc.file, "error", exc.message),
                      soft_wrap=True)
        return 2
    if tab is not None and tab not in config.tab_names:
        console.print(f"[red]divebook env: the book has no tab `{tab}` "
                      f"(its tabs: {', '.join(config.tab_names)})[/red]", highlight=False)
        return 2
    failed = 0
    for name in [tab] if tab else config.tab_names:
        try:
            env = ensure_tab_env(config, name, console, upgrade and bool(config.tab(name).requirements))
        except EnvError as exc:
            failed += 1
            where = f"{exc.pos}" if exc.pos and exc.pos.line else ""
            console.print(problem(where, "error", exc.message), soft_wrap=True)
            continue
        what = "its own environment" if env.managed else "an existing kernel"
        console.print(f"[bold]{name}[/bold]: kernel [cyan]{env.kernel_name}[/cyan] ({what}, "
                      f"{env.python}), fingerprint {env.fingerprint[:12]}", highlight=False, soft_wrap=True)
    return 1 if failed else 0
