"""Downloads inside the website: notebooks, their zips, the PDFs and the EPUBs.

The website (``OUT/html``) must stand alone on a static host, so what the
other targets built is brought into ``OUT/html/_downloads/`` (hard links
where the file system allows, copies otherwise):

    OUT/notebooks/<tab>/<page>.ipynb  ->  _downloads/notebooks/<tab>/<page>.ipynb
    OUT/notebooks/<name>-<tab>.zip    ->  _downloads/<name>-<tab>.zip
    OUT/pdf/<name>[-<tab>].pdf        ->  _downloads/<name>[-<tab>].pdf
    OUT/epub/<name>[-<tab>].epub      ->  _downloads/<name>[-<tab>].epub

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

from ..cache import write_if_changed
from ..config import Config

DOWNLOADS = "_downloads"
MANIFEST = "downloads.js"


def _wanted(out: Path, config: Config) -> tuple[dict[str, Path], dict]:
    """Files to bring into the site (site-relative name -> source) and the manifest."""
    files: dict[str, Path] = {}
    manifest: dict = {"tabs": {}, "pdf": None}
    tabs = config.tab_names
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
        for archive in sorted(notebooks.glob("*.zip")):
            files[archive.name] = archive
            tab = _tab_of(archive.stem, config.name, tabs)
            manifest["tabs"].setdefault(tab, {})["zip"] = archive.name
    pdf = out / "pdf"
    if pdf.is_dir():
        for document in sorted(pdf.glob("*.pdf")):
            if document.stem != config.name and not document.stem.startswith(config.name + "-"):
                continue  # figures and other PDFs the PDF writer keeps beside the book
            files[document.name] = document
            if document.stem == config.name:
                manifest["pdf"] = document.name
            else:
                tab = _tab_of(document.stem, config.name, tabs)
                manifest["tabs"].setdefault(tab, {})["pdf"] = document.name
    epub = out / "epub"
    if epub.is_dir():
        for document in sorted(epub.glob("*.epub")):
            suffix = document.stem[len(config.name) + 1:] if document.stem.startswith(config.name + "-") else ""
            if document.stem != config.name and suffix not in tabs:
                continue  # another language's EPUB: the site in that language is not this one
            files[document.name] = document
            if document.stem == config.name:
                manifest["epub"] = document.name  # the default tab's (present once built)
            else:
                manifest["tabs"].setdefault(suffix, {})["epub"] = document.name
    return files, manifest


def _tab_of(stem: str, name: str, tabs: list[str]) -> str:
    """``d2l-en-pytorch`` -> ``pytorch``; the plain ``d2l-en`` belongs to the default tab."""
    suffix = stem[len(name) + 1:] if stem.startswith(name + "-") else ""
    return suffix if suffix in tabs else tabs[0]


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
