"""Citations: ``:cite:`` keys checked against the book's ``.bib`` files (pybtex).

Citations show author and year as d2l.ai does ("Legendre, 1805"); the page
with ``:bibliography:`refs.bib``` lists every cited entry, formatted by
pybtex's ``plain`` style.  Parsing and formatting are cached by the bib
file's content, since formatting hundreds of entries takes a second.
"""

from __future__ import annotations

import codecs
import difflib
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
from latexcodec.codec import find_latex
from pybtex.database import BibliographyData, PybtexError, parse_string
from pybtex.plugin import find_plugin

from ..fingerprint import code_digest
from ..cache import Store, digest
from ..config import Config
from ..confine import book_file, outside_message
from ..diagnostics import Diagnostics
from ..parallel import default_jobs, fork_map
from ..tree import (BibItem, Bibliography, Book, Cite, CiteEntry, Page, Pos, block_inlines, page_inlines,
                    walk_blocks, walk_inlines)


@dataclass(slots=True)
class BibEntry:
    key: str
    authors: str  # "Legendre", "Smith and Jones", "Smith et al."
    year: str
    sort_key: str


#: Text that LaTeX decoding leaves as it is: no command, comment, tie, math, ligature
#: (``--``, ``''``, ``!`'' ...) and no whitespace to collapse.
_NOTHING_TO_DECODE = re.compile(r"[\\%~$\t\n]|!`|''|,,|--|\?`|``|  |^ ")
#: ASCII characters that LaTeX encoding changes (all others it leaves as they are).
_ENCODED_ASCII = re.compile(r"[#%&_~]")


@lru_cache(maxsize=1)
def use_fast_latex_codec() -> None:
    """Let latexcodec's ``ulatex`` codecs pass plain text through as it is.

    pybtex decodes every field and name as LaTeX, and its LaTeX backend encodes
    every string back; latexcodec's tokenizer does that character by character,
    half the time it takes to format an entry, though most bibliography text
    holds no LaTeX at all.  This swaps latexcodec's codec search function
    (process-wide, once) for one whose codecs return such text at once and hand
    the rest to latexcodec: the same results (property tests check both ways),
    d2l-en's bibliography formatted about twice as fast.
    """
    def faster(name: str) -> codecs.CodecInfo | None:
        slow = find_latex(name)
        if slow is None or not name.startswith("ulatex"):
            return slow

        def encode(text: object, errors: str = "strict") -> tuple[object, int]:
            if isinstance(text, str) and text.isascii() and not _ENCODED_ASCII.search(text):
                return text, len(text)
            return slow.encode(text, errors)

        def decode(data: object, errors: str = "strict") -> tuple[str, int]:
            if isinstance(data, str) and name == "ulatex" and not _NOTHING_TO_DECODE.search(data):
                return data, len(data)
            return slow.decode(data, errors)

        return codecs.CodecInfo(encode, decode, slow.streamreader, slow.streamwriter,
                                slow.incrementalencoder, slow.incrementaldecoder, name=slow.name)

    codecs.unregister(find_latex)  # also clears the codec cache
    codecs.register(faster)


def latex_to_text(text: str) -> str:
    """``M{\\'e}moire`` -> ``Mémoire``: LaTeX accents decoded, braces dropped."""
    if "\\" in text or "$" in text or "~" in text or "--" in text:  # plain text needs no decoding
        try:
            text = codecs.decode(text, "ulatex")
        except Exception:  # malformed LaTeX in a bib field: show it as written
            pass
    return re.sub(r"[{}]", "", text).strip()


#: an author written "and et al." or "and others" (BibTeX's word for the rest of a list)
_ET_AL_PERSON = re.compile(r"^(?:et\.?\s*al\.?|others)$", re.I)
#: how pybtex writes that person at the end of a list: "B, and et al." / "A and others"
_AND_ET_AL = re.compile(r"(,?) and (?:et(?:\s|&nbsp;|~)al\.?|others)(?=[.,;]|$)")


def _is_et_al(person) -> bool:  # type: ignore[no-untyped-def]
    return bool(_ET_AL_PERSON.match(str(person).strip().strip("{}")))


def _et_al(text: str, space: str = " ") -> str:
    """"A, B, and et al." -> "A, B, et al.", "A and others" -> "A et al." (BibTeX's plain style);
    ``space`` between "et" and "al." is the format's unbreakable one."""
    return _AND_ET_AL.sub(lambda m: f"{m.group(1)} et{space}al", text).replace(f"et{space}al..", f"et{space}al.")


def _authors(entry) -> str:  # type: ignore[no-untyped-def]
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    more = any(_is_et_al(p) for p in persons)
    names = [latex_to_text(" ".join(p.prelast_names + p.last_names)) for p in persons if not _is_et_al(p)]
    names = [n for n in names if n]
    if more and names:
        return f"{names[0]} et al."
    if not names:
        org = entry.fields.get("organization") or entry.fields.get("publisher") \
            or entry.fields.get("title", "Anonymous")
        return latex_to_text(org)
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def _parse(text: str, file: str, diags: Diagnostics) -> BibliographyData | None:
    try:
        return parse_string(text, "bibtex")
    except (PybtexError, Exception) as exc:  # pybtex raises several kinds for bad syntax
        m = re.search(r"line (\d+)", str(exc))
        diags.warning(Pos(file, int(m.group(1)) if m else 0),
                      f"the bibliography cannot be read: {exc}", "bib-syntax")
        return None


def _format_entries(data: BibliographyData, keys: list[str]) -> dict[str, tuple[str, str, str]]:
    """key -> (plain text, HTML, LaTeX) in pybtex's plain style, on every core (pybtex is slow:
    about 2 ms an entry)."""
    use_fast_latex_codec()
    # The style and backends are looked up once, here: pybtex scans the installed
    # packages' entry points at every lookup (tens of milliseconds each).
    formatter = _Formatter(data, find_plugin("pybtex.style.formatting", "plain")(),
                           [find_plugin("pybtex.backends", name)() for name in ("text", "html", "latex")])
    chunks = [keys[i::8] for i in range(8) if keys[i::8]]
    out: dict[str, tuple[str, str, str]] = {}
    for part in fork_map(_format_chunk, formatter, chunks, default_jobs(),
                         min_items=2 if len(keys) > 40 else 99):
        out.update(part)
    return out


@dataclass
class _Formatter:
    data: BibliographyData
    style: Any
    backends: list[Any]  # text, HTML, LaTeX


def _format_chunk(formatter: _Formatter, keys: list[str]) -> dict[str, tuple[str, str, str]]:
    data, style, backends = formatter.data, formatter.style, formatter.backends
    out: dict[str, tuple[str, str, str]] = {}
    for key in keys:
        entry = data.entries[key]
        try:
            text = style.format_entry(key, entry).text
            plain, html, latex = (text.render(backend) for backend in backends)
            if any(_is_et_al(p) for people in entry.persons.values() for p in people):
                plain, html, latex = _et_al(plain), _et_al(html, "&nbsp;"), _et_al(latex, "~")
            out[key] = (latex_to_text(plain.replace("\\url ", "")), _html_urls(html), latex)
        except Exception:  # a missing field pybtex insists on: show what is there
            title = latex_to_text(entry.fields.get("title", ""))
            year = entry.fields.get("year", "")
            plain = f"{_authors(entry)}. {title}. {year}.".replace(" .", "")
            out[key] = (plain, _html_escape(plain), _latex_escape(plain))
    return out


# pybtex's HTML backend writes a field's ``\url{...}`` as the command's name and a span.
_HTML_URL = re.compile(r'\\url <span class="bibtex-protected">([^<"]*)</span>')


def _html_urls(html: str) -> str:
    r"""``\url{...}`` in a bib field as a link, not as raw LaTeX on the page."""
    return _HTML_URL.sub(r'<a href="\1">\1</a>', html) if "\\url" in html else html


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _latex_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def _bib_files(blocks: dict[str, list[Bibliography]], config: Config) -> list[tuple[str, Pos]]:
    """Book-relative bib files, from ``:bibliography:`` blocks (by page) and ``[pdf] bibfile``."""
    files: list[tuple[str, Pos]] = []
    for source, found in blocks.items():
        for block in found:
            for f in block.files:
                files.append((posixpath.normpath(posixpath.join(posixpath.dirname(source), f)), block.pos))
    if config.bibfile:
        files.append((posixpath.normpath(config.bibfile), config.pos("pdf.bibfile")))
    unique: dict[str, Pos] = {}
    for f, pos in files:
        unique.setdefault(f, pos)
    return list(unique.items())


def resolve_citations(book: Book, config: Config, store: Store | None, diags: Diagnostics) -> None:
    """Fill every ``Cite`` and ``Bibliography`` node from the book's bib files."""
    cites: list[Cite] = []
    bib_blocks: dict[str, list[Bibliography]] = {}  # page -> its bibliography blocks
    for page in book.pages.values():  # one walk of the book for both
        for block in walk_blocks(page.blocks):
            if isinstance(block, Bibliography):
                bib_blocks.setdefault(page.source, []).append(block)
            for inlines in block_inlines(block):
                cites.extend(node for node in walk_inlines(inlines) if isinstance(node, Cite))
    bib_pages = [p.source for p in book.ordered_pages() + [book.pages[s] for s in book.orphans]
                 if p.source in bib_blocks]
    book.bibliography_page = bib_pages[0] if bib_pages else None
    entries: dict[str, BibEntry] = {}
    formatted: dict[str, tuple[str, str, str]] = {}
    wanted = {key for cite in cites for key in cite.keys}
    for file, pos in _bib_files(bib_blocks, config):
        path = book_file(config.root, file)
        if path is None:  # `:bibliography:` naming ../../x, or a link out of the book: never read
            diags.warning(pos, outside_message("bibliography file", file), "file-outside")
            continue
        if not path.is_file():
            diags.warning(pos, f"bibliography file `{file}` does not exist; fix the path (it is "
                          "relative to this page) or add the file", "bib-missing")
            continue
        raw = path.read_bytes()
        key = digest("bib", code_digest(), raw)
        cached = store.get_object("bib", key) if store else None
        data = None
        if cached is None:
            data = _parse(raw.decode("utf-8", errors="replace"), file, diags)
            if data is None:
                continue
            parsed = {k: BibEntry(k, _authors(e), e.fields.get("year", "n.d."),
                                  f"{_authors(e)} {e.fields.get('year', '')} {k}".lower())
                      for k, e in data.entries.items()}
            cached = (parsed, {})
        parsed, done = cached
        # Formatting is the slow part: do it only for cited entries, once.
        missing = [k for k in wanted if k in parsed and k not in done and k not in formatted]
        if missing:
            data = data or _parse(raw.decode("utf-8", errors="replace"), file, diags)
            if data is not None:
                done = {**done, **_format_entries(data, missing)}
        if store and (missing or data is not None):
            store.put_object("bib", key, (parsed, done))
        for k, entry in parsed.items():
            entries.setdefault(k, entry)
        for k, f in done.items():
            formatted.setdefault(k, f)

    if cites and book.bibliography_page is None and not config.bibfile:
        diags.warning(cites[0].pos, "the book cites works but has no bibliography: add a page "
                      "with :bibliography:`refs.bib` (or set [pdf] bibfile)", "no-bibliography")
    cited: dict[str, None] = {}
    for cite in cites:
        cite.entries = []
        for key in cite.keys:
            entry = entries.get(key)
            if entry is None:
                close = difflib.get_close_matches(key, list(entries), n=1)
                hint = f" Did you mean `{close[0]}`?" if close else ""
                if entries or book.bibliography_page or config.bibfile:
                    diags.warning(cite.pos, f"citation key `{key}` is not in the bibliography.{hint}",
                                  "missing-citation")
                cite.entries.append(CiteEntry(key, key, "", found=False))
                continue
            cited[key] = None
            cite.entries.append(CiteEntry(key, entry.authors, entry.year))
    years = _distinct_years(entries, cited)
    for cite_entry in (e for cite in cites for e in cite.entries):
        cite_entry.year = years.get(cite_entry.key, cite_entry.year)

    book.bib_entries = {k: (e.authors, years.get(k, e.year)) for k, e in entries.items()}
    items = []
    for key in sorted(cited, key=lambda k: entries[k].sort_key):
        entry = entries[key]
        text, html, latex = formatted.get(key, (key, key, key))
        label = f"{entry.authors}, {years.get(key, entry.year)}"
        items.append(BibItem(key, label, text, html, latex))
    book.bibliography = items
    for found in bib_blocks.values():
        for block in found:
            block.entries = items


def _distinct_years(entries: dict[str, BibEntry], cited: dict[str, None]) -> dict[str, str]:
    """Years with a letter (1957a, 1957b) for cited works of the same authors and year, as
    author-year styles print them: two "Bellman, 1957" do not tell the reader which is meant."""
    same: dict[tuple[str, str], list[str]] = {}
    for key in sorted(cited, key=lambda k: entries[k].sort_key):
        same.setdefault((entries[key].authors, entries[key].year), []).append(key)
    return {key: f"{year}{chr(ord('a') + i)}" for (_, year), keys in same.items() if len(keys) > 1
            for i, key in enumerate(keys) if i < 26}


def cite_page(page: Page, book: Book) -> None:
    """The citations of one page, from the entries the last whole-book pass found.

    For the live preview: a key no page cited before shows as unresolved
    until the full rebuild that follows.
    """
    for cite in (n for n in page_inlines(page.blocks) if isinstance(n, Cite)):
        cite.entries = [CiteEntry(key, *book.bib_entries[key]) if key in book.bib_entries
                        else CiteEntry(key, key, "", found=False) for key in cite.keys]
