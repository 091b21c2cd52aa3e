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
