"""The PDF writer (``divebook build pdf``): its one interface.

``book.py`` is the build target and the document; ``nodes.py`` and
``inlines.py`` render one page; ``run.py`` runs latexmk; the template is in
``templates/`` beside them (docs/pdf.md).
"""

from .book import render_book, write_pdf, write_pdf_target  # noqa: F401
