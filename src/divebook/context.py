"""What every stage of a build sees: the options, the context, the usage error.

These types sit below every stage (reader, execute, transforms, writers), so
a stage can name the build it works for without importing the module that
runs the build (``build.py``, above them all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from .cache import Store
from .config import Config
from .diagnostics import Diagnostics
from .parallel import default_jobs
from .tree import Book


class Background(Protocol):
    """What a build asks of ``divebook serve``'s runner (``execute.background.BackgroundRuns``).

    Named here, below the stages, so the options can carry one without this
    module importing the execution stage.
    """

    def want(self, jobs: list[Any]) -> None: ...

    def failure(self, key: str) -> Any: ...


TARGETS = ("html", "pdf", "epub", "notebooks", "slides", "lib")


class UsageError(Exception):
    """The command line asks for something that cannot be done (exit status 2)."""


@dataclass
class BuildOptions:
    book: Path
    out: Path | None = None
    targets: list[str] = field(default_factory=lambda: ["html"])
    tab: str | None = None  # None: the default tab; "all": every tab
    evaluate: bool = True
    jobs: int = 0
    executor: str = "local"
    scheduler: str | None = None
    #: Dask workers see the build folder at the same path (a shared disk): nothing is shipped
    shared_disk: bool = False
    lang: str | None = None
    strict: bool = False
    quiet: bool = False
    #: index the website for search; ``divebook serve`` indexes after reloading instead
    index_search: bool = True
    #: ``divebook serve``'s runner (execute.background.BackgroundRuns): code the cache lacks
    #: runs there, after the build, and its cells are shown as pending meanwhile
    background: Background | None = None
    #: wait for another build of the same output folder (False: OutputBusy at once)
    wait: bool = True
    #: take the output folder's lock (False: the caller holds it, as ``divebook serve`` does)
    lock: bool = True
    #: told once when the build waits for another (default: printed to stderr)
    notify: Callable[[str], None] | None = None

    def out_dir(self) -> Path:
        return (self.out or self.book / "_build").resolve()


@dataclass
class BuildContext:
    """What every stage can see; stages add to ``diags``, ``report`` and ``stages``."""

    options: BuildOptions
    config: Config
    out: Path
    store: Store
    diags: Diagnostics
    book: Book | None = None
    #: per page source: per tab: {"status", "seconds", ...} filled by execution
    execution: dict[str, dict[str, dict]] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, list[str]] = field(default_factory=dict)  # target -> files written
    extra: dict[str, object] = field(default_factory=dict)  # report fields added by stages
    #: a translated book's renderings (languages.views.LanguageView): each language and
    #: the side-by-side pages; ``book`` is the first of them.  Empty for a one-language book.
    views: list = field(default_factory=list)

    @property
    def jobs(self) -> int:
        return self.options.jobs or default_jobs()
