"""The d2l-en companion library, imported for real where its framework is at hand.

The d2l-en book keeps a hand-written header above the WARNING line of each
``d2l/<framework>.py`` (``DATA_HUB``, ``DATA_URL``, a few imports); the
corpus leaves those files out, so the test writes minimal headers of its own
into a copy of the book's text (``d2l/`` added).  Then:

* mxnet: the module imports in the starter book's mxnet environment (what
  ``make demo`` makes), plus the packages the d2l module imports and the
  starter lacks (pandas: a venv made once on top of the starter's,
  ``kernel_venv(..., on_top_of=...)``), and every name the build says it
  saved (``Class.method`` too) is defined;
* torch, tensorflow and jax: pyflakes finds no undefined name but one that
  the published ``d2l/jax.py`` has as well.  torch is not imported: the d2l
  module imports torchvision, and the registries reachable here have no
  torchvision that loads with the local CPU build of torch (PyPI's Linux
  wheels need CUDA torch; the CPU build is on PyTorch's own index).
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from divebook.context import BuildOptions
from divebook.build import build
from divebook.config import load_config
from divebook.diagnostics import Diagnostics
from divebook.envs import tab_environment
from tests.conftest import require_corpus
from tests.integration.execute_envs import kernel_venv
from tests.integration.starter_build import STARTER

pytestmark = [pytest.mark.corpus, pytest.mark.kernel]

MODULES = {"pytorch": "torch", "mxnet": "mxnet", "tensorflow": "tensorflow", "jax": "jax"}
_DATA = "DATA_HUB = dict()\nDATA_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/'\n"
#: what the book's own headers provide that no saved block does (written for this test)
HEADERS = {
    "torch": _DATA,
    "mxnet": _DATA + "from mxnet.gluon.data.vision import transforms\n",
    "tensorflow": _DATA + "import tensorflow as tf\nnn_Module = tf.keras.Model\n",
    "jax": _DATA,
}
#: what importing the d2l module needs beyond the starter's mxnet environment (mxnet 1.9.1
#: with numpy, matplotlib, scipy, ipykernel)
EXTRA = {"mxnet": ["pandas", "numpy<1.24"]}
#: undefined names the published module has too: jax's `SGD.__call__` is written without `self`
PUBLISHED_UNDEFINED = {"pytorch": set(), "tensorflow": set(), "jax": {"self"}}


@pytest.fixture(scope="module")
def d2l_lib(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The library of a mirror of d2l-en with headers in ``d2l/``: (lib folder, report)."""
    source = require_corpus("d2l-en") / "d2l-en"
    book = tmp_path_factory.mktemp("d2l-en") / "book"
    # the text of the book (3 MB), without its images: what the library is built from
    shutil.copytree(source, book, ignore=shutil.ignore_patterns("img", "*.png", "*.jpg", "*.svg", "*.gif"))
    (book / "d2l").mkdir()
    for module, header in HEADERS.items():
        (book / "d2l" / f"{module}.py").write_text(header + "\n#################   WARNING   ################\n")
    out = tmp_path_factory.mktemp("d2l-en-out")
    ctx = build(BuildOptions(book=book, out=out, targets=["lib"], evaluate=False))
    assert [d.message for d in ctx.diags.errors] == []
    return out / "lib", json.loads((out / "report.json").read_text())


def _module_class(lib: Path, module: str, name: str) -> ast.ClassDef:
    tree = ast.parse((lib / "d2l" / f"{module}.py").read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def test_nested_selections_are_cut_in_the_base_module(d2l_lib):
    lib, _ = d2l_lib
    for module in MODULES.values():
        assert "tab.selected" not in (lib / "d2l" / f"{module}.py").read_text()
    mxnet_module = ast.unparse(_module_class(lib, "mxnet", "Module"))
    assert "self.training" not in mxnet_module and "def __init__" in mxnet_module
    init = next(n for n in _module_class(lib, "tensorflow", "Module").body
                if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    assert ast.unparse(init.body[-1]) == "self.training = None"  # inside __init__, as published


def test_torch_tensorflow_and_jax_have_no_undefined_names_beyond_the_published_ones(d2l_lib):
    from pyflakes import checker, messages

    lib, _ = d2l_lib
    for tab in ("pytorch", "tensorflow", "jax"):
        path = lib / "d2l" / f"{MODULES[tab]}.py"
        found = checker.Checker(ast.parse(path.read_text(encoding="utf-8")), str(path)).messages
        undefined = {m.message_args[0] for m in found if isinstance(m, messages.UndefinedName)}
        assert undefined == PUBLISHED_UNDEFINED[tab], tab


def test_shared_pages_stay_out_of_the_tabs_that_do_not_run_them(d2l_lib):
    _, report = d2l_lib
    names = {tab: set(report["library"][tab]["names"]) for tab in MODULES}
    # read_csv_labels (kaggle-cifar10) and RandomGenerator (word2vec-dataset) are on pages whose
    # code is all `#@tab all`: they are pytorch's (the default tab) and mxnet's (a cell of its own)
    for name in ("read_csv_labels", "RandomGenerator", "show_bboxes", "TokenEmbedding"):
        assert name in names["pytorch"] and name not in names["tensorflow"] | names["jax"], name


_IMPORT = """
import importlib, json, sys
module = importlib.import_module(sys.argv[1])
missing = []
for name in json.loads(sys.argv[2]):
    owner, _, attr = name.rpartition(".")
    target = getattr(module, owner, None) if owner else module
    if target is None or not hasattr(target, attr):
        missing.append(name)
print(json.dumps({"missing": missing, "module": module.Module.__mro__[1].__module__}))
"""


@pytest.mark.parametrize("tab", ["mxnet"])
def test_the_module_imports_with_its_framework_and_defines_every_saved_name(d2l_lib, tab):
    lib, report = d2l_lib
    config = load_config(STARTER, Diagnostics())
    starter = tab_environment(config, tab)  # the environment `make demo` made for the tab
    python = kernel_venv(f"d2l-{tab}", EXTRA[tab], on_top_of=starter.python) / "bin" / "python"
    saved = report["library"][tab]["names"]
    assert len(saved) > 150
    result = subprocess.run([str(python), "-c", _IMPORT, f"d2l.{MODULES[tab]}", json.dumps(saved)],
                            capture_output=True, text=True, cwd=lib, timeout=300,
                            env={"PYTHONPATH": str(lib), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["missing"] == []
    assert found["module"] == "mxnet.gluon.block"
