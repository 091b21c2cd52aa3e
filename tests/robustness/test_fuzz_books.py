"""Whole books (configuration, tocs, pages) made up by Hypothesis, built with ``--no-eval``
in-process: whatever they hold, no exception escapes the build.

A configuration that cannot be used ends in ``ConfigError`` and a bad command line in
``UsageError`` (both printed as one error and exit 2); anything else must be a diagnostic.
CI (CI=true) runs 2,000 books; a developer's run is shorter.
"""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from divebook.context import BuildOptions, UsageError
from divebook.build import build
from divebook.diagnostics import ConfigError

from ..conftest import IN_CI

settings.register_profile("divebook-books-ci", max_examples=2000, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("divebook-books-dev", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile("divebook-books-ci" if IN_CI else "divebook-books-dev")

NAMES = ["a", "b", "ch/c", "ch/d", "../x", "/abs", "a b", "ch", "", "é", "[x]", ":label:", "a.md", "con"]
SECTIONS = ["project", "build", "html", "pdf", "library", "colab", "translation", "library-a",
            "library-../x", "nonsense", "build"]
KEYS = ["title", "name", "lang", "index", "notebooks", "non-notebooks", "exclusions", "tabs", "kernels",
        "timeout", "eval_notebook", "strict", "header_links", "favicon", "include_css", "bibfile",
        "lib_file", "lib_name", "alias", "origin_lang", "libs", "resources", "title"]
VALUES = ["", "x", "a, b", ",,;; !!@@", "-5", "0", "nan", "True", "maybe", "*.md", "[", "**/*.md",
          "X, javascript:alert(1), i", "X, https://a.example, i", "../../etc/passwd", "index", "a",
          "zh", "en", "a: python3", "d2l/torch.py", "\x01\x1b", ":label:`x`", "[section]", "é ü"]
FRAGMENTS = ["# Title\n", ":label:`sec_x`\n", "## Sub\n", "![cap](img/a.svg)\n", "![x](../../etc/passwd)\n",
             "$$x = y$$\n", ":eqlabel:`eq_x`\n", "$a_b$ ", "| a | b |\n|---|---|\n| 1 | 2 |\n",
             ":begin_tab:`a`\n", ":end_tab:\n", "```{.python .input}\n", "```\n", "#@tab all\n",
             "x = 1  #@save\n", ":numref:`sec_x`", ":cite:`A.1`", "[link](b.md#x)", "[^1]", "[^1]: note\n",
             "---\ntimeout: -1\n---\n", "```eval_rst\n.. raw:: html\n   :file: /etc/passwd\n```\n",
             "<div>html</div>\n", ":bibliography:`refs.bib`\n", "\\", "{", "$", "`", "\n", "\n\n",
             "text ", "\x00", "\ud800", ":label:", "[section]", "```toc\n", "```toc\n:maxdepth: 2\n\na\nb\n```\n"]

names = st.sampled_from(NAMES)
# sections and keys mostly unique (a repeated one is refused at once; a few books try that)
ini_text = st.tuples(st.dictionaries(st.sampled_from(SECTIONS), st.dictionaries(st.sampled_from(KEYS),
                                                                              st.sampled_from(VALUES),
                                                                              max_size=4), max_size=5),
                     st.sampled_from([""] * 9 + ["[build]\ntabs = a\n"])).map(
    lambda t: "".join(f"[{s}]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())
                      for s, keys in t[0].items()) + t[1])
toml_text = st.sampled_from(['[project]\ntitle = 1\n', '[build]\ntabs = ["a", "../b"]\n', "[build]\ntimeout = -1\n",
                             '[tabs.a]\ntimeout = "x"\n', "[[html.header_links]]\nurl = \"javascript:x\"\n",
                             "[project\n", 'pages = 3\n', '[pages."*.md"]\ntimeout = 0\n', ""])
page_text = st.one_of(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join),
                      st.text(max_size=200))
toc = st.lists(names, max_size=5).map(lambda entries: "```toc\n:numbered:\n\n" + "\n".join(entries) + "\n```\n")
books = st.fixed_dictionaries({
    "config": st.one_of(st.none(), ini_text, ini_text, ini_text,
                        ini_text.map(lambda t: t.encode("utf-8") + b"\xff")),
    "toml": st.one_of(st.none(), st.none(), st.none(), toml_text),
    "index": st.tuples(page_text, toc).map(lambda p: "# Book\n\n" + p[0] + "\n\n" + p[1]),
    "pages": st.dictionaries(names, page_text, max_size=4),
})


def _write(path: Path, data: str | bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    except (IsADirectoryError, NotADirectoryError, FileExistsError):
        pass  # "ch" and "ch/c" both asked for: the first one stays


@PROFILE
@given(books)
def test_no_exception_escapes_a_build(book: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="divebook-fuzz-") as tmp:
        root = Path(tmp) / "book"
        root.mkdir()
        if book["config"] is not None:
            _write(root / "config.ini", book["config"])
        if book["toml"] is not None:
            _write(root / "divebook.toml", book["toml"])
        _write(root / "index.md", book["index"])
        for name, text in book["pages"].items():
            if name and not name.startswith(("/", "..")):
                _write(root / f"{name}.md", text)
        try:
            ctx = build(BuildOptions(book=root, out=Path(tmp) / "out", evaluate=False, jobs=1, quiet=True))
            event(f"built, {'with' if ctx.diags.items else 'without'} diagnostics")
        except (ConfigError, UsageError) as exc:
            event(f"refused: {type(exc).__name__}")
            assert str(exc)  # a configuration that cannot be used: one error that says why
        finally:
            gc.unfreeze()  # the build froze the book for its forked workers; this one is done
