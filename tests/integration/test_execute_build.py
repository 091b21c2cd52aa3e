"""`divebook build` runs every page's code per tab in real kernels, cached.

These tests start real Jupyter kernels: divebook's own (`python3`) and one
in a separate venv registered in a temporary JUPYTER_PATH.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from divebook.cache import Store
from tests.conftest import write_book
from tests.integration.execute_envs import (alive, divebook_env, kernel_venv, register_kernel, report,
                                            run_divebook, statuses)

pytestmark = pytest.mark.kernel

INDEX = """
# Test book

```toc
:maxdepth: 2

ch/shared
ch/rich
ch/data
```
"""

SHARED = """
# Shared

A paragraph of prose.

```{.python .input}
#@tab all
import sys
print("prefix:", sys.prefix)
```

```{.python .input}
#@tab alt
print("only in alt")
```
"""

RICH = r"""
# Rich outputs

```{.python .input}
from IPython.display import HTML, Markdown, Math, SVG, display
import sys
print("to stderr", file=sys.stderr)
print("\x1b[31mred\x1b[0m")
for i in range(4):
    print(f"\r{i}/3 done", end="")
print()
display(HTML("<table class='frame'><tr><td>7</td></tr></table>"))
display(Math(r"x^2"))
display(Markdown("**marked**"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'))
```

```{.python .input}
#@hide_output
print("this output is hidden")
```

![A picture](../img/dot.svg)

```{.python .input}
#@tab alt
import matplotlib.pyplot as plt
plt.plot([1, 2, 3])
plt.show()
```

```{.python .input}
#@tab alt
from matplotlib_inline.backend_inline import set_matplotlib_formats
set_matplotlib_formats("svg")
plt.plot([3, 2, 1])
plt.show()
```
"""

DATA = """
---
inputs: [../data/numbers.txt]
---
# Data

```{.python .input}
numbers = [int(x) for x in open("../data/numbers.txt").read().split()]
open("written-by-code.txt", "w").write("scratch")
print("sum", sum(numbers))
```
"""

DOT_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><circle r="1"/></svg>'


@pytest.fixture(scope="session")
def alt_venv() -> Path:
    return kernel_venv("alt", ["matplotlib"])


@pytest.fixture
def two_kernel_book(tmp_path: Path, alt_venv: Path):
    jupyter = tmp_path / "jupyter"
    register_kernel(jupyter, "divebook-test-alt", alt_venv / "bin" / "python")
    book = write_book(tmp_path / "book", {
        "divebook.toml": '[project]\nname = "twok"\n[build]\ntabs = ["main", "alt"]\n'
                         '[tabs.alt]\nkernel = "divebook-test-alt"\n',
        "index.md": INDEX, "ch/shared.md": SHARED, "ch/rich.md": RICH, "ch/data.md": DATA,
        "data/numbers.txt": "1 2 3\n", "img/dot.svg": DOT_SVG,
    })
    return book, divebook_env(jupyter)


def build(book: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return run_divebook(["build", "-C", str(book), *args], env)


def panel(html: str, tab: str) -> str:
    """The HTML of the first tab panel for ``tab`` in a page (up to the next panel)."""
    start = html.index(f'class="tabpanel" role="tabpanel" data-tab="{tab}"')
    end = html.find('class="tabpanel"', start + 1)
    return html[start:end if end > 0 else len(html)]


def test_two_kernels_run_cache_and_rerun_only_what_changed(two_kernel_book, alt_venv: Path):
    book, env = two_kernel_book
    out = book / "_build"
    first = build(book, env, "html", "notebooks", "--tab", "all")
    assert first.returncode == 0, first.stderr
    everything = {("ch/shared.md", "main"), ("ch/shared.md", "alt"), ("ch/rich.md", "main"),
                  ("ch/rich.md", "alt"), ("ch/data.md", "main")}
    assert statuses(out) == {key: "executed" for key in everything}

    # Each tab ran in its own kernel: the shared cell shows each interpreter's prefix.
    shared = (out / "html/ch/shared.html").read_text()
    assert f"prefix: {alt_venv}" in panel(shared, "alt")
    assert f"prefix: {sys.prefix}" in panel(shared, "main")
    assert "only in alt" in panel(shared, "alt")

    rich = (out / "html/ch/rich.html").read_text()
    assert '<pre class="output stderr">to stderr</pre>' in rich
    assert '<span style="color:#c0392b">red</span>' in rich
    assert "3/3 done" in rich and "0/3 done" not in rich
    assert "<table class='frame'>" in rich
    assert '<div class="output latex"><math' in rich
    assert "<strong>marked</strong>" in rich
    assert '<div class="output image svg"><svg' in rich
    assert "this output is hidden</pre>" not in rich and "this output is hidden" in rich
    alt_panel = rich[rich.index('role="tabpanel" data-tab="alt"'):]
    assert 'src="data:image/png;base64,' in alt_panel  # a matplotlib figure
    assert alt_panel.count('<div class="output image svg"><svg') >= 1  # and one as SVG

    data_html = (out / "html/ch/data.html").read_text()
    assert "sum 6" in data_html
    assert not (book / "ch" / "written-by-code.txt").exists()  # the sources are never written
    assert (out / "run/main/ch/written-by-code.txt").exists()

    # The notebooks target: one notebook per page and tab, with outputs, and a zip per tab.
    nb = json.loads((out / "notebooks/alt/ch/rich.ipynb").read_text())
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert not (out / "notebooks/alt/ch/data.ipynb").exists()  # no code for alt there
    with zipfile.ZipFile(out / "notebooks/twok-main.zip") as zf:
        names = set(zf.namelist())
    assert {"twok-main/ch/rich.ipynb", "twok-main/ch/shared.ipynb", "twok-main/ch/data.ipynb",
            "twok-main/img/dot.svg"} <= names
    assert "notebooks/twok-alt.zip" in report(out)["outputs"]["notebooks"]

    # A second build runs nothing; nor do a prose edit and touching every file.
    again = build(book, env, "html", "--tab", "all")
    assert again.returncode == 0, again.stderr
    assert statuses(out) == {key: "cached" for key in everything}
    shared_src = book / "ch/shared.md"
    shared_src.write_text(shared_src.read_text().replace("A paragraph of prose.", "Prose, edited."))
    for path in book.rglob("*"):
        if path.is_file() and "_build" not in path.parts:
            os.utime(path)
    build(book, env, "html", "--tab", "all")
    assert statuses(out) == {key: "cached" for key in everything}
    assert "Prose, edited." in (out / "html/ch/shared.html").read_text()
    assert f"prefix: {alt_venv}" in panel((out / "html/ch/shared.html").read_text(), "alt")

    # Editing one cell re-runs that page in that tab only; so does editing a declared input.
    rich_src = book / "ch/rich.md"
    rich_src.write_text(rich_src.read_text().replace("plt.plot([1, 2, 3])", "plt.plot([1, 2, 4])"))
    (book / "data/numbers.txt").write_text("1 2 3 4\n")
    build(book, env, "html", "--tab", "all")
    expected = {key: "cached" for key in everything}
    expected[("ch/rich.md", "alt")] = "executed"
    expected[("ch/data.md", "main")] = "executed"
    assert statuses(out) == expected
    assert "sum 10" in (out / "html/ch/data.html").read_text()


FAULTS = {
    "divebook.toml": '[project]\nname = "faults"\n[build]\ntabs = ["py"]\n',
    "index.md": "# Faults\n\n```toc\nslow\ndies\nraises\nexpected\nfine\n```\n",
    "slow.md": """
        ---
        timeout: 2
        ---
        # Slow

        ```{.python .input}
        import time
        time.sleep(120)
        ```
        """,
    "dies.md": """
        # Dies

        ```{.python .input}
        import os
        os._exit(1)
        ```
        """,
    "raises.md": """
        # Raises

        ```{.python .input}
        value = 1
        ```

        Some text.

        ```{.python .input}
        items = []
        items[value]
        ```

        ```{.python .input}
        print("never runs")
        ```
        """,
    "expected.md": """
        # Expected error

        ```{.python .input}
        #@expect_error
        raise KeyError("fine")
        ```

        ```{.python .input}
        print("after the expected error")
        ```
        """,
    "fine.md": "# Fine\n\n```{.python .input}\nprint('all good')\n```\n",
}


def test_faults_are_reported_and_the_rest_of_the_book_builds(tmp_path: Path):
    book = write_book(tmp_path / "book", FAULTS)
    out = book / "_build"
    start = time.monotonic()
    done = run_divebook(["build", "-C", str(book), "--jobs", "2"], divebook_env(), timeout=180)
    assert time.monotonic() - start < 120  # nothing hangs: the slow cell is stopped after 2 s
    assert done.returncode == 1, done.stderr
    pages = {p["source"]: p["tabs"].get("py", {}) for p in report(out)["pages"]}
    assert pages["fine.md"]["status"] == "executed"
    assert pages["expected.md"]["status"] == "executed"

    slow = pages["slow.md"]
    assert (slow["status"], slow["outcome"], slow["cell"], slow["line"]) == ("failed", "timeout", 1, 7)
    assert "timed out" in slow["error"] and "2 s" in slow["error"]
    dies = pages["dies.md"]
    assert (dies["status"], dies["outcome"], dies["cell"]) == ("failed", "dead-kernel", 1)
    assert "os._exit" in dies["error"]
    raises = pages["raises.md"]
    assert (raises["status"], raises["outcome"], raises["cell"], raises["line"]) == ("failed", "error", 2, 11)
    assert raises["error"] == "tab `py`, cell 2 raised IndexError: list index out of range"
    assert "items[value]" in raises["traceback"] and "\x1b" not in raises["traceback"]

    errors = {(e["file"], e["line"]) for e in report(out)["errors"]}
    assert {("slow.md", 7), ("dies.md", 4), ("raises.md", 11)} <= errors
    assert "raises.md:11: error: tab `py`, cell 2 raised IndexError" in done.stderr

    html = (out / "html/raises.html").read_text()
    assert '<pre class="output error" role="alert">' in html and "IndexError" in html
    assert 'data-status="failed"' in html and "never runs" in html  # code shown, not run
    assert "after the expected error" in (out / "html/expected.html").read_text()

    # Failures are not cached: the next build runs them again (and only them).
    again = run_divebook(["build", "-C", str(book), "--jobs", "2"], divebook_env(), timeout=180)
    assert again.returncode == 1
    assert statuses(out)[("fine.md", "py")] == "cached"
    assert statuses(out)[("raises.md", "py")] == "failed"


def test_unknown_and_broken_kernels_give_clear_messages(tmp_path: Path):
    jupyter = tmp_path / "jupyter"
    register_kernel(jupyter, "broken", sys.executable,
                    argv=[sys.executable, "-c", "import sys; print('cannot start'); sys.exit(3)"])
    book = write_book(tmp_path / "book", {
        "divebook.toml": '[build]\ntabs = ["good", "gone", "bad"]\n[tabs.gone]\nkernel = "nosuch"\n'
                         '[tabs.bad]\nkernel = "broken"\n',
        "index.md": "# K\n\n```toc\np\nq\n```\n",
        "p.md": "# P\n\n```{.python .input}\n#@tab good\nprint('hi')\n```\n\n"
                "```{.python .input}\n#@tab gone, bad\nprint('hi')\n```\n",
        "q.md": "# Q\n\n```{.python .input}\n#@tab good\nprint('ho')\n```\n\n"
                "```{.python .input}\n#@tab gone, bad\nprint('ho')\n```\n",
    })
    done = run_divebook(["build", "-C", str(book), "--tab", "all"], divebook_env(jupyter), timeout=240)
    assert done.returncode == 1
    st = statuses(book / "_build")
    assert st[("p.md", "good")] == st[("q.md", "good")] == "executed"
    assert st[("p.md", "gone")] == st[("p.md", "bad")] == st[("q.md", "bad")] == "failed"
    messages = " ".join(e["message"] for e in report(book / "_build")["errors"])
    assert "no Jupyter kernel named `nosuch`" in messages and "installed:" in messages
    assert "the kernel `broken` could not start" in messages
    gone = [e for e in report(book / "_build")["errors"] if "nosuch" in e["message"]]
    assert gone[0]["file"] == "divebook.toml" and gone[0]["line"] == 4


def test_killed_build_leaves_a_sound_cache_and_resumes(tmp_path: Path):
    marker = tmp_path / "resume"
    pidfile = tmp_path / "kernel.pid"
    pages = {f"p{i}.md": f"# P{i}\n\n```{{.python .input}}\nprint({i})\n```\n" for i in range(3)}
    pages["slow.md"] = (
        "# Slow\n\n```{.python .input}\nimport os, time\n"
        f"open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n"
        f"time.sleep(0 if os.path.exists({str(marker)!r}) else 120)\nprint('slow done')\n```\n")
    book = write_book(tmp_path / "book", {
        "index.md": "# Book\n\n```toc\np0\np1\np2\nslow\n```\n", **pages})
    out = book / "_build"
    env = divebook_env()
    proc = subprocess.Popen([sys.executable, "-m", "divebook", "build", "-C", str(book), "--jobs", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pidfile.exists(), "the slow page never started"
        time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    # The orphaned kernel notices its parent is gone and exits.
    kernel_pid = int(pidfile.read_text())
    deadline = time.monotonic() + 20
    while alive(kernel_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(kernel_pid)

    store = Store(out / ".cache")
    entries = [p for p in (out / ".cache" / "exec").rglob("*") if p.is_file() and len(p.name) == 64]
    assert len(entries) == 3  # the three finished pages, each stored as it finished
    assert all(store.get("exec", p.name) is not None for p in entries)
    assert not list((out / ".cache").rglob("*.tmp"))

    marker.write_text("go")
    done = run_divebook(["build", "-C", str(book), "--jobs", "1"], env)
    assert done.returncode == 0, done.stderr
    assert statuses(out) == {("p0.md", "python"): "cached", ("p1.md", "python"): "cached",
                             ("p2.md", "python"): "cached", ("slow.md", "python"): "executed"}


def test_damaged_cache_entry_is_rerun_and_clean_cache_empties_it(tmp_path: Path):
    book = write_book(tmp_path / "book", {"index.md": "# One\n\n```{.python .input}\nprint(6 * 7)\n```\n"})
    out = book / "_build"
    env = divebook_env()
    assert run_divebook(["build", "-C", str(book)], env).returncode == 0
    [entry] = [p for p in (out / ".cache" / "exec").rglob("*") if p.is_file() and len(p.name) == 64]
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF
    entry.write_bytes(bytes(data))
    # A prose edit: the build looks its code's run up in the cache (an unchanged book would not)
    (book / "index.md").write_text("# One\n\nProse.\n\n```{.python .input}\nprint(6 * 7)\n```\n")
    assert run_divebook(["build", "-C", str(book)], env).returncode == 0
    assert statuses(out) == {("index.md", "python"): "executed"}
    assert "42" in (out / "html/index.html").read_text()

    assert run_divebook(["clean", "-C", str(book), "--cache"], env).returncode == 0
    assert not (out / ".cache").exists() and (out / "html/index.html").exists()
    run_divebook(["build", "-C", str(book)], env)
    assert statuses(out) == {("index.md", "python"): "executed"}


def test_no_eval_and_eval_notebook_false_show_no_outputs(tmp_path: Path):
    page = "# One\n\n```{.python .input}\nprint('output ' + 'shown')\n```\n"
    book = write_book(tmp_path / "book", {"index.md": page})
    env = divebook_env()
    assert run_divebook(["build", "-C", str(book), "--no-eval"], env).returncode == 0
    html = (book / "_build/html/index.html").read_text()
    assert "output shown" not in html and "print" in html
    assert statuses(book / "_build") == {}
    ini = write_book(tmp_path / "ini", {"config.ini": "[build]\neval_notebook = False\n", "index.md": page})
    assert run_divebook(["build", "-C", str(ini)], env).returncode == 0
    assert "output shown" not in (ini / "_build/html/index.html").read_text()
    assert run_divebook(["build", "-C", str(book)], env).returncode == 0
    assert "output shown" in (book / "_build/html/index.html").read_text()


def test_gpus_come_from_front_matter_and_are_handed_out(tmp_path: Path):
    probe = "```{.python .input}\nimport os\nprint('gpus=' + os.environ.get('CUDA_VISIBLE_DEVICES', 'unset'))\n```\n"
    book = write_book(tmp_path / "book", {
        "index.md": "# G\n\n```toc\none\ntwo\nnone\ntoo_many\n```\n",
        "one.md": "---\nresources: {gpus: 1}\n---\n# One\n\n" + probe,
        "two.md": "---\nresources: {gpus: 2}\n---\n# Two\n\n" + probe,
        "none.md": "# None\n\n" + probe,
        "too_many.md": "---\nresources: {gpus: 3}\n---\n# Too many\n\n" + probe,
    })
    done = run_divebook(["build", "-C", str(book), "--jobs", "2"], divebook_env(DIVEBOOK_GPUS="2"))
    assert done.returncode == 1
    out = book / "_build"
    assert "gpus=0" in (out / "html/one.html").read_text() or "gpus=1" in (out / "html/one.html").read_text()
    assert "gpus=0,1" in (out / "html/two.html").read_text()
    assert "gpus=</pre>" in (out / "html/none.html").read_text()  # undeclared pages see no GPU
    too_many = {p["source"]: p["tabs"] for p in report(out)["pages"]}["too_many.md"]["python"]
    assert (too_many["status"], too_many["outcome"]) == ("failed", "no-gpu")
    assert "needs 3 GPU(s) and this machine has 2" in too_many["error"]


def test_companion_library_is_on_the_path_and_in_the_cache_key(tmp_path: Path):
    book = write_book(tmp_path / "book", {
        "divebook.toml": '[build]\ntabs = ["t"]\n[tabs.t.library]\nfile = "mylib/t.py"\n',
        "index.md": "# L\n\n```toc\ndefs\nuses\nplain\n```\n",
        "defs.md": "# Defs\n\n```{.python .input}\ndef value():  #@save\n    return 1\n```\n",
        "uses.md": "# Uses\n\n```{.python .input}\nfrom mylib import t as lib\nprint('value', lib.value())\n```\n",
        "plain.md": "# Plain\n\n```{.python .input}\nprint('no library here')\n```\n",
    })
    out = book / "_build"
    env = divebook_env()
    done = run_divebook(["build", "-C", str(book)], env)
    assert done.returncode == 0, done.stderr
    assert set(statuses(out).values()) == {"executed"}
    assert "value 1" in (out / "html/uses.html").read_text()
    # The saved function changes: its page re-runs (code), and so does its importer
    # (library); the page that does not import the library stays cached.
    defs = book / "defs.md"
    defs.write_text(defs.read_text().replace("return 1", "return 2"))
    assert run_divebook(["build", "-C", str(book)], env).returncode == 0
    assert statuses(out) == {("defs.md", "t"): "executed", ("uses.md", "t"): "executed",
                             ("plain.md", "t"): "cached"}
    assert "value 2" in (out / "html/uses.html").read_text()


def test_a_tab_with_requirements_runs_in_its_own_environment(tmp_path: Path):
    book = write_book(tmp_path / "book", {
        "divebook.toml": '[build]\ntabs = ["main", "extra"]\n[tabs.extra]\nrequirements = ["six"]\n',
        "index.md": "# Envs\n\n```{.python .input}\nimport sys\nprint('main', sys.prefix)\n```\n\n"
                    "```{.python .input}\n#@tab extra\nimport six, sys\nprint('extra', sys.prefix)\n```\n",
    })
    done = run_divebook(["build", "-C", str(book), "--tab", "all"], divebook_env(), timeout=900)
    assert done.returncode == 0, done.stderr
    assert statuses(book / "_build") == {("index.md", "main"): "executed", ("index.md", "extra"): "executed"}
    html = (book / "_build/html/index.html").read_text()
    assert f"extra {book / '.divebook' / 'envs' / 'extra'}" in html
    assert f"main {sys.prefix}" in html


def test_text_a_cell_cannot_encode_is_kept_with_replacement_characters(tmp_path: Path):
    """A lone surrogate printed by a cell reaches the page as U+FFFD, not as the kernel's traceback.

    The prelude that makes this so runs silently: execution counts and the
    notebooks users download are those of a kernel without it.
    """
    book = write_book(tmp_path / "book", {
        "index.md": "# S\n\n```toc\nodd\n```\n",
        "odd.md": "# Odd\n\n```{.python .input}\nprint('a\\ud800b')\n```\n\n"
                  "```{.python .input}\nimport sys\nprint('e\\udfff', file=sys.stderr)\n"
                  "x = '\\ud83d\\ude00'  # a pair, as two code points\nprint(x)\n```\n\n"
                  "```{.python .input}\n[n for n in dir() if 'divebook' in n]\n```\n",
    })
    out = book / "_build"
    done = run_divebook(["build", "html", "notebooks", "-C", str(book)], divebook_env(), timeout=180)
    assert done.returncode == 0, done.stderr
    assert statuses(out) == {("odd.md", "python"): "executed"}
    html = (out / "html/odd.html").read_text(encoding="utf-8")
    assert "a\ufffdb" in html and "e\ufffd" in html and "\U0001f600" in html
    for noise in ("Traceback", "UnicodeEncodeError", "ZMQ", "tornado"):
        assert noise not in html
    nb = json.loads((out / "notebooks/python/odd.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "".join(code[0]["outputs"][0]["text"]) == "a\ufffdb\n"
    assert {o["name"]: "".join(o["text"]) for o in code[1]["outputs"]} == {
        "stdout": "\U0001f600\n", "stderr": "e\ufffd\n"}
    assert "".join(code[2]["outputs"][0]["data"]["text/plain"]) == "[]"  # the prelude left no names
    assert "prelude" not in json.dumps(nb)


def test_the_prelude_leaves_execution_counts_and_history_alone():
    from divebook.execute.runner import OK, Job, run_job

    cells = ["print('a\\ud800')", "1 + 1", "len(In), _i2, Out"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    done = run_job(Job("p.md", "python", "python3", nbformat.writes(nb), str(Path.cwd()), timeout=60))
    assert done.outcome == OK
    ran = nbformat.reads(done.notebook, as_version=4).cells
    assert [c.execution_count for c in ran] == [1, 2, 3]
    assert ran[0].outputs[0].text == "a\ufffd\n"
    assert ran[2].outputs[0].data["text/plain"] == "(4, '1 + 1', {2: 2})"
