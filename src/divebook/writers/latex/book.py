"""The PDF: the resolved book -> one ``.tex`` per framework tab -> xelatex through latexmk.

``render_book`` writes the LaTeX from the same resolved tree the website
uses (numbers, labels, citations), with the code of one tab; a Jinja2
template (``writers/latex/templates/book.tex``, or the book's ``[pdf]
template``) gives the preamble and the page layout.  ``write_pdf`` then
typesets it in a temporary folder and keeps ``<name>.tex``, ``<name>.log``
and ``<name>.pdf`` under ``OUT/pdf/`` (``<name>-<tab>.pdf`` for a tab
other than the default).  LaTeX errors are reported at the Markdown file
and line that produced the offending LaTeX, through the line map that
rendering keeps.

Rebuilds are cheap: SVG conversions are cached by content, the previous
run's ``.aux``/``.toc`` seed the next one (so latexmk needs fewer
passes), and when the ``.tex`` is unchanged LaTeX does not run at all.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ...bookpaths import book_path, is_local
from ...cache import Store, digest, write_if_changed
from ...config import Config
from ...diagnostics import Diagnostics
from ...languages import ui_strings
from ...transforms.tabs import select_tab
from ...tree import (
    Bibliography, Block, Book, Directive, Figure, Heading, Image, MathBlock, Page, Pos, Table,
    TabContent, TabGroup, Translated, block_inlines, child_blocks, plain_text, walk_inlines,
)
from ..code.highlight import latex_style_defs
from ..html.nodes import tab_title
from .escape import escape_text
from .fonts import CJK_TEXT, choose_fonts
from .images import ImageMaker
from .linemap import LineMap, Marks, resolve_marks
from .nodes import LatexRenderer, LatexSite, bibliography_tex, only_applies, page_key, shown_side
from .run import INSTALL_HINT, TexProblem, parse_log, run_latexmk, tex_available

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEX_NAME = "book.tex"
#: Longest a LaTeX run may take before it is stopped (a few thousand pages take minutes).
LATEX_TIMEOUT_S = 3600.0
#: LaTeX errors reported one by one; the rest are counted.
MAX_REPORTED_ERRORS = 50
_SEED_SUFFIXES = (".aux", ".toc", ".out")


@dataclass
class LatexDocument:
    tex: str
    linemap: LineMap
    images: set[str] = field(default_factory=set)
    template: str = ""  # the template file, as a book-relative path or "default"


@dataclass
class PdfResult:
    name: str
    pdf: Path | None = None
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0
    latex_ran: bool = False


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def _pdf_blocks(blocks: list[Block], tab: str):  # type: ignore[no-untyped-def]
    """The blocks the PDF prints, depth first (``only`` content for other outputs left out)."""
    for block in blocks:
        if isinstance(block, Directive) and block.name == "only" and not only_applies(block.argument):
            continue
        if isinstance(block, TabContent) and tab not in block.tabs:
            continue
        if isinstance(block, TabGroup):
            yield from _pdf_blocks(block.panels.get(tab, []), tab)
            continue
        if isinstance(block, Translated):
            yield from _pdf_blocks(shown_side(block), tab)
            continue
        yield block
        yield from _pdf_blocks(list(child_blocks(block)), tab)


def _labels(source: str, blocks: list[Block], tab: str) -> set[str]:
    """The LaTeX labels a page defines (its own, and one per numbered place on it)."""
    keys = {page_key(source)}
    for block in _pdf_blocks(blocks, tab):
        if isinstance(block, Heading) and block.anchor:
            keys.add(page_key(source, block.anchor))
        elif isinstance(block, (Figure, Table)) and block.anchor:
            keys.add(page_key(source, block.anchor))
        elif isinstance(block, MathBlock) and block.anchor and block.number:
            keys.add(page_key(source, block.anchor))
    return keys


def _image_paths(source: str, blocks: list[Block], tab: str) -> set[str]:
    """Book-relative image files a page shows, to convert them all at once before rendering."""
    paths = set()
    for block in _pdf_blocks(blocks, tab):
        srcs = [block.src] if isinstance(block, Figure) else []
        for inlines in block_inlines(block):
            srcs += [n.src for n in walk_inlines(inlines) if isinstance(n, Image)]
        for src in srcs:
            if not is_local(src):
                continue
            path = book_path(source, src)
            if not path.startswith(".."):
                paths.add(path)
    return paths


def _root_blocks(blocks: list[Block]) -> list[Block]:
    """The root page's prose: without its title (the title page has it)."""
    out = list(blocks)
    for i, block in enumerate(out):
        shown = shown_side(block) if isinstance(block, Translated) else [block]
        if shown and isinstance(shown[0], Heading) and shown[0].level == 1:
            return out[:i] + shown[1:] + out[i + 1:]
    return out


def _load_template(config: Config, diags: Diagnostics) -> tuple[jinja2.Template, str]:
    env = jinja2.Environment(
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((=", comment_end_string="=))",
        trim_blocks=True, lstrip_blocks=True, autoescape=False, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)
    if config.latex_template:
        path = config.root / config.latex_template
        pos = config.pos("pdf.template")
        try:
            return env.from_string(path.read_text(encoding="utf-8")), config.latex_template
        except OSError:
            diags.error(pos, f"[pdf] template `{config.latex_template}` does not exist; the PDF "
                        "uses divebook's template (fix the path, relative to the book)",
                        "pdf-template")
        except jinja2.TemplateSyntaxError as exc:
            diags.error(Pos(config.latex_template, exc.lineno or 0), f"the PDF template cannot "
                        f"be read: {exc.message}; the PDF uses divebook's template", "pdf-template")
    return env.from_string((TEMPLATE_DIR / "book.tex").read_text(encoding="utf-8")), "default"


def _label_format(template: str) -> str:
    """A caption label format from an i18n string such as "Fig. {number}" (number -> #2)."""
    before, _, after = template.partition("{number}")
    return escape_text(before) + "#2" + escape_text(after)


def render_book(book: Book, config: Config, tab: str, images: ImageMaker, diags: Diagnostics,
                default_tab: str | None = None, title: str | None = None) -> LatexDocument:
    """The whole book as one LaTeX document, with the code of ``tab``.

    ``title`` replaces ``[project] title`` on the title page (a translated
    book's PDF takes its title from its root page, in its own language).
    """
    title = title or config.title
    lang = book.lang or config.lang or "en"
    strings = ui_strings(lang)
    pages: list[Page] = [book.pages[s] for s in book.order if s in book.pages and s != book.root]
    selected = {p.source: select_tab(p.blocks, tab) for p in pages}
    root = book.pages.get(book.root)
    root_blocks = _root_blocks(select_tab(root.blocks, tab)) if root else []

    keys: set[str] = set()
    paths: set[str] = set()
    for page in pages:
        keys |= _labels(page.source, selected[page.source], tab)
        paths |= _image_paths(page.source, selected[page.source], tab)
    if root:
        paths |= _image_paths(root.source, root_blocks, tab)
    has_bib_page = any(isinstance(b, Bibliography) for p in pages
                       for b in _pdf_blocks(selected[p.source], tab))
    site = LatexSite(lang=lang, strings=strings, tab=tab, images=images, keys=keys,
                     bib_keys={item.key for item in book.bibliography})
    images.prepare(paths)

    marks = Marks()
    template_mark = marks.mark(Pos("", 0))
    parts: dict[str, list[str]] = {"front": [], "main": [], "back": []}
    used_images: set[str] = set()
    root_tex = ""
    if root:
        renderer = LatexRenderer(site, root.source, 1, diags, marks)
        renderer.title_done = True
        root_tex = renderer.blocks(root_blocks)
        used_images |= renderer.images
    for page in pages:
        renderer = LatexRenderer(site, page.source, page.depth, diags, marks)
        rendered = renderer.render_page(selected[page.source], page.title, page.number)
        parts.get(page.part, parts["back"]).append(rendered.body)
        used_images |= rendered.images
    if book.bibliography and not has_bib_page:
        title = escape_text(strings["references"])
        parts["back"].append(f"\\chapter*{{{title}}}\n\\phantomsection\n"
                             f"\\addcontentsline{{toc}}{{chapter}}{{{title}}}\n\\dbchaptermark{{{title}}}\n\n"
                             + bibliography_tex(book.bibliography))

    bodies = {name: "".join(chunks) + template_mark for name, chunks in parts.items()}
    root_tex += template_mark
    has_cjk = bool(CJK_TEXT.search(root_tex + "".join(bodies.values()) + title + config.author))
    fonts = choose_fonts(config, lang, has_cjk, diags)
    template, template_name = _load_template(config, diags)
    logo = ""
    if config.latex_logo:
        image = images.for_file(posixpath.normpath(config.latex_logo))
        if image.file:
            logo = image.file
        else:
            diags.warning(config.pos("pdf.latex_logo"), f"[pdf] latex_logo `{config.latex_logo}` "
                          f"cannot go into the PDF ({image.problem})", "pdf-image")
    multi_tab = len(config.tab_names) > 1
    values = dict(
        title=escape_text(title), author=escape_text(config.author),
        release=escape_text(config.release), copyright=escape_text(config.copyright),
        subtitle=escape_text(tab_title(tab)) if multi_tab else "",
        pdf_title=escape_text(title), pdf_author=escape_text(config.author),
        lang=lang, fonts={"main": escape_text(fonts.main), "sans": escape_text(fonts.sans),
                          "mono": escape_text(fonts.mono)},
        cjk=dict(zip(("main", "sans", "mono"), map(escape_text, fonts.cjk))) if fonts.cjk else None,
        strings={k: escape_text(v) for k, v in strings.items() if isinstance(v, str)},
        figure_label=_label_format(strings["figure_caption"]),
        table_label=_label_format(strings["table_caption"]),
        pygments=latex_style_defs(), logo=logo, root=root_tex, tab=tab,
        default_tab=default_tab or config.default_tab, **bodies)
    try:
        marked = template.render(**values)
    except jinja2.TemplateError as exc:
        diags.error(config.pos("pdf.template"), f"the PDF template fails: {exc}; the PDF uses "
                    "divebook's template", "pdf-template")
        template, template_name = _load_template(Config(root=config.root), diags)
        marked = template.render(**values)
    tex, segments = resolve_marks(marked, marks)
    return LatexDocument(tex, LineMap(segments), used_images, template_name)


# --------------------------------------------------------------------------
# Typesetting
# --------------------------------------------------------------------------


def pdf_name(config: Config, tab: str, lang: str = "") -> str:
    """``<project name>`` for the default tab, ``<project name>-<tab>`` for others.

    ``lang`` names the language of a translated book's other language
    (``divebook-starter-en.pdf``); the book's own language has no suffix.
    """
    base = re.sub(r"[^\w.+-]", "_", config.name or "book")
    if lang:
        base += "-" + re.sub(r"[^\w.+-]", "_", lang)
    return base if tab == config.default_tab else f"{base}-{tab}"


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def report_problems(problems: list[TexProblem], doc: LatexDocument, tex_shown: str, log_shown: str,
                    diags: Diagnostics) -> None:
    """LaTeX's complaints as diagnostics at the Markdown that caused them."""
    errors = 0
    missing: dict[str, tuple[Pos, str, int]] = {}
    for problem in problems:
        main_file = problem.file.lstrip("./") == TEX_NAME or problem.kind == "undefined-ref"
        pos = doc.linemap.lookup(problem.line) if main_file else None
        if pos is None:
            pos = Pos(tex_shown, problem.line if main_file else 0)
        if problem.kind == "missing-char":
            key = problem.culprit
            first = missing.get(key)
            missing[key] = (first[0], first[1], first[2] + 1) if first else (pos, problem.message, 1)
            continue
        if problem.kind == "undefined-ref":
            diags.warning(pos, f"the PDF has a {problem.message} (line {problem.line} of "
                          f"{tex_shown})", "pdf-undefined-ref")
            continue
        errors += 1
        if errors > MAX_REPORTED_ERRORS:
            continue
        culprit = f" `{problem.culprit}`" if problem.culprit else ""
        where = f"line {problem.line} of {tex_shown}" if main_file else problem.file
        context = problem.context.split("\n")[0].strip()[-70:]
        shown = f": `{context}`" if context else ""
        diags.error(pos, f"LaTeX cannot typeset this for the PDF: {problem.message}{culprit} "
                    f"({where}{shown}; full log: {log_shown})", "latex")
    if errors > MAX_REPORTED_ERRORS:
        diags.error(Pos(tex_shown, 0), f"{errors - MAX_REPORTED_ERRORS} more LaTeX errors; see "
                    f"{log_shown}", "latex")
    for pos, message, count in missing.values():
        more = f" ({count} times in the book; this is the first)" if count > 1 else ""
        diags.warning(pos, f"{message}: the PDF leaves it out{more}; choose a [pdf] font that has "
                      "it", "missing-glyph")


def _pdf_pages(log: str) -> int:
    m = re.search(r"Output written on \S+ \((\d+) pages?", log)
    return int(m.group(1)) if m else 0


def write_pdf(book: Book, config: Config, tab: str, out: Path, store: Store | None,
              diags: Diagnostics, jobs: int = 1, lang_suffix: str = "",
              title: str | None = None) -> PdfResult:
    """Typeset the PDF of ``tab`` into ``out`` (``OUT/pdf``)."""
    name = pdf_name(config, tab, lang_suffix)
    result = PdfResult(name)
    out.mkdir(parents=True, exist_ok=True)
    tex_path, log_path, pdf_path = (out / f"{name}{ext}" for ext in (".tex", ".log", ".pdf"))
    tex_shown = _display_path(tex_path, config.root)
    log_shown = _display_path(log_path, config.root)
    state_path = out / f".{name}.state.json"
    start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="divebook-pdf-"))
    try:
        book_diags = Diagnostics()
        doc = render_book(book, config, tab, ImageMaker(config.root, work, store, jobs), book_diags,
                          title=title)
        diags.extend(book_diags.items)
        data = doc.tex.encode("utf-8")
        key = digest("pdf", data)
        # The .tex can be compiled again by hand: it keeps its images beside it.
        for image in sorted((work / "img").glob("*")) if (work / "img").is_dir() else []:
            write_if_changed(out / "img" / image.name, image.read_bytes())
        if write_if_changed(tex_path, data):
            result.written.append(tex_path.name)
        write_if_changed(out / f".{name}.linemap.json",
                         json.dumps(doc.linemap.to_json()).encode("utf-8"))
        state = _read_state(state_path)
        if state.get("key") == key and pdf_path.is_file():
            for item in state.get("diagnostics", []):
                getattr(diags, item["severity"])(Pos(item["file"], item["line"]), item["message"],
                                                 item.get("code", ""))
            result.pdf, result.pages = pdf_path, state.get("pages", 0)
            return result
        missing = tex_available()
        if missing:
            diags.error(config.pos("pdf"), f"the PDF needs {missing}, which is not installed: {INSTALL_HINT} "
                        f"(the LaTeX is in {tex_shown})", "tex-missing")
            return result
        (work / TEX_NAME).write_bytes(data)
        seeds = out / ".aux" / name
        for suffix in _SEED_SUFFIXES:
            if (seeds / f"book{suffix}").is_file():
                shutil.copyfile(seeds / f"book{suffix}", work / f"book{suffix}")
        run = run_latexmk(work, TEX_NAME, LATEX_TIMEOUT_S)
        result.latex_ran = True
        latex_diags = Diagnostics()
        report_problems(parse_log(run.log), doc, tex_shown, log_shown, latex_diags)
        if run.timed_out:
            latex_diags.error(Pos(tex_shown, 0), f"LaTeX ran longer than {LATEX_TIMEOUT_S:.0f} s "
                              f"and was stopped; see {log_shown}", "latex-timeout")
        elif run.pdf is None:
            tail = " ".join(run.output.strip().splitlines()[-3:])[-300:]
            latex_diags.error(Pos(tex_shown, 0), f"xelatex made no PDF; see {log_shown} ({tail})",
                              "latex")
        diags.extend(latex_diags.items)
        if run.log and write_if_changed(log_path, run.log.encode("utf-8")):
            result.written.append(log_path.name)
        for suffix in _SEED_SUFFIXES:
            if (work / f"book{suffix}").is_file():
                write_if_changed(seeds / f"book{suffix}", (work / f"book{suffix}").read_bytes())
        if run.pdf is not None:
            shutil.copyfile(run.pdf, pdf_path)
            result.written.append(pdf_path.name)
            result.pdf = pdf_path
            result.pages = _pdf_pages(run.log)
            saved = [dict(severity=d.severity, **d.to_json()) for d in latex_diags.items]
            state_path.write_text(json.dumps({"key": key, "pages": result.pages, "diagnostics": saved}))
        elif state_path.exists():
            state_path.unlink()
        return result
    finally:
        result.seconds = time.perf_counter() - start
        shutil.rmtree(work, ignore_errors=True)


def prune_images(out: Path) -> None:
    """Remove images in ``out/img`` that no kept ``.tex`` includes any more."""
    folder = out / "img"
    if not folder.is_dir():
        return
    used: set[str] = set()
    for tex in out.glob("*.tex"):
        used.update(re.findall(r"\{img/([0-9a-f]+\.\w+)\}", tex.read_text(encoding="utf-8", errors="replace")))
    for image in folder.iterdir():
        if image.is_file() and image.name not in used:
            image.unlink()


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def pdf_tabs(config: Config, option: str | None) -> list[str]:
    """The tabs to make PDFs for: the default, the one named, or all."""
    if option == "all":
        return list(config.tab_names)
    return [option or config.default_tab]


def write_pdf_target(ctx: "BuildContext") -> None:  # type: ignore[name-defined]  # noqa: F821
    """``divebook build pdf [--tab T|all]``: the book's PDF(s) into ``OUT/pdf``.

    A translated book has a PDF per language (``ctx.views``): the book's own
    language as ``<name>.pdf``, the original as ``<name>-<lang>.pdf``.
    """
    from ...languages import language_books

    assert ctx.book is not None
    out = ctx.out / "pdf"
    files: dict[str, str] = {}
    written: list[str] = []
    summary = {}
    views = [(view.book, "" if view.default else view.lang) for view in language_books(ctx)]
    for book, lang in views or [(ctx.book, "")]:
        root = book.pages.get(book.root)
        title = plain_text(root.title).strip() if views and root else None
        for tab in pdf_tabs(ctx.config, ctx.options.tab):
            result = write_pdf(book, ctx.config, tab, out, ctx.store, ctx.diags, ctx.jobs, lang,
                               title)
            written += result.written
            key = "-".join(k for k in (lang, tab) if k) if lang else tab
            if result.pdf is not None:
                files[key] = result.pdf.name
            summary[key] = {"pdf": result.pdf.name if result.pdf else None, "pages": result.pages,
                            "lang": book.lang or ctx.config.lang, "tab": tab,
                            "seconds": round(result.seconds, 3), "latex_ran": result.latex_ran}
    prune_images(out)
    ctx.outputs["pdf"] = written
    ctx.extra["pdf"] = summary
    if files:
        where = ctx.extra.setdefault("where", {})
        if isinstance(where, dict):
            where["pdf"] = ", ".join(str(out / f) for f in files.values())
