"""``divebook build lib`` on small books: the package it writes, imported for real; bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from divebook.context import BuildOptions
from divebook.build import build, check
from divebook.cli import main

TINY = {
    "config.ini": r"""
        [project]
        name = tiny
        title = Tiny
        release = 2.5

        [build]
        tabs = pytorch, mxnet

        [library]
        version_file = tiny/__init__.py

        [library-pytorch]
        lib_file = tiny/torch.py
        lib_name = math
        simple_alias = sqrt, power -> pow
        fluent_alias = upper
        alias =
            nn_Module = object
        reverse_alias =
            tiny.size\((\w+)\) -> len(\1)

        [library-mxnet]
        lib_file = tiny/mxnet.py
        lib_name = operator
        simple_alias = add -> add
        alias =
            nn_Module = dict
    """,
    "index.md": """
        # Tiny

        ```toc
        ch/a
        ch/b
        ```
    """,
    "ch/a.md": """
        # Basics
        :label:`sec_basics`

        ```{.python .input}
        #@tab all
        #@save
        import sys
        import collections
        import math, operator
        tiny = sys.modules[__name__]
        ```

        ```{.python .input}
        #@tab all
        def add_to_class(Class):  #@save
            def wrapper(obj):
                setattr(Class, obj.__name__, obj)
            return wrapper
        ```

        ## Counting
        :label:`sec_counting`

        ```{.python .input}
        #@tab all
        class Counter(tiny.nn_Module):  #@save
            \"\"\"Counts.\"\"\"
            def __init__(self):
                self.n = 0

        c = Counter()
        ```

        ```{.python .input}
        #@tab all
        @tiny.add_to_class(Counter)  #@save
        def add(self, k=1):
            if tab.selected('pytorch'):
                self.n += k
            if tab.selected('mxnet'):
                self.n += 2 * k
            return self
        ```

        ```{.python .input}
        #@tab mxnet
        Counter().add()  # a cell of its own: mxnet runs this page, and saves from it
        ```
    """,
    "ch/b.md": """
        # Later
        :label:`sec_later`

        ```{.python .input}
        #@tab pytorch
        from tiny import torch as tiny
        ```

        ```{.python .input}
        #@tab pytorch
        #@save
        def double(x):
            return 2 * x
        ```
    """,
}


def run_python(lib: Path, code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(lib), "PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_tiny_book_library_is_an_importable_package(make_book, tmp_path):
    book = make_book(TINY)
    out = tmp_path / "out"
    assert main(["build", "lib", "-C", str(book), "--out", str(out)]) == 0
    lib = out / "lib"
    assert sorted(p.relative_to(lib).as_posix() for p in lib.rglob("*.py")) == [
        "tiny/__init__.py", "tiny/mxnet.py", "tiny/torch.py"]
    assert (lib / "tiny" / "__init__.py").read_text() == '__version__ = "2.5"\n'
    printed = run_python(lib, "import tiny\nfrom tiny import torch as t, mxnet as m\n"
                         "print(tiny.__version__, t.Counter().add(3).n, m.Counter().add(3).n,"
                         " t.double(4), t.sqrt(16), t.power(2, 3), t.upper('a'), m.add(1, 2),"
                         " t.Counter.__mro__[1].__name__, m.Counter.__mro__[1].__name__,"
                         " hasattr(m, 'double'), t.Counter.add.__doc__)")
    assert printed == "2.5 3 6 8 4.0 8.0 A 3 object dict False Defined in :numref:`sec_counting`"
    torch_py = (lib / "tiny" / "torch.py").read_text()
    assert torch_py.count("class Counter") == 1 and "add_to_class(Counter)" not in torch_py
    assert '"""Counts.\n\n    Defined in :numref:`sec_counting`"""' in torch_py
    assert "tab.selected" not in torch_py and "2 * k" not in torch_py
    assert torch_py.index("import collections") < torch_py.index("import sys") < \
        torch_py.index("nn_Module = object") < torch_py.index("tiny = sys.modules")
    data = json.loads((out / "report.json").read_text())
    assert data["library"]["pytorch"]["module"] == "tiny.torch"
    assert "Counter.add" in data["library"]["pytorch"]["names"]
    assert sorted(data["outputs"]["lib"]) == ["tiny/__init__.py", "tiny/mxnet.py", "tiny/torch.py"]
    assert not (book / "tiny").exists()  # write_to_source is off


def test_rebuild_with_the_same_code_writes_nothing(make_book, tmp_path):
    book = make_book(TINY)
    out = tmp_path / "out"
    build(BuildOptions(book=book, out=out, targets=["lib"]))
    module = out / "lib" / "tiny" / "torch.py"
    before = module.stat().st_mtime_ns
    ctx = build(BuildOptions(book=book, out=out, targets=["lib"]))
    assert ctx.outputs.get("lib", []) == [] and module.stat().st_mtime_ns == before
    page = book / "ch" / "b.md"
    page.write_text(page.read_text().replace("2 * x", "3 * x"))
    ctx = build(BuildOptions(book=book, out=out, targets=["lib"]))
    assert ctx.outputs["lib"] == ["tiny/torch.py"]  # the mxnet module did not change


def test_write_to_source_keeps_the_authors_header_and_updates_the_version(make_book, tmp_path):
    files = dict(TINY)
    files["config.ini"] = TINY["config.ini"].replace(
        "version_file = tiny/__init__.py", "version_file = tiny/__init__.py\n        write_to_source = true")
    files["tiny/__init__.py"] = '"""Tiny."""\n__version__ = "0.1"\nNAME = "tiny"\n'
    files["tiny/torch.py"] = ("HEADER_CONSTANT = 42\n\n#################   WARNING   ################\n"
                              "old generated text\n")
    book = make_book(files)
    out = tmp_path / "out"
    assert main(["build", "lib", "-C", str(book), "--out", str(out)]) == 0
    source_module = (book / "tiny" / "torch.py").read_text()
    assert source_module.startswith("HEADER_CONSTANT = 42\n#################   WARNING")
    assert "old generated text" not in source_module and "def double" in source_module
    assert (out / "lib" / "tiny" / "torch.py").read_text() == source_module
    assert (book / "tiny" / "__init__.py").read_text() == '"""Tiny."""\n__version__ = "2.5"\nNAME = "tiny"\n'
    assert (book / "tiny" / "mxnet.py").exists()
    assert run_python(out / "lib", "from tiny import torch\nprint(torch.HEADER_CONSTANT)") == "42"


def test_divebook_toml_library(make_book, tmp_path):
    book = make_book({
        "divebook.toml": """
            [project]
            title = "Toml book"
            release = "1.0"

            [build]
            tabs = ["python"]

            [tabs.python.library]
            file = "mybook.py"
            name = "operator"
            simple_alias = ["mul", "plus -> add"]
            args_alias = ["scale(a_x, factor=2) -> a_x * factor"]
            reverse_alias = ["mybook\\\\.scale\\\\((\\\\w+)\\\\) -> (\\\\1 * 2)"]
        """,
        "index.md": """
            # Toml book

            ```{.python .input}
            import operator  #@save

            def triple(x):  #@save
                return 3 * x
            ```
        """,
    })
    out = tmp_path / "out"
    assert main(["build", "lib", "-C", str(book), "--out", str(out)]) == 0
    assert run_python(out / "lib", "import mybook\nprint(mybook.triple(2), mybook.mul(2, 5), "
                      "mybook.plus(1, 1), mybook.scale(4), mybook.scale(4, factor=3))") == "6 10 2 8 12"
    from divebook.build import prepare
    from divebook.library import apply_reverse_alias

    rules = prepare(BuildOptions(book=book)).config.tabs[0].library
    assert apply_reverse_alias("y = mybook.scale(z)", rules) == "y = (z * 2)"


BAD = {
    "config.ini": """
        [project]
        title = Bad
        [build]
        tabs = pytorch
        [library-pytorch]
        lib_file = bad/torch.py
        lib_name = math
        simple_alias = sqrt, 2pi
        reverse_alias =
            good -> fine
            (unclosed -> x
    """,
    "index.md": """
        # Bad

        ```{.python .input}
        def good():  #@save
            return 1
        ```

        ```{.python .input}
        x = 1
        #@save
        ```

        ```{.python .input}
        def broken(:  #@save
            pass
        ```

        ```{.python .input}
        #@save
        %matplotlib inline
        ```
    """,
}


def test_bad_input_is_reported_with_file_and_line_and_the_rest_written(make_book, tmp_path, capsys):
    book = make_book(BAD)
    out = tmp_path / "out"
    assert main(["build", "lib", "-C", str(book), "--out", str(out)]) == 1
    data = json.loads((out / "report.json").read_text())
    errors = {(e["file"], e["line"], e["code"]) for e in data["errors"]}
    assert errors == {("index.md", 10, "library-mark"), ("index.md", 14, "library-syntax"),
                      ("index.md", 20, "library-syntax"), ("config.ini", 8, "library-alias"),
                      ("config.ini", 11, "library-alias")}
    err = capsys.readouterr().err
    assert "Traceback" not in err and "index.md:10" in err and "[library-pytorch]" in err
    module = (out / "lib" / "bad" / "torch.py").read_text()
    assert "def good" in module and "sqrt = math.sqrt" in module and "broken" not in module
    compile(module, "torch.py", "exec")


def test_bad_lib_file_is_a_config_error(make_book, tmp_path):
    book = make_book({"config.ini": "[build]\ntabs = a\n[library-a]\nlib_file = ../outside.py\n"
                                    "[library]\nroot_dir = d2l\n",
                      "index.md": "# X\n"})
    ctx = build(BuildOptions(book=book, out=tmp_path / "out", targets=["lib"]))
    assert [(d.file, d.line, d.code) for d in ctx.diags.errors] == [("config.ini", 4, "library-config")]
    assert [(d.line, d.code) for d in ctx.diags.warnings] == [(6, "library-config")]
    assert not (tmp_path / "outside.py").exists()


def test_check_warns_of_names_saved_twice_and_missing_twins(make_book, tmp_path):
    book = make_book({
        "config.ini": "[build]\ntabs = pytorch, mxnet\n[library-pytorch]\nlib_file = k/torch.py\n"
                      "[library-mxnet]\nlib_file = k/mxnet.py\n",
        "index.md": """
            # K

            ```{.python .input}
            #@tab all
            def f():  #@save
                return 1
            ```

            ```{.python .input}
            #@tab pytorch
            def only_torch():  #@save
                return 1
            ```

            ```{.python .input}
            #@tab mxnet
            x = 1
            ```

            ```{.python .input}
            #@tab all
            def stub():  #@save
                raise NotImplementedError
            ```

            ```{.python .input}
            #@tab all
            def f():  #@save
                return 2

            def stub():  #@save
                return 3
            ```
        """,
    })
    status, ctx = check(BuildOptions(book=book, out=tmp_path / "out", evaluate=False))
    assert status == 0
    found = sorted((d.line, d.code, d.message.split("`")[1]) for d in ctx.diags.warnings)
    assert found == [(11, "library-twin", "only_torch"),
                     (28, "library-twice", "f"), (28, "library-twice", "f")]
    assert not (tmp_path / "out" / "lib").exists()  # check writes nothing


def test_building_with_evaluation_writes_the_library_first(make_book, tmp_path):
    book = make_book(TINY)
    build(BuildOptions(book=book, out=tmp_path / "eval", targets=["html"]))
    assert (tmp_path / "eval" / "lib" / "tiny" / "torch.py").exists()
    build(BuildOptions(book=book, out=tmp_path / "noeval", targets=["html"], evaluate=False))
    assert not (tmp_path / "noeval" / "lib").exists()


def test_cache_key_inputs_change_for_the_edited_tab_only(make_book, tmp_path):
    """What execution keys a page on: the library files its tab imports, and their digest."""
    from divebook.library import imported_library_files, library_digest
    from divebook.transforms.tabs import code_for_tab
    from divebook.tree import CodeCell, walk_blocks

    book = make_book(TINY)
    out = tmp_path / "out"
    ctx = build(BuildOptions(book=book, out=out, targets=["lib"]))

    def key(source: str, tab: str) -> tuple[list[str], str]:
        page = ctx.book.pages[source]
        code = [code_for_tab(b.source, tab) for b in walk_blocks(page.blocks)
                if isinstance(b, CodeCell) and b.executable and tab in b.tabs]
        files = imported_library_files(code, ctx.config, tab)
        return files, library_digest(out, files)

    before = {(s, t): key(s, t) for s in ["ch/a.md", "ch/b.md"] for t in ["pytorch", "mxnet"]}
    assert before[("ch/b.md", "pytorch")][0] == ["tiny/torch.py"]
    assert before[("ch/b.md", "mxnet")][0] == [] and before[("ch/a.md", "pytorch")][0] == []
    page = book / "ch" / "a.md"
    page.write_text(page.read_text().replace("self.n += 2 * k", "self.n += 3 * k"))  # mxnet only
    ctx = build(BuildOptions(book=book, out=out, targets=["lib"]))
    assert ctx.outputs["lib"] == ["tiny/mxnet.py"]
    after = {(s, t): key(s, t) for s in ["ch/a.md", "ch/b.md"] for t in ["pytorch", "mxnet"]}
    assert after == before  # no page imports tiny.mxnet: no key changes
    page.write_text(page.read_text().replace("self.n += k", "self.n += 5 * k"))  # pytorch
    ctx = build(BuildOptions(book=book, out=out, targets=["lib"]))
    assert ctx.outputs["lib"] == ["tiny/torch.py"]
    assert key("ch/b.md", "pytorch") != before[("ch/b.md", "pytorch")]
    assert key("ch/b.md", "mxnet") == before[("ch/b.md", "mxnet")]


def test_a_page_of_shared_cells_saves_for_the_default_tab_only(make_book, tmp_path):
    """d2lbook's rule, the one execution follows: a tab runs (and saves from) a page only
    when some cell names it; a page whose code is all `#@tab all` is the default tab's."""
    book = make_book({
        "config.ini": "[build]\ntabs = pytorch, mxnet, jax\n[library-pytorch]\nlib_file = k/torch.py\n"
                      "[library-mxnet]\nlib_file = k/mxnet.py\n[library-jax]\nlib_file = k/jax.py\n",
        "index.md": "# K\n\n```toc\nshared\nnamed\n```\n",
        "shared.md": """
            # Shared

            ```{.python .input}
            #@tab all
            def everywhere():  #@save
                return 1
            ```
        """,
        "named.md": """
            # Named

            ```{.python .input}
            #@tab all
            def shared_here():  #@save
                return 2
            ```

            ```{.python .input}
            #@tab mxnet
            x = shared_here()
            ```
        """,
    })
    build(BuildOptions(book=book, out=tmp_path / "out", targets=["lib"]))
    lib = tmp_path / "out" / "lib" / "k"
    defined = {tab: re.findall(r"^def (\w+)", (lib / f"{tab}.py").read_text(), re.M)
               for tab in ("torch", "mxnet", "jax")}
    assert defined == {"torch": ["everywhere", "shared_here"], "mxnet": ["shared_here"], "jax": []}
    # and `check` does not ask jax for a twin of what only the pages it does not run save
    status, checked = check(BuildOptions(book=book, out=tmp_path / "check", evaluate=False))
    assert status == 0 and [d.code for d in checked.diags.warnings] == []


HEADER_BOOK = {
    "config.ini": """
        [build]
        tabs = mxnet

        [library-mxnet]
        lib_file = h/mxnet.py
        lib_name = np
        simple_alias = sqrt, floor_of -> floor
        alias =
            base = nn_Module
    """,
    "h/mxnet.py": """
        import math as np
        nn_Module = object

        #################   WARNING   ################
    """,
    "index.md": """
        # H

        ```{.python .input}
        class Net(base):  #@save
            pass
        ```
    """,
}


def test_names_of_the_authors_header_count_as_imported(make_book, tmp_path):
    """A header that imports `np` needs no saved `import np`; aliases reading header names
    run before the saved code that uses them."""
    book = make_book(HEADER_BOOK)
    status, checked = check(BuildOptions(book=book, out=tmp_path / "check", evaluate=False))
    assert status == 0 and [d.message for d in checked.diags.warnings] == []
    out = tmp_path / "out"
    assert main(["build", "lib", "-C", str(book), "--out", str(out)]) == 0
    module = (out / "lib" / "h" / "mxnet.py").read_text()
    assert module.index("import math as np") < module.index("base = nn_Module") < \
        module.index("sqrt = np.sqrt") < module.index("class Net(base)")
    assert run_python(out / "lib", "from h import mxnet as m\nprint(m.floor_of(2.5), m.sqrt(4), "
                      "m.Net.__mro__[1].__name__)") == "2 2.0 object"


def test_a_header_without_the_import_still_gets_the_advice(make_book, tmp_path):
    files = dict(HEADER_BOOK)
    files["h/mxnet.py"] = "nn_Module = object\n\n#################   WARNING   ################\n"
    status, checked = check(BuildOptions(book=make_book(files), out=tmp_path / "check", evaluate=False))
    assert [(d.file, d.line, d.code) for d in checked.diags.warnings] == [
        ("config.ini", 6, "library-alias")]
    assert "save an `import np`" in checked.diags.warnings[0].message
