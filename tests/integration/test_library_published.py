"""d2l-zh's library against the one the book publishes: the same names, no new undefined ones.

d2l-zh keeps its built ``d2l/*.py`` in the book (the corpus has them, for
mxnet, pytorch, tensorflow and paddle), so here the generated modules can be
compared with the published ones name by name.  The book's copies are also
the source of each module's hand-written header, which both share.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pyflakes import checker, messages

from divebook.context import BuildOptions
from divebook.build import build
from divebook.library.aliases import names_bound
from tests.conftest import CORPUS, require_corpus

pytestmark = pytest.mark.corpus

MODULES = ["mxnet", "torch", "tensorflow", "paddle"]


@pytest.fixture(scope="module")
def zh_lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_corpus("d2l-zh")  # with its own d2l/ package
    out = tmp_path_factory.mktemp("d2l-zh")
    ctx = build(BuildOptions(book=CORPUS / "d2l-zh", out=out, targets=["lib"], evaluate=False))
    # (d2l-zh's tocs name a few pages the corpus lacks: errors, but not the library's)
    assert [d.message for d in ctx.diags.errors if d.code.startswith("library")] == []
    return out / "lib"


def _undefined(path: Path) -> set[str]:
    found = checker.Checker(ast.parse(path.read_text(encoding="utf-8")), str(path)).messages
    return {m.message_args[0] for m in found if isinstance(m, messages.UndefinedName)}


@pytest.mark.parametrize("module", MODULES)
def test_each_module_defines_what_the_published_one_defines(zh_lib, module):
    published = CORPUS / "d2l-zh" / "d2l" / f"{module}.py"
    generated = zh_lib / "d2l" / f"{module}.py"
    want = names_bound(published.read_text(encoding="utf-8"))
    have = names_bound(generated.read_text(encoding="utf-8"))
    assert len(want) > 130
    # tensorflow had 25 names too many (read_csv_labels, show_bboxes, ...) from pages whose
    # code is all `#@tab all`, which d2lbook leaves to the default tab
    assert (sorted(want - have), sorted(have - want)) == ([], [])
    assert _undefined(generated) <= _undefined(published)
