"""The book's configuration: d2lbook's ``config.ini``, divebook's ``divebook.toml``, or both.

Both files load into one ``Config``.  A ``divebook.toml`` beside a
``config.ini`` is an overlay: what it sets adds to and overrides the ini, so a
d2lbook book keeps its ``config.ini`` and still gets divebook's own settings.
The ini reader accepts every key that d2lbook documents (keys that only
matter to d2lbook's deploy steps are accepted and ignored); anything else
gives a warning naming the key and its line, so a typo does not silently
change the book.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from ..confine import is_safe_name
from ..diagnostics import ConfigError, Diagnostics
from ..tree import Pos
from .keys import _INI_KEYS, _INI_TO_TOML, _LIBRARY_KEYS, _TOML_LIBRARY_NAMES, _TOML_ONLY
from .model import Config, DEFAULT_TAB, DEFAULT_TIMEOUT, HeaderLink, LibraryRules, TabConfig
from .toml import _load_toml
from .values import (
    _as_bool, _as_seconds, _kernel_pairs, _key_lines, _pairs, _split_commas, _split_list,
    read_config_text,
)


def load_config(root: Path, diags: Diagnostics) -> Config:
    """Read the configuration of the book in ``root``.

    Raises ConfigError when the file cannot be used at all; problems with
    single keys become warnings in ``diags``.
    """
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(str(root), 0, "no such book folder")
    toml_file, ini_file = root / "divebook.toml", root / "config.ini"
    if ini_file.exists():
        cfg = _load_ini(root, ini_file, diags)
        return _checked(_confined(_load_toml(root, toml_file, diags, cfg) if toml_file.exists() else cfg,
                                  diags), diags)
    if toml_file.exists():
        return _checked(_confined(_load_toml(root, toml_file, diags), diags), diags)
    if (root / "index.md").exists():
        return Config(root=root)
    raise ConfigError(str(root), 0, "not a book: no config.ini, divebook.toml or index.md here "
                      "(run `divebook init DIR` to start one)")


#: Link schemes a page may carry in its header; anything else (javascript:, data:, file:) is refused.
SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def link_scheme(url: str) -> str:
    """The scheme of ``url`` as a browser reads it ("" for a relative link).

    Browsers drop surrounding spaces and control characters and any tab or newline
    inside before they look for the scheme, so ``" java\tscript:"`` is javascript.
    """
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b"
                                             "\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
                                             "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    m = _SCHEME.match(cleaned)
    return m.group(1).lower() if m else ""


def _checked(cfg: Config, diags: Diagnostics) -> Config:
    """Settings that would make unsafe names or links are reported and left out."""
    good = []
    for tab in cfg.tabs:
        if is_safe_name(tab.name) and tab.name != "all":
            good.append(tab)
        else:
            table = f"tabs.{tab.name}".replace('"', "")
            where = cfg.pos(table) if cfg.lines.get(table) else cfg.pos("build.tabs")
            diags.warning(where, f"tab name {tab.name!r} is left out: tab names become folder and "
                          "file names, so each is letters, digits, `_`, `.`, `+` or `-`, starting "
                          "with a letter or digit, and not `all`; "
                          "separate tabs with commas (`tabs = pytorch, mxnet`)", "config-value")
    cfg.tabs = good
    links = []
    for link in cfg.header_links:
        scheme = link_scheme(link.url)
        if scheme and scheme not in SAFE_SCHEMES:
            diags.warning(cfg.pos("html.header_links"), f"header link {link.name!r} is left out: its "
                          f"URL uses `{scheme}:`; a link must be http, https, mailto or relative",
                          "config-value")
        else:
            links.append(link)
    cfg.header_links = links
    return cfg


# --------------------------------------------------------------------------
# config.ini (d2lbook)
# --------------------------------------------------------------------------


def _confined(cfg: Config, diags: Diagnostics) -> Config:
    """``cfg`` without files outside the book or unsafe names (see ``confine``), each warned about."""
    from ..confine import confine_config

    confine_config(cfg, diags)
    return cfg


def _setting_name(key: str) -> str:
    """A config.ini key ("library-mxnet.lib_file") under its divebook.toml name."""
    section, _, name = key.partition(".")
    if section.startswith("library-"):
        return f"tabs.{section[len('library-'):]}.library.{_TOML_LIBRARY_NAMES.get(name, name)}"
    return _INI_TO_TOML.get(key, key)


def _load_ini(root: Path, path: Path, diags: Diagnostics) -> Config:
    text = read_config_text(path)
    # strict: a section or key given twice is an error, as in d2lbook (configparser's default)
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    try:
        parser.read_string(text, source=path.name)
    except (configparser.DuplicateOptionError, configparser.DuplicateSectionError) as exc:
        what = (f"`{exc.option}` is set twice in [{exc.section}]"
                if isinstance(exc, configparser.DuplicateOptionError)
                else f"section [{exc.section}] appears twice")
        raise ConfigError(path.name, exc.lineno or 0, f"{what}; keep one of them") from None
    except configparser.MissingSectionHeaderError as exc:
        raise ConfigError(path.name, exc.lineno, f"{exc.line.strip()!r} comes before any [section]: "
                          "each setting must be inside a [section] and written as `key = value`") from None
    except configparser.ParsingError as exc:
        line, bad = exc.errors[0] if exc.errors else (0, "")
        raise ConfigError(path.name, line, f"cannot read {bad.strip()!r}: each setting must be inside a "
                          "[section] and written as `key = value`") from None
    except configparser.Error as exc:
        line = getattr(exc, "lineno", 0) or 0
        what = exc.message.splitlines()[0] if hasattr(exc, "message") else str(exc)
        raise ConfigError(path.name, line, f"config.ini cannot be read: {what}. "
                          "Each setting must be inside a [section] and written as `key = value`.") from None
    cfg = Config(root=root, source=path.name, lines=_key_lines(text))
    get = lambda s, k, d="": parser.get(s, k, fallback=d)  # noqa: E731

    for section in parser.sections():
        known = _LIBRARY_KEYS if section.startswith("library-") else _INI_KEYS.get(section)
        if known is None:
            diags.warning(Pos(path.name, cfg.lines.get(section, 0)),
                          f"unknown section [{section}] in config.ini; it is ignored", "config-key")
            continue
        for key in parser[section]:
            if key in known:
                cfg.settings[_setting_name(f"{section}.{key}")] = cfg.pos(f"{section}.{key}")
            elif key in _TOML_ONLY:
                diags.warning(cfg.pos(f"{section}.{key}"),
                              f"`{key}` in [{section}] is not a config.ini setting and is ignored; "
                              f"give each tab its own in a divebook.toml beside config.ini: "
                              f"[tabs.NAME] {_TOML_ONLY[key]} = ... (see docs/configuration.md)",
                              "config-key")
            else:
                diags.warning(cfg.pos(f"{section}.{key}"),
                              f"unknown key `{key}` in [{section}]; it is ignored "
                              f"(known keys: {', '.join(sorted(known))})", "config-key")

    if parser.has_section("linkcheck"):
        cfg.linkcheck = {k: v for k, v in parser.items("linkcheck") if k in _INI_KEYS["linkcheck"]}
    cfg.name = get("project", "name", cfg.name) or cfg.name
    cfg.title = get("project", "title", "") or cfg.name
    cfg.author = get("project", "author")
    cfg.copyright = get("project", "copyright")
    cfg.release = get("project", "release", cfg.release) or cfg.release
    cfg.lang = get("project", "lang") or "en"

    cfg.index = get("build", "index", "index") or "index"
    if parser.has_option("build", "notebooks"):
        cfg.notebooks = _split_list(get("build", "notebooks"))
    cfg.non_notebooks = _split_list(get("build", "non-notebooks"))
    cfg.exclusions = _split_list(get("build", "exclusions"))
    cfg.resources = _split_list(get("build", "resources"))
    cfg.dependencies = _split_list(get("build", "dependencies"))
    cfg.eval_pages = _split_list(get("build", "eval_pages"))
    if parser.has_option("build", "eval_notebook"):
        cfg.eval_notebook = _as_bool(get("build", "eval_notebook"), cfg.pos("build.eval_notebook"), diags)
    for key in ("warning_is_error", "strict"):
        if parser.has_option("build", key):
            cfg.strict = _as_bool(get("build", key), cfg.pos(f"build.{key}"), diags)
    if parser.has_option("build", "timeout"):
        cfg.timeout = _as_seconds(get("build", "timeout"), cfg.pos("build.timeout"), diags,
                                  DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT

    tab_names = _split_commas(get("build", "tabs"))
    if len(set(tab_names)) != len(tab_names):
        diags.warning(cfg.pos("build.tabs"), "a tab is listed twice in [build] tabs", "config-value")
    tabs = {name: TabConfig(name=name) for name in dict.fromkeys(tab_names)}
    for tab_name, kernel in _kernel_pairs(get("build", "kernels"), cfg.pos("build.kernels"), diags):
        if tab_name not in tabs and not (not tabs and tab_name == DEFAULT_TAB):
            diags.warning(cfg.pos("build.kernels"), f"[build] kernels names tab `{tab_name}`, "
                          f"which is not in [build] tabs", "config-value")
            continue
        tabs.setdefault(tab_name, TabConfig(name=tab_name)).kernel = kernel

    for section in parser.sections():
        if not section.startswith("library-"):
            continue
        tab_name = section[len("library-"):]
        if tab_name not in tabs:
            if tabs:
                diags.warning(Pos(path.name, cfg.lines.get(section, 0)),
                              f"[{section}] is for tab `{tab_name}`, which is not in [build] tabs",
                              "config-value")
                continue
            tabs[tab_name] = TabConfig(name=tab_name)
        lib_file = get(section, "lib_file")
        if not lib_file:
            diags.warning(Pos(path.name, cfg.lines.get(section, 0)),
                          f"[{section}] has no lib_file; no library is written for `{tab_name}`",
                          "config-value")
            continue
        tabs[tab_name].library = LibraryRules(
            lib_file=lib_file, lib_name=get(section, "lib_name"),
            simple_alias=get(section, "simple_alias"), fluent_alias=get(section, "fluent_alias"),
            args_alias=get(section, "args_alias"), alias=get(section, "alias"),
            reverse_alias=get(section, "reverse_alias"),
            lines={k: cfg.lines.get(f"{section}.{k}", 0) for k in _LIBRARY_KEYS}, file=path.name)
    # A book without tabs that saves code: d2lbook's [library] save_filename.
    save_filename = get("library", "save_filename")
    if save_filename and not tabs:
        tabs[DEFAULT_TAB] = TabConfig(name=DEFAULT_TAB, library=LibraryRules(lib_file=save_filename,
                                                                             file=path.name))

    for tab_name, repo in _pairs(get("colab", "github_repo")):
        if tab_name in tabs:
            tabs[tab_name].colab_repo = repo
    for line in get("colab", "libs").strip().splitlines():
        parts = [p.strip() for p in line.split(",", 2)]
        if len(parts) == 3 and parts[0] in tabs:
            tabs[parts[0]].colab_libs.append((parts[1], parts[2].replace("RELEASE", cfg.release)))
    cfg.tabs = list(tabs.values())

    cfg.header_links = _header_links(get("html", "header_links"), cfg.pos("html.header_links"), diags)
    cfg.favicon = get("html", "favicon")
    cfg.html_logo = get("html", "html_logo")
    cfg.include_css = _split_list(get("html", "include_css"))
    cfg.include_js = _split_list(get("html", "include_js"))

    cfg.main_font = get("pdf", "main_font")
    cfg.sans_font = get("pdf", "sans_font")
    cfg.mono_font = get("pdf", "mono_font")
    cfg.latex_logo = get("pdf", "latex_logo")
    cfg.bibfile = get("pdf", "bibfile")
    cfg.latex_template = get("pdf", "template")

    cfg.version_file = get("library", "version_file")
    cfg.library_root = get("library", "root_dir")
    if parser.has_option("library", "write_to_source"):
        cfg.write_library_to_source = _as_bool(get("library", "write_to_source"),
                                               cfg.pos("library.write_to_source"), diags)

    cfg.colab_exclusions = _split_list(get("colab", "exclusions", "*.html **/index.html"))
    cfg.colab_libs_header = " ".join(get("colab", "libs_header").split())
    cfg.colab_gpu_pattern = get("colab", "gpu_pattern", "gpu") or "gpu"
    svg = _split_commas(get("colab", "replace_svg_url"))
    cfg.colab_replace_svg_url = (svg[0], svg[1]) if len(svg) == 2 else None

    cfg.slides_top_left = get("slides", "top_left")
    cfg.slides_top_right = get("slides", "top_right")
    cfg.origin_lang = get("translation", "origin_lang")
    cfg.origin_repo = get("translation", "origin_repo") or get("build", "origin_repo")
    cfg.repository = get("repository", "github") or get("deploy", "github_repo")
    cfg.repository_branch = get("repository", "branch", "master") or "master"
    return cfg


def _header_links(value: str, where: Pos, diags: Diagnostics) -> list[HeaderLink]:
    """d2lbook's header links: name, URL, icon triples separated by commas."""
    items = _split_commas(value)
    if len(items) % 3:
        diags.warning(where, "[html] header_links needs name, URL, icon triples; "
                      "the incomplete last link is ignored", "config-value")
    links = []
    for i in range(0, len(items) - len(items) % 3, 3):
        name, url, icon = items[i:i + 3]
        if "###" in name or "###" in url:
            continue  # d2l-en fills these placeholders in its own deploy script
        links.append(HeaderLink(name, url, icon))
    return links
