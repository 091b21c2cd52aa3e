"""divebook's converter (latex2mathml + TeX corrections) against KaTeX and Temml, on d2l-en.

    python bench/math_engines.py [--runs 5] [--corpus $DIVEBOOK_CORPUS/d2l-en]

Time to convert every unique formula of the book (divebook: CPU time in this
process; KaTeX and Temml: time inside one Node process, after a warm-up, so
Node's start is not counted — it is printed apart), formulas each one cannot
convert, and the same on the 40 hardest formulas of ``math_gallery.py``.
KaTeX 0.16 and Temml 0.13 are installed with npm into ``bench/.peers/js``
the first time (needs ``node`` and ``npm``: Debian's ``nodejs npm``).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from math_gallery import hardest  # noqa: E402  (bench/ is on sys.path as the script's folder)
from mathml import DEFAULT_CORPUS, formulas  # noqa: E402
from timing import median_seconds  # noqa: E402

from divebook.writers.math.mathml import MathError, to_mathml  # noqa: E402

JS = Path(__file__).resolve().parent / ".peers" / "js"
PACKAGES = ["katex@0.16", "temml@0.13"]
# A command shown as text: a backslash and letters in an element's text.
RAW = re.compile(r">[^<]*\\[A-Za-z]+[^<]*<")
# KaTeX keeps the TeX source in an annotation: not shown, and a site would drop it.
ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)


def ensure_js() -> Path:
    """``node_modules`` with KaTeX and Temml, installed once."""
    modules = JS / "node_modules"
    if not (modules / "katex").is_dir() or not (modules / "temml").is_dir():
        for tool in ("node", "npm"):
            if not shutil.which(tool):
                raise SystemExit(f"`{tool}` is needed (Debian: apt-get install nodejs npm)")
        JS.mkdir(parents=True, exist_ok=True)
        (JS / "package.json").write_text('{"private": true}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", *PACKAGES], cwd=JS, check=True)
    return modules


def divebook(pairs: list[tuple[str, bool]]) -> tuple[list[str | None], list[str]]:
    errors: list[str | None] = []
    outs: list[str] = []
    for latex, display in pairs:
        try:
            outs.append(to_mathml(latex, display))
            errors.append(None)
        except MathError as exc:
            outs.append("")
            errors.append(str(exc))
    return errors, outs


def run_js(modules: Path, pairs: list[tuple[str, bool]], runs: int) -> tuple[dict, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "formulas.json"
        data.write_text(json.dumps(pairs), encoding="utf-8")
        script = Path(__file__).resolve().parent / "math_engines.mjs"
        start = time.perf_counter()
        subprocess.run(["node", str(script), str(modules), str(data), "0"], check=True,
                       capture_output=True)
        one_pass = time.perf_counter() - start  # start Node, load both engines, convert once each
        out = subprocess.run(["node", str(script), str(modules), str(data), str(runs)],
                             check=True, capture_output=True, text=True).stdout
    return json.loads(out), one_pass


def summary(name: str, errors: list[str | None], outs: list[str], picks: list[int]) -> dict:
    outs = [ANNOTATION.sub("", o) for o in outs]
    failed = [i for i, e in enumerate(errors) if e]
    raw = [i for i, o in enumerate(outs) if o and RAW.search(o)]
    return {"name": name, "failed": failed, "raw": raw,
            "hard_failed": [i for i in picks if errors[i]], "hard_raw": [i for i in picks if i in raw],
            "bytes": sum(len(o) for o in outs) / max(1, sum(1 for o in outs if o)),
            "messages": collections.Counter(_short(e) for e in errors if e)}


def _short(message: str) -> str:
    message = re.sub(r"\s+", " ", message)
    return re.sub(r" at position \d+.*", "", message)[:100]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    pairs = formulas(args.corpus)
    index = {pair: i for i, pair in enumerate(pairs)}
    picks = [index[(f.latex, f.display)] for f in hardest(pairs, 40)]
    modules = ensure_js()
    seconds = median_seconds(lambda: divebook(pairs), args.runs, time.process_time)
    rows = [(summary("divebook (latex2mathml + TeX corrections)", *divebook(pairs), picks), seconds, "")]
    report, one_pass = run_js(modules, pairs, args.runs)
    for name, result in report.items():
        rows.append((summary(f"{name} {result['version']}", result["errors"], result["mathml"], picks),
                     result["seconds"], ""))
    print(f"{args.corpus.name}: {len(pairs)} unique formulas; median of {args.runs} runs after a warm-up; "
          f"Node start + loading both + one pass each: {one_pass:.2f} s")
    print(f"{'converter':<44} {'s':>6} {'µs/f':>6} {'fail':>5} {'raw':>4} {'hard40 fail':>11} {'B/f':>6}")
    for s, secs, _ in rows:
        print(f"{s['name']:<44} {secs:6.3f} {secs / len(pairs) * 1e6:6.0f} {len(s['failed']):5d} "
              f"{len(s['raw']):4d} {len(s['hard_failed']):11d} {s['bytes']:6.0f}")
    for s, _, _ in rows:
        if s["messages"]:
            print(f"\n{s['name']}: what fails")
            for message, count in s["messages"].most_common(12):
                print(f"  {count:4d}  {message}")
            for i in s["hard_failed"][:8]:
                print(f"  hard: {pairs[i][0][:90]!r}")


if __name__ == "__main__":
    main()
