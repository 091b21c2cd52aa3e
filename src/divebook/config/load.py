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
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..confine import is_safe_name
from ..diagnostics import ConfigError, Diagnostics
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
    # [translation]
    origin_lang: str = ""
    origin_repo: str = ""
    # where the sources live online, for "edit this page" links
    repository: str = ""
    repository_branch: str = "master"
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

#: Keys d2lbook reads, per section.  Keys marked in _IGNORED only matter to
#: d2lbook's deploy and Sphinx steps; they are accepted and have no effect.
_INI_KEYS: dict[str, set[str]] = {
    "project": {"name", "title", "author", "copyright", "release", "lang"},
    "translation": {"origin_repo", "origin_lang", "translator", "terminology"},
    "build": {"index", "notebooks", "rsts", "non-notebooks", "exclusions", "dependencies",
              "resources", "eval_notebook", "source_dir", "output_dir", "warning_is_error",
              "sphinx_extensions", "sphinx_configs", "tabs", "origin_repo",
              # divebook additions
              "kernels", "timeout", "eval_pages", "strict"},
    "html": {"header_links", "favicon", "html_logo", "include_css", "include_js"},
    "pdf": {"main_font", "sans_font", "mono_font", "post_latex", "latex_logo", "bibfile",
            "style", "latex_url", "template"},
    "library": {"save_filename", "save_mark", "save_patterns", "version", "version_file",
                "root_dir", "write_to_source"},
    "deploy": {"google_analytics_tracking_id", "github_repo", "s3_bucket", "other_file_s3urls"},
    "colab": {"github_repo", "exclusions", "libs", "libs_header", "gpu_pattern",
              "replace_svg_url"},
    "sagemaker": {"github_repo", "kernel", "libs", "libs_header"},
    "slides": {"top_right", "github_repo", "notebooks", "exclusions"},
    "repository": {"github", "branch"},
}
_LIBRARY_KEYS = {"lib_file", "lib_name", "simple_alias", "fluent_alias", "args_alias", "alias",
                 "reverse_alias"}
#: Settings people put into config.ini that only divebook.toml can hold, and where they go.
_TOML_ONLY = {"requirements": "requirements", "env": "env", "kernel": "kernel", "pages": "pages"}

#: config.ini names whose divebook.toml name differs (for `check` and for overlays)
_INI_TO_TOML = {"build.non-notebooks": "build.non_notebooks", "build.eval_notebook": "build.eval",
                "build.warning_is_error": "build.strict", "html.html_logo": "html.logo",
                "pdf.latex_logo": "pdf.logo"}


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


def _key_lines(text: str) -> dict[str, int]:
    """Map "section.key" to its line number in an ini file."""
    lines: dict[str, int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            section = header.group(1).strip()
            lines[section] = number
            continue
        key = re.match(r"([A-Za-z0-9_\-]+)\s*[=:]", line)
        if key and section:
            lines.setdefault(f"{section}.{key.group(1).lower()}", number)
    return lines


def _split_list(value: str) -> list[str]:
    """d2lbook lists: items separated by whitespace or commas."""
    return [v for v in re.split(r"[\s,]+", value.strip()) if v]


def _split_commas(value: str) -> list[str]:
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


def _as_bool(value: str, where: Pos, diags: Diagnostics) -> bool:
    v = value.strip().lower()
    if v in {"true", "yes", "1", "on"}:
        return True
    if v in {"false", "no", "0", "off", ""}:
        return False
    diags.warning(where, f"expected True or False, got {value!r}; using True", "config-value")
    return True


def _as_seconds(value: object, where: Pos, diags: Diagnostics, default: float | None) -> float | None:
    """A time limit: a positive, finite number of seconds; anything else warns and gives ``default``.

    0 or a negative number would turn the limit off, so it is refused rather than taken.
    """
    try:
        seconds = float(value) if not isinstance(value, bool) else math.nan  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = math.nan
    if math.isfinite(seconds) and seconds > 0:
        return seconds
    using = f"using {default:g}" if default is not None else "using the book's timeout"
    diags.warning(where, f"a timeout must be a positive number of seconds per cell, got {value!r}; "
                  f"{using}", "config-value")
    return default


def _pairs(value: str) -> list[tuple[str, str]]:
    """Lines or comma lists of "tab, value" / "tab = value" / "tab: value" pairs."""
    pairs = []
    for line in value.strip().splitlines():
        line = line.strip()
        if not line:
            continue
        m = re.match(r"([\w\-]+)\s*[,=:]\s*(.+)", line)
        if m:
            pairs.append((m.group(1), m.group(2).strip()))
    return pairs


def _kernel_pairs(value: str, where: Pos, diags: Diagnostics) -> list[tuple[str, str]]:
    """``[build] kernels = pytorch: python3, mxnet: mxnet-1.9`` (commas or lines)."""
    pairs = []
    for item in _split_commas(value):
        m = re.fullmatch(r"([\w\-]+)\s*[=:]\s*(\S+)", item)
        if m:
            pairs.append((m.group(1), m.group(2)))
        else:
            diags.warning(where, f"[build] kernels: cannot read {item!r}; write `tab: kernel-name`",
                          "config-value")
    return pairs


def read_config_text(path: Path) -> str:
    """The text of a configuration file; ConfigError naming the line of a byte that is not UTF-8.

    A byte-order mark is not a setting and is dropped.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path.name, 0, f"cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(path.name, line, f"byte 0x{data[exc.start]:02x} is not UTF-8 text; "
                          "save the file as UTF-8") from None


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


# --------------------------------------------------------------------------
# divebook.toml
# --------------------------------------------------------------------------

_TOML_KEYS: dict[str, set[str]] = {
    "project": {"name", "title", "author", "copyright", "release", "lang"},
    "build": {"index", "notebooks", "non_notebooks", "exclusions", "resources", "dependencies",
              "eval", "eval_notebook", "eval_pages", "tabs", "timeout", "warning_is_error",
              "strict"},
    "html": {"header_links", "favicon", "logo", "include_css", "include_js"},
    "pdf": {"main_font", "sans_font", "mono_font", "logo", "bibfile", "template"},
    "library": {"version_file", "root_dir", "write_to_source"},
    "colab": {"exclusions", "libs_header", "gpu_pattern", "replace_svg_url"},
    "translation": {"origin_lang", "origin_repo"},
    "repository": {"github", "branch"},
}
_TOML_PAGE_KEYS = {"timeout", "resources", "inputs"}
_TOML_TAB_KEYS = {"kernel", "requirements", "timeout", "library", "colab_repo", "colab_libs", "env"}
_TOML_LIBRARY_KEYS = {"file", "name", "simple_alias", "fluent_alias", "args_alias", "alias",
                      "reverse_alias"}


#: LibraryRules field -> its key in divebook.toml's [tabs.NAME.library]
_TOML_LIBRARY_NAMES = {"lib_file": "file", "lib_name": "name"}


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
    cfg.origin_lang = typed("translation", "origin_lang", str, cfg.origin_lang)
    cfg.origin_repo = typed("translation", "origin_repo", str, cfg.origin_repo)
    cfg.repository = typed("repository", "github", str, cfg.repository)
    cfg.repository_branch = typed("repository", "branch", str, cfg.repository_branch)
    return cfg


#: divebook.toml keys that are another spelling of a setting
_TOML_ALIASES = {"build.eval_notebook": "build.eval", "build.warning_is_error": "build.strict"}


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
