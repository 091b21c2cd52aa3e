"""Finding a tab's Jupyter kernel and fingerprinting its environment.

``python3`` is always the interpreter that runs divebook (ipykernel comes with
divebook), so a book with no kernel settings runs in divebook's own
environment.  Any other name is looked up among the installed kernelspecs
(``jupyter kernelspec list``; ``JUPYTER_PATH`` adds folders), so each tab
can live in its own environment.

The fingerprint (interpreter version and installed package versions) goes
into the cache key: upgrading a package re-runs the pages of that kernel,
and nothing else does.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel

DEFAULT_KERNEL = "python3"

_FINGERPRINT_SCRIPT = (
    "import sys, importlib.metadata as m\n"
    "print(sys.version)\n"
    "print(sys.prefix)\n"
    "names = set()\n"
    "for d in m.distributions():\n"
    "    name = (d.metadata['Name'] or '').lower()\n"
    "    if name and name != 'divebook':\n"
    "        names.add(name + '==' + (d.version or ''))\n"
    "print('\\n'.join(sorted(names)))\n"
)


class KernelNotFound(Exception):
    """No kernelspec has this name; the message lists the ones there are."""


@dataclass(frozen=True, slots=True)
class Kernel:
    name: str
    argv: tuple[str, ...]
    display_name: str = ""
    language: str = "python"
    env: tuple[tuple[str, str], ...] = ()
    resource_dir: str = ""
    metadata: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def interpreter(self) -> str | None:
        """The Python interpreter the kernel runs, when the command says so."""
        if self.argv and Path(self.argv[0]).name.startswith("python"):
            return self.argv[0]
        return None

    def spec(self) -> KernelSpec:
        return KernelSpec(argv=list(self.argv), display_name=self.display_name or self.name,
                          language=self.language, env=dict(self.env), resource_dir=self.resource_dir,
                          metadata=dict(self.metadata))


def installed_kernels() -> list[str]:
    names = set(KernelSpecManager().find_kernel_specs())
    names.add(DEFAULT_KERNEL)
    return sorted(names)


def find_kernel(name: str, kernel_dirs: tuple[str, ...] = ()) -> Kernel:
    """The kernel called ``name`` (``kernel_dirs`` are searched first); KernelNotFound if none."""
    if name == DEFAULT_KERNEL and not kernel_dirs:
        return Kernel(DEFAULT_KERNEL, (sys.executable, "-m", "ipykernel_launcher", "-f",
                                       "{connection_file}"), "Python 3 (divebook)", "python")
    try:
        manager = KernelSpecManager()
        if kernel_dirs:
            manager = KernelSpecManager(kernel_dirs=[*kernel_dirs, *manager.kernel_dirs])
        spec = manager.get_kernel_spec(name)
    except NoSuchKernel:
        raise KernelNotFound(
            f"no Jupyter kernel named `{name}` (installed: {', '.join(installed_kernels())}); "
            f"install one into the tab's environment with `python -m ipykernel install --user "
            f"--name {name}`, or name an installed kernel in the configuration") from None
    return Kernel(name, tuple(spec.argv), spec.display_name, spec.language or "python",
                  tuple(sorted((spec.env or {}).items())), spec.resource_dir or "",
                  dict(spec.metadata or {}))


@dataclass(frozen=True, slots=True)
class TabKernel:
    """How a tab's code runs: the kernel's name, where its spec lies, its fingerprint."""

    name: str
    kernel: Kernel | None
    fingerprint: str = ""
    #: kernelspec folders searched first (a managed environment's BOOK/.divebook/jupyter/kernels)
    dirs: tuple[str, ...] = ()
    #: why the tab has no kernel (kernel is None)
    error: str = ""
    #: True when the error is already reported (by the environments)
    reported: bool = False


def tab_kernels(config, tabs: list[str], diags, console) -> dict[str, TabKernel]:  # type: ignore[no-untyped-def]
    """Each tab's kernel.

    A tab with ``requirements`` runs in the environment ``envs/`` makes for
    it (created or repaired here, its problems reported there); any other tab
    runs in the kernel its configuration names.
    """
    from ..envs import environments_for_build

    managed = [t for t in tabs if config.tab(t).requirements]
    envs = environments_for_build(config, managed, console, diags) if managed else {}
    result: dict[str, TabKernel] = {}
    plain: dict[str, Kernel | str] = {}
    for tab in tabs:
        if tab in managed:
            env = envs.get(tab)
            if env is None:
                result[tab] = TabKernel(f"divebook-{tab}", None, error="the tab's environment could not "
                                        "be made (see the error at its requirements)", reported=True)
                continue
            dirs = (str(env.jupyter_path / "kernels"),) if env.jupyter_path else ()
            try:
                result[tab] = TabKernel(env.kernel_name, find_kernel(env.kernel_name, dirs), env.fingerprint, dirs)
            except KernelNotFound as exc:
                result[tab] = TabKernel(env.kernel_name, None, error=str(exc))
            continue
        name = config.tab(tab).kernel
        if name not in plain:
            try:
                plain[name] = find_kernel(name)
            except KernelNotFound as exc:
                plain[name] = str(exc)
    found = [k for k in plain.values() if isinstance(k, Kernel)]
    with ThreadPoolExecutor(max_workers=max(1, len(found))) as pool:
        prints = dict(zip([k.name for k in found], pool.map(environment_fingerprint, found)))
    for tab in tabs:
        if tab in result:
            continue
        name = config.tab(tab).kernel
        kernel = plain[name]
        result[tab] = (TabKernel(name, kernel, prints[name]) if isinstance(kernel, Kernel)
                       else TabKernel(name, None, error=kernel))
    return result


class OneKernelSpecs(KernelSpecManager):
    """A kernelspec manager that knows exactly one, already resolved, kernel."""

    def __init__(self, kernel: Kernel, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._kernel = kernel

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: ARG002
        return self._kernel.spec()


def environment_fingerprint(kernel: Kernel) -> str:
    """A digest of what the kernel's environment holds (interpreter, packages).

    A kernel that is not a Python interpreter is fingerprinted by its command
    and the program's size and time stamp.
    """
    h = hashlib.sha256(repr((kernel.argv, kernel.env)).encode())
    interpreter = kernel.interpreter
    if interpreter:
        try:
            listing = subprocess.run([interpreter, "-c", _FINGERPRINT_SCRIPT], capture_output=True,
                                     text=True, timeout=120, env=_plain_env())
            h.update(listing.stdout.encode())
            h.update(str(listing.returncode).encode())
        except (OSError, subprocess.SubprocessError) as exc:
            h.update(f"unavailable: {exc}".encode())
        return h.hexdigest()
    try:
        program = Path(kernel.argv[0]) if kernel.argv else None
        if program is not None and not program.is_absolute():
            import shutil

            found = shutil.which(str(program))
            program = Path(found) if found else program
        if program is not None:
            st = program.stat()
            h.update(f"{program}:{st.st_size}:{st.st_mtime_ns}".encode())
    except OSError as exc:
        h.update(f"unavailable: {exc}".encode())
    return h.hexdigest()


def _plain_env() -> dict[str, str]:
    """Our environment without PYTHONPATH, which would leak our packages into the listing."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env
