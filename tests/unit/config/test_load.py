"""Configuration from d2lbook's config.ini and divebook.toml into one model."""

from __future__ import annotations

import pytest

from divebook.config import load_config
from divebook.diagnostics import ConfigError, Diagnostics

INI = """
[project]
name = mybook
title = My Book
author = A. Author
release = 1.2
lang = en

[build]
index = start
notebooks = *.md */*.md
exclusions = README.md contrib/*md
resources = img/ data/
eval_notebook = False
tabs = pytorch, mxnet
kernels = pytorch: python3, mxnet: mxnet-1.9
timeout = 60

[html]
header_links = GitHub, https://github.com/x/y, fab fa-github,
               Courses, https://courses.example.org, fas fa-user-graduate
favicon = static/favicon.png
include_css = static/a.css

[pdf]
main_font = Noto Serif
bibfile = refs.bib

[library]
version_file = mylib/__init__.py

[library-pytorch]
lib_file = mylib/torch.py
lib_name = torch
simple_alias = ones, zeros, concat -> cat
reverse_alias =
       d2l.nn_Module -> nn.Module

[colab]
github_repo = pytorch, x/y-colab
libs = mxnet, mxnet, mxnet==1.9.1
       pytorch, mylib, mylib==RELEASE
"""

TOML = """
[project]
name = "mybook"
title = "My Book"
release = "1.2"

[build]
index = "start"
eval = false
tabs = ["pytorch", "mxnet"]
timeout = 60

[tabs.pytorch]
kernel = "python3"
requirements = ["torch==2.13.0"]

[tabs.pytorch.library]
file = "mylib/torch.py"
name = "torch"
simple_alias = ["ones", "zeros", "concat -> cat"]
reverse_alias = ['d2l.nn_Module -> nn.Module']

[tabs.mxnet]
kernel = "mxnet-1.9"

[[html.header_links]]
name = "GitHub"
url = "https://github.com/x/y"
icon = "fab fa-github"
"""


def _load(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    diags = Diagnostics()
    return load_config(tmp_path, diags), diags


def test_config_ini(tmp_path):
    cfg, diags = _load(tmp_path, "config.ini", INI)
    assert not diags.items
    assert (cfg.name, cfg.title, cfg.release, cfg.index) == ("mybook", "My Book", "1.2", "start")
    assert cfg.notebooks == ["*.md", "*/*.md"] and cfg.exclusions == ["README.md", "contrib/*md"]
    assert cfg.eval_notebook is False and cfg.timeout == 60
    assert cfg.tab_names == ["pytorch", "mxnet"] and cfg.default_tab == "pytorch"
    assert cfg.tab("mxnet").kernel == "mxnet-1.9"
    assert [(h.name, h.url) for h in cfg.header_links] == [
        ("GitHub", "https://github.com/x/y"), ("Courses", "https://courses.example.org")]
    lib = cfg.tab("pytorch").library
    assert lib and lib.lib_file == "mylib/torch.py" and "concat -> cat" in lib.simple_alias
    assert lib.lines["lib_file"] > 0
    assert cfg.tab("pytorch").colab_repo == "x/y-colab"
    assert cfg.tab("pytorch").colab_libs == [("mylib", "mylib==1.2")]
    assert cfg.main_font == "Noto Serif" and cfg.bibfile == "refs.bib"


def test_toml_holds_the_same_model(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ini, _ = _load(tmp_path / "a", "config.ini", INI)
    cfg, diags = _load(tmp_path / "b", "divebook.toml", TOML)
    assert not diags.items
    assert (cfg.name, cfg.title, cfg.index, cfg.eval_notebook, cfg.timeout) == (
        ini.name, ini.title, ini.index, ini.eval_notebook, ini.timeout)
    assert cfg.tab_names == ini.tab_names
    assert cfg.tab("mxnet").kernel == "mxnet-1.9" and cfg.tab("pytorch").requirements == ["torch==2.13.0"]
    assert cfg.tab("pytorch").library.lib_file == "mylib/torch.py"
    assert cfg.tab("pytorch").library.reverse_alias == ini.tab("pytorch").library.reverse_alias.strip()


def test_unknown_keys_warn_with_their_line(tmp_path):
    _, diags = _load(tmp_path, "config.ini", "[project]\ntitle = X\ntitel = typo\n\n[mystery]\na = 1\n")
    assert [(d.line, d.code) for d in diags.items] == [(3, "config-key"), (5, "config-key")]
    assert "`titel`" in diags.items[0].message


def test_unknown_toml_keys_warn(tmp_path):
    _, diags = _load(tmp_path, "divebook.toml", '[project]\ntitle = "X"\ncolour = "red"\n')
    assert [(d.line, d.code) for d in diags.items] == [(3, "config-key")]


def test_broken_ini_is_a_configuration_error(tmp_path):
    (tmp_path / "config.ini").write_text("title = no section\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, Diagnostics())
    assert info.value.file == "config.ini" and info.value.line == 1


def test_broken_toml_names_the_line(tmp_path):
    (tmp_path / "divebook.toml").write_text('[project]\ntitle = "X\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, Diagnostics())
    assert info.value.line == 2


def test_wrong_type_in_toml(tmp_path):
    (tmp_path / "divebook.toml").write_text('[build]\ntabs = "pytorch"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, Diagnostics())
    assert "must be a list" in info.value.message and info.value.line == 2


def test_a_folder_that_is_not_a_book(tmp_path):
    with pytest.raises(ConfigError):
        load_config(tmp_path, Diagnostics())


# ---------------------------------------------------------------- divebook.toml over config.ini

OVERLAY = """
[build]
timeout = 600

[tabs.mxnet]
requirements = ["mxnet==1.9.1", "numpy<1.24"]
"""


def test_divebook_toml_adds_to_and_overrides_config_ini(tmp_path):
    (tmp_path / "divebook.toml").write_text(OVERLAY)
    cfg, diags = _load(tmp_path, "config.ini", INI)
    assert not diags.items
    assert cfg.timeout == 600  # overridden (config.ini says 60)
    assert cfg.tab("mxnet").requirements == ["mxnet==1.9.1", "numpy<1.24"]  # added
    # everything else is config.ini's, tabs included
    assert (cfg.name, cfg.index, cfg.eval_notebook) == ("mybook", "start", False)
    assert cfg.tab_names == ["pytorch", "mxnet"] and cfg.tab("mxnet").kernel == "mxnet-1.9"
    assert cfg.tab("pytorch").library.lib_file == "mylib/torch.py"
    assert cfg.tab("pytorch").library.file == "config.ini"
    # each setting knows its file, for `check` and for messages
    assert cfg.settings["build.timeout"].file == "divebook.toml"
    assert cfg.overridden["build.timeout"].file == "config.ini"
    assert cfg.settings["tabs.mxnet.requirements"].file == "divebook.toml"
    assert cfg.settings["project.title"].file == "config.ini"
    assert cfg.pos("build.timeout") == cfg.settings["build.timeout"]
    assert cfg.pos("tabs.mxnet.requirements").line == 6
    assert cfg.pos("build.tabs").file == "config.ini"


def test_overlay_mistakes_name_the_toml(tmp_path):
    (tmp_path / "divebook.toml").write_text('[tabs.jax]\nkernel = "x"\n\n[build]\ntimout = 5\n')
    _, diags = _load(tmp_path, "config.ini", INI)
    assert [(d.file, d.line, d.code) for d in diags.items] == [
        ("divebook.toml", 5, "config-key"), ("divebook.toml", 1, "config-value")]


def test_check_says_which_file_each_setting_came_from(tmp_path, capsys):
    from divebook.cli import main

    (tmp_path / "config.ini").write_text("[project]\ntitle = Two files\n\n[build]\ntabs = mxnet\n"
                                         "timeout = 60\n")
    (tmp_path / "divebook.toml").write_text(OVERLAY)
    (tmp_path / "index.md").write_text("# Two files\n")
    assert main(["check", "-C", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "settings: config.ini, added to and overridden by divebook.toml:" in err
    lines = {line.split()[0]: line.split(None, 1)[1] for line in err.splitlines() if line.startswith("  ")}
    assert lines["project.title"] == "config.ini:2"
    assert lines["build.tabs"] == "config.ini:5"
    assert lines["build.timeout"] == "divebook.toml:3 (overrides config.ini:6)"
    assert lines["tabs.mxnet.requirements"] == "divebook.toml:6"
    import json
    data = json.loads((tmp_path / "out" / "check.json").read_text())
    assert data["settings"]["build.timeout"] == "divebook.toml:3 (overrides config.ini:6)"
    (tmp_path / "divebook.toml").unlink()
    assert main(["check", "-C", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    assert "settings: all from config.ini" in capsys.readouterr().err


def test_a_tab_setting_in_config_ini_warns_and_says_where_it_goes(tmp_path):
    _, diags = _load(tmp_path, "config.ini", "[project]\ntitle = X\n\n[build]\ntabs = mxnet\n"
                                             "requirements = mxnet==1.9.1\n")
    [d] = diags.items
    assert (d.severity, d.file, d.line, d.code) == ("warning", "config.ini", 6, "config-key")
    assert "`requirements` in [build]" in d.message and "[tabs.NAME] requirements" in d.message
    assert "divebook.toml beside config.ini" in d.message


def test_strict_setting(tmp_path):
    cfg, diags = _load(tmp_path, "config.ini", "[build]\nstrict = yes\n")
    assert cfg.strict is True and not diags.items


def test_no_false_warnings_for_the_corpus_and_the_starter_book():
    from pathlib import Path

    import divebook

    from tests.conftest import require_corpus

    corpus = require_corpus("d2l-en", "d2l-zh", "d2l-tvm")

    starter = Path(divebook.__file__).parent / "templates" / "init"
    books = [corpus / name for name in ("d2l-en", "d2l-zh", "d2l-tvm")] + [starter]
    for book in books:
        diags = Diagnostics()
        load_config(book, diags)
        assert diags.items == [], book
