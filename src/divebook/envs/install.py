"""The installer behind ``divebook env``: uv when it is there, venv + pip otherwise.

uv (a dependency of divebook, so normally installed beside it) makes an
environment from its cache in seconds; ``python -m venv`` + pip takes tens
of seconds for the same packages.  Both follow pip's configuration (index,
extra indexes, find-links, constraints from ``pip.conf`` and ``PIP_*``), so a
machine set up for pip needs nothing more for uv.  ``DIVEBOOK_INSTALLER=pip``
forces the fallback (the benchmark and the tests compare the two).

Every operation writes its command and output to the tab's log and returns
(exit code, output lines); nothing here raises for an install that fails.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable

#: called with each line of the installer's output (progress display)
LineSink = Callable[[str], None]


@dataclass(frozen=True)
class Installer:
    """Which tool makes environments: ``uv`` (with its binary) or ``pip``."""

    name: str
    uv: str | None = None
    version: str = ""

    def label(self) -> str:
        return f"{self.name} {self.version}".strip()


def find_installer() -> Installer:
    """uv when its binary is found (the ``uv`` package, then PATH); else venv + pip."""
    if os.environ.get("DIVEBOOK_INSTALLER", "").lower() == "pip":
        return Installer("pip", version=_pip_version())
    binary = None
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found]

        binary = find_uv_bin()
    except (ImportError, FileNotFoundError):
        binary = shutil.which("uv")
    if binary:
        try:
            out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30,
                                 check=True).stdout.split()
            return Installer("uv", binary, out[1] if len(out) > 1 else "")
        except (OSError, subprocess.SubprocessError):
            pass  # a broken uv: pip still works
    return Installer("pip", version=_pip_version())


def _pip_version() -> str:
    try:
        from importlib.metadata import version

        return version("pip")
    except Exception:  # noqa: BLE001 - only a label
        return ""


# --------------------------------------------------------------------------
# pip's configuration, for uv


def _pip_config_files() -> list[Path]:
    """pip's configuration files, lowest priority first (pip's own order)."""
    if os.environ.get("PIP_CONFIG_FILE") == os.devnull:
        return []
    xdg = os.environ.get("XDG_CONFIG_DIRS", "/etc/xdg").split(os.pathsep)
    files = [Path("/etc/pip.conf"), *[Path(d) / "pip" / "pip.conf" for d in reversed(xdg) if d]]
    home = Path.home()
    files += [home / ".pip" / "pip.conf",
              Path(os.environ.get("XDG_CONFIG_HOME", home / ".config")) / "pip" / "pip.conf"]
    if os.environ.get("PIP_CONFIG_FILE"):
        files.append(Path(os.environ["PIP_CONFIG_FILE"]))
    return files


def pip_settings(environ: dict[str, str] | None = None,
                 files: list[Path] | None = None) -> dict[str, list[str]]:
    """index-url, extra-index-url, find-links and constraint as pip would see them."""
    environ = dict(os.environ if environ is None else environ)
    keys = ("index-url", "extra-index-url", "find-links", "constraint")
    found: dict[str, list[str]] = {}
    for path in _pip_config_files() if files is None else files:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error):
            continue
        for section in ("global", "install"):
            if not parser.has_section(section):
                continue
            for key in keys:
                if parser.has_option(section, key):
                    found[key] = parser.get(section, key).split()
    for key in keys:
        value = environ.get("PIP_" + key.upper().replace("-", "_"))
        if value:
            found[key] = value.split()
    return found


def uv_source_args(settings: dict[str, list[str]], constraints: bool = True) -> list[str]:
    """uv's flags for pip's sources, so both installers see the same packages.

    Constraints matter when resolving only: a locked install is exact already
    (and uv refuses unpinned lines when it checks hashes).
    """
    args: list[str] = []
    for url in settings.get("index-url", [])[:1]:
        args += ["--index-url", url]
    for url in settings.get("extra-index-url", []):
        args += ["--extra-index-url", url]
    for link in settings.get("find-links", []):
        args += ["--find-links", link]
    for constraint in settings.get("constraint", []) if constraints else []:
        if Path(constraint).exists() or "://" in constraint:
            args += ["--constraint", constraint]
    if settings.get("extra-index-url"):
        # pip takes the best version from every index; uv's default stops at the first that has
        # the package.  Same answers as pip: look at them all.
        args += ["--index-strategy", "unsafe-best-match"]
    return args


# --------------------------------------------------------------------------
# Running the installer


def _env() -> dict[str, str]:
    env = {**os.environ, "PIP_NO_INPUT": "1", "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the environment must not see divebook's own packages
    env.pop("VIRTUAL_ENV", None)  # uv would otherwise act on divebook's environment
    return env


def run_logged(command: list[str], log: IO[str], sink: LineSink,
               cwd: Path | None = None) -> tuple[int, list[str]]:
    """Run ``command``, copying its output to ``log`` and each line to ``sink``."""
    log.write("$ " + " ".join(command) + "\n")
    log.flush()
    lines: list[str] = []
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=_env(), bufsize=1, cwd=cwd)
    assert proc.stdout is not None
    try:
        for raw in proc.stdout:
            log.write(raw)
            line = raw.rstrip()
            lines.append(line)
            if line.strip():
                sink(line.strip())
        return proc.wait(), lines
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def make_venv(installer: Installer, path: Path, log: IO[str], sink: LineSink) -> tuple[int, list[str]]:
    """An empty environment (with pip, for ``%pip`` in a notebook) on divebook's Python."""
    if installer.uv:
        return run_logged([installer.uv, "venv", "--quiet", "--seed", "--python", sys.executable,
                           str(path)], log, sink)
    import venv

    try:
        # symlinks: the environment uses the Python divebook runs with, not a copy
        venv.EnvBuilder(with_pip=True, symlinks=os.name != "nt").create(path)
    except (OSError, subprocess.CalledProcessError) as exc:
        return 1, [f"ERROR: could not create a virtual environment in {path}: {exc}"]
    return 0, []


def resolve(installer: Installer, python: Path, requirements: list[str], folder: Path,
            log: IO[str], sink: LineSink) -> tuple[int, list[str], str]:
    """Choose exact versions for ``requirements``: (code, lines, lock text).

    uv resolves without installing and records every file's hash; pip has no
    resolver of its own to ask, so it installs and ``pip freeze`` says what came.
    """
    spec = folder / "requirements.in"
    spec.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    if installer.uv:
        out = folder / "divebook-lock.txt"
        code, lines = run_logged([installer.uv, "pip", "compile", "--quiet", "--no-header",
                                  "--generate-hashes", "--python", str(python),
                                  *uv_source_args(pip_settings()), spec.name, "-o", str(out)],
                                 log, sink, cwd=folder)  # in the folder: "# via -r requirements.in"
        return code, lines, out.read_text(encoding="utf-8") if code == 0 and out.exists() else ""
    code, lines = run_logged([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                              "--no-input", "--progress-bar", "off", "-r", str(spec)], log, sink)
    if code != 0:
        return code, lines, ""
    frozen = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True,
                            env=_env(), check=False)
    return frozen.returncode, lines + frozen.stderr.splitlines(), frozen.stdout


def install_locked(installer: Installer, python: Path, lock_text: str, folder: Path,
                   log: IO[str], sink: LineSink) -> tuple[int, list[str]]:
    """Install exactly the packages of a lock section (hashes checked when it has them)."""
    locked = folder / "divebook-lock.txt"
    locked.write_text(lock_text, encoding="utf-8")
    hashes = ["--require-hashes"] if "--hash=" in lock_text else []
    if installer.uv:
        return run_logged([installer.uv, "pip", "install", "--python", str(python), *hashes,
                           *uv_source_args(pip_settings(), constraints=False), "-r", str(locked)], log, sink)
    return run_logged([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                       "--progress-bar", "off", "--no-deps", *hashes, "-r", str(locked)], log, sink)
