"""Execution times: a 16-page test book with --jobs 1 and --jobs 2, and the cached rebuild.

    python bench/bench_execute.py [--runs 3] [--pages 16]
    python bench/bench_execute.py --d2l-venv /path/to/venv [--corpus $DIVEBOOK_CORPUS/d2l-en]

Each measurement is a fresh ``divebook build html`` process on a fresh copy
of the book (empty cache), as a user runs it; the cached build runs the
same command again.  Prints the median of each.

With ``--d2l-venv`` it also times d2l-en's ``chapter_preliminaries`` for
the pytorch tab in that venv (it needs ipykernel, torch and torchvision;
the chapter's ``d2l`` imports use the companion library that ``build lib``
makes from the whole book; ``[build] eval_pages`` limits running to the chapter).  d2lbook needed about 31 s
for this chapter on these machines.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpora import D2L_EN  # bench/ is on sys.path as the script's folder

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = D2L_EN  # $DIVEBOOK_CORPUS/d2l-en, as the tests read it

PAGE = """# Page {i}

Some prose for page {i}.

```{{.python .input}}
squares = sum(k * k for k in range(200_000))
print("page {i}", squares)
```

```{{.python .input}}
import math
[round(math.sin(k), 3) for k in range(5)]
```

```{{.python .input}}
text = " ".join(str(k) for k in range(1000))
len(text)
```
"""


def make_book(root: Path, pages: int) -> Path:
    root.mkdir(parents=True)
    names = [f"page{i:02d}" for i in range(pages)]
    (root / "index.md").write_text("# Bench book\n\n```toc\n" + "\n".join(names) + "\n```\n")
    for i, name in enumerate(names):
        (root / f"{name}.md").write_text(PAGE.format(i=i))
    return root


def divebook(args: list[str], env: dict[str, str] | None = None) -> tuple[float, dict]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "divebook", *args, "-q"], capture_output=True,
                            text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"divebook {' '.join(args)} failed:\n{result.stderr}")
    out = Path(args[args.index("--out") + 1])
    return elapsed, json.loads((out / "report.json").read_text())


def small_book(runs: int, pages: int) -> list[tuple[str, float, str]]:
    rows = []
    times: dict[str, list[float]] = {"jobs 1": [], "jobs 2": [], "cached": []}
    for run in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            for jobs in (1, 2):
                book = make_book(Path(tmp) / f"book{jobs}", pages)
                out = Path(tmp) / f"out{jobs}"
                elapsed, report = divebook(["build", "-C", str(book), "--out", str(out), "--jobs", str(jobs)])
                assert report["execution"]["executed"] == pages, report["execution"]
                times[f"jobs {jobs}"].append(elapsed)
                if jobs == 2:
                    elapsed, report = divebook(["build", "-C", str(book), "--out", str(out), "--jobs", "2"])
                    assert report["execution"]["cached"] == pages, report["execution"]
                    times["cached"].append(elapsed)
    for name, values in times.items():
        note = "second build, nothing changed" if name == "cached" else f"{pages} pages, empty cache"
        rows.append((f"{pages}-page book, {name}", statistics.median(values), note))
    return rows


def d2l_chapter(venv: Path, corpus: Path) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "d2l-en"
        shutil.copytree(corpus, book)
        config = book / "config.ini"
        config.write_text(re.sub(r"(?m)^notebooks = .*$", r"\g<0>\neval_pages = chapter_preliminaries/*.md\n"
                                 "kernels = pytorch: divebook-bench-torch", config.read_text(), count=1))
        kernels = Path(tmp) / "jupyter" / "kernels" / "divebook-bench-torch"
        kernels.mkdir(parents=True)
        (kernels / "kernel.json").write_text(json.dumps({
            "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "bench torch", "language": "python"}))
        env = dict(os.environ, JUPYTER_PATH=str(Path(tmp) / "jupyter"))
        out = Path(tmp) / "out"
        elapsed, report = divebook(["build", "lib", "notebooks", "-C", str(book), "--out", str(out), "--tab", "pytorch"], env)
        pages = [p for p in report["pages"] if p["source"].startswith("chapter_preliminaries/")]
        ok = sum(1 for p in pages if p["tabs"].get("pytorch", {}).get("outcome") == "ok")
        failed = [p["source"] for p in pages if p["tabs"].get("pytorch", {}).get("status") == "failed"]
        execute = report["stages"].get("execute", 0.0)
        note = f"{ok} pages ran, failed: {', '.join(failed) or 'none'}; d2lbook: about 31 s"
        return [("d2l-en chapter_preliminaries (whole build)", elapsed, note),
                ("  of which execution", execute, f"--jobs default ({os.cpu_count()} cores)")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--d2l-venv", type=Path, help="a venv with ipykernel, torch and torchvision")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])
    rows = small_book(args.runs, args.pages)
    if args.d2l_venv:
        rows += d2l_chapter(args.d2l_venv.resolve(), args.corpus)
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'seconds':>8}  note")
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:>8.2f}  {note}")


if __name__ == "__main__":
    main()
