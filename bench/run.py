"""divebook's benchmarks, side by side with the peers (``make bench``).

    python bench/run.py [--runs 3] [--only d2lbook,scaling,execution,serve] [--sizes 10,100,1000]

1. d2lbook: the d2l-en corpus, HTML without execution: cold, no-op, one-sentence edit,
   d2lbook and divebook alternately; medians and the ratio.
2. scaling: synthetic books of 10, 100 and 1,000 pages (bench/synthetic.py):
   divebook against Jupyter Book and mystmd, cold and no-op, time and peak memory.
3. execution: a 16-page book of small cells: --jobs 1 and 2, second build, after a
   prose edit (kernels started), against Jupyter Book's execution cache.
4. serve: from saving a one-paragraph edit in d2l-en to the page being served anew.

Prints a table per benchmark, writes bench/results.json and bench/scaling.svg,
and updates the tables in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from corpora import D2L_EN  # bench/ is on sys.path as the script's folder

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = D2L_EN  # $DIVEBOOK_CORPUS/d2l-en, as the tests read it
sys.path.insert(0, str(BENCH))

import peers  # noqa: E402
import synthetic  # noqa: E402

DIVEBOOK = [sys.executable, "-m", "divebook"]
EDIT_PAGE = "chapter_linear-regression/linear-regression.md"
EDIT_MARK = re.compile(r"\*Regression\* problems (\([^)]*\) )?pop up")


# ---------------------------------------------------------------- measuring


def measure(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, int]:
    """(seconds, peak resident MB of the largest process, exit status) of a command."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
               "stderr=subprocess.DEVNULL).returncode\n"
               "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r)")
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], cwd=cwd, env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    text = [f"**{title}**", "", line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    text += [line(r) for r in rows]
    return "\n".join(text)


def fmt(seconds: float) -> str:
    return f"{seconds:.2f}" if seconds == seconds else "n/a"


# ---------------------------------------------------------------- 1. d2lbook on d2l-en


def prepare_d2lbook_copy(book: Path) -> None:
    """No execution, and no setting that needs files the corpus leaves out or a download."""
    config = book / "config.ini"
    text = config.read_text()
    text = re.sub(r"(?m)^eval_notebook = .*$", "eval_notebook = False", text)
    text = re.sub(r"(?m)^style = .*$", "style =", text)  # the cambridge style downloads a class
    for key in ("favicon", "html_logo", "include_css", "latex_logo", "post_latex", "latex_url"):  # static/ is not in the corpus
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} =", text)
    config.write_text(text)


def edit(book: Path, label: str) -> None:
    """Change one sentence of EDIT_PAGE (again and again: the sentence carries ``label``)."""
    page = book / EDIT_PAGE
    text, count = EDIT_MARK.subn(f"*Regression* problems ({label}) pop up", page.read_text(), count=1)
    if not count:
        sys.exit(f"{EDIT_PAGE}: the sentence to edit is not there")
    page.write_text(text)


def bench_d2lbook(runs: int) -> dict:
    exe = peers.ensure("d2lbook")
    missing = peers.missing_system_tools()
    if missing:
        sys.exit(f"d2lbook needs {', '.join(missing)}: sudo apt-get install pandoc librsvg2-bin")
    results: dict[str, dict[str, list[float]]] = {"d2lbook": {}, "divebook": {}}
    pages = {}
    # d2lbook calls sphinx-build and other tools of its venv through the shell
    env = {**os.environ, "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    # All runs' copies stay until the end: deleting thousands of files just before a timed
    # build slows the files that build creates (on ext4 without a journal, as on these
    # machines, new files skip the inodes freed in the last minutes), which would time
    # the harness's cleanup rather than the tools.
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(runs):
            tmp = Path(scratch) / f"run{run}"
            ours, theirs = tmp / "ours", tmp / "theirs"
            shutil.copytree(CORPUS, ours)
            shutil.copytree(CORPUS, theirs)
            prepare_d2lbook_copy(theirs)
            commands = {"d2lbook": ([str(exe), "build", "html"], theirs),
                        "divebook": (DIVEBOOK + ["build", "html", "--no-eval", "-q", "-C", str(ours)], None)}
            for phase in ("cold", "no-op", "edit"):
                for tool, (cmd, cwd) in commands.items():  # alternately
                    if phase == "edit":
                        edit(theirs if tool == "d2lbook" else ours, f"edit {run}")
                    seconds, _, status = measure(cmd, cwd=cwd, env=env)
                    if status not in (0, 1):
                        sys.exit(f"{tool} failed ({status}) in {phase}")
                    results[tool].setdefault(phase, []).append(seconds)
            pages["d2lbook"] = len(list((theirs / "_build" / "html").rglob("chapter_*/*.html")))
            pages["divebook"] = len(list((ours / "_build" / "html").rglob("chapter_*/*.html")))
            figures_d2lbook = len(list((theirs / "_build" / "html" / "_images").glob("*")))
            figures_ours = len({p.name for p in (ours / "_build" / "html" / "img").glob("*")})
    rows = []
    for phase in ("cold", "no-op", "edit"):
        a, b = median(results["d2lbook"][phase]), median(results["divebook"][phase])
        rows.append([phase, fmt(a), fmt(b), f"{a / b:.1f}x"])
    print(table("d2l-en, HTML, no execution (median seconds)", ["build", "d2lbook 1.0.3", "divebook", "ratio"], rows))
    print(f"pages: d2lbook {pages['d2lbook']}, divebook {pages['divebook']}; "
          f"images: d2lbook {figures_d2lbook}, divebook {figures_ours}\n")
    return {"runs": runs, "times": results, "pages": pages,
            "images": {"d2lbook": figures_d2lbook, "divebook": figures_ours}}


# ---------------------------------------------------------------- 2. scaling


def folder_mb(folder: Path) -> float:
    """Bytes of every file under ``folder``, in MB (what a host would serve)."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6 if folder.is_dir() else 0.0


def bench_scaling(runs: int, sizes: list[int], with_peers: bool = True) -> dict:
    tools: dict[str, Path | None] = {"divebook": None}
    if with_peers:
        tools["jupyter-book"] = peers.ensure("jupyterbook")
        try:
            tools["mystmd"] = peers.ensure("mystmd")
        except subprocess.CalledProcessError:
            print("mystmd did not install; left out", file=sys.stderr)
    results: dict[str, dict[int, dict[str, list[float]]]] = {t: {} for t in tools}
    notes: dict[str, str] = {}
    for size in sizes:
        for run in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                d2l = synthetic.make_book(Path(tmp) / "d2l", size, "d2l", seed=run)
                myst = synthetic.make_book(Path(tmp) / "myst", size, "myst", seed=run)
                commands = {
                    "divebook": (DIVEBOOK + ["build", "html", "--no-eval", "-q", "-C", str(d2l)], None),
                }
                if "jupyter-book" in tools:
                    commands["jupyter-book"] = ([str(tools["jupyter-book"]), "build", "."], myst)
                if "mystmd" in tools:
                    commands["mystmd"] = ([str(tools["mystmd"]), "build", "--html"], myst)
                for phase in ("cold", "no-op"):
                    for tool, (cmd, cwd) in commands.items():
                        seconds, rss, status = measure(cmd, cwd=cwd)
                        entry = results[tool].setdefault(size, {"cold": [], "no-op": [], "rss": [], "site_mb": []})
                        if status != 0 and tool != "divebook":
                            notes[tool] = f"exit status {status} (e.g. mystmd downloads its site theme, " \
                                          "which this offline machine cannot)" if tool == "mystmd" else \
                                          f"exit status {status}"
                            continue
                        entry[phase].append(seconds)
                        entry["rss"].append(rss)
                        if tool == "divebook" and phase == "cold":
                            entry["site_mb"].append(folder_mb(d2l / "_build" / "html"))
    header = ["pages"] + [f"{t} cold / no-op (s), peak MB" for t in tools]
    rows = []
    for size in sizes:
        row = [str(size)]
        for tool in tools:
            e = results[tool].get(size, {})
            if not e or not e["cold"]:
                row.append("failed: " + notes.get(tool, "?"))
            else:
                site = f", site {median(e['site_mb']):.1f} MB" if e.get("site_mb") else ""
                row.append(f"{fmt(median(e['cold']))} / {fmt(median(e['no-op']))}, {max(e['rss']):.0f}{site}")
        rows.append(row)
    print(table("Synthetic books, HTML, no execution (median seconds, peak memory of the largest process)",
                header, rows))
    ours = results["divebook"]
    for small, big in zip(sizes, sizes[1:]):
        if ours.get(small, {}).get("cold") and ours.get(big, {}).get("cold"):
            time_ratio = median(ours[big]["cold"]) / median(ours[small]["cold"])
            size_ratio = median(ours[big]["site_mb"]) / median(ours[small]["site_mb"])
            print(f"divebook: {big} pages take {time_ratio:.2f} x the time of {small} pages and write "
                  f"{size_ratio:.2f} x the site ({median(ours[small]['site_mb']):.1f} MB -> "
                  f"{median(ours[big]['site_mb']):.1f} MB); {big / small:g} x the pages\n")
    plot_scaling(results, sizes)
    return {"runs": runs, "sizes": sizes,
            "times": {t: {str(s): v for s, v in r.items()} for t, r in results.items()}, "notes": notes}


def plot_scaling(results: dict, sizes: list[int]) -> None:
    try:
        import matplotlib
        matplotlib.use("svg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install matplotlib)", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for tool, by_size in results.items():
        xs = [s for s in sizes if by_size.get(s, {}).get("cold")]
        if xs:
            ax.plot(xs, [median(by_size[s]["cold"]) for s in xs], marker="o", label=f"{tool} (cold)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pages")
    ax.set_ylabel("seconds")
    ax.set_title("HTML build time against book size")
    ax.grid(True, which="both", alpha=.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(BENCH / "scaling.svg")


# ---------------------------------------------------------------- 3. execution


def execution_book(root: Path, pages: int = 16) -> Path:
    root.mkdir(parents=True)
    sections = [f"p{i:02d}" for i in range(pages)]
    (root / "config.ini").write_text("[project]\nname = exec\ntitle = Execution\n")
    (root / "index.md").write_text("# Execution\n\n```toc\n:numbered:\n\n" + "\n".join(sections) + "\n```\n")
    # Each page's cells differ (the page number is in them): a cache must not share runs across pages.
    for i, name in enumerate(sections):
        cells = "\n".join(f"```{{.python .input}}\nx{j} = sum(k * k for k in range({1000 * (j + 1) + i}))\nx{j}\n```\n"
                          for j in range(4))
        (root / f"{name}.md").write_text(f"# Page {i}\n\nSome prose for page {i}.\n\n{cells}")
    myst = root.parent / "myst"
    myst.mkdir()
    header = "\n".join(synthetic.MYST_NOTEBOOK_HEADER) + "\n"
    for i, name in enumerate(sections):
        cells = "\n".join(f"```{{code-cell}} python\nx{j} = sum(k * k for k in range({1000 * (j + 1) + i}))\nx{j}\n```\n"
                          for j in range(4))
        (myst / f"{name}.md").write_text(f"{header}# Page {i}\n\nSome prose for page {i}.\n\n{cells}")
    (myst / "index.md").write_text("# Execution\n")
    (myst / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n" +
                                   "".join(f"  - file: {s}\n" for s in sections))
    (myst / "_config.yml").write_text("title: Execution\nexecute:\n  execute_notebooks: cache\n")
    return root


def kernels_started(book: Path) -> int:
    report = json.loads((book / "_build" / "report.json").read_text())
    return sum(1 for p in report["pages"] for t in p.get("tabs", {}).values() if t.get("status") == "executed")


def bench_execution(runs: int) -> dict:
    jb = peers.ensure("jupyterbook")
    rows_data: dict[str, list[float]] = {}
    started: dict[str, int] = {}
    for run in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            book = execution_book(Path(tmp) / "book")
            myst = Path(tmp) / "myst"
            for jobs in (1, 2):
                shutil.rmtree(book / "_build", ignore_errors=True)
                seconds, _, _ = measure(DIVEBOOK + ["build", "-q", "--jobs", str(jobs), "-C", str(book)])
                rows_data.setdefault(f"divebook first build, --jobs {jobs}", []).append(seconds)
                started[f"divebook first build, --jobs {jobs}"] = kernels_started(book)
            seconds, _, _ = measure(DIVEBOOK + ["build", "-q", "-C", str(book)])
            rows_data.setdefault("divebook second build", []).append(seconds)
            started["divebook second build"] = kernels_started(book)
            page = book / "p03.md"
            page.write_text(page.read_text().replace("Some prose", "Some edited prose"))
            seconds, _, _ = measure(DIVEBOOK + ["build", "-q", "-C", str(book)])
            rows_data.setdefault("divebook after a prose edit", []).append(seconds)
            started["divebook after a prose edit"] = kernels_started(book)
            for label in ("Jupyter Book first build (cache)", "Jupyter Book second build"):
                seconds, _, _ = measure([str(jb), "build", "."], cwd=myst)
                rows_data.setdefault(label, []).append(seconds)
            p = myst / "p03.md"
            p.write_text(p.read_text().replace("Some prose", "Some edited prose"))
            seconds, _, _ = measure([str(jb), "build", "."], cwd=myst)
            rows_data.setdefault("Jupyter Book after a prose edit", []).append(seconds)
    rows = [[name, fmt(median(v)), str(started.get(name, "-"))] for name, v in rows_data.items()]
    print(table("16 pages of small cells (median seconds)", ["build", "seconds", "pages run"], rows))
    print()
    return {"runs": runs, "times": rows_data, "pages_run": started}


# ---------------------------------------------------------------- 4. serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_serve(runs: int) -> dict:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "d2l-en"
        shutil.copytree(CORPUS, book)
        port = free_port()
        server = subprocess.Popen(DIVEBOOK + ["serve", "--no-eval", "--port", str(port), "-C", str(book)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/{EDIT_PAGE[:-3]}.html"
        try:
            deadline = time.time() + 120
            while True:
                try:
                    urllib.request.urlopen(url, timeout=2).read()
                    break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        sys.exit("divebook serve did not start")
                    time.sleep(0.2)
            for run in range(runs):
                marker = f"serve-edit-{run}-{os.getpid()}"
                start = time.perf_counter()
                edit(book, marker)
                while marker not in urllib.request.urlopen(url, timeout=5).read().decode():
                    if time.perf_counter() - start > 60:
                        sys.exit("divebook serve did not show the edit within a minute")
                    time.sleep(0.01)
                times.append(time.perf_counter() - start)
                time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(table("serve: one-paragraph edit in d2l-en to the new page served (seconds)",
                ["runs", "median", "max"], [[str(len(times)), fmt(median(times)), fmt(max(times))]]))
    print()
    return {"runs": runs, "times": times}


# ---------------------------------------------------------------- main


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="d2lbook,scaling,execution,serve")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--no-peers", action="store_true", help="scaling: divebook alone (no Jupyter Book, mystmd)")
    parser.add_argument("--plot", action="store_true", help="only draw bench/scaling.svg from results.json")
    args = parser.parse_args()
    if args.plot:
        scaling = json.loads((BENCH / "results.json").read_text())["scaling"]
        plot_scaling({tool: {int(size): runs for size, runs in by_size.items()}
                      for tool, by_size in scaling["times"].items()}, scaling["sizes"])
        return
    chosen = args.only.split(",")
    results: dict = {"machine": machine(), "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    print(f"machine: {results['machine']}\n")
    if "d2lbook" in chosen:
        results["d2lbook"] = bench_d2lbook(args.runs)
    if "scaling" in chosen:
        results["scaling"] = bench_scaling(args.runs, [int(s) for s in args.sizes.split(",")], not args.no_peers)
    if "execution" in chosen:
        results["execution"] = bench_execution(args.runs)
    if "serve" in chosen:
        results["serve"] = bench_serve(max(args.runs, 5))
    # keep the results of the benchmarks not run this time
    path = BENCH / "results.json"
    merged = json.loads(path.read_text()) if path.exists() else {}
    if "scaling" in results and "scaling" in merged:
        # sizes and tools not run this time keep their last results (e.g. the peers at 10-1,000 pages)
        old, new = merged["scaling"], results["scaling"]
        for tool, by_size in new["times"].items():
            old["times"].setdefault(tool, {}).update(by_size)
        old["sizes"] = sorted(set(old["sizes"]) | set(new["sizes"]))
        old["notes"] = {**old.get("notes", {}), **new.get("notes", {})}
        old["runs"] = new["runs"]
        results["scaling"] = old
        plot_scaling({tool: {int(size): runs for size, runs in by_size.items()}
                      for tool, by_size in old["times"].items()}, old["sizes"])
    merged.update(results)
    path.write_text(json.dumps(merged, indent=1) + "\n")
    print(textwrap.dedent(f"""\
        results: {BENCH / 'results.json'}
        plot:    {BENCH / 'scaling.svg'}"""))


if __name__ == "__main__":
    main()
