"""The d2l-en companion library built from the corpus: four modules, read with ``ast``.

What they define: every class and function once, the ``add_to_class``
methods inside their classes, aliases before the code.  Importing them with
their frameworks is ``test_library_imports.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import build, prepare, read_stage
from divebook.library.checks import check_library

pytestmark = pytest.mark.corpus

MODULES = {"pytorch": "torch.py", "mxnet": "mxnet.py", "jax": "jax.py", "tensorflow": "tensorflow.py"}
EVERY_TAB = ["Module", "Trainer", "DataModule", "HyperParameters", "ProgressBoard", "SGD",
             "LinearRegression", "Classifier", "Vocab", "Seq2Seq", "MultiHeadAttention",
             "add_to_class", "Encoder", "Decoder", "EncoderDecoder", "FashionMNIST", "RNNScratch",
             "SyntheticRegressionData", "TimeMachine"]
NOT_JAX = ["try_gpu", "load_array", "train_ch6"]


@pytest.fixture(scope="module")
def d2l_lib(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    from tests.conftest import require_corpus

    corpus = require_corpus("d2l-en")
    out = tmp_path_factory.mktemp("d2l")
    ctx = build(BuildOptions(book=corpus / "d2l-en", out=out, targets=["lib"], evaluate=False))
    return out / "lib", ctx


def tree_of(lib: Path, tab: str) -> ast.Module:
    source = (lib / "d2l" / MODULES[tab]).read_text(encoding="utf-8")
    compile(source, MODULES[tab], "exec")
    return ast.parse(source)


@pytest.mark.parametrize("tab", list(MODULES))
def test_each_module_compiles_and_defines_the_saved_names_once(d2l_lib, tab):
    lib, _ = d2l_lib
    tree = tree_of(lib, tab)
    names = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    expected = EVERY_TAB + (NOT_JAX if tab != "jax" else [])
    assert [n for n in expected if names.count(n) != 1] == []
    assert len(names) == len(set(names)), [n for n in set(names) if names.count(n) > 1]
    # jax and tensorflow save nothing from pages whose code is all `#@tab all` (d2lbook's rule)
    assert len(names) > {"jax": 50, "tensorflow": 90}.get(tab, 150)
    # add_to_class methods are inside their classes, not left as decorated functions
    for node in ast.walk(tree):
        for decorator in getattr(node, "decorator_list", []):
            assert "add_to_class" not in ast.unparse(decorator), (tab, node.name)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    trainer = [m.name for m in classes["Trainer"].body if isinstance(m, ast.FunctionDef)]
    assert {"fit", "fit_epoch", "prepare_batch", "clip_gradients"} <= set(trainer)
    assert len(trainer) == len(set(trainer))
    assert "configure_optimizers" in [m.name for m in classes["Module"].body
                                      if isinstance(m, ast.FunctionDef)]
    assert ast.get_docstring(classes["Trainer"]).endswith("Defined in :numref:`oo-design-training`")


def test_pytorch_module_has_what_the_book_saves_in_order(d2l_lib):
    lib, _ = d2l_lib
    source = (lib / "d2l" / "torch.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    linreg = [m.name for m in classes["LinearRegressionScratch"].body if isinstance(m, ast.FunctionDef)]
    assert linreg == ["__init__", "forward", "loss", "configure_optimizers"]
    init = next(m for m in classes["Trainer"].body if getattr(m, "name", "") == "__init__")
    assert "self.gpus" in ast.unparse(init)  # the GPU version saved later replaced the first one
    # imports first, then aliases (class bases use d2l.nn_Module), then the saved code
    assert source.index("import torch\n") < source.index("nn_Module = nn.Module") < \
        source.index("d2l = sys.modules[__name__]") < source.index("class Module(d2l.nn_Module")
    assert "concat = torch.cat" in source and "exp = torch.exp" in source
    assert "numpy = lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs)" in source
    imports = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert len(imports) == len(set(imports)) and "from torch import nn" in imports
    assert all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body[:len(imports)])


def test_package_files_and_report(d2l_lib):
    lib, ctx = d2l_lib
    assert (lib / "d2l" / "__init__.py").read_text() == '__version__ = "1.0.3"\n'
    assert sorted(ctx.outputs["lib"]) == ["d2l/__init__.py", "d2l/jax.py", "d2l/mxnet.py",
                                          "d2l/tensorflow.py", "d2l/torch.py"]
    assert [d.code for d in ctx.diags.errors] == []


def test_check_finds_no_library_errors_in_d2l(tmp_path):
    from tests.conftest import require_corpus

    ctx = prepare(BuildOptions(book=require_corpus("d2l-en") / "d2l-en", out=tmp_path))
    read_stage(ctx)
    before = len(ctx.diags.items)
    check_library(ctx)
    found = ctx.diags.items[before:]
    assert [d for d in found if d.severity == "error"] == []
    assert {d.code for d in found} <= {"library-twin", "library-alias"}
    # utils.md runs in jax too, which saves no `load_array` there: the check says so
    assert any(d.code == "library-twin" and "`load_array`" in d.message and "but not for jax," in d.message
               for d in found)
    # anchor.md has no jax cell, so jax does not run it and needs no twin of `box_iou`
    assert not any("`box_iou`" in d.message and "jax" in d.message for d in found)
