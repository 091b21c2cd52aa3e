"""``divebook.toml``: divebook's own settings, alone or as an overlay on ``config.ini``.

Every table and key is checked against what divebook knows; an unknown key
or a value of the wrong kind is a warning naming the key and its line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ..diagnostics import ConfigError, Diagnostics
from ..tree import Pos
from .model import Config
from .keys import (
    _LIBRARY_KEYS, _TOML_ALIASES, _TOML_KEYS, _TOML_LIBRARY_KEYS, _TOML_LIBRARY_NAMES,
    _TOML_PAGE_KEYS, _TOML_TAB_KEYS,
)
from .model import HeaderLink, LibraryRules, TabConfig
from .values import _as_seconds, read_config_text


def _toml_lines(value: Any) -> str:
    """An alias setting given as a list (one rule per item) or a string, as d2lbook's text."""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def _toml_key_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[+([^\]]+)\]+", line)
        if header:
            table = header.group(1).strip().replace('"', "")
            lines[table] = number
            continue
        key = re.match(r"\s*([A-Za-z0-9_\-]+)\s*=", line)
        if key:
            lines.setdefault(f"{table}.{key.group(1)}" if table else key.group(1), number)
    return lines


def _load_toml(root: Path, path: Path, diags: Diagnostics, base: Config | None = None) -> Config:
    """Read divebook.toml; with ``base`` (the book's config.ini) it adds to and overrides that."""
    text = read_config_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(path.name, int(m.group(1)) if m else 0,
                          f"divebook.toml is not valid TOML: {exc}") from None
    if base is None:
        cfg = Config(root=root, source=path.name, lines=_toml_key_lines(text),
                     colab_exclusions=["*.html", "**/index.html"], repository_branch="main")
    else:
        cfg = base
        toml_lines = _toml_key_lines(text)
        cfg.lines.update(toml_lines)
        cfg.files.update(dict.fromkeys(toml_lines, path.name))

    def table(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(path.name, cfg.lines.get(name, 0), f"`{name}` must be a table ([{name}])")
        return value

    for name, value in data.items():
        if name == "tabs":
            continue
        if name == "pages":
            cfg.pages = _toml_pages(value, cfg, path.name, diags)
            for pattern in cfg.pages:
                _note_setting(cfg, f"pages.{pattern}", path.name)
            continue
        if name not in _TOML_KEYS:
            diags.warning(cfg.pos(name), f"unknown table [{name}] in divebook.toml; it is ignored",
                          "config-key")
            continue
        for key in table(name):
            if key in _TOML_KEYS[name]:
                _note_setting(cfg, _TOML_ALIASES.get(f"{name}.{key}", f"{name}.{key}"), path.name,
                              f"{name}.{key}")
            else:
                diags.warning(cfg.pos(f"{name}.{key}"), f"unknown key `{key}` in [{name}]; it is ignored "
                              f"(known keys: {', '.join(sorted(_TOML_KEYS[name]))})", "config-key")

    def typed(tbl: str, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        """The value divebook.toml gives ``[tbl] key``, or ``default`` (the value so far)."""
        value = table(tbl).get(key, default)
        if not isinstance(value, kind):
            raise ConfigError(path.name, cfg.lines.get(f"{tbl}.{key}", 0),
                              f"[{tbl}] {key} must be {_kind_name(kind)}, not {type(value).__name__}")
        return value

    project = "project"
    cfg.name = typed(project, "name", str, cfg.name)
    cfg.title = typed(project, "title", str, cfg.name if base is None else cfg.title)
    cfg.author = typed(project, "author", str, cfg.author)
    cfg.copyright = typed(project, "copyright", str, cfg.copyright)
    cfg.release = typed(project, "release", str, cfg.release)
    cfg.lang = typed(project, "lang", str, cfg.lang)

    cfg.index = typed("build", "index", str, cfg.index)
    cfg.notebooks = typed("build", "notebooks", list, cfg.notebooks)
    cfg.non_notebooks = typed("build", "non_notebooks", list, cfg.non_notebooks)
    cfg.exclusions = typed("build", "exclusions", list, cfg.exclusions)
    cfg.resources = typed("build", "resources", list, cfg.resources)
    cfg.dependencies = typed("build", "dependencies", list, cfg.dependencies)
    cfg.eval_notebook = typed("build", "eval", bool, typed("build", "eval_notebook", bool, cfg.eval_notebook))
    cfg.eval_pages = typed("build", "eval_pages", list, cfg.eval_pages)
    if "timeout" in table("build"):
        cfg.timeout = _as_seconds(typed("build", "timeout", (int, float), cfg.timeout),
                                  cfg.pos("build.timeout"), diags, cfg.timeout) or cfg.timeout
    cfg.strict = typed("build", "strict", bool, typed("build", "warning_is_error", bool, cfg.strict))
    cfg.tabs = _toml_tabs(data, cfg, path.name, diags, typed("build", "tabs", list, cfg.tab_names
                                                              if cfg.tabs else []))

    if "header_links" in table("html"):
        links = typed("html", "header_links", list, [])
        cfg.header_links = [HeaderLink(str(link.get("name", "")), str(link.get("url", "")),
                                       str(link.get("icon", ""))) for link in links if isinstance(link, dict)]
    cfg.favicon = typed("html", "favicon", str, cfg.favicon)
    cfg.html_logo = typed("html", "logo", str, cfg.html_logo)
    cfg.include_css = typed("html", "include_css", list, cfg.include_css)
    cfg.include_js = typed("html", "include_js", list, cfg.include_js)
    cfg.main_font = typed("pdf", "main_font", str, cfg.main_font)
    cfg.sans_font = typed("pdf", "sans_font", str, cfg.sans_font)
    cfg.mono_font = typed("pdf", "mono_font", str, cfg.mono_font)
    cfg.latex_logo = typed("pdf", "logo", str, cfg.latex_logo)
    cfg.bibfile = typed("pdf", "bibfile", str, cfg.bibfile)
    cfg.latex_template = typed("pdf", "template", str, cfg.latex_template)
    cfg.version_file = typed("library", "version_file", str, cfg.version_file)
    cfg.library_root = typed("library", "root_dir", str, cfg.library_root)
    cfg.write_library_to_source = typed("library", "write_to_source", bool, cfg.write_library_to_source)
    cfg.colab_exclusions = typed("colab", "exclusions", list, cfg.colab_exclusions)
    cfg.colab_libs_header = typed("colab", "libs_header", str, cfg.colab_libs_header)
    cfg.colab_gpu_pattern = typed("colab", "gpu_pattern", str, cfg.colab_gpu_pattern)
    if "replace_svg_url" in table("colab"):
        svg = typed("colab", "replace_svg_url", list, [])
        cfg.colab_replace_svg_url = (str(svg[0]), str(svg[1])) if len(svg) == 2 else None
    cfg.slides_top_left = typed("slides", "top_left", str, cfg.slides_top_left)
    cfg.slides_top_right = typed("slides", "top_right", str, cfg.slides_top_right)
    cfg.origin_lang = typed("translation", "origin_lang", str, cfg.origin_lang)
    cfg.origin_repo = typed("translation", "origin_repo", str, cfg.origin_repo)
    cfg.repository = typed("repository", "github", str, cfg.repository)
    cfg.repository_branch = typed("repository", "branch", str, cfg.repository_branch)
    cfg.linkcheck = {**cfg.linkcheck, **{k: v for k, v in table("linkcheck").items()
                                         if k in _TOML_KEYS["linkcheck"]}}
    return cfg


def _note_setting(cfg: Config, name: str, file: str, key: str | None = None) -> None:
    """Record that ``file`` sets ``name``, remembering the earlier file's place it overrides."""
    earlier = cfg.settings.get(name)
    where = Pos(file, cfg.lines.get(key or name, 0))
    if earlier is not None and earlier.file != file:
        cfg.overridden[name] = earlier
    cfg.settings[name] = where


def _toml_tabs(data: dict[str, Any], cfg: Config, file: str, diags: Diagnostics,
               tab_names: list[str]) -> list[TabConfig]:
    """The tabs: [build] tabs and [tabs.NAME] tables, over the tabs config.ini gave (if any)."""
    tab_tables = data.get("tabs", {})
    if not isinstance(tab_tables, dict) or not all(isinstance(v, dict) for v in tab_tables.values()):
        raise ConfigError(file, cfg.lines.get("tabs", 0), "`tabs` must be a table of [tabs.NAME] tables")
    tab_names = list(tab_names)
    for name in tab_tables:
        if name not in tab_names:
            if tab_names:
                diags.warning(cfg.pos(f"tabs.{name}"), f"[tabs.{name}] is for a tab not listed in "
                              f"[build] tabs = {tab_names}; it is ignored", "config-value")
            else:
                tab_names.append(name)
    before = {tab.name: tab for tab in cfg.tabs}
    tabs = []
    for name in tab_names:
        spec = tab_tables.get(name, {})
        where = f"tabs.{name}"
        tab = before.get(name) or TabConfig(name=name)
        for key, value in spec.items():
            if key not in _TOML_TAB_KEYS:
                diags.warning(cfg.pos(f"{where}.{key}"), f"unknown key `{key}` in [{where}]; it is ignored "
                              f"(known keys: {', '.join(sorted(_TOML_TAB_KEYS))})", "config-key")
                continue
            if key != "library":
                _note_setting(cfg, f"{where}.{key}", file)
            if key in ("requirements", "colab_libs") and not isinstance(value, list):
                raise ConfigError(file, cfg.lines.get(f"{where}.{key}", 0),
                                  f"[{where}] {key} must be a list, not {type(value).__name__}")
            if key in ("env", "library") and not isinstance(value, dict):
                raise ConfigError(file, cfg.lines.get(f"{where}.{key}", 0),
                                  f"[{where}] {key} must be a table, not {type(value).__name__}")
        if "kernel" in spec:
            tab.kernel = str(spec["kernel"])
        if "requirements" in spec:
            tab.requirements = [str(r) for r in spec["requirements"]]
        if "timeout" in spec:
            tab.timeout = _as_seconds(spec["timeout"], cfg.pos(f"{where}.timeout"), diags, tab.timeout)
        if "colab_repo" in spec:
            tab.colab_repo = str(spec["colab_repo"])
        if "colab_libs" in spec:
            tab.colab_libs = [(str(a), str(b).replace("RELEASE", cfg.release)) for a, b in spec["colab_libs"]]
        if "env" in spec:
            tab.env = {str(k): str(v) for k, v in spec["env"].items()}
        if "library" in spec:
            tab.library = _toml_library(spec["library"], cfg, file, where, diags)
        tabs.append(tab)
    return tabs


def _toml_library(lib: dict[str, Any], cfg: Config, file: str, where: str,
                  diags: Diagnostics) -> LibraryRules:
    for key in lib:
        if key in _TOML_LIBRARY_KEYS:
            _note_setting(cfg, f"{where}.library.{key}", file)
        else:
            diags.warning(cfg.pos(f"{where}.library.{key}"), f"unknown key `{key}` in "
                          f"[{where}.library]; it is ignored", "config-key")
    if "file" not in lib:
        raise ConfigError(file, cfg.lines.get(f"{where}.library", 0),
                          f"[{where}.library] needs `file`, the module to write (e.g. \"mylib/torch.py\")")
    return LibraryRules(
        lib_file=str(lib["file"]), lib_name=str(lib.get("name", "")),
        simple_alias=_toml_lines(lib.get("simple_alias", "")),
        fluent_alias=_toml_lines(lib.get("fluent_alias", "")),
        args_alias=_toml_lines(lib.get("args_alias", "")),
        alias=_toml_lines(lib.get("alias", "")),
        reverse_alias=_toml_lines(lib.get("reverse_alias", "")),
        lines={k: cfg.lines.get(f"{where}.library.{_TOML_LIBRARY_NAMES.get(k, k)}", 0)
               for k in _LIBRARY_KEYS}, file=file)


def _toml_pages(value: Any, cfg: Config, file: str, diags: Diagnostics) -> dict[str, dict[str, Any]]:
    """``[pages."GLOB"]`` tables: execution settings for the pages a wildcard matches."""
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(file, cfg.lines.get("pages", 0), '`pages` must hold tables such as '
                          '[pages."chapter_x/*.md"] with timeout, resources or inputs')
    pages: dict[str, dict[str, Any]] = {}
    for pattern, settings in value.items():
        where = f"pages.{pattern}"
        for key in settings:
            if key not in _TOML_PAGE_KEYS:
                diags.warning(cfg.pos(where), f"unknown key `{key}` in [pages.\"{pattern}\"]; it is "
                              f"ignored (known keys: {', '.join(sorted(_TOML_PAGE_KEYS))})", "config-key")
        pages[pattern] = {k: v for k, v in settings.items() if k in _TOML_PAGE_KEYS}
    return pages


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", list: "a list", bool: "true or false", int: "a number",
             float: "a number", dict: "a table"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))
