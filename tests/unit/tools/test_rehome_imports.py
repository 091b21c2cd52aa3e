"""tools/rehome_imports.py: code written against the old layout imports from the new one."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def rehome():
    spec = importlib.util.spec_from_file_location("rehome_imports", ROOT / "tools" / "rehome_imports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rewrite(rehome, tmp_path: Path, text: str, here: tuple[str, bool] | None = None) -> str:
    path = tmp_path / "code.py"
    path.write_text(text)
    layout, table = rehome.Layout(ROOT / "src"), rehome.Table(ROOT / "tools" / "module_moves.toml")
    new = rehome.rewrite(path, layout, table, here)
    if new is not None:  # the result is left alone by a second run
        path.write_text(new)
        assert rehome.rewrite(path, layout, table, here) is None
    return new if new is not None else text


def test_absolute_imports_follow_modules_and_names(rehome, tmp_path):
    old = ("from divebook.build import BuildContext, build\n"
           "from divebook.reader.bilingual import book_languages, pair_page\n"
           "from divebook.writers import latex_fonts\n"
           "from divebook.writers.html_nodes import esc  # noqa: E402\n"
           "def f():\n    from divebook.i18n import strings as ui\n")
    assert _rewrite(rehome, tmp_path, old) == (
        "from divebook.context import BuildContext\n"
        "from divebook.build import build\n"
        "from divebook.languages.book import book_languages\n"
        "from divebook.languages.pairing import pair_page\n"
        "from divebook.writers.latex import fonts as latex_fonts\n"
        "from divebook.writers.html.nodes import esc  # noqa: E402\n"
        "def f():\n    from divebook.languages.i18n import strings as ui\n")


def test_a_new_module_of_another_branch_gets_its_relative_imports_rehomed(rehome, tmp_path):
    # writers/epub/__init__.py, written when writers/ held html_nodes.py and latex.py
    old = ("from ...build import BuildContext\n"
           "from ..html_nodes import esc, relative_url\n"
           "from ...tree import Book\n")
    assert _rewrite(rehome, tmp_path, old, ("divebook.writers.epub", True)) == (
        "from ...context import BuildContext\n"
        "from ..html.nodes import esc, relative_url\n"
        "from ...tree import Book\n")


def test_a_moved_module_resolves_its_old_relative_imports(rehome, tmp_path):
    # writers/html.py, now writers/html/site.py, with a line another branch added
    old = "from ..cache import Store\nfrom .search import update_index\n"
    assert _rewrite(rehome, tmp_path, old, ("divebook.writers.html.site", False)) == (
        "from ...cache import Store\nfrom .search import update_index\n")


def test_imports_that_work_are_left_alone(rehome, tmp_path):
    text = "from divebook.tree import Book\nfrom divebook.writers.html import write_html_target\nimport os\n"
    assert _rewrite(rehome, tmp_path, text) == text


def test_helpers_of_moved_test_modules_are_followed(rehome, tmp_path):
    old = "from tests.unit.test_latex_images import make_png\nfrom tests.conftest import require\n"
    assert _rewrite(rehome, tmp_path, old) == (
        "from tests.unit.writers.latex.test_images import make_png\nfrom tests.conftest import require\n")
