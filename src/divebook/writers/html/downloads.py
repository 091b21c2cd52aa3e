"""Downloads inside the website: notebooks, their zips, the PDFs and the EPUBs.

The website (``OUT/html``) must stand alone on a static host, so what the
other targets built is brought into ``OUT/html/_downloads/`` (hard links
where the file system allows, copies otherwise):

    OUT/notebooks/<tab>/<page>.ipynb  ->  _downloads/notebooks/<tab>/<page>.ipynb
    OUT/notebooks/<name>-<tab>.zip    ->  _downloads/<name>-<tab>.zip
    OUT/pdf/<name>[-<tab>].pdf        ->  _downloads/<name>[-<tab>].pdf
    OUT/slides/...                    ->  _downloads/slides/... (decks, their images, reveal.js)
    OUT/epub/<name>[-<lang>][-<tab>].epub -> _downloads/ (named as the PDFs)

and ``_downloads/downloads.js`` lists what is there.  Pages do not name
their downloads themselves: the theme's script reads that list and shows
only links to files that exist, for the reader's tab.  So building the
notebooks or the PDF after the website needs no page to be rendered again,
and nothing that was not built is ever linked.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ...cache import write_if_changed
from ...config import Config

DOWNLOADS = "_downloads"
MANIFEST = "downloads.js"


def _wanted(out: Path, config: Config) -> tuple[dict[str, Path], dict]:
    """Files to bring into the site (site-relative name -> source) and the manifest.

    The manifest's ``tabs`` and ``pdf`` are the book's language's; a translated
    book's other language has its own under ``langs[<lang>]`` (its notebooks are
    listed with the others, under its prefix: ``en/chapter/page``), so each
    language's site links its own files.
    """
    from ..latex.book import pdf_name  # the PDF writer names its files

    files: dict[str, Path] = {}
    manifest: dict = {"tabs": {}, "pdf": None}
    langs = [""] + _other_languages(config)

    def section(lang: str) -> dict:
        return manifest if not lang else manifest.setdefault("langs", {}).setdefault(lang, {"tabs": {}, "pdf": None})

    notebooks = out / "notebooks"
    if notebooks.is_dir():
        for tab_dir in sorted(p for p in notebooks.iterdir() if p.is_dir()):
            pages = []
            for nb in sorted(tab_dir.rglob("*.ipynb")):
                rel = nb.relative_to(tab_dir).as_posix()
                if ".ipynb_checkpoints" in rel:
                    continue
                files[f"notebooks/{tab_dir.name}/{rel}"] = nb
                pages.append(rel[:-6])
            if pages:
                manifest["tabs"].setdefault(tab_dir.name, {})["pages"] = pages
        for lang in langs:
            for tab in config.tab_names:
                archive = notebooks / f"{zip_stem(config, tab, lang)}.zip"
                if archive.is_file():
                    files[archive.name] = archive
                    section(lang)["tabs"].setdefault(tab, {})["zip"] = archive.name
    _slides(out / "slides", files, manifest)
    pdf = out / "pdf"
    if pdf.is_dir():
        for lang in langs:
            for tab in config.tab_names:
                document = pdf / f"{pdf_name(config, tab, lang)}.pdf"
                if not document.is_file():
                    continue
                files[document.name] = document
                if tab == config.default_tab:
                    section(lang)["pdf"] = document.name  # also for tabs without a PDF of their own
                else:
                    section(lang)["tabs"].setdefault(tab, {})["pdf"] = document.name
    epub = out / "epub"
    if epub.is_dir():
        for lang in langs:
            for tab in config.tab_names:
                document = epub / f"{pdf_name(config, tab, lang)}.epub"  # EPUBs are named as the PDFs
                if not document.is_file():
                    continue
                files[document.name] = document
                if tab == config.default_tab:
                    section(lang)["epub"] = document.name
                else:
                    section(lang)["tabs"].setdefault(tab, {})["epub"] = document.name
    return files, manifest


def _slides(slides: Path, files: dict[str, Path], manifest: dict) -> None:
    """Every file of ``OUT/slides``; the manifest lists each tab's decks by page (with the
    language prefix: ``en/chapter_x/y``), which is how a page finds its deck."""
    if not slides.is_dir():
        return
    for path in sorted(slides.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(slides).as_posix()
        files[f"slides/{rel}"] = path
        tab, _, page = rel.partition("/")
        if page.endswith(".html") and not tab.startswith("_"):
            manifest["tabs"].setdefault(tab, {}).setdefault("slides", []).append(page[:-5])


def zip_stem(config: Config, tab: str, lang: str = "") -> str:
    """The notebooks zip of a tab: ``<name>-<tab>``, ``<name>-<lang>-<tab>`` for a translated
    book's other language (writers/notebook.py writes them)."""
    return f"{config.name}-{lang}-{tab}" if lang else f"{config.name}-{tab}"


def _other_languages(config: Config) -> list[str]:
    """A translated book's original language, whose site is beside the book's own."""
    from ...languages import book_languages

    pair = book_languages(config)
    return [pair.origin] if pair is not None else []


def _same(source: os.stat_result, target: Path) -> bool:
    try:
        stat = target.stat()
    except OSError:
        return False
    if (stat.st_ino, stat.st_dev) == (source.st_ino, source.st_dev):
        return True
    return stat.st_size == source.st_size and stat.st_mtime_ns == source.st_mtime_ns


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copy2(source, tmp)
    os.replace(tmp, target)


def sync_downloads(out: Path, config: Config) -> list[str]:
    """Bring the built notebooks, PDFs and EPUBs into ``OUT/html/_downloads``; the names written."""
    site = out / "html"
    if not site.is_dir():
        return []
    files, manifest = _wanted(out, config)
    folder = site / DOWNLOADS
    written = []
    for rel, source in files.items():
        if not _same(source.stat(), folder / rel):
            _place(source, folder / rel)
            written.append(f"{DOWNLOADS}/{rel}")
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and rel != MANIFEST and rel not in files:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    script = ("/* What can be downloaded from this site (written by divebook). */\n"
              "window.divebookDownloads = " + json.dumps(manifest, ensure_ascii=False,
                                                         separators=(",", ":")) + ";\n")
    if write_if_changed(folder / MANIFEST, script.encode("utf-8")):
        written.append(f"{DOWNLOADS}/{MANIFEST}")
    return written


def finish_site(ctx: "BuildContext") -> None:  # type: ignore[name-defined]  # noqa: F821
    """After all writers: Colab notebooks from the notebooks, then the site's downloads."""
    from .colab import write_colab_notebooks

    written = write_colab_notebooks(ctx.out, ctx.config)
    if written:
        ctx.outputs["colab"] = written
    downloads = sync_downloads(ctx.out, ctx.config)
    if downloads:
        ctx.outputs.setdefault("html", []).extend(downloads)
