"""Synthetic books of any size, in divebook's d2l dialect and in MyST Markdown.

Both versions hold the same content: per page, prose with inline math, two
labelled equations, two code cells, a figure, a table, references to earlier
pages and citations, in proportions close to d2l-en's (per page d2l-en has
about 30 paragraphs, 40 math spans, 14 code cells, 1.3 figures, 2.5 labels,
5 references and 2.5 citations; these pages are about half as long).

    python bench/synthetic.py OUT_DIR --pages 100 --dialect d2l|myst
"""

from __future__ import annotations

import argparse
import random
import textwrap
from pathlib import Path

SECTIONS_PER_CHAPTER = 10
WORDS = ("model data gradient loss training network layer weight bias tensor function vector matrix "
         "probability estimate sample feature label optimization learning rate batch kernel").split()
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
       '<rect width="200" height="100" fill="#fff"/><circle cx="50" cy="50" r="30" fill="#1f6feb"/>'
       '<rect x="110" y="20" width="60" height="60" fill="#d1242f"/></svg>\n')


#: Marks a MyST Markdown file as a notebook for MyST-NB (Jupyter Book), so its code cells count.
MYST_NOTEBOOK_HEADER = ["---", "jupytext:", "  text_representation:", "    format_name: myst",
                        "kernelspec:", "  name: python3", "  display_name: Python 3", "  language: python",
                        "---"]


def _sentence(rng: random.Random, math: str | None = None) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    if math:
        words.insert(rng.randint(1, len(words) - 1), math)
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, k: int) -> str:
    return " ".join(_sentence(rng, f"$x_{{{k}}}^{{{i}}} + w_{i}$" if i % 2 == 0 else None)
                    for i in range(rng.randint(3, 5)))


def _bib(n: int) -> str:
    return "\n".join(
        f"@article{{Author{i}.{2000 + i % 20},\n  author = {{Author{i}, A. and Coauthor, B.}},\n"
        f"  title = {{Paper number {i}}},\n  journal = {{Journal of Things}},\n  year = {{{2000 + i % 20}}}\n}}\n"
        for i in range(n))


def _page_content(rng: random.Random, chapter: int, section: int, index: int, dialect: str) -> str:
    """One section page; ``index`` counts pages from 0, so earlier pages can be referenced."""
    sec = f"sec_{chapter}_{section}"
    lines: list[str] = []
    title = f"Section {chapter}.{section}: {rng.choice(WORDS).title()} {rng.choice(WORDS).title()}"
    if dialect == "d2l":
        lines += [f"# {title}", f":label:`{sec}`", ""]
    else:
        lines += MYST_NOTEBOOK_HEADER + [f"({sec})=", f"# {title}", ""]
    for part in range(3):
        lines += [_paragraph(rng, part), ""]
        eq = f"eq_{chapter}_{section}_{part}"
        if part < 2:
            if dialect == "d2l":
                lines += [f"$$L_{part}(w) = \\sum_{{i=1}}^n (w x_i - y_i)^2 + \\lambda \\|w\\|^{part + 1}.$$",
                          f":eqlabel:`{eq}`", ""]
            else:
                lines += [f"$$L_{part}(w) = \\sum_{{i=1}}^n (w x_i - y_i)^2 + \\lambda \\|w\\|^{part + 1}.$$ ({eq})", ""]
            ref = f":eqref:`{eq}`" if dialect == "d2l" else f"{{eq}}`{eq}`"
            lines += [f"Minimizing {ref} gives the estimate. " + _sentence(rng), ""]
        code = f"values = [i * {part + 1} for i in range(10)]\ntotal = sum(values)\nprint(total)"
        if dialect == "d2l":
            lines += ["```{.python .input}", code, "```", ""]
        else:
            lines += ["```{code-cell} python", code, "```", ""]
        if part == 0:
            fig = f"fig_{chapter}_{section}"
            if dialect == "d2l":
                lines += [f"![A figure of section {chapter}.{section}.](../img/shape.svg)", ":width:`200px`",
                          f":label:`{fig}`", ""]
            else:
                lines += ["```{figure} ../img/shape.svg", f":name: {fig}", ":width: 200px", "",
                          f"A figure of section {chapter}.{section}.", "```", ""]
            figref = f":numref:`{fig}`" if dialect == "d2l" else f"{{numref}}`{fig}`"
            lines += [f"As {figref} shows, " + _sentence(rng).lower(), ""]
        if part == 1:
            tab = f"tab_{chapter}_{section}"
            if dialect == "d2l":
                lines += [f": Results of section {chapter}.{section}", f":label:`{tab}`", ""]
                lines += ["| method | error |", "|:--|--:|", "| a | 0.1 |", "| b | 0.2 |", ""]
            else:
                lines += [f"```{{table}} Results of section {chapter}.{section}", f":name: {tab}", "",
                          "| method | error |", "|:--|--:|", "| a | 0.1 |", "| b | 0.2 |", "```", ""]
    if index > 0:
        earlier = rng.randrange(index)
        ec, es = earlier // SECTIONS_PER_CHAPTER + 1, earlier % SECTIONS_PER_CHAPTER + 1
        ref = f":numref:`sec_{ec}_{es}`" if dialect == "d2l" else f"{{numref}}`sec_{ec}_{es}`"
        lines += [f"We build on {ref}. " + _sentence(rng), ""]
    keys = [f"Author{n}.{2000 + n % 20}" for n in (rng.randrange(50) for _ in range(2))]
    if dialect == "d2l":
        lines += [f"This idea is well studied :cite:`{','.join(keys)}`.", ""]
    else:
        lines += [f"This idea is well studied {{cite}}`{','.join(keys)}`.", ""]
    lines += ["## Exercises", "", "1. " + _sentence(rng), "1. " + _sentence(rng), ""]
    return "\n".join(lines)


def make_book(root: Path, pages: int, dialect: str = "d2l", seed: int = 0) -> Path:
    """Write a book of ``pages`` section pages (in chapters of ten) into ``root``."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "img").mkdir(exist_ok=True)
    (root / "img" / "shape.svg").write_text(SVG)
    (root / "refs.bib").write_text(_bib(50))
    chapters = (pages + SECTIONS_PER_CHAPTER - 1) // SECTIONS_PER_CHAPTER
    toc_chapters = []
    index = 0
    for c in range(1, chapters + 1):
        folder = root / f"chapter{c:03d}"
        folder.mkdir(exist_ok=True)
        sections = []
        for s in range(1, SECTIONS_PER_CHAPTER + 1):
            if index >= pages:
                break
            (folder / f"section{s:02d}.md").write_text(_page_content(rng, c, s, index, dialect))
            sections.append(f"section{s:02d}")
            index += 1
        intro = f"Chapter {c} introduces " + _sentence(rng).lower()
        if dialect == "d2l":
            toc = "```toc\n:maxdepth: 2\n\n" + "\n".join(sections) + "\n```\n"
            (folder / "index.md").write_text(f"# Chapter {c}\n:label:`chap_{c}`\n\n{intro}\n\n{toc}")
        else:
            (folder / "index.md").write_text(f"(chap_{c})=\n# Chapter {c}\n\n{intro}\n")
        toc_chapters.append((f"chapter{c:03d}", sections))
    if dialect == "d2l":
        toc = "```toc\n:maxdepth: 2\n:numbered:\n\n" + "\n".join(f"{c}/index" for c, _ in toc_chapters) + "\n```\n"
        (root / "index.md").write_text(f"# Synthetic Book\n\nA book of {pages} pages.\n\n{toc}\n"
                                       "```toc\n:maxdepth: 1\n\nreferences\n```\n")
        (root / "references.md").write_text("# References\n\n:bibliography:`refs.bib`\n")
        (root / "config.ini").write_text(textwrap.dedent("""\
            [project]
            name = synthetic
            title = Synthetic Book
            [build]
            eval_notebook = False
            """))
    else:
        (root / "index.md").write_text(f"# Synthetic Book\n\nA book of {pages} pages.\n")
        (root / "references.md").write_text("# References\n\n```{bibliography}\n```\n")
        toc = ["format: jb-book", "root: index", "parts:", "  - numbered: true", "    chapters:"]
        for chapter, sections in toc_chapters:
            toc.append(f"      - file: {chapter}/index")
            toc.append("        sections:")
            toc += [f"          - file: {chapter}/{s}" for s in sections]
        toc += ["  - chapters:", "      - file: references"]
        (root / "_toc.yml").write_text("\n".join(toc) + "\n")
        (root / "_config.yml").write_text(textwrap.dedent("""\
            title: Synthetic Book
            execute:
              execute_notebooks: "off"
            bibtex_bibfiles:
              - refs.bib
            sphinx:
              config:
                numfig_secnum_depth: 2
            """))
        myst_toc = ["version: 1", "project:", "  title: Synthetic Book", "  bibliography:", "    - refs.bib",
                    "  numbering:", "    headings: true", "  toc:", "    - file: index.md"]
        for chapter, sections in toc_chapters:
            myst_toc += [f"    - file: {chapter}/index.md", "      children:"]
            myst_toc += [f"        - file: {chapter}/{s}.md" for s in sections]
        myst_toc += ["    - file: references.md", "site:", "  template: book-theme"]
        (root / "myst.yml").write_text("\n".join(myst_toc) + "\n")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic book.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--dialect", choices=["d2l", "myst"], default="d2l")
    args = parser.parse_args()
    make_book(args.out, args.pages, args.dialect)


if __name__ == "__main__":
    main()
