"""Each alias kind of ``[library-TAB]`` and the interface execution uses (divebook.library)."""

from __future__ import annotations

from pathlib import Path

import pytest

from divebook.config import Config, LibraryRules, TabConfig
from divebook.library import (apply_reverse_alias, imported_library_files, library_digest, library_root,
                              module_name, parse_reverse_alias, reverse_alias_rules)
from divebook.library.aliases import alias_lines, split_by_need, split_terms


def rules(**kw) -> LibraryRules:
    return LibraryRules(lib_file=kw.pop("lib_file", "d2l/torch.py"), **kw)


def run(lines: list[str], namespace: dict) -> dict:
    exec("\n".join(lines), namespace)
    return namespace


def test_split_terms_reads_commas_and_lines_like_d2lbook():
    terms = split_terms("ones, zeros,\n  concat -> cat, ,exp")
    assert [(t.left, t.right, t.offset) for t in terms] == [
        ("ones", "ones", 0), ("zeros", "zeros", 0), ("concat", "cat", 1), ("exp", "exp", 1)]


def test_simple_alias_binds_names_of_lib_name():
    lines, problems = alias_lines(rules(lib_name="math", simple_alias="sqrt, pow -> pow,\nlog -> log10"))
    assert problems == []
    assert [line for line in lines if line] == ["sqrt = math.sqrt", "pow = math.pow", "log = math.log10"]
    import math
    ns = run(lines, {"math": math})
    assert ns["log"](100) == 2


def test_simple_alias_drops_a_trailing_paren_with_a_warning():
    lines, problems = alias_lines(rules(lib_name="torch", simple_alias="tanh,\nexp(, log"))
    assert "exp = torch.exp" in lines
    assert [(p.key, p.offset, p.warning) for p in problems] == [("simple_alias", 1, True)]


def test_fluent_alias_calls_the_method_on_the_first_argument():
    lines, problems = alias_lines(rules(fluent_alias="upper, numpy -> strip().split, size -> count"))
    assert problems == []
    assert lines[1] == "numpy = lambda x, *args, **kwargs: x.strip().split(*args, **kwargs)"
    ns = run(lines, {})
    assert ns["upper"]("ab") == "AB"
    assert ns["numpy"]("  a b ") == ["a", "b"]
    assert ns["size"]("banana", "a") == 3


def test_args_alias_defines_a_function_per_line():
    lines, problems = alias_lines(rules(args_alias="clip(a_x, low=0, high=1) -> min(max(a_x, low), high)"))
    assert problems == []
    assert lines == ["def clip(a_x, low=0, high=1):", "    return min(max(a_x, low), high)"]
    assert run(lines, {})["clip"](5, high=3) == 3


def test_raw_alias_lines_are_copied():
    lines, problems = alias_lines(rules(alias="\nsize = lambda a: len(a)\ntranspose = list"))
    assert problems == [] and lines == ["size = lambda a: len(a)", "transpose = list"]


def test_rules_that_do_not_parse_are_reported_and_left_out():
    lines, problems = alias_lines(rules(
        lib_name="torch", simple_alias="ones, 2bad, a -> b c",
        fluent_alias="ok, x -> (", args_alias="f(a) -> a\nnot a signature -> 1",
        alias="good = 1\nbad = = 2"))
    assert [(p.key, p.offset) for p in problems if not p.warning] == [
        ("alias", 1), ("simple_alias", 0), ("simple_alias", 0), ("fluent_alias", 0), ("args_alias", 1)]
    assert "good = 1" in lines and "ones = torch.ones" in lines and "ok = lambda x, *args, **kwargs: " \
        "x.ok(*args, **kwargs)" in lines and "def f(a):" in lines


def test_simple_alias_without_lib_name_is_a_problem():
    _, problems = alias_lines(rules(simple_alias="ones"))
    assert problems[0].key == "simple_alias" and "lib_name" in problems[0].message


def test_aliases_that_need_saved_code_go_last():
    early, late = split_by_need(["nn_Module = nn.Module", "f = helper", "g = f", "h = lambda: helper()"],
                                {"nn"})
    assert early == ["nn_Module = nn.Module", "h = lambda: helper()"]
    assert late == ["f = helper", "g = f"]


# ---- reverse_alias and the rest of divebook.library ------------------------------------

D2L_EN_MXNET = r"""
d2l.size\(([\w\_\d]+)\) -> \1.size
d2l.transpose\(([\w\_\d]+)\) -> \1.T
d2l.nn_Module -> nn.Block
"""


def test_reverse_alias_regex_with_back_references():
    code = "n = d2l.size(X)\nY = d2l.transpose(W)\nclass Net(d2l.nn_Module):\n    pass"
    assert apply_reverse_alias(code, rules(reverse_alias=D2L_EN_MXNET)) == \
        "n = X.size\nY = W.T\nclass Net(nn.Block):\n    pass"


def test_reverse_alias_named_groups_and_order():
    r = rules(reverse_alias="d2l.pair\\((?P<a>\\w+), (?P<b>\\w+)\\) -> (\\g<b>, \\g<a>)\n(\\w+), \\1 -> \\1")
    assert apply_reverse_alias("d2l.pair(x, x)", r) == "(x)"


def test_reverse_alias_problems():
    _, problems = reverse_alias_rules(
        "ok -> fine\nno arrow\na -> b -> c\n(unclosed -> x\n(a) -> \\2\nb -> \\q")
    assert [offset for offset, _ in problems] == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="^1: "):
        parse_reverse_alias("ok -> fine\nno arrow")
    # the usable rules still apply
    assert apply_reverse_alias("ok", rules(reverse_alias="ok -> fine\nno arrow")) == "fine"


def test_library_root_and_module_name():
    assert library_root(Path("/b/_build")) == Path("/b/_build/lib")
    assert module_name(rules(lib_file="d2l/torch.py")) == "d2l.torch"
    assert module_name(rules(lib_file="mylib.py")) == "mylib"


def book_config() -> Config:
    return Config(root=Path("."), tabs=[TabConfig("pytorch", library=rules(lib_file="d2l/torch.py")),
                                        TabConfig("mxnet", library=rules(lib_file="d2l/mxnet.py")),
                                        TabConfig("plain", library=rules(lib_file="helpers.py")),
                                        TabConfig("jax")])


@pytest.mark.parametrize("code, files", [
    ("from d2l import torch as d2l", ["d2l/torch.py"]),
    ("import d2l.mxnet as d2l\nx = 1", ["d2l/mxnet.py"]),
    ("from d2l.torch import Trainer", ["d2l/torch.py"]),
    ("    import d2l  # whole package", ["d2l/mxnet.py", "d2l/torch.py"]),
    ("import d2l as lib", ["d2l/mxnet.py", "d2l/torch.py"]),
    ("from helpers import f", ["helpers.py"]),
    ("import torch\nprint('from d2l import torch')", []),
    ("import d2lx\nimport helpers_old", []),
])
def test_imported_library_files(code, files):
    assert imported_library_files(["x = 0", code], book_config(), "pytorch") == files


def test_library_digest_changes_with_the_file(tmp_path):
    lib = library_root(tmp_path) / "d2l"
    lib.mkdir(parents=True)
    (lib / "torch.py").write_text("x = 1\n")
    first = library_digest(tmp_path, ["d2l/torch.py"])
    assert first == library_digest(tmp_path, ["d2l/torch.py"])
    (lib / "torch.py").write_text("x = 2\n")
    assert library_digest(tmp_path, ["d2l/torch.py"]) != first
    assert library_digest(tmp_path, ["d2l/mxnet.py"]) != library_digest(tmp_path, [])
