"""The parts of a translated book's pages: both languages' blocks and the language switcher.

The sites themselves are written by ``language_sites.py``.

Layout inside ``OUT/html`` (see docs/translation.md):

* the translation (the book's ``[project] lang``) at the root, as for any book;
* the original (``[translation] origin_lang``) in ``<origin>/``, e.g. ``en/``;
* side-by-side pages for reviewers in ``bilingual/``;
* ``translation-status.html``: how far each page is translated.

Every page has a language switcher linking the same page in the other
language and side by side.  Each page says its language in ``<html lang>``
(Pagefind builds one search index per language from it); an original block
with no translation says ``lang`` on its own element and is marked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ...languages import language_name, ui_strings
from ...tree import Translated
from .text import esc, href_or_self

if TYPE_CHECKING:
    from ...languages import LanguageView
    from .nodes import PageRenderer, Site

#: The status page (a page of the default-language site, in no toc).
STATUS_SOURCE = "translation-status.md"
STATUS_OUTPUT = "translation-status.html"


def render_translated(r: "PageRenderer", t: Translated) -> str:
    """A ``Translated`` block: one language (untranslated originals marked), or both."""
    site = r.site
    origin = esc(site.origin_lang or "")
    if not site.side_by_side:
        if t.translation is not None:
            return r.blocks([t.translation, *t.more])
        if t.original is None:
            return ""
        label = esc(site.strings["untranslated"])
        lang = f' lang="{origin}"' if origin else ""
        return (f'<div class="untranslated"{lang} data-label="{label}" title="{label}">'
                f'{r.block(t.original)}</div>\n')
    toc_before = len(r.local_toc)
    left = ""
    if t.original is not None:
        # The original's column reads in its language: "Fig. 2.3.1", not "그림 2.3.1".
        r.site = _in_origin_language(site)
        try:
            left = r.block(t.original)
        finally:
            r.site = site
    if t.translation is not None:
        del r.local_toc[toc_before:]  # the translation's headings make the page's toc
        right = r.blocks([t.translation, *t.more])
    elif t.original is not None:
        right = f'<p class="untranslated-note">{esc(site.strings["untranslated"])}</p>'
    else:
        right = ""
    classes = ["bilingual-pair"]
    if t.stale:
        classes.append("stale")
        right = f'<p class="stale-note">{esc(site.strings["stale_note"])}</p>' + right
    if t.translation is None:
        classes.append("missing")
    if t.original is None:
        classes.append("added")
    return (f'<div class="{" ".join(classes)}"><div class="side original" lang="{origin}">{left}</div>'
            f'<div class="side translation" lang="{esc(site.lang)}">{right}</div></div>\n')


def _in_origin_language(site: "Site") -> "Site":
    """``site`` with the original's language and UI strings (for its column)."""
    if not site.origin_lang or site.origin_lang == site.lang:
        return site
    return replace(site, lang=site.origin_lang, strings=ui_strings(site.origin_lang))


def page_languages(view: "LanguageView", page_output: str, output: str, source: str) -> dict:
    """Template variables of one page: the language switcher and the side-by-side link."""
    from ...languages import ORIGINAL, SIDE_BY_SIDE, TRANSLATION, view_prefix

    langs = view.langs
    if source == STATUS_SOURCE:
        return {"languages": [], "side_by_side": False}

    def url(target: str) -> str:
        return href_or_self(output, target)

    links = []
    for kind, lang in ((TRANSLATION, langs.translation), (ORIGINAL, langs.origin)):
        links.append({"lang": lang, "name": language_name(lang), "current": view.kind == kind,
                      "url": url(view_prefix(kind, langs) + page_output)})
    return {
        "languages": links,
        "side_by_side": view.kind == SIDE_BY_SIDE,
        "side_by_side_url": url(view_prefix(SIDE_BY_SIDE, langs) + page_output),
        "status_url": url(STATUS_OUTPUT),
    }


# --------------------------------------------------------------------------
# The status page
# --------------------------------------------------------------------------
