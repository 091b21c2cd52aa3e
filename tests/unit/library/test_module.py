"""From saved blocks to a module: section notes, add_to_class folding, imports, repeats."""

from __future__ import annotations

import ast
import textwrap

from divebook.library.collect import Saved
from divebook.library.imports import Imports
from divebook.library.module import ModuleParts, add_blocks, fold_method, with_note
from divebook.tree import Pos


def block(code: str, label: str = "sec_a", line: int = 10, page: str = "a.md") -> Saved:
    return Saved(textwrap.dedent(code).strip("\n"), Pos(page, line), page, label, "pytorch")


def build(*blocks: Saved) -> ModuleParts:
    return add_blocks(ModuleParts(), list(blocks))


def top_level(parts: ModuleParts) -> list[str]:
    tree = ast.parse(parts.imports.render("") + "\n" + parts.body())
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


def test_note_is_added_to_an_existing_docstring():
    text = 'def f():\n    """Do f."""\n    return 1'
    assert with_note(text, "sec_x") == \
        'def f():\n    """Do f.\n\n    Defined in :numref:`sec_x`"""\n    return 1'


def test_note_in_a_multiline_single_quoted_and_missing_docstring():
    multi = "class A:\n    '''First.\n\n    More.\n    '''\n    x = 1"
    assert ast.get_docstring(ast.parse(with_note(multi, "s")).body[0], clean=False).endswith(
        "Defined in :numref:`s`")
    single = "def g():\n    'One line.'\n    pass"
    assert ast.get_docstring(ast.parse(with_note(single, "s")).body[0]) == \
        "One line.\n\nDefined in :numref:`s`"
    bare = "def h(x,\n      y):\n    # comment\n    return x"
    assert with_note(bare, "s") == \
        'def h(x,\n      y):\n    # comment\n    """Defined in :numref:`s`"""\n    return x'


def test_note_keeps_non_ascii_docstrings_intact():
    text = 'def f():\n    """计算预测正确的数量"""\n    return 1'
    assert ast.get_docstring(ast.parse(with_note(text, "sec_z")).body[0]) == \
        "计算预测正确的数量\n\nDefined in :numref:`sec_z`"


def test_one_line_def_and_plain_code_are_left_alone():
    assert with_note("def f(): return 1", "s") == "def f(): return 1"
    parts = build(block("x = 1\ny = 2"))
    assert parts.body() == "x = 1\ny = 2"


def test_each_def_gets_the_label_of_its_own_block():
    parts = build(block("def f():\n    pass", label="sec_one"), block("def g():\n    pass", label=""))
    assert "Defined in :numref:`sec_one`" in parts.body()
    assert parts.body().count("Defined in") == 1


def test_add_to_class_is_folded_into_the_class():
    parts = build(
        block("""
            class Model(Base):
                \"\"\"A model.\"\"\"
                def __init__(self):
                    self.w = 1
        """, label="sec_model"),
        block("""
            @d2l.add_to_class(Model)
            def forward(self, X):
                return X * self.w
        """, label="sec_forward"),
        block("""
            @add_to_class(d2l.Model)
            def __init__(self, w=2):
                self.w = w
        """, label="sec_init"),
    )
    assert top_level(parts) == ["Model"]
    cls = ast.parse(parts.body()).body[0]
    methods = [n.name for n in cls.body if isinstance(n, ast.FunctionDef)]
    assert methods == ["__init__", "forward"]  # the later __init__ replaced the first, in place
    assert "add_to_class" not in parts.body()
    assert "self.w = w" in parts.body() and "self.w = 1" not in parts.body()
    assert "Defined in :numref:`sec_forward`" in parts.body()
    assert [d.name for d in parts.definitions] == ["Model", "Model.forward", "Model.__init__"]


def test_add_to_class_for_a_class_not_saved_stays_a_decorated_function():
    parts = build(block("@d2l.add_to_class(Elsewhere)\ndef f(self):\n    pass"))
    assert "@d2l.add_to_class(Elsewhere)" in parts.body()


def test_add_to_class_that_is_not_the_outer_decorator_is_not_folded():
    parts = build(block("class A:\n    pass"),
                  block("@property\n@d2l.add_to_class(A)\ndef f(self):\n    pass"))
    assert top_level(parts) == ["A", "f"]


def test_folding_keeps_multiline_strings_as_they_were():
    method = 'def f(self):\n    """Doc\n    more."""\n    return """a\nb"""'
    folded = fold_method("class A:\n    x = 1", "@add_to_class(A)\n" + method, "f")
    assert folded is not None
    namespace: dict = {}
    exec(folded, namespace)
    assert namespace["A"]().f() == "a\nb"
    assert namespace["A"].f.__doc__ == "Doc\n        more."


def test_imports_move_to_the_top_sorted_and_once():
    parts = build(
        block("import sys\nimport torch\nfrom torch import nn\nd2l = sys.modules[__name__]"),
        block("import os\nfrom collections import defaultdict\nimport sys\nfrom torch import optim\n"
              "import d2l.extra\n\ndef f():\n    import json\n    return os.sep"),
    )
    assert parts.imports.render("d2l") == (
        "import os\nimport sys\nfrom collections import defaultdict\n\n"
        "import torch\nfrom torch import nn, optim\n\nimport d2l.extra")
    assert "import json" in parts.body()  # inside the function: left where it is
    assert "import sys" not in parts.body()


def test_imports_binding_one_name_twice_keep_the_later():
    imports = Imports()
    for line, code in enumerate(["import numpy as np", "from mxnet import np", "import numpy"]):
        imports.add(ast.parse(code).body[0], Pos("a.md", line))
    assert imports.render("") == "import numpy\nfrom mxnet import np"
    ((earlier, _, later, pos),) = imports.conflicts()
    assert (earlier.module, later.module, pos.line) == ("numpy", "mxnet", 1)


def test_long_from_import_is_wrapped():
    imports = Imports()
    names = ", ".join(f"name_number_{i}" for i in range(8))
    imports.add(ast.parse(f"from package.module import {names}").body[0], Pos("a.md", 1))
    rendered = imports.render("")
    assert all(len(line) <= 79 for line in rendered.split("\n"))
    assert ast.dump(ast.parse(rendered)) == ast.dump(ast.parse(f"from package.module import {names}"))


def test_same_code_saved_twice_is_kept_once_and_a_stub_gives_way():
    parts = build(
        block("def show(x):\n    \"\"\"Show x.\"\"\"\n    raise NotImplementedError", label="sec_early"),
        block("def f():\n    return 1", label="sec_one"),
        block("def f():\n    return 1", label="sec_two"),
        block("def show(x):\n    \"\"\"Show x.\"\"\"\n    print(x)", label="sec_late"),
    )
    assert top_level(parts) == ["f", "show"]
    assert "NotImplementedError" not in parts.body()
    assert [d.stub for d in parts.definitions] == [True, False, False, False]


def test_different_code_saved_twice_keeps_both_in_order():
    parts = build(block("def f():\n    return 1"), block("def f():\n    return 2"))
    assert top_level(parts) == ["f", "f"]


def test_block_that_does_not_compile_is_reported_and_left_out():
    parts = build(block("def f(:\n    pass", line=20), block("%timeit f()", line=30),
                  block("def ok():\n    pass"))
    assert top_level(parts) == ["ok"]
    assert [(p.pos.line, "does not compile" in p.message) for p in parts.problems] == \
        [(20, True), (30, True)]
    assert "IPython" in parts.problems[1].message
