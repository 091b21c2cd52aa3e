"""The settings of a book, as one ``Config`` whichever file they came from.

Plain dataclasses that every stage reads; ``load.py`` fills them from
``config.ini`` and ``toml.py`` from ``divebook.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..tree import Pos


DEFAULT_TAB = "python"



DEFAULT_TIMEOUT = 1200.0



@dataclass(slots=True)
class HeaderLink:
    name: str
    url: str
    icon: str = ""



@dataclass(slots=True)
class LibraryRules:
    """Where a tab's ``#@save`` code goes and how names are aliased.

    The alias fields keep d2lbook's text form (see docs/library.md); the
    library writer parses them and reports mistakes with ``line``.
    """

    lib_file: str
    lib_name: str = ""
    simple_alias: str = ""
    fluent_alias: str = ""
    args_alias: str = ""
    alias: str = ""
    reverse_alias: str = ""
    #: line of each key in the config file, for error messages
    lines: dict[str, int] = field(default_factory=dict)
    #: the configuration file that ``lines`` refer to
    file: str = ""



@dataclass(slots=True)
class TabConfig:
    name: str
    kernel: str = "python3"
    requirements: list[str] = field(default_factory=list)
    timeout: float | None = None
    library: LibraryRules | None = None
    colab_repo: str = ""
    #: (import name, pip spec) pairs installed in this tab's Colab notebooks
    colab_libs: list[tuple[str, str]] = field(default_factory=list)
    #: extra environment variables for this tab's kernel
    env: dict[str, str] = field(default_factory=dict)



@dataclass(slots=True)
class Config:
    root: Path
    #: the first configuration file read ("config.ini", else "divebook.toml"; "" for none)
    source: str = ""
    name: str = "book"
    title: str = "Untitled book"
    author: str = ""
    copyright: str = ""
    release: str = "0.0.1"
    lang: str = "en"
    # [build]
    index: str = "index"
    notebooks: list[str] = field(default_factory=lambda: ["**/*.md"])
    non_notebooks: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    eval_notebook: bool = True
    #: every warning counts as an error ([build] strict, d2lbook's warning_is_error)
    strict: bool = False
    timeout: float = DEFAULT_TIMEOUT
    tabs: list[TabConfig] = field(default_factory=list)
    #: per-page execution settings by wildcard: {"chapter_gpu/*.md": {"timeout": 60,
    #: "resources": {"gpus": 2}, "inputs": ["../data/x.csv"]}} ([pages."GLOB"] tables)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: wildcards of the notebooks whose code runs (default: all of them); the library and
    #: everything else still see every notebook ([build] eval_pages)
    eval_pages: list[str] = field(default_factory=list)
    # [html]
    header_links: list[HeaderLink] = field(default_factory=list)
    favicon: str = ""
    html_logo: str = ""
    include_css: list[str] = field(default_factory=list)
    include_js: list[str] = field(default_factory=list)
    # [pdf]
    main_font: str = ""
    sans_font: str = ""
    mono_font: str = ""
    latex_logo: str = ""
    bibfile: str = ""
    latex_template: str = ""
    # [library]
    version_file: str = ""
    library_root: str = ""
    write_library_to_source: bool = False
    # [colab]
    colab_exclusions: list[str] = field(default_factory=list)
    colab_libs_header: str = ""
    colab_gpu_pattern: str = "gpu"
    colab_replace_svg_url: tuple[str, str] | None = None
    # [slides]: HTML shown in a deck's corners (d2lbook's RISE overlay)
    slides_top_left: str = ""
    slides_top_right: str = ""
    # [translation]
    origin_lang: str = ""
    origin_repo: str = ""
    # where the sources live online, for "edit this page" links
    repository: str = ""
    repository_branch: str = "master"
    #: [linkcheck]: the table as written (strings from config.ini), read by linkcheck.settings
    linkcheck: dict[str, Any] = field(default_factory=dict)
    #: key -> line in the config file, for messages ("build.tabs" -> 17)
    lines: dict[str, int] = field(default_factory=dict)
    #: key -> the file that sets it, where it is not ``source`` (a divebook.toml overlay)
    files: dict[str, str] = field(default_factory=dict)
    #: every setting the files make: its name (divebook.toml's spelling) -> where it is set,
    #: and the settings an overlay replaced -> where the replaced value was; for `check`
    settings: dict[str, Pos] = field(default_factory=dict)
    overridden: dict[str, Pos] = field(default_factory=dict)

    @property
    def tab_names(self) -> list[str]:
        """The tabs in order, the default first; one unnamed tab when none is set."""
        return [t.name for t in self.tabs] or [DEFAULT_TAB]

    @property
    def default_tab(self) -> str:
        return self.tab_names[0]

    def tab(self, name: str) -> TabConfig:
        for tab in self.tabs:
            if tab.name == name:
                return tab
        return TabConfig(name=name)

    def pos(self, key: str) -> Pos:
        """Where ``key`` ("section.key") is set, for diagnostics."""
        return Pos(self.files.get(key, self.source) or ".", self.lines.get(key, 0))
