"""Translated books, in one place: the one interface the rest of divebook uses.

How a book in two languages is read, viewed and reported (docs/translation.md):

* ``script.py``: which language a piece of prose is in, told from its script;
* ``book.py``: the book's two languages, and books read as written in one;
* ``pairing.py`` (with ``compare.py``): interleaved blocks and paired files
  (``files.py``: ``x.md`` + ``x_origin.md``) -> ``Translated`` pairs, checked;
* ``views.py``: one view per language and the side-by-side view, each
  resolved as a book of its own;
* ``status.py``: how far the translation has come (``git blame``), and
  ``report.py``: ``divebook check --translation`` (a command, above the stages);
* ``i18n.py``: the strings of the book's pages and PDF (captions, buttons) in its language.

The website's parts for translated books stay with the website
(``writers/html/languages.py`` and ``language_sites.py``).  ``ORIGINAL``,
``TRANSLATION`` and ``SIDE_BY_SIDE`` here are the kinds of view; the sides of a
block are ``script.ORIGIN`` and ``script.TRANSLATION``.
"""

from .book import PAIRING_CODES, as_written, book_languages, written_in_one_language  # noqa: F401
from .files import companion_bytes, companion_of, is_companion, read_origin_page  # noqa: F401
from .i18n import format_date, language_name, ref_text, reference_text  # noqa: F401
from .i18n import strings as ui_strings  # noqa: F401
from .pairing import pair_page  # noqa: F401
from .script import LanguagePair  # noqa: F401
from .views import (  # noqa: F401
    ORIGINAL, SIDE_BY_SIDE, SIDE_BY_SIDE_DIR, TRANSLATION, LanguageView, check_lang_option,
    keep_language, language_books, resolve_languages, side_by_side, view_prefix,
)
